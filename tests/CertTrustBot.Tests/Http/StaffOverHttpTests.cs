using System.Text.RegularExpressions;
using Azure.Storage.Blobs;
using CertTrustBot.Cases;
using CertTrustBot.Cases.Events;
using CertTrustBot.Conversation;
using CertTrustBot.Staff;
using CertTrustBot.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Newtonsoft.Json.Linq;

namespace CertTrustBot.Tests.Http;

/// <summary>
/// The support staff's side over HTTP: the real CloudAdapter posting case cards to a loopback channel service
/// (CreateConversation in the staff channel, PUT to update), Action.Execute invokes from the staff team, proactive
/// messages to the customer's 1:1 chat, and Azurite for everything kept.
/// </summary>
[Collection("Azurite")]
public sealed partial class StaffOverHttpTests(AzuriteFixture azurite, LoopbackServers loopback)
    : IClassFixture<LoopbackServers>, IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);
    private static readonly System.Text.Json.JsonSerializerOptions Web = new(System.Text.Json.JsonSerializerDefaults.Web);
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
    public async Task A_new_case_is_posted_to_the_staff_channel_as_a_new_thread_with_its_certificate_link()
    {
        var staff = new StaffTeam(_channel);
        var bot = StartBot(staff);
        await PostAsync(bot, staff.BotInstalled());
        var customer = new TeamsChat(_channel);

        var caseNumber = await FileCaseAsync(bot, customer, "Production,Test");

        var thread = await CaseThreadAsync(staff, caseNumber);
        var card = thread.Message.Cards.Single();
        var text = AllText(card);
        Assert.Equal(staff.TeamId, thread.ChannelId);
        Assert.Contains($"Case {caseNumber}", text, StringComparison.Ordinal);
        Assert.Contains("Ada Lovelace", text, StringComparison.Ordinal);
        Assert.Contains(TeamsChat.TenantId, text, StringComparison.Ordinal);
        Assert.Contains("CN=Contoso Test Root CA", text, StringComparison.Ordinal);
        Assert.Contains(TestCertificates.RootSha256[..4], text, StringComparison.Ordinal);
        Assert.Contains("Expected by", text, StringComparison.Ordinal);
        var link = card.Descendants().OfType<JObject>().Single(o => (string?)o["type"] == "Action.OpenUrl")["url"]!.ToString();
        using var http = new HttpClient();
        Assert.Equal(TestCertificates.RootDer, await http.GetByteArrayAsync(new Uri(link)));
        Assert.Contains("sp=r", link, StringComparison.Ordinal); // read-only
        // The dispatcher saves the card after the channel answered the post: the thread can be seen before the record.
        var posted = await EventuallyAsync(() => bot.Services.GetRequiredService<StaffStore>().CardOfAsync(caseNumber, CancellationToken.None), "the saved card of the case");
        Assert.Equal(thread.ActivityId, posted.MessageId);
    }

    [Fact]
    public async Task Only_staff_may_act_and_marking_installed_tells_the_customer_and_updates_the_card_for_everyone()
    {
        var (staff, bot, customer, caseNumber, thread) = await PostedCaseAsync("Production,Test");
        var card = thread.Message.Cards.Single();
        customer.NewReplies();

        var refusal = await InvokeAsync(bot, staff.Execute(thread, card, "staff.install", staff.Outsider));

        Assert.Equal("application/vnd.microsoft.activity.message", (string?)refusal["type"]);
        Assert.Contains("Only the support staff", (string?)refusal["value"], StringComparison.Ordinal);
        var unchanged = await CaseAsync(bot, caseNumber);
        Assert.Equal(CaseStatus.Submitted, unchanged.Status);
        Assert.Single(unchanged.History);

        var installed = await InvokeAsync(bot, staff.Execute(thread, card, "staff.install", staff.Member,
            new Dictionary<string, string> { [StaffAction.EnvironmentsInput] = "Production,Test" }));

        Assert.Equal("application/vnd.microsoft.card.adaptive", (string?)installed["type"]);
        Assert.Contains("Installed", AllText((JObject)installed["value"]!), StringComparison.Ordinal);
        var done = await CaseAsync(bot, caseNumber);
        Assert.Equal(CaseStatus.Installed, done.Status);
        Assert.Equal("Grace Hopper", done.History[^1].Actor);
        Assert.Equal(CaseEventKind.Installed, done.History[^1].Kind);
        Assert.Equal(["Production", "Test"], done.History[^1].Environments.Order());

        var told = await EventuallyAsync(() => customer.NewReplies() is { Count: > 0 } replies ? replies : null, "the customer's proactive message");
        Assert.Contains($"{caseNumber}: installed", AllText(told), StringComparison.Ordinal);
        Assert.Matches("(Production and Test|Test and Production)", AllText(told));
        await UntilAsync(() => _channel.Updates.Any(u => u.ReplyToId == thread.ActivityId), "the staff card's update (PUT)");
        var everyone = staff.CurrentCard(thread);
        Assert.Contains("Installed", AllText(everyone), StringComparison.Ordinal);
        Assert.DoesNotContain(everyone.Descendants().OfType<JObject>(), o => (string?)o["verb"] == "staff.install");
    }

    [Fact]
    public async Task A_staff_member_s_object_id_from_another_tenant_is_refused_and_the_case_is_unchanged()
    {
        var (staff, bot, _, caseNumber, thread) = await PostedCaseAsync();
        var before = await CaseAsync(bot, caseNumber);
        var fromElsewhere = StaffTeam.FromTenant(staff.Execute(thread, thread.Message.Cards.Single(), "staff.start", staff.Member), "0b1c2d3e-0000-4000-8000-00000000beef");

        var refusal = await InvokeAsync(bot, fromElsewhere);

        Assert.Equal("application/vnd.microsoft.activity.message", (string?)refusal["type"]);
        Assert.Contains("another organisation (tenant)", (string?)refusal["value"], StringComparison.Ordinal);
        await AssertUnchangedAsync(bot, before);
    }

    [Fact]
    public async Task A_staff_member_acting_from_a_personal_chat_is_refused_and_the_case_is_unchanged()
    {
        var (staff, bot, _, caseNumber, thread) = await PostedCaseAsync();
        var before = await CaseAsync(bot, caseNumber);
        var fromChat = StaffTeam.FromPersonalChat(staff.Execute(thread, thread.Message.Cards.Single(), "staff.reject", staff.Member,
            new Dictionary<string, string> { [StaffAction.ReasonInput] = "Rejected from my 1:1 chat" }));

        var refusal = await InvokeAsync(bot, fromChat);

        Assert.Equal("application/vnd.microsoft.activity.message", (string?)refusal["type"]);
        Assert.Contains("not from a personal chat", (string?)refusal["value"], StringComparison.Ordinal);
        var after = await CaseAsync(bot, caseNumber);
        Assert.Equal(CaseStatus.Submitted, after.Status);
        Assert.Equal(before.ETag, after.ETag);
    }

    [Fact]
    public async Task An_action_submit_from_another_tenant_is_refused_in_the_thread_and_changes_nothing()
    {
        var (staff, bot, _, caseNumber, thread) = await PostedCaseAsync();
        var before = await CaseAsync(bot, caseNumber);

        await PostAsync(bot, StaffTeam.FromTenant(staff.Submit(thread, thread.Message.Cards.Single(), "staff.start", staff.Member), "0b1c2d3e-0000-4000-8000-00000000beef"));

        var line = await EventuallyAsync(() => _channel.For(thread.ConversationId) is { Count: > 0 } r ? r : null, "the refusal in the thread");
        Assert.Contains("another organisation (tenant)", AllText(line), StringComparison.Ordinal);
        Assert.Equal(before.ETag, (await CaseAsync(bot, caseNumber)).ETag);
    }

    [Fact]
    public async Task Installing_an_installed_case_or_acting_on_a_missing_case_is_answered_and_changes_nothing()
    {
        var (staff, bot, _, caseNumber, thread) = await PostedCaseAsync();
        var card = thread.Message.Cards.Single();
        await InvokeAsync(bot, staff.Execute(thread, card, "staff.install", staff.Member, new Dictionary<string, string> { [StaffAction.EnvironmentsInput] = "Production" }));
        var before = await CaseAsync(bot, caseNumber);

        var again = await InvokeAsync(bot, staff.Execute(thread, card, "staff.install", staff.Member, new Dictionary<string, string> { [StaffAction.EnvironmentsInput] = "Production" }));
        var missing = await InvokeAsync(bot, staff.Execute(thread, (JObject)JObject.Parse(card.ToString().Replace(caseNumber, "CT-999999", StringComparison.Ordinal)), "staff.start", staff.Member));

        Assert.Contains("already installed", AllText((JObject)again["value"]!), StringComparison.Ordinal);
        Assert.Contains("no longer exists", (string?)missing["value"], StringComparison.Ordinal);
        var after = await CaseAsync(bot, caseNumber);
        Assert.Equal(before.ETag, after.ETag);
    }

    [Fact]
    public async Task A_click_on_a_stale_card_shows_the_current_case_and_changes_nothing()
    {
        var (staff, bot, _, caseNumber, thread) = await PostedCaseAsync();
        var stale = thread.Message.Cards.Single();
        await InvokeAsync(bot, staff.Execute(thread, stale, "staff.start", staff.Member));

        var answer = await InvokeAsync(bot, staff.Execute(thread, stale, "staff.reject", staff.Member,
            new Dictionary<string, string> { [StaffAction.ReasonInput] = "Wrong certificate" }));

        Assert.Contains("changed since this card was drawn", AllText((JObject)answer["value"]!), StringComparison.Ordinal);
        Assert.Contains("In progress", AllText((JObject)answer["value"]!), StringComparison.Ordinal);
        Assert.Equal(CaseStatus.InProgress, (await CaseAsync(bot, caseNumber)).Status);
    }

    [Fact]
    public async Task An_action_without_the_card_s_version_shows_the_current_case_and_changes_nothing()
    {
        var (staff, bot, _, caseNumber, thread) = await PostedCaseAsync();
        var before = await CaseAsync(bot, caseNumber);
        var unversioned = staff.Execute(thread, thread.Message.Cards.Single(), "staff.start", staff.Member);
        Assert.NotNull(((JObject)unversioned["value"]!["action"]!["data"]!).Property(StaffAction.ETagKey)); // the card does carry it
        ((JObject)unversioned["value"]!["action"]!["data"]!).Remove(StaffAction.ETagKey);

        var answer = await InvokeAsync(bot, unversioned);

        Assert.Equal("application/vnd.microsoft.card.adaptive", (string?)answer["type"]);
        Assert.Contains("changed since this card was drawn", AllText((JObject)answer["value"]!), StringComparison.Ordinal);
        await AssertUnchangedAsync(bot, before);
    }

    [Fact]
    public async Task The_customer_answers_a_question_and_the_answer_reaches_the_case_history_and_the_staff_thread()
    {
        var (staff, bot, customer, caseNumber, thread) = await PostedCaseAsync();
        customer.NewReplies();

        await InvokeAsync(bot, staff.Execute(thread, thread.Message.Cards.Single(), "staff.ask", staff.Member,
            new Dictionary<string, string> { [StaffAction.QuestionInput] = "Which host name do your servers call?" }));
        var question = await EventuallyAsync(() => customer.NewReplies() is { Count: > 0 } r ? r : null, "the question in the customer's chat");
        Assert.Contains("Which host name do your servers call?", AllText(question), StringComparison.Ordinal);

        var statusFirst = await SendAsync(bot, customer, customer.Message("status"));
        var thanks = await SendAsync(bot, customer, customer.Message("It is erp.contoso.com, port 443."));

        Assert.Contains("Needs information from you", AllText(statusFirst), StringComparison.Ordinal); // a command, not the answer

        Assert.Contains($"added your answer to **{caseNumber}**", AllText(thanks), StringComparison.Ordinal);
        var answered = await CaseAsync(bot, caseNumber);
        Assert.Equal(CaseStatus.Submitted, answered.Status); // back where it was before the question: nobody pressed Start
        Assert.Equal(CaseEventKind.Answered, answered.History[^1].Kind);
        Assert.Equal("It is erp.contoso.com, port 443.", answered.History[^1].Answer?.Text);
        Assert.Equal("Ada Lovelace", answered.History[^1].Actor);
        var inThread = await EventuallyAsync(() => _channel.For(thread.ConversationId) is { Count: > 0 } r ? r : null, "the answer in the staff thread");
        Assert.Contains("It is erp.contoso.com, port 443.", AllText(inThread), StringComparison.Ordinal);

        // Then the conversation is back to normal: the next message is a command again, not an answer.
        var status = await SendAsync(bot, customer, customer.Message("status"));
        Assert.Contains(caseNumber, AllText(status), StringComparison.Ordinal);
        Assert.Equal(answered.History.Count, (await CaseAsync(bot, caseNumber)).History.Count);
    }

    [Fact]
    public async Task Another_tenant_cannot_read_a_case_with_status_but_the_filing_tenant_can()
    {
        var staff = new StaffTeam(_channel);
        var bot = StartBot(staff);
        var customer = new TeamsChat(_channel);
        var caseNumber = await FileCaseAsync(bot, customer, "Production");

        var stranger = new TeamsChat(_channel);
        var strangerAsks = stranger.Message($"status {caseNumber}");
        strangerAsks["conversation"]!["tenantId"] = "0b1c2d3e-0000-4000-8000-00000000beef";
        strangerAsks["channelData"]!["tenant"]!["id"] = "0b1c2d3e-0000-4000-8000-00000000beef";
        var refused = await SendAsync(bot, stranger, strangerAsks);
        var colleague = new TeamsChat(_channel);
        var shown = await SendAsync(bot, colleague, colleague.Message($"status {caseNumber}"));

        Assert.Contains("couldn't find", AllText(refused), StringComparison.Ordinal);
        Assert.DoesNotContain("Production", AllText(refused), StringComparison.Ordinal);
        Assert.Contains("Production", AllText(shown), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_proactive_message_the_channel_refuses_is_kept_retried_and_delivered_later()
    {
        var (staff, bot, customer, caseNumber, thread) = await PostedCaseAsync();
        customer.NewReplies();
        _channel.Fail(customer.ConversationId);

        await InvokeAsync(bot, staff.Execute(thread, thread.Message.Cards.Single(), "staff.reject", staff.Member,
            new Dictionary<string, string> { [StaffAction.ReasonInput] = "This is a leaf certificate; send its root CA." }));
        await UntilAsync(() => _channel.Refused(customer.ConversationId) >= 2, "two refused attempts");
        var pending = await OutboxAsync(CustomerChatConsumer.ConsumerName);
        Assert.Contains(pending, d => d.CaseNumber == caseNumber && d.Attempts >= 1 && d.LastError is not null);
        Assert.Empty(customer.NewReplies());

        _channel.Heal(customer.ConversationId);

        var told = await EventuallyAsync(() => customer.NewReplies() is { Count: > 0 } r ? r : null, "the message once the channel is back");
        Assert.Contains("This is a leaf certificate; send its root CA.", AllText(told), StringComparison.Ordinal);
        await UntilAsync(async () => (await OutboxAsync(CustomerChatConsumer.ConsumerName)).Count == 0, "an empty outbox");
    }

    [Fact]
    public async Task A_proactive_message_that_keeps_failing_is_set_aside_as_a_dead_letter_not_dropped()
    {
        var staff = new StaffTeam(_channel);
        var settings = staff.Settings(_storage);
        settings["SupportDesk:MaxDeliveryAttempts"] = "2";
        var bot = new BotApp(settings);
        _apps.Add(bot);
        await PostAsync(bot, staff.BotInstalled());
        var customer = new TeamsChat(_channel);
        var caseNumber = await FileCaseAsync(bot, customer, "Production");
        var thread = await CaseThreadAsync(staff, caseNumber);
        _channel.Fail(customer.ConversationId);

        await InvokeAsync(bot, staff.Execute(thread, thread.Message.Cards.Single(), "staff.start", staff.Member));

        var dead = await EventuallyAsync(async () => (await OutboxAsync(CustomerChatConsumer.ConsumerName)).SingleOrDefault(d => d.DeadLetteredAt is not null), "a dead letter");
        Assert.Equal(caseNumber, dead.CaseNumber);
        Assert.Equal(2, dead.Sequence); // the Start
        Assert.Equal(2, dead.Attempts);
        Assert.NotNull(dead.LastError);
        _channel.Heal(customer.ConversationId);
    }

    [Fact]
    public async Task A_file_sent_as_the_answer_is_kept_with_the_case_and_announced_in_the_staff_thread()
    {
        var (staff, bot, customer, caseNumber, thread) = await PostedCaseAsync();
        await InvokeAsync(bot, staff.Execute(thread, thread.Message.Cards.Single(), "staff.ask", staff.Member,
            new Dictionary<string, string> { [StaffAction.QuestionInput] = "Please send the intermediate CA too." }));
        await EventuallyAsync(() => customer.NewReplies() is { Count: > 0 } r ? r : null, "the question");

        var thanks = await SendAsync(bot, customer, customer.File("intermediate.cer", _files.Serve(TestCertificates.RootDer)));

        Assert.Contains("added your answer", AllText(thanks), StringComparison.Ordinal);
        var answer = (await CaseAsync(bot, caseNumber)).History[^1].Answer!;
        var stored = Assert.Single(answer.Certificates);
        Assert.Equal("intermediate.cer", stored.FileName);
        Assert.StartsWith($"{caseNumber}/answers/", stored.BlobName, StringComparison.Ordinal);
        var certificates = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(_storage["Storage:CertificatesContainer"]);
        Assert.Equal(TestCertificates.RootDer, (await certificates.GetBlobClient(stored.BlobName).DownloadContentAsync()).Value.Content.ToArray());
        var inThread = await EventuallyAsync(() => _channel.For(thread.ConversationId) is { Count: > 0 } r ? r : null, "the certificate in the staff thread");
        Assert.Contains(stored.Sha1, AllText(inThread), StringComparison.Ordinal);
        // The redrawn card lists it after the case's own certificate, with its own download link.
        var card = await EventuallyAsync(() => AllText(staff.CurrentCard(thread)) is var text && text.Contains("sent as an answer", StringComparison.Ordinal) ? text : null, "the card with the answer's certificate");
        Assert.Contains($"{caseNumber}-2.cer", card, StringComparison.Ordinal);
        var links = staff.CurrentCard(thread).Descendants().OfType<JObject>().Where(o => (string?)o["type"] == "Action.OpenUrl").Select(o => (string)o["url"]!).ToList();
        Assert.Equal(2, links.Count);
        Assert.Contains(links, l => l.Contains($"/{caseNumber}/answers/", StringComparison.Ordinal));
    }

    public enum KeyAnswer
    {
        PemText,
        DerFile,
        PfxFile,
        KeyAfterCertificate,
    }

    [Theory]
    [InlineData(KeyAnswer.PemText)]
    [InlineData(KeyAnswer.DerFile)]
    [InlineData(KeyAnswer.PfxFile)]
    [InlineData(KeyAnswer.KeyAfterCertificate)]
    public async Task A_private_key_sent_as_the_answer_is_refused_and_reaches_no_blob_no_staff_post_and_no_webhook(KeyAnswer kind)
    {
        await using var webhook = await Webhooks.WebhookReceiver.StartAsync();
        var staff = new StaffTeam(_channel);
        var settings = staff.Settings(_storage);
        settings["CaseWebhook:Url"] = webhook.Url;
        settings["CaseWebhook:Secret"] = "whsec_" + Convert.ToBase64String(new byte[32]);
        var bot = new BotApp(settings);
        _apps.Add(bot);
        await PostAsync(bot, staff.BotInstalled());
        var customer = new TeamsChat(_channel);
        var caseNumber = await FileCaseAsync(bot, customer, "Production");
        var thread = await CaseThreadAsync(staff, caseNumber);
        await InvokeAsync(bot, staff.Execute(thread, thread.Message.Cards.Single(), "staff.ask", staff.Member,
            new Dictionary<string, string> { [StaffAction.QuestionInput] = "Please send the intermediate CA too." }));
        await EventuallyAsync(() => customer.NewReplies() is { Count: > 0 } r ? r : null, "the question");
        await UntilAsync(() => webhook.Received.Any(r => r.Id == $"{caseNumber}:2"), "the question at the webhook");
        var asked = await CaseAsync(bot, caseNumber);

        using var key = System.Security.Cryptography.RSA.Create(2048);
        var keyDer = key.ExportPkcs8PrivateKey();
        var (activity, secret) = kind switch
        {
            KeyAnswer.PemText => (customer.Message(key.ExportPkcs8PrivateKeyPem()), keyDer),
            KeyAnswer.DerFile => (customer.File("server.key", _files.Serve(keyDer)), keyDer),
            KeyAnswer.PfxFile => TestCertificates.RootPfx() is var pfx ? (customer.File("server.pfx", _files.Serve(pfx)), pfx) : default,
            _ => (customer.Message(TestCertificates.RootPem + "\n" + key.ExportPkcs8PrivateKeyPem()), keyDer),
        };
        var refused = await SendAsync(bot, customer, activity);

        Assert.Contains($"I added nothing of it to **{caseNumber}**", AllText(refused), StringComparison.Ordinal);
        var after = await CaseAsync(bot, caseNumber);
        Assert.Equal(asked.ETag, after.ETag); // no event recorded: nothing staged for staff, customer or webhook
        Assert.Equal(CaseStatus.NeedsInformation, after.Status);
        var traces = Traces(secret);
        await foreach (var (blob, content) in AllBlobsAsync())
            Assert.False(traces.Any(t => content.AsSpan().IndexOf(t) >= 0), $"The key reached the blob {blob}.");
        Assert.DoesNotContain(_channel.All, a => traces.Any(t => System.Text.Encoding.UTF8.GetBytes(a.Text ?? "").AsSpan().IndexOf(t) >= 0));
        Assert.DoesNotContain(webhook.Received, r => traces.Any(t => r.Body.AsSpan().IndexOf(t) >= 0));

        // The question still waits: a plain answer afterwards is taken.
        var thanks = await SendAsync(bot, customer, customer.Message("The intermediate is in the bundle I sent."));
        Assert.Contains($"added your answer to **{caseNumber}**", AllText(thanks), StringComparison.Ordinal);
    }

    /// <summary>What would betray the secret in stored or sent bytes: a slice of it raw, and a slice of its Base64.</summary>
    private static byte[][] Traces(byte[] secret)
    {
        var middle = secret.AsSpan(secret.Length / 2, 24).ToArray();
        var base64 = Convert.ToBase64String(secret);
        return [middle, System.Text.Encoding.ASCII.GetBytes(base64.Substring(base64.Length / 2, 32))];
    }

    private async IAsyncEnumerable<(string Name, byte[] Content)> AllBlobsAsync()
    {
        var service = new BlobServiceClient(azurite.ConnectionString);
        foreach (var name in new[] { _storage["Storage:CasesContainer"], _storage["Storage:CertificatesContainer"], _storage["Storage:StateContainer"] })
        {
            var container = service.GetBlobContainerClient(name);
            if (!await container.ExistsAsync())
                continue;
            await foreach (var blob in container.GetBlobsAsync())
                yield return ($"{name}/{blob.Name}", (await container.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content.ToArray());
        }
    }

    [Fact]
    public async Task The_staff_team_is_kept_once_whichever_member_speaks_in_it()
    {
        var (staff, bot, _, _, thread) = await PostedCaseAsync();
        var team = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(_storage["Storage:CasesContainer"]).GetBlobClient("staff/team.json");
        var before = (await team.GetPropertiesAsync()).Value.ETag;

        await InvokeAsync(bot, staff.Execute(thread, thread.Message.Cards.Single(), "staff.refresh", staff.Outsider));
        await InvokeAsync(bot, staff.Execute(thread, thread.Message.Cards.Single(), "staff.refresh", staff.Member));

        Assert.Equal(before, (await team.GetPropertiesAsync()).Value.ETag);
    }

    [Fact]
    public async Task An_activity_naming_the_staff_team_from_another_tenant_does_not_become_the_staff_channel()
    {
        var staff = new StaffTeam(_channel);
        var bot = StartBot(staff);
        await PostAsync(bot, StaffTeam.FromTenant(staff.BotInstalled(), "0b1c2d3e-0000-4000-8000-00000000beef"));
        var caseNumber = await FileCaseAsync(bot, new TeamsChat(_channel), "Production");

        var waiting = await EventuallyAsync(async () => (await OutboxAsync(StaffChannelConsumer.ConsumerName)).SingleOrDefault(d => d.CaseNumber == caseNumber && d.LastError is not null), "the card waiting");

        Assert.Contains("not known yet", waiting.LastError, StringComparison.Ordinal);
        Assert.DoesNotContain(_channel.Created, c => c.ChannelId == staff.TeamId);
    }

    [Fact]
    public async Task A_case_filed_before_the_staff_team_is_known_is_posted_once_the_bot_is_installed_there()
    {
        var staff = new StaffTeam(_channel);
        var bot = StartBot(staff);
        var caseNumber = await FileCaseAsync(bot, new TeamsChat(_channel), "Production");
        // The pipeline looked at the case's card and decided to wait; only then is "nothing posted" meaningful.
        var waiting = await EventuallyAsync(async () => (await OutboxAsync(StaffChannelConsumer.ConsumerName)).SingleOrDefault(d => d.CaseNumber == caseNumber && d.LastError is not null), "the card waiting");
        Assert.Contains("not known yet", waiting.LastError, StringComparison.Ordinal);
        Assert.Equal(0, waiting.Attempts);
        Assert.DoesNotContain(_channel.Created, c => c.ChannelId == staff.TeamId);

        await PostAsync(bot, staff.BotInstalled());

        var thread = await CaseThreadAsync(staff, caseNumber);
        Assert.Single(_channel.Created, c => c.ChannelId == staff.TeamId);
        Assert.Contains(caseNumber, AllText(thread.Message.Cards.Single()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_instances_post_exactly_one_thread_per_case_for_cases_filed_at_once_while_the_staff_team_was_unknown()
    {
        var staff = new StaffTeam(_channel);
        var (one, two) = (StartBot(staff), StartBot(staff));
        var cases = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => FileCaseAsync(i % 2 == 0 ? one : two, new TeamsChat(_channel), "Production")));
        await UntilAsync(async () => (await OutboxAsync(StaffChannelConsumer.ConsumerName)).Count(d => d.LastError is not null) == 12, "every card waiting for the team");

        await PostAsync(one, staff.BotInstalled());

        await UntilAsync(async () => (await OutboxAsync(StaffChannelConsumer.ConsumerName)).Count == 0, "every card delivered");
        var threads = _channel.Created.Where(c => c.ChannelId == staff.TeamId).Select(c => CaseNumbers().Match(AllText(c.Message.Cards.Single())).Value).ToList();
        Assert.Equal(cases.Order(StringComparer.Ordinal), threads.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_case_filed_just_before_the_bot_stopped_is_posted_by_the_next_start()
    {
        var staff = new StaffTeam(_channel);
        var first = StartBot(staff);
        var caseNumber = await FileCaseAsync(first, new TeamsChat(_channel), "Production");
        await first.DisposeAsync(); // the card was staged with the case, and never delivered

        var second = StartBot(staff);
        await PostAsync(second, staff.BotInstalled());

        var thread = await CaseThreadAsync(staff, caseNumber);
        Assert.Contains(caseNumber, AllText(thread.Message.Cards.Single()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_action_submit_from_a_client_without_universal_actions_is_applied_too()
    {
        var (staff, bot, customer, caseNumber, thread) = await PostedCaseAsync();

        await PostAsync(bot, staff.Submit(thread, thread.Message.Cards.Single(), "staff.start", staff.Member));

        Assert.Equal(CaseStatus.InProgress, (await CaseAsync(bot, caseNumber)).Status);
        // A reply to the clicked message, in the case thread.
        var line = await EventuallyAsync(() => _channel.For(thread.ConversationId) is { Count: > 0 } r ? r : null, "the line in the thread");
        Assert.Contains("Grace Hopper started", AllText(line), StringComparison.Ordinal);
        await UntilAsync(() => _channel.Updates.Any(u => u.ReplyToId == thread.ActivityId), "the card redrawn");
    }

    [Fact]
    public void A_staff_member_that_is_not_an_aad_object_id_stops_the_bot_at_start_up_naming_the_setting()
    {
        var staff = new StaffTeam(_channel);
        var settings = staff.Settings(_storage);
        settings["SupportDesk:StaffMembers"] = "grace@contoso.com";
        var app = new BotApp(settings);
        _apps.Add(app);

        var error = Assert.ThrowsAny<Exception>(() => app.CreateClient());

        Assert.Contains("SupportDesk:StaffMembers:0 'grace@contoso.com'", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_staff_team_without_the_staff_tenant_stops_the_bot_at_start_up_naming_the_setting()
    {
        var staff = new StaffTeam(_channel);
        var settings = staff.Settings(_storage);
        settings.Remove("SupportDesk:StaffTenantId");
        var app = new BotApp(settings);
        _apps.Add(app);

        var error = Assert.ThrowsAny<Exception>(() => app.CreateClient());

        Assert.Contains("SupportDesk:StaffTenantId is empty", error.ToString(), StringComparison.Ordinal);
    }

    // ---- helpers ----

    private BotApp StartBot(StaffTeam staff)
    {
        var app = new BotApp(staff.Settings(_storage));
        _apps.Add(app);
        return app;
    }

    private static async Task PostAsync(BotApp bot, JObject activity)
    {
        using var response = await bot.PostAsync(activity);
        Assert.True(response.IsSuccessStatusCode, $"POST /api/messages answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Sends an invoke; the AdaptiveCardInvokeResponse the bot answered with.</summary>
    private static async Task<JObject> InvokeAsync(BotApp bot, JObject invoke)
    {
        using var response = await bot.PostAsync(invoke);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"The invoke answered {(int)response.StatusCode}: {body}");
        return JObject.Parse(body);
    }

    private static async Task<IReadOnlyList<LoopbackChannel.CapturedActivity>> SendAsync(BotApp bot, TeamsChat chat, JObject activity)
    {
        await PostAsync(bot, activity);
        return chat.NewReplies();
    }

    /// <summary>The customer sends the root CA, picks environments and confirms; the case number of the receipt.</summary>
    /// <summary>A case a customer filed and the bot posted to the staff channel: where most staff tests start.</summary>
    private sealed record PostedCase(StaffTeam Staff, BotApp Bot, TeamsChat Customer, string CaseNumber, LoopbackChannel.CreatedConversation Thread);

    private async Task<PostedCase> PostedCaseAsync(string environments = "Production")
    {
        var staff = new StaffTeam(_channel);
        var bot = StartBot(staff);
        await PostAsync(bot, staff.BotInstalled());
        var customer = new TeamsChat(_channel);
        var caseNumber = await FileCaseAsync(bot, customer, environments);
        return new PostedCase(staff, bot, customer, caseNumber, await CaseThreadAsync(staff, caseNumber));
    }

    private async Task<string> FileCaseAsync(BotApp bot, TeamsChat chat, string environments, byte[]? certificate = null)
    {
        var replies = await SendAsync(bot, chat, chat.File("contoso-root.cer", _files.Serve(certificate ?? TestCertificates.RootDer)));
        var picker = replies.Single(r => HasSubmit(r, "environments"));
        replies = await SendAsync(bot, chat, chat.Submit(picker, "environments", new Dictionary<string, string> { ["environments"] = environments }));
        var confirmation = replies.Single(r => HasSubmit(r, "confirm"));
        var receipt = await SendAsync(bot, chat, chat.Submit(confirmation, "confirm"));
        return CaseNumbers().Match(AllText(receipt)) is { Success: true } match ? match.Value : throw new Xunit.Sdk.XunitException("No case number in the receipt.");
    }

    private Task<LoopbackChannel.CreatedConversation> CaseThreadAsync(StaffTeam staff, string caseNumber) =>
        EventuallyAsync(() => _channel.Created.SingleOrDefault(c => c.ChannelId == staff.TeamId && AllText(c.Message.Cards.Single()).Contains($"Case {caseNumber}", StringComparison.Ordinal)),
            $"the card of {caseNumber} in the staff channel");

    /// <summary>The case is as it was read before: same version, nothing added to its history.</summary>
    private static async Task AssertUnchangedAsync(BotApp bot, SupportCase before)
    {
        var after = await CaseAsync(bot, before.CaseNumber);
        Assert.Equal(before.Status, after.Status);
        Assert.Equal(before.ETag, after.ETag);
        Assert.Equal(before.History.Count, after.History.Count);
    }

    private static async Task<SupportCase> CaseAsync(BotApp bot, string caseNumber) =>
        await bot.Services.GetRequiredService<CaseDesk>().FindAsync(caseNumber, CancellationToken.None)
        ?? throw new Xunit.Sdk.XunitException($"{caseNumber} does not exist.");

    /// <summary>A consumer's entries in the case-event outbox, as stored.</summary>
    private async Task<IReadOnlyList<CaseEventDelivery>> OutboxAsync(string consumer)
    {
        var container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(_storage["Storage:CasesContainer"]);
        var deliveries = new List<CaseEventDelivery>();
        await foreach (var blob in container.GetBlobsAsync(new Azure.Storage.Blobs.Models.GetBlobsOptions { Prefix = $"{CaseEventOutbox.Prefix}{consumer}/" }))
        {
            try
            {
                var json = (await container.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content.ToString();
                deliveries.Add(System.Text.Json.JsonSerializer.Deserialize<CaseEventDelivery>(json, Web)!);
            }
            catch (Azure.RequestFailedException ex) when (ex.Status == 404)
            {
                // Delivered between the listing and the read.
            }
        }
        return deliveries;
    }

    private Task<T> EventuallyAsync<T>(Func<T?> probe, string what) where T : class => EventuallyAsync(() => Task.FromResult(probe()), what);

    private Task<string> UntilAsync(Func<bool> condition, string what) => EventuallyAsync(() => condition() ? "yes" : null, what);

    private Task<string> UntilAsync(Func<Task<bool>> condition, string what) => EventuallyAsync(async () => await condition() ? "yes" : null, what);

    private async Task<T> EventuallyAsync<T>(Func<Task<T?>> probe, string what) where T : class
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            if (await probe() is { } found)
                return found;
            if (DateTime.UtcNow > deadline)
                throw new Xunit.Sdk.XunitException($"Waited {Patience.TotalSeconds} s for {what}. The channel's last messages:\n{string.Join("\n", _channel.All.TakeLast(4).Select(a => $"{a.ConversationId}: {a.Text}"))}");
            await Task.Delay(50);
        }
    }

    private static bool HasSubmit(LoopbackChannel.CapturedActivity reply, string action) =>
        reply.Cards.Any(card => card.Descendants().OfType<JObject>()
            .Any(o => (string?)o["type"] == "Action.Submit" && (string?)o["data"]?["action"] == action));

    private static string AllText(JObject card) =>
        string.Join("\n", card.Descendants().OfType<JValue>().Where(v => v.Type == JTokenType.String).Select(v => (string)v!));

    private static string AllText(IEnumerable<LoopbackChannel.CapturedActivity> replies) =>
        string.Join("\n", replies.SelectMany(r => new[] { r.Text ?? "" }.Concat(r.Cards.Select(AllText))));

    [GeneratedRegex(@"\bCT-\d{4,}\b")]
    private static partial Regex CaseNumbers();
}
