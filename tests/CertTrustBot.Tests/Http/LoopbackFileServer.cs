using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace CertTrustBot.Tests.Http;

/// <summary>Plays Teams' pre-authenticated downloadUrl (SharePoint / OneDrive): serves the files a test puts here.</summary>
public sealed class LoopbackFileServer : LoopbackServer
{
    private readonly ConcurrentDictionary<string, (byte[] Content, string ContentType, bool SendLength)> _files = new();
    private readonly ConcurrentQueue<string> _requests = new();

    /// <summary>The paths requested so far, with their Authorization header if any ("/f/x.cer Bearer ...").</summary>
    public IReadOnlyList<string> Requests => [.. _requests];

    /// <summary>Serves content at a fresh URL, as Teams makes a new downloadUrl for every upload.</summary>
    public Uri Serve(byte[] content, string contentType = "application/octet-stream", bool sendLength = true)
    {
        var path = $"f/{Guid.NewGuid():N}";
        _files[path] = (content, contentType, sendLength);
        return new Uri(BaseAddress, path);
    }

    protected override void Map(WebApplication app)
    {
        app.MapGet("/f/{id}", async (HttpContext context, string id) =>
        {
            _requests.Enqueue($"/f/{id} {context.Request.Headers.Authorization}".TrimEnd());
            if (!_files.TryGetValue($"f/{id}", out var file))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            context.Response.ContentType = file.ContentType;
            if (file.SendLength)
                context.Response.ContentLength = file.Content.Length;
            // Written in pieces, as a real server streams a large body (chunked when the length is not sent).
            foreach (var chunk in file.Content.Chunk(8192))
            {
                await context.Response.Body.WriteAsync(chunk);
                await context.Response.Body.FlushAsync();
            }
        });
    }
}
