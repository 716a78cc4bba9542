using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CertTrustBot.Tests.Webhooks;

/// <summary>
/// An external case desk on a free 127.0.0.1 port: a real Kestrel app that records every POST to <see cref="Url"/> and
/// answers <see cref="Answer"/>. It can be stopped (the port then refuses connections) and started again on the same port.
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly TaskCompletionSource<ReceivedWebhook> _first = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private WebApplication? _app;

    private WebhookReceiver()
    {
    }

    public int Port { get; private set; }

    public string Url => $"http://127.0.0.1:{Port}/hooks/cases";

    /// <summary>Every request received, in arrival order, whatever was answered.</summary>
    public ConcurrentQueue<ReceivedWebhook> Received { get; } = new();

    /// <summary>Completes with the first request received.</summary>
    public Task<ReceivedWebhook> FirstReceived => _first.Task;

    /// <summary>The status code the receiver answers with (200 by default).</summary>
    public HttpStatusCode Answer { get; set; } = HttpStatusCode.OK;

    public static async Task<WebhookReceiver> StartAsync()
    {
        var receiver = new WebhookReceiver();
        await receiver.ListenAsync(0);
        return receiver;
    }

    /// <summary>Takes the receiver down: its port refuses connections until <see cref="RestartAsync"/>.</summary>
    public async Task StopAsync()
    {
        if (_app is null)
            return;
        await _app.StopAsync();
        await _app.DisposeAsync();
        _app = null;
    }

    public Task RestartAsync() => _app is null ? ListenAsync(Port) : Task.CompletedTask;

    public ValueTask DisposeAsync() => new(StopAsync());

    private async Task ListenAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        app.MapPost("/hooks/cases", async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            var received = new ReceivedWebhook(
                request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                body.ToArray(),
                (int)Answer);
            Received.Enqueue(received);
            _first.TrySetResult(received);
            return Results.StatusCode((int)Answer);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        Port = new Uri(address).Port;
        _app = app;
    }
}

/// <summary>One request as the receiver got it, and the status it answered.</summary>
internal sealed record ReceivedWebhook(IReadOnlyDictionary<string, string> Headers, byte[] Body, int AnsweredWith)
{
    public string Header(string name) => Headers.TryGetValue(name, out var value) ? value : "";

    public string Id => Header("Idempotency-Key");
}
