using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;
using Newtonsoft.Json.Linq;

namespace CertTrustBot.Tests.Http;

/// <summary>
/// The whole bot (Program, the real CloudAdapter, blob storage) in memory, configured like a deployment in local
/// mode (no app id). Two BotApps built with the same settings share storage, like two instances, or one restarted.
/// </summary>
public sealed class BotApp(IReadOnlyDictionary<string, string?> settings) : WebApplicationFactory<Program>
{
    /// <summary>Settings for a bot on the given storage that may download from loopback (the test file server).</summary>
    public static Dictionary<string, string?> Settings(IReadOnlyDictionary<string, string?> storage) =>
        new(storage) { ["Attachments:AllowLoopback"] = "true" };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // Not Development: loopback downloads are allowed by the setting above, as a deployment would configure it.
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in settings)
            builder.UseSetting(key, value);
        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
    }

    private HttpClient? _client;

    /// <summary>POSTs an activity to /api/messages as the Bot Framework service would.</summary>
    public async Task<HttpResponseMessage> PostAsync(JObject activity)
    {
        // One client for the app's lifetime (created on first use, after any UseKestrel): no connection churn under load.
        var client = LazyInitializer.EnsureInitialized(ref _client, CreateClient);
        using var content = new StringContent(activity.ToString(), Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return await client.PostAsync(new Uri("/api/messages", UriKind.Relative), content);
    }

    public override async ValueTask DisposeAsync()
    {
        _client?.Dispose();
        await base.DisposeAsync();
    }
}
