using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Azure.Storage.Blobs;
using CertTrustBot.Cases;
using CertTrustBot.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Newtonsoft.Json.Linq;

namespace CertTrustBot.Tests.Http;

/// <summary>
/// The bot as Teams and Azure Bot Service exercise it: real Teams activity payloads POSTed to /api/messages, the
/// real CloudAdapter sending replies to a loopback channel service, files served by a loopback "downloadUrl" host,
/// and Azure Blob Storage played by Azurite.
/// </summary>
[Collection("Azurite")]
public sealed partial class TeamsConversationOverHttpTests(AzuriteFixture azurite, LoopbackServers loopback)
    : IClassFixture<LoopbackServers>, IAsyncLifetime
{
    private readonly LoopbackChannel _channel = loopback.Channel;
    private readonly LoopbackFileServer _files = loopback.Files;
    private readonly IReadOnlyDictionary<string, string?> _storage = azurite.NewConfiguration();
    private readonly List<BotApp> _apps = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var app in _apps)
            await app.DisposeAsync();
    }

    [Fact]
    public async Task A_certificate_file_becomes_a_case_with_its_certificate_in_blob_storage()
    {
        var bot = StartBot();
        var chat = new TeamsChat(_channel);

        var picker = await SendFileAsync(bot, chat, "contoso-root.cer", TestCertificates.RootDer);
        var confirmation = await ChooseEnvironmentsAsync(bot, chat, picker, "Production,Test");
        var receipt = await SendAsync(bot, chat, chat.Submit(confirmation, "confirm"));

        var caseNumber = CaseNumberIn(receipt);
        var stored = Assert.Single(await CasesOfAsync(bot, chat));
        Assert.Equal(caseNumber, stored.CaseNumber);
        Assert.Equal(["Production", "Test"], stored.Environments.Order());
        var certificate = Assert.Single(stored.Certificates);
        Assert.Equal(TestCertificates.RootSha256, certificate.Sha256, ignoreCase: true);
        Assert.Equal(TestCertificates.RootDer, await DownloadCertificateBlobAsync(certificate.BlobName));
        Assert.Equal(chat.ConversationId, (string?)JObject.Parse(stored.ConversationReference)["conversation"]?["id"]);
    }

    [Fact]
    public async Task Used_cards_are_updated_in_place_to_their_finished_state_without_buttons()
    {
        var bot = StartBot();
        var chat = new TeamsChat(_channel);
        var picker = await SendFileAsync(bot, chat, "contoso-root.cer", TestCertificates.RootDer);

        // Teams sends a card's submit with replyToId: the id of the message that holds the card.
        var pressed = chat.Submit(picker, "environments", new Dictionary<string, string> { ["environments"] = "Production,Test" });
        pressed["replyToId"] = "1732870000picker";
        var replies = await SendAsync(bot, chat, pressed);
        var confirmation = Assert.Single(replies, r => HasSubmit(r, "confirm"));
        var confirm = chat.Submit(confirmation, "confirm");
        confirm["replyToId"] = "1732870000confirm";
        var receipt = await SendAsync(bot, chat, confirm);

        var pickerNow = Assert.Single(_channel.Updates, u => u.ConversationId == chat.ConversationId && u.ReplyToId == "1732870000picker").Cards.Single();
        Assert.Contains("Which environments need this certificate?", pickerNow.ToString(), StringComparison.Ordinal);
        Assert.Contains("Test, Production", pickerNow.ToString(), StringComparison.Ordinal); // in the catalogue's order
        Assert.Null(pickerNow["actions"]);
        Assert.DoesNotContain(pickerNow.Descendants().OfType<JObject>(), o => ((string?)o["type"])?.StartsWith("Input.", StringComparison.Ordinal) == true);
        var confirmationNow = Assert.Single(_channel.Updates, u => u.ReplyToId == "1732870000confirm").Cards.Single();
        Assert.Contains("Request confirmed", confirmationNow.ToString(), StringComparison.Ordinal);
        Assert.Contains(CaseNumberIn(receipt), receipt.Single().Cards.Single().ToString(), StringComparison.Ordinal);
        Assert.Null(confirmationNow["actions"]);
        Assert.DoesNotContain(receipt, r => r.Text?.Contains("Confirmed", StringComparison.Ordinal) == true); // updated, not sent again
    }

    [Fact]
    public async Task A_cancel_from_a_card_without_its_message_id_is_answered_with_a_new_message()
    {
        var bot = StartBot();
        var chat = new TeamsChat(_channel);
        var picker = await SendFileAsync(bot, chat, "contoso-root.cer", TestCertificates.RootDer);
        var cancel = chat.Submit(picker, "cancel");
        cancel.Remove("replyToId");
        var updatesBefore = _channel.Updates.Count;

        var replies = await SendAsync(bot, chat, cancel);

        Assert.Contains("Request cancelled", Assert.Single(replies).Cards.Single().ToString(), StringComparison.Ordinal);
        Assert.Equal(updatesBefore, _channel.Updates.Count);
    }

    [Fact]
    public async Task Confirming_twice_or_receiving_the_same_confirm_again_files_one_case()
    {
        var bot = StartBot();
        var chat = new TeamsChat(_channel);
        var picker = await SendFileAsync(bot, chat, "contoso-root.cer", TestCertificates.RootDer);
        var confirmation = await ChooseEnvironmentsAsync(bot, chat, picker, "Production");

        var confirm = chat.Submit(confirmation, "confirm");
        var first = await SendAsync(bot, chat, confirm);
        var doubleClick = await SendAsync(bot, chat, chat.Submit(confirmation, "confirm"));
        var channelRetry = await SendAsync(bot, chat, confirm); // the same activity, re-POSTed by the channel

        var caseNumber = CaseNumberIn(first);
        Assert.Single(await CasesOfAsync(bot, chat));
        foreach (var later in new[] { doubleClick, channelRetry })
        {
            var mentioned = CaseNumbers().Matches(AllText(later)).Select(m => m.Value).Distinct();
            Assert.All(mentioned, n => Assert.Equal(caseNumber, n));
        }
    }

    [Fact]
    public async Task A_pfx_with_a_private_key_is_blocked_and_nothing_is_stored()
    {
        var bot = StartBot();
        var chat = new TeamsChat(_channel);

        var replies = await SendAsync(bot, chat, chat.File("server.pfx", _files.Serve(TestCertificates.RootPfx())));

        Assert.DoesNotContain(replies, r => HasSubmit(r, "environments"));
        Assert.Contains("private key", AllText(replies), StringComparison.OrdinalIgnoreCase);
        Assert.Empty(await CasesOfAsync(bot, chat));
        Assert.Empty(await BlobsAsync("Storage:CertificatesContainer"));
        Assert.DoesNotContain(await StateBlobsTextAsync(), s => s.Contains(Convert.ToBase64String(TestCertificates.RootPfx().AsSpan(0, 16)), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Pasted_PEM_text_is_checked_like_a_file()
    {
        var bot = StartBot();
        var chat = new TeamsChat(_channel);

        // Teams reflows pasted text: the line breaks arrive as spaces.
        var replies = await SendAsync(bot, chat, chat.Message(TestCertificates.RootPem.ReplaceLineEndings(" ")));

        Assert.Contains(replies, r => HasSubmit(r, "environments"));
    }

    [Fact]
    public async Task After_a_restart_the_conversation_continues_at_the_same_step()
    {
        var chat = new TeamsChat(_channel);
        var before = StartBot();
        var picker = await SendFileAsync(before, chat, "contoso-root.cer", TestCertificates.RootDer);
        await before.DisposeAsync();

        var after = StartBot();
        var confirmation = await ChooseEnvironmentsAsync(after, chat, picker, "Test");
        var receipt = await SendAsync(after, chat, chat.Submit(confirmation, "confirm"));

        Assert.Equal(CaseNumberIn(receipt), Assert.Single(await CasesOfAsync(after, chat)).CaseNumber);
    }

    [Fact]
    public async Task Two_instances_sharing_storage_can_answer_alternate_turns()
    {
        var chat = new TeamsChat(_channel);
        var first = StartBot();
        var second = StartBot();

        var picker = await SendFileAsync(first, chat, "contoso-root.cer", TestCertificates.RootDer);
        var confirmation = await ChooseEnvironmentsAsync(second, chat, picker, "Production");
        var receipt = await SendAsync(first, chat, chat.Submit(confirmation, "confirm"));
        await SendAsync(second, chat, chat.Submit(confirmation, "confirm"));

        Assert.Equal(CaseNumberIn(receipt), Assert.Single(await CasesOfAsync(second, chat)).CaseNumber);
    }

    [Fact]
    public async Task A_download_link_that_answers_a_web_page_is_recognised()
    {
        var bot = StartBot();
        var chat = new TeamsChat(_channel);
        var page = _files.Serve(Encoding.UTF8.GetBytes("<!DOCTYPE html><html><body>Sign in to OneDrive</body></html>"), "text/html; charset=utf-8");

        var replies = await SendAsync(bot, chat, chat.File("root.cer", page));

        Assert.Contains("web page, not the file", AllText(replies), StringComparison.Ordinal);
        Assert.DoesNotContain(replies, r => HasSubmit(r, "environments"));
    }

    [Fact]
    public async Task A_file_over_the_size_limit_is_refused_without_reading_it_all()
    {
        var bot = StartBot();
        var chat = new TeamsChat(_channel);

        var replies = await SendAsync(bot, chat, chat.File("huge.cer", _files.Serve(new byte[3 * 1024 * 1024], sendLength: false)));

        Assert.Contains("larger than 1024 KiB", AllText(replies), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_download_url_outside_the_allow_list_is_never_fetched()
    {
        var bot = StartBot();
        var chat = new TeamsChat(_channel);

        var replies = await SendAsync(bot, chat, chat.File("root.cer", new Uri("https://files.example.net/root.cer")));

        Assert.Contains("not allowed to download from", AllText(replies), StringComparison.Ordinal);
    }

    // The Unicode host ends in ".sharepoint.com", the host connected to would not parse: before the IDN host was
    // compared, the download threw and the user got the generic error instead of this answer.
    [Theory]
    [InlineData("https://evil.example\uFF0F.sharepoint.com/root.cer")]
    [InlineData("https://evil.example\uFF1F.sharepoint.com/root.cer")]
    [InlineData("https://evil.example\uFF03.sharepoint.com/root.cer")]
    public async Task A_download_url_whose_host_changes_under_IDN_normalisation_gets_the_couldnt_get_that_file_answer(string url)
    {
        var bot = StartBot();
        var chat = new TeamsChat(_channel);

        var replies = await SendAsync(bot, chat, chat.File("root.cer", new Uri(url)));

        Assert.Contains("I couldn't get **root.cer**: it is stored somewhere I am not allowed to download from", AllText(replies), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_posted_in_a_channel_gets_an_invitation_to_the_personal_chat()
    {
        var bot = StartBot();
        var chat = new TeamsChat(_channel, conversationType: "channel");

        var replies = await SendAsync(bot, chat, chat.HtmlWithFile("root.cer"));

        Assert.Contains("1:1 chat", AllText(replies), StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_storage_is_down_the_user_is_told_and_no_case_is_filed()
    {
        await using var plug = new StoragePlug(azurite.BlobPort);
        var settings = new Dictionary<string, string?>(_storage) { ["ConnectionStrings:Storage"] = plug.ConnectionString };
        var bot = StartBot(settings);
        var chat = new TeamsChat(_channel);
        var picker = await SendFileAsync(bot, chat, "contoso-root.cer", TestCertificates.RootDer);
        var confirmation = await ChooseEnvironmentsAsync(bot, chat, picker, "Production");

        plug.Unplug();
        var duringOutage = await SendAsync(bot, chat, chat.Submit(confirmation, "confirm"));
        plug.PlugIn();

        Assert.Contains("temporarily unavailable", AllText(duringOutage), StringComparison.Ordinal);
        Assert.DoesNotMatch(CaseNumbers(), AllText(duringOutage));
        Assert.Empty(await CasesOfAsync(bot, chat));
        Assert.Empty(await BlobsAsync("Storage:CertificatesContainer"));

        // Once storage is back, the same confirm files the case, once.
        var receipt = await SendAsync(bot, chat, chat.Submit(confirmation, "confirm"));
        Assert.Equal(CaseNumberIn(receipt), Assert.Single(await CasesOfAsync(bot, chat)).CaseNumber);
    }

    [Fact]
    public async Task Health_reports_whether_storage_answers()
    {
        await using var plug = new StoragePlug(azurite.BlobPort);
        var bot = StartBot(new Dictionary<string, string?>(_storage)
        {
            ["ConnectionStrings:Storage"] = plug.ConnectionString,
            ["Storage:HealthCheckCacheDuration"] = "00:00:00", // probe on every call: the outage shows at once
        });
        using var client = bot.CreateClient();

        using var up = await client.GetAsync(new Uri("/healthz", UriKind.Relative));
        plug.Unplug();
        using var down = await client.GetAsync(new Uri("/healthz", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, up.StatusCode);
        Assert.Equal("Healthy", (string?)JObject.Parse(await up.Content.ReadAsStringAsync())["status"]);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
        Assert.Equal("{\"status\":\"Unhealthy\"}", await down.Content.ReadAsStringAsync()); // the status only
    }

    [Fact]
    public async Task Installing_the_bot_sends_a_welcome()
    {
        var bot = StartBot();
        var chat = new TeamsChat(_channel);

        var replies = await SendAsync(bot, chat, chat.BotInstalled());

        Assert.NotEmpty(replies);
        Assert.Equal(TeamsChat.BotId, (string?)replies[0].Activity["from"]?["id"]);
    }

    // Loopback downloads are for local runs and tests: switched on anywhere else, start-up says so (as it does for an
    // empty MicrosoftAppId).
    [Theory]
    [InlineData("Production", "true", true)]
    [InlineData("Testing", "true", true)]
    [InlineData("Production", "false", false)]
    [InlineData("Development", "true", false)]
    public void Loopback_downloads_switched_on_outside_Development_are_warned_about_at_start_up(string environment, string allowLoopback, bool warned)
    {
        using var logs = new CapturedLogs();
        var bot = new BotApp(new Dictionary<string, string?>(_storage) { ["Attachments:AllowLoopback"] = allowLoopback });
        _apps.Add(bot); // disposing it disposes the app derived from it
        var app = bot.WithWebHostBuilder(builder => builder.UseEnvironment(environment).ConfigureLogging(logging => logging.AddProvider(logs)));

        using var client = app.CreateClient();

        var warnings = logs.All.Where(e => e.Level == LogLevel.Warning && e.Message.Contains("Attachments:AllowLoopback", StringComparison.Ordinal)).ToList();
        Assert.Equal(warned ? 1 : 0, warnings.Count);
    }

    [Fact]
    public async Task A_bad_setting_stops_the_bot_at_start_up_naming_the_setting()
    {
        var app = new BotApp(new Dictionary<string, string?>(_storage) { ["MicrosoftAppType"] = "SingelTenant" });
        _apps.Add(app);

        var error = Assert.ThrowsAny<Exception>(() => app.CreateClient());

        Assert.Contains("MicrosoftAppType", error.ToString(), StringComparison.Ordinal);
    }

    private BotApp StartBot(IReadOnlyDictionary<string, string?>? storage = null)
    {
        var app = new BotApp(BotApp.Settings(storage ?? _storage));
        _apps.Add(app);
        return app;
    }

    private static async Task<IReadOnlyList<LoopbackChannel.CapturedActivity>> SendAsync(BotApp bot, TeamsChat chat, JObject activity)
    {
        using var response = await bot.PostAsync(activity);
        Assert.True(response.IsSuccessStatusCode, $"POST /api/messages answered {(int)response.StatusCode}");
        // The adapter sends the replies during the request, so they have all arrived when it answers.
        return chat.NewReplies();
    }

    /// <summary>Sends a file; returns the environment picker that follows the report.</summary>
    private async Task<LoopbackChannel.CapturedActivity> SendFileAsync(BotApp bot, TeamsChat chat, string name, byte[] content)
    {
        var replies = await SendAsync(bot, chat, chat.File(name, _files.Serve(content)));
        return replies.SingleOrDefault(r => HasSubmit(r, "environments"))
            ?? throw new Xunit.Sdk.XunitException($"No environment picker after the file. Replies:\n{Describe(replies)}");
    }

    private static async Task<LoopbackChannel.CapturedActivity> ChooseEnvironmentsAsync(
        BotApp bot, TeamsChat chat, LoopbackChannel.CapturedActivity picker, string environments)
    {
        var replies = await SendAsync(bot, chat, chat.Submit(picker, "environments", new Dictionary<string, string> { ["environments"] = environments }));
        return replies.SingleOrDefault(r => HasSubmit(r, "confirm"))
            ?? throw new Xunit.Sdk.XunitException($"No confirmation card after choosing environments. Replies:\n{Describe(replies)}");
    }

    private static async Task<IReadOnlyList<SupportCase>> CasesOfAsync(BotApp bot, TeamsChat chat) =>
        await bot.Services.GetRequiredService<CaseDesk>().ListForRequesterAsync(
            new Requester(chat.UserId, "Ada Lovelace", chat.UserAadObjectId, TeamsChat.TenantId), CancellationToken.None);

    private async Task<byte[]> DownloadCertificateBlobAsync(string blobName)
    {
        var container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(_storage["Storage:CertificatesContainer"]);
        return (await container.GetBlobClient(blobName).DownloadContentAsync()).Value.Content.ToArray();
    }

    private async Task<IReadOnlyList<string>> BlobsAsync(string containerKey)
    {
        var container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(_storage[containerKey]);
        if (!await container.ExistsAsync())
            return [];
        var names = new List<string>();
        await foreach (var blob in container.GetBlobsAsync())
            names.Add(blob.Name);
        return names;
    }

    private async Task<IReadOnlyList<string>> StateBlobsTextAsync()
    {
        var container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(_storage["Storage:StateContainer"]);
        var texts = new List<string>();
        foreach (var name in await BlobsAsync("Storage:StateContainer"))
            texts.Add((await container.GetBlobClient(name).DownloadContentAsync()).Value.Content.ToString());
        return texts;
    }

    private static bool HasSubmit(LoopbackChannel.CapturedActivity reply, string action) =>
        reply.Cards.Any(card => card.Descendants().OfType<JObject>()
            .Any(o => (string?)o["type"] == "Action.Submit" && (string?)o["data"]?["action"] == action));

    /// <summary>Everything the user can read in these replies: texts and every string in the cards.</summary>
    private static string AllText(IEnumerable<LoopbackChannel.CapturedActivity> replies) =>
        string.Join("\n", replies.SelectMany(r =>
            new[] { r.Text ?? "" }.Concat(r.Cards.SelectMany(c => c.Descendants().OfType<JValue>()
                .Where(v => v.Type == JTokenType.String).Select(v => (string)v!)))));

    private static string CaseNumberIn(IReadOnlyList<LoopbackChannel.CapturedActivity> replies) =>
        CaseNumbers().Match(AllText(replies)) is { Success: true } match
            ? match.Value
            : throw new Xunit.Sdk.XunitException($"No case number in the replies:\n{Describe(replies)}");

    private static string Describe(IEnumerable<LoopbackChannel.CapturedActivity> replies) =>
        string.Join("\n---\n", replies.Select(r => r.Activity.ToString()));

    [GeneratedRegex(@"\bCT-\d{4,}\b")]
    private static partial Regex CaseNumbers();
}
