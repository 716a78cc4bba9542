using System.Text.Json;
using Azure.Storage.Blobs.Models;
using CertTrustBot.Cards;
using CertTrustBot.Cases;
using CertTrustBot.Cases.Events;
using CertTrustBot.Conversation;
using CertTrustBot.Messaging;
using CertTrustBot.Staff;
using CertTrustBot.Storage;
using CertTrustBot.Tests.Cases;
using CertTrustBot.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CertTrustBot.Tests.Pipeline;

/// <summary>
/// The case-event pipeline as the app composes it (case desk, outbox, dispatcher, the staff-channel and customer-chat
/// consumers), against Azurite, driven one pass at a time on a fake clock: no background loop, no waiting on the wall
/// clock. Two service providers on one storage account stand in for two instances.
/// </summary>
[Collection("Azurite")]
public sealed class CaseEventPipelineTests(AzuriteFixture azurite) : IAsyncDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(15);
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);
    private readonly FakeTimeProvider _clock = new(Start);
    private readonly IReadOnlyDictionary<string, string?> _storage = azurite.NewConfiguration();
    private readonly RecordingMessenger _messenger = new();
    private readonly List<ServiceProvider> _instances = [];

    public async ValueTask DisposeAsync()
    {
        foreach (var instance in _instances)
            await instance.DisposeAsync();
    }

    [Fact]
    public async Task Cases_filed_on_two_instances_while_the_staff_channel_is_unknown_get_exactly_one_thread_each_once_it_is_known()
    {
        var (one, two) = (NewInstance(), NewInstance());
        var filed = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => Task.Run(() => (i % 2 == 0 ? one : two).Desk.SubmitAsync(CaseDrafts.Draft(), default))));

        var waiting = await Task.WhenAll(one.StaffPassAsync(), two.StaffPassAsync());
        Assert.All(waiting, pass => Assert.Equal(new CaseEventPass(Waiting: 12), pass));
        Assert.Empty(_messenger.Posts);
        var entry = await ReadEntryAsync(StaffChannelConsumer.ConsumerName, filed[0].CaseNumber, 1);
        Assert.Equal(0, entry.Attempts); // waiting for the team is no failure
        Assert.Contains("not known yet", entry.LastError, StringComparison.Ordinal);

        _messenger.StaffReachable = true;
        _clock.Advance(Poll);
        for (var round = 0; round < 3; round++)
            await Task.WhenAll(one.StaffPassAsync(), two.StaffPassAsync(), two.StaffPassAsync());

        var posted = _messenger.Posts.Select(p => CaseNumberOf(p.Card)).ToList();
        Assert.Equal(filed.Select(c => c.CaseNumber).Order(StringComparer.Ordinal), posted.Order(StringComparer.Ordinal));
        Assert.Empty(await NamesAsync($"{CaseEventOutbox.Prefix}{StaffChannelConsumer.ConsumerName}/"));
        Assert.Equal(12, (await NamesAsync("staff/cards/")).Count);
    }

    [Fact]
    public async Task Later_events_redraw_the_posted_card_and_an_answer_is_also_posted_in_its_thread()
    {
        var bot = NewInstance();
        _messenger.StaffReachable = true;
        var submitted = await bot.Desk.SubmitAsync(CaseDrafts.Draft(), default);
        await bot.StaffPassAsync();
        await bot.Desk.RecordAsync(submitted.CaseNumber, new CaseEventDraft(CaseEventKind.QuestionAsked, "Grace", "Which host?"), null, default);
        await bot.Desk.RecordAsync(submitted.CaseNumber, new CaseEventDraft(CaseEventKind.Answered, "Alice") { Answer = new CaseAnswerDraft("a1", "erp.contoso.com", "", []) }, null, default);

        var pass = await bot.StaffPassAsync();

        Assert.Equal(new CaseEventPass(Delivered: 2), pass);
        var post = Assert.Single(_messenger.Posts);
        // Event 2 is not the latest: event 3's delivery redraws the card, once.
        var update = Assert.Single(_messenger.Updates);
        Assert.Equal(post.ThreadReference, update.Post.ThreadReference);
        var reply = Assert.Single(_messenger.ThreadReplies);
        Assert.Contains("erp.contoso.com", Assert.IsType<TextReply>(reply.Reply).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_question_waits_in_the_customers_conversation_state_until_a_later_event_of_the_case()
    {
        var bot = NewInstance();
        var submitted = await bot.Desk.SubmitAsync(CaseDrafts.Draft() with { ConversationKey = "msteams/conversations/a:1xyz" }, default);
        await bot.Desk.RecordAsync(submitted.CaseNumber, new CaseEventDraft(CaseEventKind.QuestionAsked, "Grace", "Which host?"), null, default);

        var asked = await bot.CustomerPassAsync();
        var again = await bot.CustomerPassAsync();
        var state = (await bot.States.LoadAsync("msteams/conversations/a:1xyz", default)).Data;

        Assert.Equal(new CaseEventPass(Delivered: 1), asked);
        Assert.Equal(new CaseEventPass(), again);
        Assert.Equal(new PendingQuestion(submitted.CaseNumber, 2, "Which host?", Start), Assert.Single(state.Questions));
        var message = Assert.Single(_messenger.CustomerMessages);
        Assert.Equal(submitted.ConversationReference, message.Reference);
        Assert.Equal("Which host?", Assert.IsType<CaseUpdateCardData>(Assert.IsType<CardReply>(message.Reply).Data).Detail);

        await bot.Desk.RecordAsync(submitted.CaseNumber, new CaseEventDraft(CaseEventKind.Rejected, "Grace", "No answer in a week."), null, default);
        await bot.CustomerPassAsync();

        Assert.Empty((await bot.States.LoadAsync("msteams/conversations/a:1xyz", default)).Data.Questions);
        Assert.Equal(2, _messenger.CustomerMessages.Count);
    }

    [Fact]
    public async Task The_customers_own_filing_is_not_staged_for_their_chat()
    {
        var bot = NewInstance();

        await bot.Desk.SubmitAsync(CaseDrafts.Draft(), default);

        Assert.Empty(await NamesAsync($"{CaseEventOutbox.Prefix}{CustomerChatConsumer.ConsumerName}/"));
        Assert.Single(await NamesAsync($"{CaseEventOutbox.Prefix}{StaffChannelConsumer.ConsumerName}/"));
    }

    [Fact]
    public async Task A_message_the_chat_keeps_refusing_is_retried_with_backoff_then_kept_as_a_dead_letter()
    {
        var bot = NewInstance(new() { ["SupportDesk:MaxDeliveryAttempts"] = "2", ["SupportDesk:RetryBaseDelay"] = "00:00:10", ["SupportDesk:RetryMaxDelay"] = "00:01:00" });
        var submitted = await bot.Desk.SubmitAsync(CaseDrafts.Draft(), default);
        _messenger.RefusingCustomers[submitted.ConversationReference] = true;
        await bot.Desk.RecordAsync(submitted.CaseNumber, new CaseEventDraft(CaseEventKind.Started, "Grace"), null, default);

        var first = await bot.CustomerPassAsync();
        var tooSoon = await bot.CustomerPassAsync();
        _clock.Advance(TimeSpan.FromSeconds(10));
        var second = await bot.CustomerPassAsync();
        _clock.Advance(TimeSpan.FromDays(1));
        var dayLater = await bot.CustomerPassAsync();
        var dead = await ReadEntryAsync(CustomerChatConsumer.ConsumerName, submitted.CaseNumber, 2);

        Assert.Equal(new CaseEventPass(Retrying: 1), first);
        Assert.Equal(new CaseEventPass(Waiting: 1), tooSoon);
        Assert.Equal(new CaseEventPass(DeadLetters: 1), second);
        Assert.Equal(new CaseEventPass(DeadLetters: 1), dayLater); // kept, not retried, not dropped
        Assert.Equal(2, dead.Attempts);
        Assert.NotNull(dead.DeadLetteredAt);
        Assert.Contains("503", dead.LastError, StringComparison.Ordinal);
        Assert.Empty(_messenger.CustomerMessages);

        _messenger.RefusingCustomers.Clear();
        Assert.Equal(1, await bot.Outbox.RequeueDeadLettersAsync(CustomerChatConsumer.ConsumerName, default));
        Assert.Equal(new CaseEventPass(Delivered: 1), await bot.CustomerPassAsync());
        Assert.Single(_messenger.CustomerMessages);
    }

    // ---- helpers ----

    private sealed record Instance(CaseDesk Desk, CaseEventOutbox Outbox, CaseEventDispatcher Dispatcher, ConversationStateStore States, IReadOnlyList<ICaseEventConsumer> Consumers)
    {
        public Task<CaseEventPass> StaffPassAsync() => Task.Run(() => Dispatcher.RunOnceAsync(Consumers.Single(c => c.Name == StaffChannelConsumer.ConsumerName), default));

        public Task<CaseEventPass> CustomerPassAsync() => Dispatcher.RunOnceAsync(Consumers.Single(c => c.Name == CustomerChatConsumer.ConsumerName), default);
    }

    /// <summary>One instance as Program composes it, minus the Teams edge (whose port is the recording messenger).</summary>
    private Instance NewInstance(Dictionary<string, string?>? overrides = null)
    {
        var settings = new Dictionary<string, string?>(_storage)
        {
            ["SupportDesk:StaffTeamId"] = "19:staff@thread.tacv2",
            ["SupportDesk:StaffTenantId"] = "00000000-0000-0000-0000-000000000001",
            ["SupportDesk:StaffMembers"] = "00000000-0000-0000-0000-000000000020",
            ["SupportDesk:OutboxPollInterval"] = Poll.ToString(),
        };
        foreach (var (key, value) in overrides ?? [])
            settings[key] = value;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton<TimeProvider>(_clock);
        services.AddBlobStorage(configuration);
        services.AddCaseDesk();
        services.AddCaseEvents();
        services.AddConversation();
        services.AddStaffDesk();
        services.AddSingleton<IChannelMessenger>(_messenger);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        _instances.Add(provider);
        return new Instance(
            provider.GetRequiredService<CaseDesk>(),
            provider.GetRequiredService<CaseEventOutbox>(),
            provider.GetRequiredService<CaseEventDispatcher>(),
            provider.GetRequiredService<ConversationStateStore>(),
            provider.GetServices<ICaseEventConsumer>().ToList());
    }

    private static string CaseNumberOf(Reply card) => Assert.IsType<StaffCaseCardData>(Assert.IsType<CardReply>(card).Data).CaseNumber;

    private async Task<CaseEventDelivery> ReadEntryAsync(string consumer, string caseNumber, int sequence)
    {
        var blob = azurite.CreateServiceClient().GetBlobContainerClient(_storage["Storage:CasesContainer"]).GetBlobClient(CaseEventOutbox.BlobName(consumer, caseNumber, sequence));
        var json = (await blob.DownloadContentAsync()).Value.Content.ToString();
        return JsonSerializer.Deserialize<CaseEventDelivery>(json, Web)!;
    }

    private async Task<List<string>> NamesAsync(string prefix)
    {
        var container = azurite.CreateServiceClient().GetBlobContainerClient(_storage["Storage:CasesContainer"]);
        var names = new List<string>();
        await foreach (var blob in container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }))
            names.Add(blob.Name);
        return names;
    }
}
