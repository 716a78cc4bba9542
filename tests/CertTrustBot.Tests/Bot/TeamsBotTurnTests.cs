using Azure.Storage.Blobs;
using CertTrustBot.Bot;
using CertTrustBot.Cases;
using CertTrustBot.Cases.Events;
using CertTrustBot.Conversation;
using CertTrustBot.Expiry;
using CertTrustBot.Staff;
using CertTrustBot.Storage;
using CertTrustBot.Tests.Http;
using CertTrustBot.Tests.Infrastructure;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Builder.Adapters;
using Microsoft.Bot.Schema;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Newtonsoft.Json.Linq;

namespace CertTrustBot.Tests.Bot;

/// <summary>
/// The activity handler for a few turns with the SDK's TestAdapter: the real conversation and cards, the state in
/// Azurite (these turns never reach the case desk).
/// </summary>
[Collection("Azurite")]
public sealed class TeamsBotTurnTests : IDisposable
{
    private readonly IHost _host;
    private readonly AzuriteFixture _azurite;
    private readonly IReadOnlyDictionary<string, string?> _storage;

    public TeamsBotTurnTests(AzuriteFixture azurite)
    {
        _azurite = azurite;
        _storage = azurite.NewConfiguration();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Testing", DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(_storage);
        builder.Services.AddBlobStorage(builder.Configuration);
        builder.Services.AddCaseDesk();
        builder.Services.AddCaseEvents();
        builder.Services.AddConversation();
        builder.Services.AddStaffDesk();
        builder.Services.AddExpiryWatch();
        builder.AddTeamsBot();
        _host = builder.Build();
    }

    public void Dispose() => _host.Dispose();

    private IBot Bot => _host.Services.GetRequiredService<IBot>();

    private ConversationStateStore States => _host.Services.GetRequiredService<ConversationStateStore>();

    private static string KeyOf(TestAdapter adapter) => $"{adapter.Conversation.ChannelId}/conversations/{adapter.Conversation.Conversation.Id}";

    [Fact]
    public async Task Installing_the_bot_in_a_chat_shows_the_welcome_card()
    {
        var adapter = new TestAdapter();
        var installed = adapter.MakeActivity();
        installed.Type = ActivityTypes.ConversationUpdate;
        installed.MembersAdded = [installed.Recipient];

        await new TestFlow(adapter, Bot.OnTurnAsync)
            .Send(installed)
            .AssertReply(reply => Assert.Equal(TurnInputReader.AdaptiveCard, Assert.Single(reply.AsMessageActivity().Attachments).ContentType))
            .StartTestAsync();
    }

    [Fact]
    public async Task Another_member_joining_is_not_greeted()
    {
        var adapter = new TestAdapter();
        var joined = adapter.MakeActivity();
        joined.Type = ActivityTypes.ConversationUpdate;
        joined.MembersAdded = [new ChannelAccount("29:someone-else", "Grace")];

        await new TestFlow(adapter, Bot.OnTurnAsync)
            .Send(joined)
            .AssertNoReply()
            .StartTestAsync();
    }

    [Fact]
    public async Task Hi_answers_with_the_welcome_card_and_its_commands()
    {
        await new TestFlow(new TestAdapter(), Bot.OnTurnAsync)
            .Send("hi")
            .AssertReply(reply =>
            {
                var card = (JObject)Assert.Single(reply.AsMessageActivity().Attachments).Content;
                Assert.Equal("AdaptiveCard", (string?)card["type"]);
                Assert.Equal("1.5", (string?)card["version"]);
                Assert.Contains(card.Descendants().OfType<JObject>(), o => (string?)o["data"]?["action"] == "newRequest");
            })
            .StartTestAsync();
    }

    [Fact]
    public async Task Cancel_ends_the_request_in_progress_and_the_state_is_saved_once_per_turn()
    {
        var adapter = new TestAdapter();

        await new TestFlow(adapter, Bot.OnTurnAsync)
            .Send(TestCertificates.RootPem)
            .AssertReply(reply => Assert.Single(reply.AsMessageActivity().Attachments)) // the report
            .AssertReply(reply => Assert.Single(reply.AsMessageActivity().Attachments)) // the environment picker
            .Send("cancel")
            .AssertReply(reply => Assert.StartsWith("Cancelled", reply.AsMessageActivity().Text, StringComparison.Ordinal))
            .Send("cancel")
            .AssertReply(reply => Assert.Contains("nothing to cancel", reply.AsMessageActivity().Text, StringComparison.Ordinal))
            .StartTestAsync();

        var stored = await States.LoadAsync(KeyOf(adapter), CancellationToken.None);
        Assert.NotNull(stored.ETag); // the request's turns did save
        Assert.Equal(ConversationStep.Idle, stored.Data.Step);
        Assert.Empty(stored.Data.Certificates);
    }

    [Fact]
    public void A_card_submit_arrives_as_flat_string_values()
    {
        var value = JObject.Parse("""{"action":"environments","environments":["Production","Test"],"confirmed":true,"count":2,"msteams":{"type":"messageBack"}}""");

        var flat = TurnInputReader.Flatten(value);

        Assert.Equal("environments", flat["action"]);
        Assert.Equal("Production,Test", flat["environments"]);
        Assert.Equal("true", flat["confirmed"]);
        Assert.Equal("2", flat["count"]);
        Assert.False(flat.ContainsKey("msteams"));
    }

    [Fact]
    public void The_turn_facts_carry_the_key_the_state_is_stored_under()
    {
        var activity = new Activity
        {
            Type = ActivityTypes.Message,
            ChannelId = "msteams",
            Conversation = new ConversationAccount(id: "a:1Qx9"),
            From = new ChannelAccount("29:user", "User"),
            Recipient = new ChannelAccount("28:bot", "Bot"),
        };
        using var turn = new TurnContext(new TestAdapter(), activity);

        var facts = _host.Services.GetRequiredService<TurnInputReader>().FactsOf(turn);

        Assert.Equal("msteams/conversations/a:1Qx9", facts.ConversationKey);
        Assert.Equal(ConversationKeys.KeyFor(turn), facts.ConversationKey);
    }

    [Fact]
    public async Task A_conversation_state_that_cannot_be_read_is_deleted_and_the_user_told()
    {
        var adapter = new TestAdapter();
        var container = new BlobServiceClient(_azurite.ConnectionString).GetBlobContainerClient(_storage["Storage:StateContainer"]);
        await container.CreateIfNotExistsAsync();
        await container.GetBlobClient(ConversationStateStore.BlobNameFor(KeyOf(adapter))).UploadAsync(BinaryData.FromString("""{"step":"not-a-step","requestId":[1,2]}"""));
        adapter.OnTurnError = (context, error) => TeamsBotAdapter.HandleTurnErrorAsync(context, error, States, NullLogger.Instance);

        await new TestFlow(adapter, Bot.OnTurnAsync)
            .Send("hi")
            .AssertReply(reply => Assert.Contains("lost track of our conversation", reply.AsMessageActivity().Text, StringComparison.Ordinal))
            .Send("hi")
            .AssertReply(reply => Assert.Single(reply.AsMessageActivity().Attachments)) // works again: the welcome
            .StartTestAsync();
    }

    // Messages that took 6 s (256 KiB) to 50 s (1 MiB) of CPU when the tags, mentions and PEM blocks were searched with
    // backtracking patterns. No timing here: the reading is linear by construction (see PastedPemTests); a regression
    // shows as a turn cancelled after a generous 10 s instead of a test run that hangs.
    public static TheoryData<string, int, string> HostileMessages => new()
    {
        { "<", 1024 * 1024, "That message is too long for me to read (1024 KB" },
        { "<at ", 1024 * 1024, "That message is too long for me to read (1024 KB" },
        { "<p ", 1024 * 1024, "That message is too long for me to read (1024 KB" },
        { "-----BEGIN A", 1024 * 1024, "That message is too long for me to read (1024 KB" },
        { "<", TextMessage.MaxLength, "I found no certificate in that text" },
        { "<at ", TextMessage.MaxLength, "I found no certificate in that text" },
        { "<p ", TextMessage.MaxLength, "I found no certificate in that text" },
        { "-----BEGIN A", TextMessage.MaxLength, "I see PEM text" },
    };

    [Theory]
    [MemberData(nameof(HostileMessages))]
    public async Task Hostile_messages_get_an_answer_through_a_whole_turn(string repeated, int length, string answer)
    {
        var adapter = new TestAdapter();
        var text = Conversation.PastedPemTests.Repeat(repeated, length);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));

        // On the thread pool, so that even a turn that never yields is abandoned when the token fires.
        await Task.Run(() => adapter.ProcessActivityAsync(adapter.MakeActivity(text), Bot.OnTurnAsync, timeout.Token), timeout.Token)
            .WaitAsync(timeout.Token);

        Assert.StartsWith(answer, adapter.GetNextReply().AsMessageActivity().Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_request_that_was_given_up_stops_the_turn_before_it_reads_or_writes_anything()
    {
        var adapter = new TestAdapter();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            adapter.ProcessActivityAsync(adapter.MakeActivity("new request"), Bot.OnTurnAsync, new CancellationToken(canceled: true)));

        Assert.Null(adapter.GetNextReply());
        Assert.Null((await States.LoadAsync(KeyOf(adapter), CancellationToken.None)).ETag); // nothing saved
    }
}
