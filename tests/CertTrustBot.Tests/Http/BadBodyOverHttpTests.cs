using System.Net;
using System.Text;
using Azure.Storage.Blobs;
using CertTrustBot.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;

namespace CertTrustBot.Tests.Http;

/// <summary>
/// A POST to /api/messages whose body is no activity, through the real pipeline and CloudAdapter (local mode, as
/// <c>npm start</c> and the Agents Playground run it): 400 with the reason, one log line without a stack trace, nothing
/// stored or sent. (With a MicrosoftAppId, see <see cref="AuthenticationOverHttpTests"/>.)
/// </summary>
[Collection("Azurite")]
public sealed class BadBodyOverHttpTests(AzuriteFixture azurite, LoopbackServers loopback) : IClassFixture<LoopbackServers>, IDisposable
{
    private readonly IReadOnlyDictionary<string, string?> _storage = azurite.NewConfiguration();
    private readonly CapturedLogs _logs = new();

    /// <summary>Bodies that are no activity, and what the answer says.</summary>
    public static TheoryData<string, string> NoActivity => new()
    {
        { "", "empty" },
        { "not json", "not valid JSON" },
        { "{\"type\": \"message\", \"text\": \"hi\"", "not valid JSON" },
        { "[]", "JSON array" },
        { "\"x\"", "JSON string" },
        { "42", "JSON number" },
        { "null", "JSON null" },
        { "{}", "no type" },
        { "{\"type\": 5}", "no type" },
        { "{\"type\": \"\"}", "no type" },
        { "{\"type\": \"message\", \"conversation\": \"x\"}", "'conversation'" },
    };

    [Theory]
    [MemberData(nameof(NoActivity))]
    public async Task A_body_that_is_no_activity_is_answered_400_with_the_reason_and_changes_nothing(string body, string reason)
    {
        var (status, answer) = await PostAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith("Bad request: ", answer, StringComparison.Ordinal);
        Assert.Contains(reason, answer, StringComparison.Ordinal);
        await AssertNothingHappenedAsync(reason);
    }

    // These parse as activities, so (as the SDK orders it) they are authenticated first; local mode lets them in.
    [Theory]
    [InlineData("{\"type\": \"message\", \"text\": \"hi\"}", "no serviceUrl")]
    [InlineData("{\"type\": \"message\", \"text\": \"hi\", \"serviceUrl\": \"not a url\", \"conversation\": {\"id\": \"a:1\"}}", "no serviceUrl")]
    [InlineData("{\"type\": \"message\", \"text\": \"hi\", \"serviceUrl\": \"SERVICE\"}", "no conversation id")]
    [InlineData("{\"type\": \"conversationUpdate\", \"serviceUrl\": \"SERVICE\", \"conversation\": {\"id\": \"\"}, \"membersAdded\": [{\"id\": \"b\"}], \"recipient\": {\"id\": \"b\"}}", "no conversation id")]
    public async Task An_activity_without_what_a_turn_needs_is_answered_400_not_500(string body, string reason)
    {
        var (status, answer) = await PostAsync(body.Replace("SERVICE", loopback.Channel.BaseAddress.ToString(), StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(reason, answer, StringComparison.Ordinal);
        await AssertNothingHappenedAsync(reason);
    }

    public void Dispose() => _logs.Dispose();

    private async Task<(HttpStatusCode Status, string Body)> PostAsync(string body)
    {
        await using var app = new BotApp(BotApp.Settings(_storage)).WithWebHostBuilder(b => b.ConfigureLogging(l => l.AddProvider(_logs)));
        using var client = app.CreateClient();
        _sentBefore = loopback.Channel.All.Count + loopback.Channel.Created.Count;
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await client.PostAsync(new Uri("/api/messages", UriKind.Relative), content);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private int _sentBefore;

    private static readonly string[] Containers = ["Storage:StateContainer", "Storage:CasesContainer", "Storage:CertificatesContainer"];

    /// <summary>Nothing sent, nothing stored, and one log line at Warning (the bad request), without an exception.</summary>
    private async Task AssertNothingHappenedAsync(string reason)
    {
        Assert.Equal(_sentBefore, loopback.Channel.All.Count + loopback.Channel.Created.Count);
        var service = new BlobServiceClient(azurite.ConnectionString);
        foreach (var container in Containers.Select(k => service.GetBlobContainerClient(_storage[k])))
        {
            if (await container.ExistsAsync())
                Assert.Empty(await container.GetBlobsAsync().ToListAsync());
        }

        var all = _logs.All;
        Assert.All(all, e => Assert.True(e.Exception is null, $"logged with an exception: {e}"));
        var bad = Assert.Single(all, e => e.Message.StartsWith("Bad request to /api/messages", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Warning, bad.Level);
        Assert.Contains(reason, bad.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', bad.Message);
        Assert.DoesNotContain(all, e => e.Level >= LogLevel.Error);
    }
}
