using System.Net;
using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using CertTrustBot.Cases;
using CertTrustBot.Slack;
using CertTrustBot.Tests.Http;
using CertTrustBot.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CertTrustBot.Tests.Slack;

/// <summary>
/// The Slack app over HTTP: the whole bot (real ASP.NET Core pipeline, Azurite) receiving signed Events API,
/// interactivity and slash-command requests, and talking to a loopback "Slack" that serves the Web API and private files.
/// </summary>
[Collection("Azurite")]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001:Types that own disposable fields should be disposable",
    Justification = "xunit disposes each test's fake Slack and apps in DisposeAsync (IAsyncLifetime).")]
public sealed class SlackOverHttpTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const string SigningSecret = "3b1f0c4e9a7d42c5b8e16f0a2d9c7e51";
    private const string StaffChannel = "C0STAFF001";
    private static readonly SlackUser Grace = new(FakeSlack.TeamId, "U0GRACE001", "grace");

    private readonly FakeSlack _slack = new();
    private readonly IReadOnlyDictionary<string, string?> _storage = azurite.NewConfiguration();
    private readonly List<BotApp> _apps = [];

    public Task InitializeAsync() => _slack.StartAsync();

    public async Task DisposeAsync()
    {
        foreach (var app in _apps)
            await app.DisposeAsync();
        await _slack.DisposeAsync();
    }

    [Fact]
    public async Task Slack_s_documented_example_request_is_refused_as_stale()
    {
        // From Slack's "Verifying requests from Slack": right secret and signature, but the timestamp is from 2018.
        const string secret = "8f742231b10e8888abcd99yyyzzz85a5";
        var (bot, slack) = Start(secret);
        var documented = await slack.SendAsync("/api/slack/commands", DocumentedExample.Body, "application/x-www-form-urlencoded",
            secret: secret, timestamp: DocumentedExample.Timestamp);

        Assert.Equal(HttpStatusCode.Unauthorized, documented.StatusCode);
        Assert.Equal(DocumentedExample.Signature, "v0=" + Convert.ToHexStringLower(SlackSignature.Compute(secret, "1531420618", System.Text.Encoding.UTF8.GetBytes(DocumentedExample.Body))));
        Assert.Empty(await InboxAsync(bot));
    }

    [Fact]
    public async Task A_changed_byte_a_missing_signature_or_another_secret_is_refused_and_nothing_is_recorded()
    {
        var (bot, slack) = Start();
        var ada = SlackUser.New("T0CUSTOM01", "ada");
        var body = ada.Message("help").ToJsonString();

        var tampered = await slack.SendAsync("/api/slack/events", body, "application/json", tamper: b => b.Replace("help", "hel p", StringComparison.Ordinal));
        var unsigned = await slack.SendAsync("/api/slack/events", body, "application/json", sign: false);
        var otherSecret = await slack.SendAsync("/api/slack/events", body, "application/json", secret: "0000000000000000aaaaaaaaaaaaaaaa");
        var stale = await slack.SendAsync("/api/slack/events", body, "application/json", timestamp: DateTimeOffset.UtcNow.AddMinutes(-6).ToUnixTimeSeconds());
        var ok = await slack.SendAsync("/api/slack/events", body, "application/json");

        Assert.Equal(HttpStatusCode.Unauthorized, tampered.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, otherSecret.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, stale.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Single(await InboxAsync(bot)); // only the genuine one
    }

    [Fact]
    public async Task The_url_verification_challenge_is_answered()
    {
        var (_, slack) = Start();
        var response = await slack.EventAsync(new JsonObject { ["token"] = "Jhj5dZrVaK7ZwHHjRyZWjbDl", ["challenge"] = "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", ["type"] = "url_verification" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["challenge"]);
    }

    [Fact]
    public async Task The_app_is_off_when_its_settings_are_empty()
    {
        var bot = new BotApp(BotApp.Settings(_storage));
        _apps.Add(bot);
        var slack = new SlackSender(bot, SigningSecret);

        var response = await slack.EventAsync(SlackUser.New("T0CUSTOM01", "ada").Message("help"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Each_request_is_acknowledged_before_its_work_is_done()
    {
        var (_, slack) = Start();
        var ada = SlackUser.New("T0CUSTOM01", "ada");
        _slack.HoldPosts = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // The reply cannot go out until the test lets it: an app that answered Slack only after its work would never
        // acknowledge this request.
        var ack = await slack.EventAsync(ada.Message("help")).WaitAsync(TimeSpan.FromSeconds(30));
        var command = await slack.CommandAsync(ada, "status").WaitAsync(TimeSpan.FromSeconds(30));
        var welcome = new SlackCall("chat.postMessage", new JsonObject
        {
            ["channel"] = ada.DirectMessage,
            ["text"] = "Certificate trust requests",
            ["blocks"] = new JsonArray(new JsonObject
            {
                ["type"] = "actions",
                ["block_id"] = "welcome-actions",
                ["elements"] = new JsonArray(new JsonObject { ["type"] = "button", ["action_id"] = "button-status", ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = "My cases" }, ["value"] = "action=status" }),
            }),
        }, "") { Ts = "1733000000.000001" };
        var press = await slack.InteractionAsync(ada.Press(welcome, welcome.Ts!, "button-status")).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
        Assert.Equal(HttpStatusCode.OK, command.StatusCode);
        Assert.Equal(HttpStatusCode.OK, press.StatusCode);
        Assert.Contains("direct messages", await command.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await _slack.WaitForAsync(c => c.Method == "chat.postMessage" && c.Channel == ada.DirectMessage, "the held reply");
        _slack.HoldPosts.SetResult();
        await _slack.WaitForAsync(c => c.Method == "chat.postMessage" && c.AllText.Contains("no cases yet", StringComparison.Ordinal), "the answer to the command");
        await _slack.WaitForAsync(c => c.Method == "chat.postMessage" && c.AllText.Contains("no cases yet", StringComparison.Ordinal), "the answer to the button", skip: _slack.Calls.ToList().FindIndex(c => c.AllText.Contains("no cases yet", StringComparison.Ordinal)) + 1);
    }

    [Fact]
    public async Task A_retried_event_is_answered_once()
    {
        var (_, slack) = Start();
        var ada = SlackUser.New("T0CUSTOM01", "ada");
        var first = ada.Message("help", eventId: "Ev0RETRY0001");

        Assert.Equal(HttpStatusCode.OK, (await slack.EventAsync(first)).StatusCode);
        await _slack.WaitForAsync(c => c.Method == "chat.postMessage" && c.Channel == ada.DirectMessage, "the answer");
        Assert.Equal(HttpStatusCode.OK, (await slack.EventAsync(first, retry: 1)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await slack.EventAsync(first, retry: 2)).StatusCode);
        // A later message is answered after anything the retries would have caused.
        await slack.EventAsync(ada.Message("status"));
        await _slack.WaitForAsync(c => c.Method == "chat.postMessage" && c.AllText.Contains("no cases yet", StringComparison.Ordinal), "the answer to status");

        Assert.Single(_slack.Calls, c => c.Method == "chat.postMessage" && c.AllText.Contains("What to send", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_bot_s_own_messages_are_never_answered()
    {
        var (_, slack) = Start();
        var ada = SlackUser.New("T0CUSTOM01", "ada");
        var fromBot = ada.Message("help");
        fromBot["event"]!["bot_id"] = FakeSlack.BotId;
        var asBotUser = ada.Message("help");
        asBotUser["event"]!["user"] = FakeSlack.BotUserId;

        await slack.EventAsync(fromBot);
        await slack.EventAsync(asBotUser);
        await slack.EventAsync(ada.Message("status"));
        await _slack.WaitForAsync(c => c.Method == "chat.postMessage" && c.AllText.Contains("no cases yet", StringComparison.Ordinal), "the answer to status");

        Assert.Single(_slack.Calls, c => c.Method == "chat.postMessage");
    }

    [Fact]
    public async Task A_file_in_the_DM_goes_report_picker_confirm_to_one_case_and_a_second_confirm_makes_none()
    {
        var (bot, slack) = Start();
        var ada = SlackUser.New("T0CUSTOM01", "ada");

        var (caseNumber, confirmation, confirmationTs) = await FileCaseAsync(slack, ada, "Production");

        var filed = await bot.Services.GetRequiredService<CaseDesk>().ListForRequesterAsync(new Requester(ada.UserId, "", null, ada.TeamId), CancellationToken.None);
        var one = Assert.Single(filed);
        Assert.Equal(caseNumber, one.CaseNumber);
        Assert.Equal(["Production"], one.Environments);
        Assert.Equal(ada.TeamId, one.Requester.TenantId);
        var certificate = await CertificateBlobAsync(one);
        Assert.Equal(TestCertificates.RootDer, certificate);
        // The file was fetched with the bot token, from the URL Slack gave.
        Assert.Contains(_slack.Calls, c => c.Method == "file" && c.Authorization == $"Bearer {FakeSlack.Token}");
        // The used confirmation was finished in place: no buttons left on it.
        var finished = await _slack.WaitForAsync(c => c.Method == "chat.update" && (string?)c.Body["ts"] == confirmationTs, "the finished confirmation");
        Assert.DoesNotContain(finished.Blocks.OfType<JsonObject>(), b => (string?)b["type"] is "actions" or "input");

        // The used picker shows what was chosen, in place of its inputs and buttons.
        var picker = _slack.Calls.First(c => c.Method == "chat.postMessage" && c.Blocks.OfType<JsonObject>().Any(b => (string?)b["block_id"] == "environments"));
        var pickerDone = await _slack.WaitForAsync(c => c.Method == "chat.update" && (string?)c.Body["ts"] == picker.Ts, "the finished picker");
        Assert.Contains("Which environments need this certificate?", pickerDone.AllText, StringComparison.Ordinal);
        Assert.Contains("*Environments*\nProduction", pickerDone.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain(pickerDone.Blocks.OfType<JsonObject>(), b => (string?)b["type"] is "actions" or "input");

        var before = _slack.Calls.Count;
        await slack.InteractionAsync(ada.Press(confirmation, confirmationTs, "button-confirm"));
        await _slack.WaitForAsync(c => c.Method == "chat.postMessage" && c.Channel == ada.DirectMessage, "the answer to the second confirm", skip: before);

        Assert.Single(await bot.Services.GetRequiredService<CaseDesk>().ListForRequesterAsync(new Requester(ada.UserId, "", null, ada.TeamId), CancellationToken.None));
    }

    [Fact]
    public async Task A_wrong_choice_redraws_the_picker_in_place_with_the_error_or_anew_when_Slack_cannot_update_it()
    {
        var (_, slack) = Start();
        var ada = SlackUser.New("T0CUSTOM01", "ada");
        await slack.EventAsync(ada.FileShare("root.cer", _slack.ServeFile(ada.TeamId, "root.cer", TestCertificates.RootDer)));
        var picker = await _slack.WaitForAsync(c => c.Method == "chat.postMessage" && c.Blocks.OfType<JsonObject>().Any(b => (string?)b["block_id"] == "environments"), "the picker");

        var before = _slack.Calls.Count;
        await slack.InteractionAsync(ada.Press(picker, TsOf(picker), "button-environments", new Dictionary<string, object> { ["otherEnvironment"] = "UAT; DROP" }));
        var redrawn = await _slack.WaitForAsync(c => c.Method == "chat.update" && (string?)c.Body["ts"] == TsOf(picker), "the picker redrawn", skip: before);
        Assert.Contains("can only have letters, digits, spaces and dashes", redrawn.AllText, StringComparison.Ordinal);
        Assert.Contains(redrawn.Blocks.OfType<JsonObject>(), b => (string?)b["block_id"] == "environments");
        Assert.Equal("UAT; DROP", (string?)redrawn.Blocks.OfType<JsonObject>().Single(b => (string?)b["block_id"] == "otherEnvironment")["element"]!["initial_value"]);

        // The message is gone: the picker with its error comes as a new message, since it must be seen.
        _slack.RefuseUpdates = true;
        before = _slack.Calls.Count;
        await slack.InteractionAsync(ada.Press(redrawn, TsOf(picker), "button-environments", new Dictionary<string, object> { ["otherEnvironment"] = "UAT; DROP" }));
        var anew = await _slack.WaitForAsync(c => c.Method == "chat.postMessage" && c.Channel == ada.DirectMessage, "the picker sent anew", skip: before);
        Assert.Contains("can only have letters, digits, spaces and dashes", anew.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pasted_PEM_in_a_code_block_is_read_as_in_Teams()
    {
        var (_, slack) = Start();
        var ada = SlackUser.New("T0CUSTOM01", "ada");

        // As Slack delivers it: in ``` fences, with &, < and > escaped in the text around it.
        await slack.EventAsync(ada.Message($"new request &lt;root&gt; &amp; co:\n```{TestCertificates.RootPem}```"));

        var report = await _slack.WaitForAsync(c => c.Method == "chat.postMessage" && c.AllText.Contains("CN=Contoso Test Root CA", StringComparison.Ordinal), "the report");
        Assert.Contains("Root CA", report.AllText, StringComparison.Ordinal);
        await _slack.WaitForAsync(c => c.Method == "chat.postMessage" && c.Blocks.OfType<JsonObject>().Any(b => (string?)b["block_id"] == "environments"), "the picker");
    }

    [Fact]
    public async Task Slack_s_sign_in_page_for_a_wrong_token_is_named_as_such_not_reported_as_a_web_page_certificate()
    {
        var (_, slack) = Start();
        var ada = SlackUser.New("T0CUSTOM01", "ada");
        _slack.FileToken = "xoxb-another-token";

        await slack.EventAsync(ada.FileShare("root.cer", _slack.ServeFile(ada.TeamId, "root.cer", TestCertificates.RootDer)));

        var said = await _slack.WaitForAsync(c => c.Method == "chat.postMessage" && c.Channel == ada.DirectMessage, "the answer");
        Assert.Contains("sign-in page", said.AllText, StringComparison.Ordinal);
        Assert.Contains("files:read", said.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain("environments", said.AllText, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_bot_token_goes_to_Slack_s_hosts_only_and_a_file_elsewhere_is_not_fetched()
    {
        var (_, slack) = Start();
        var ada = SlackUser.New("T0CUSTOM01", "ada");
        await using var elsewhere = new FakeSlack();
        await elsewhere.StartAsync();

        // A loopback host that is not the configured Slack (allowed by Attachments:AllowLoopback): fetched without the token.
        await slack.EventAsync(ada.FileShare("root.cer", elsewhere.ServeFile(ada.TeamId, "root.cer", TestCertificates.RootDer)));
        await _slack.WaitForAsync(c => c.Method == "chat.postMessage" && c.Channel == ada.DirectMessage, "the answer");
        var fetched = Assert.Single(elsewhere.Calls, c => c.Method == "file");
        Assert.Equal("", fetched.Authorization);

        // A host on the internet that is not Slack's: never requested.
        var before = _slack.Calls.Count;
        await slack.EventAsync(ada.FileShare("root.cer", new Uri("https://files.slack.com.evil.example/files-pri/T0-F1/download/root.cer")));
        var refused = await _slack.WaitForAsync(c => c.Method == "chat.postMessage" && c.Channel == ada.DirectMessage, "the refusal", skip: before);
        Assert.Contains("not allowed to download from", refused.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_Slack_setting_stops_the_start_and_names_the_setting()
    {
        var settings = BotApp.Settings(_storage);
        settings["Slack:BotToken"] = FakeSlack.Token;
        var bot = new BotApp(settings);
        _apps.Add(bot);

        var failure = Assert.ThrowsAny<Exception>(() => bot.CreateClient());

        Assert.Contains("Slack:SigningSecret is empty", failure.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(FakeSlack.Token, failure.ToString(), StringComparison.Ordinal);
        await Task.CompletedTask;
    }

    [Fact]
    public async Task The_case_goes_to_the_staff_channel_only_staff_may_act_and_a_staff_click_tells_the_customer_and_updates_the_message()
    {
        var (bot, slack) = Start();
        var ada = SlackUser.New("T0CUSTOM01", "ada");
        var (caseNumber, _, _) = await FileCaseAsync(slack, ada, "Production");

        var card = await _slack.WaitForAsync(c => c.Method == "chat.postMessage" && c.Channel == StaffChannel, "the case in the staff channel");
        Assert.Contains($"Case {caseNumber}", card.AllText, StringComparison.Ordinal);
        Assert.Contains(ada.TeamId, card.AllText, StringComparison.Ordinal);
        Assert.Contains("CN=Contoso Test Root CA", card.AllText, StringComparison.Ordinal);
        var cardTs = TsOf(card);
        var saved = await EventuallyAsync(() => bot.Services.GetRequiredService<CertTrustBot.Staff.StaffStore>().CardOfAsync(caseNumber, CancellationToken.None));
        Assert.Equal(cardTs, saved.MessageId);

        // Someone in the staff channel who is not listed staff.
        var outsider = new SlackUser(FakeSlack.TeamId, "U0MALLORY1", "mallory");
        var before = _slack.Calls.Count;
        await slack.InteractionAsync(outsider.Press(card, cardTs, "staff.install"));
        var refusal = await _slack.WaitForAsync(c => c.Method == "chat.postEphemeral", "the refusal", skip: before);
        Assert.Equal(outsider.UserId, (string?)refusal.Body["user"]);
        Assert.Contains("Only the support staff", refusal.AllText, StringComparison.Ordinal);
        Assert.Equal(CaseStatus.Submitted, (await bot.Services.GetRequiredService<CaseDesk>().FindAsync(caseNumber, CancellationToken.None))!.Status);

        // Listed staff, but the click comes from a DM, not the staff channel.
        before = _slack.Calls.Count;
        await slack.InteractionAsync(Grace.Press(card, cardTs, "staff.install", channel: Grace.DirectMessage));
        var elsewhere = await _slack.WaitForAsync(c => c.Method == "chat.postEphemeral", "the refusal from elsewhere", skip: before);
        Assert.Contains("staff channel", elsewhere.AllText, StringComparison.Ordinal);
        Assert.Equal(CaseStatus.Submitted, (await bot.Services.GetRequiredService<CaseDesk>().FindAsync(caseNumber, CancellationToken.None))!.Status);

        before = _slack.Calls.Count;
        await slack.InteractionAsync(Grace.Press(card, cardTs, "staff.install"));

        var told = await _slack.WaitForAsync(c => c.Method == "chat.postMessage" && c.Channel == ada.DirectMessage && c.AllText.Contains("installed", StringComparison.Ordinal), "the customer told", skip: before);
        Assert.Contains(caseNumber, told.AllText, StringComparison.Ordinal);
        Assert.Contains(_slack.Calls.Skip(before), c => c.Method == "conversations.open" && (string?)c.Body["users"] == ada.UserId);
        var updated = await _slack.WaitForAsync(c => c.Method == "chat.update" && c.Channel == StaffChannel && (string?)c.Body["ts"] == cardTs, "the staff message updated", skip: before);
        Assert.Contains("Installed", updated.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain(updated.Blocks.OfType<JsonObject>().Where(b => (string?)b["type"] == "actions").SelectMany(b => b["elements"]!.AsArray()), e => (string?)e!["action_id"] == "staff.install");
        Assert.Equal(CaseStatus.Installed, (await bot.Services.GetRequiredService<CaseDesk>().FindAsync(caseNumber, CancellationToken.None))!.Status);
    }

    [Fact]
    public async Task A_staff_question_reaches_the_customer_s_DM_and_their_answer_the_case_s_thread()
    {
        var (bot, slack) = Start();
        var ada = SlackUser.New("T0CUSTOM01", "ada");
        var (caseNumber, _, _) = await FileCaseAsync(slack, ada, "Production");
        var card = await _slack.WaitForAsync(c => c.Method == "chat.postMessage" && c.Channel == StaffChannel, "the case in the staff channel");
        await EventuallyAsync(() => bot.Services.GetRequiredService<CertTrustBot.Staff.StaffStore>().CardOfAsync(caseNumber, CancellationToken.None));

        var before = _slack.Calls.Count;
        await slack.InteractionAsync(Grace.Press(card, TsOf(card), "staff.ask", new Dictionary<string, object> { ["question"] = "Which host do your servers call? <!channel>" }));
        var asked = await _slack.WaitForAsync(c => c.Method == "chat.postMessage" && c.Channel == ada.DirectMessage, "the question in the DM", skip: before);
        Assert.Contains("Which host do your servers call? &lt;!channel&gt;", asked.AllText, StringComparison.Ordinal);
        Assert.Equal(CaseStatus.NeedsInformation, (await bot.Services.GetRequiredService<CaseDesk>().FindAsync(caseNumber, CancellationToken.None))!.Status);

        before = _slack.Calls.Count;
        await slack.EventAsync(ada.Message("erp.example.com, port 443"));

        var answer = await _slack.WaitForAsync(c => c.Method == "chat.postMessage" && c.Channel == StaffChannel && (string?)c.Body["thread_ts"] == TsOf(card), "the answer in the case's thread", skip: before);
        Assert.Contains("erp.example.com, port 443", answer.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Staff_commands_in_the_staff_channel_answer_staff_only()
    {
        var (_, slack) = Start();
        var ada = SlackUser.New("T0CUSTOM01", "ada");
        var (caseNumber, _, _) = await FileCaseAsync(slack, ada, "Production");

        var before = _slack.Calls.Count;
        Assert.Equal(HttpStatusCode.OK, (await slack.CommandAsync(Grace, "cases", StaffChannel)).StatusCode);
        var listed = await _slack.WaitForAsync(c => c.Method == "chat.postEphemeral", "the list of open cases", skip: before);
        Assert.Equal(Grace.UserId, (string?)listed.Body["user"]);
        Assert.Contains(caseNumber, listed.AllText, StringComparison.Ordinal);

        var mallory = new SlackUser(FakeSlack.TeamId, "U0MALLORY1", "mallory");
        before = _slack.Calls.Count;
        await slack.CommandAsync(mallory, "cases", StaffChannel);
        var refused = await _slack.WaitForAsync(c => c.Method == "chat.postEphemeral", "the refusal", skip: before);
        Assert.Contains("Only the support staff", refused.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain(caseNumber, refused.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_workspace_cannot_see_the_case()
    {
        var (_, slack) = Start();
        var ada = SlackUser.New("T0CUSTOM01", "ada");
        var (caseNumber, _, _) = await FileCaseAsync(slack, ada, "Production");
        var stranger = SlackUser.New("T0OTHER001", "eve");
        var colleague = SlackUser.New("T0CUSTOM01", "bob");

        await slack.EventAsync(stranger.Message($"status {caseNumber}"));
        await slack.EventAsync(colleague.Message($"status {caseNumber}"));

        var refused = await _slack.WaitForAsync(c => c.Method == "chat.postMessage" && c.Channel == stranger.DirectMessage, "the stranger's answer");
        var shown = await _slack.WaitForAsync(c => c.Method == "chat.postMessage" && c.Channel == colleague.DirectMessage, "the colleague's answer");
        Assert.Contains("couldn't find", refused.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain("Production", refused.AllText, StringComparison.Ordinal);
        Assert.Contains("Production", shown.AllText, StringComparison.Ordinal);
    }

    private Task<(string CaseNumber, SlackCall Confirmation, string ConfirmationTs)> FileCaseAsync(SlackSender slack, SlackUser user, params string[] environments) =>
        SlackFlow.FileCaseAsync(_slack, slack, user, environments);

    private static string TsOf(SlackCall posted) => SlackFlow.TsOf(posted);

    private (BotApp Bot, SlackSender Slack) Start(string secret = SigningSecret)
    {
        var settings = BotApp.Settings(_storage);
        settings["Slack:SigningSecret"] = secret;
        settings["Slack:BotToken"] = FakeSlack.Token;
        settings["Slack:ApiBaseUrl"] = _slack.ApiBaseUrl.ToString();
        settings["Slack:StaffChannelId"] = StaffChannel;
        settings["Slack:StaffUserIds"] = Grace.UserId;
        settings["Slack:InboxPollInterval"] = "00:00:01";
        var bot = new BotApp(settings);
        _apps.Add(bot);
        return (bot, new SlackSender(bot, secret));
    }

    private async Task<IReadOnlyList<string>> InboxAsync(BotApp bot)
    {
        var container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(_storage["Storage:StateContainer"]);
        if (!await container.ExistsAsync())
            return [];
        var names = new List<string>();
        await foreach (var blob in container.GetBlobsAsync(new Azure.Storage.Blobs.Models.GetBlobsOptions { Prefix = SlackInbox.Prefix }))
            names.Add(blob.Name);
        _ = bot;
        return names;
    }

    private async Task<byte[]> CertificateBlobAsync(SupportCase supportCase)
    {
        var container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(_storage["Storage:CertificatesContainer"]);
        return (await container.GetBlobClient(supportCase.Certificates[0].BlobName).DownloadContentAsync()).Value.Content.ToArray();
    }

    private static async Task<T> EventuallyAsync<T>(Func<Task<T?>> look) where T : class
    {
        for (var i = 0; i < 400; i++)
        {
            if (await look() is { } found)
                return found;
            await Task.Delay(50);
        }

        throw new TimeoutException("never came");
    }

    private static class DocumentedExample
    {
        public const long Timestamp = 1531420618;
        public const string Signature = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";
        public const string Body = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
    }
}
