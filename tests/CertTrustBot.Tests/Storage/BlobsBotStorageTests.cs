using CertTrustBot.Bot;
using CertTrustBot.Cases;
using CertTrustBot.Storage;
using CertTrustBot.Tests.Cases;
using CertTrustBot.Tests.Infrastructure;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Builder.Adapters;
using Microsoft.Bot.Schema;
using Newtonsoft.Json.Linq;

namespace CertTrustBot.Tests.Storage;

[Collection("Azurite")]
public class BlobsBotStorageTests(AzuriteFixture azurite)
{
    private readonly StorageOptions _options = azurite.NewStorageOptions();

    private BlobsBotStorage NewStorage() => new(AzuriteFixture.CreateContainers(_options));

    [Fact]
    public async Task Conversation_state_survives_a_round_trip_through_blob_storage()
    {
        var activity = TeamsMessage("a:1Qx9/../weird?conv=1;messageid=42");
        var saved = new RequestProgress
        {
            Step = "ChoosingEnvironments",
            Environments = ["Production", "Test"],
            StartedAt = new DateTimeOffset(2026, 11, 29, 8, 0, 0, TimeSpan.FromHours(1)),
            Certificate = new CertificateSummary("CN=Contoso Root", 3),
        };

        var firstState = new ConversationState(NewStorage());
        var firstTurn = new TurnContext(new TestAdapter(), activity);
        await firstState.CreateProperty<RequestProgress>("progress").SetAsync(firstTurn, saved);
        await firstState.CreateProperty<int>("turns").SetAsync(firstTurn, 7);
        await firstState.SaveChangesAsync(firstTurn);

        // A new state object over a new storage object: as another bot instance would read it.
        var secondState = new ConversationState(NewStorage());
        var secondTurn = new TurnContext(new TestAdapter(), activity);
        var loaded = await secondState.CreateProperty<RequestProgress>("progress").GetAsync(secondTurn, () => new RequestProgress());
        var turns = await secondState.CreateProperty<int>("turns").GetAsync(secondTurn, () => 0);

        Assert.Equal(saved.Step, loaded.Step);
        Assert.Equal(saved.Environments, loaded.Environments);
        Assert.Equal(saved.StartedAt, loaded.StartedAt);
        Assert.Equal(saved.StartedAt.Offset, loaded.StartedAt.Offset);
        Assert.Equal(saved.Certificate, loaded.Certificate);
        Assert.Equal(7, turns);

        var names = await ListBlobNamesAsync();
        var name = Assert.Single(names);
        Assert.DoesNotContain('/', name);
        Assert.DoesNotContain("..", name, StringComparison.Ordinal);
    }

    [Fact]
    public void State_keys_become_distinct_blob_names_that_are_never_paths()
    {
        string[] keys = ["msteams/conversations/a:1", "msteams~2Fconversations~2Fa~3A1", "../../etc/passwd", "slack/users/U1 ü", new string('x', 2000), new string('x', 2001)];

        var names = keys.Select(BlobsBotStorage.BlobName).ToList();

        Assert.Equal(keys.Length, names.Distinct(StringComparer.Ordinal).Count());
        Assert.All(names, n => Assert.Matches("^[A-Za-z0-9_~-]+$", n));
        Assert.All(names, n => Assert.InRange(n.Length, 1, BlobsBotStorage.MaxReadableNameLength));
    }

    [Fact]
    public async Task Reading_a_key_that_was_never_written_returns_nothing()
    {
        var items = await NewStorage().ReadAsync(["msteams/conversations/never"]);

        Assert.Empty(items);
    }

    [Fact]
    public async Task Writing_a_store_item_with_a_stale_ETag_is_rejected()
    {
        var storage = NewStorage();
        await storage.WriteAsync(new Dictionary<string, object> { ["note"] = new Note { Text = "first" } });
        var mine = (await ReadNoteAsync(storage))!;
        var theirs = (await ReadNoteAsync(storage))!;
        Assert.False(string.IsNullOrEmpty(mine.ETag));

        theirs.Text = "theirs";
        await storage.WriteAsync(new Dictionary<string, object> { ["note"] = theirs });
        mine.Text = "mine";
        var conflict = await Assert.ThrowsAsync<StorageConflictException>(
            () => storage.WriteAsync(new Dictionary<string, object> { ["note"] = mine }));

        Assert.Contains("note", conflict.Message, StringComparison.Ordinal);
        Assert.Equal("theirs", (await ReadNoteAsync(storage))!.Text);
    }

    [Fact]
    public async Task A_store_item_written_with_its_current_ETag_is_saved_and_gets_the_new_ETag()
    {
        var storage = NewStorage();
        await storage.WriteAsync(new Dictionary<string, object> { ["note"] = new Note { Text = "first" } });
        var note = (await ReadNoteAsync(storage))!;
        var readETag = note.ETag;

        note.Text = "second";
        await storage.WriteAsync(new Dictionary<string, object> { ["note"] = note });
        note.Text = "third";
        await storage.WriteAsync(new Dictionary<string, object> { ["note"] = note });

        Assert.NotEqual(readETag, note.ETag);
        Assert.Equal("third", (await ReadNoteAsync(storage))!.Text);
    }

    [Fact]
    public async Task An_ETag_of_star_means_last_write_wins()
    {
        var storage = NewStorage();
        await storage.WriteAsync(new Dictionary<string, object> { ["note"] = new Note { Text = "first" } });
        var stale = (await ReadNoteAsync(storage))!;
        await storage.WriteAsync(new Dictionary<string, object> { ["note"] = new Note { Text = "second" } });

        stale.Text = "forced";
        stale.ETag = "*";
        await storage.WriteAsync(new Dictionary<string, object> { ["note"] = stale });

        Assert.Equal("forced", (await ReadNoteAsync(storage))!.Text);
    }

    [Fact]
    public async Task Deleting_a_key_removes_it_and_deleting_it_again_is_harmless()
    {
        var storage = NewStorage();
        await storage.WriteAsync(new Dictionary<string, object> { ["keep"] = new Note { Text = "k" }, ["drop"] = new Note { Text = "d" } });

        await storage.DeleteAsync(["drop"]);
        await storage.DeleteAsync(["drop", "never-written"]);

        var items = await storage.ReadAsync(["keep", "drop"]);
        Assert.Equal(["keep"], items.Keys);
    }

    [Fact]
    public async Task Unreachable_storage_surfaces_as_StorageUnavailableException_within_seconds()
    {
        var closed = _options.WithConnectionString(CaseDeskTests.ClosedPortConnectionString());
        var storage = new BlobsBotStorage(AzuriteFixture.CreateContainers(closed));
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();

        await Assert.ThrowsAsync<StorageUnavailableException>(() => storage.ReadAsync(["msteams/conversations/a:1"]));
        await Assert.ThrowsAsync<StorageUnavailableException>(() => storage.WriteAsync(new Dictionary<string, object> { ["k"] = new Note() }));

        Assert.InRange(stopwatch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(10));
    }

    private static async Task<Note?> ReadNoteAsync(BlobsBotStorage storage)
    {
        var items = await storage.ReadAsync(["note"]);
        return items.TryGetValue("note", out var value) ? ((JObject)value).ToObject<Note>() : null;
    }

    private async Task<List<string>> ListBlobNamesAsync()
    {
        var container = azurite.CreateServiceClient().GetBlobContainerClient(_options.StateContainer);
        var names = new List<string>();
        await foreach (var blob in container.GetBlobsAsync())
            names.Add(blob.Name);
        return names;
    }

    private static Activity TeamsMessage(string conversationId) => new()
    {
        Type = ActivityTypes.Message,
        ChannelId = "msteams",
        Conversation = new ConversationAccount(id: conversationId),
        From = new ChannelAccount("29:user", "User"),
        Recipient = new ChannelAccount("28:bot", "Bot"),
        ServiceUrl = "http://127.0.0.1:1/",
        Text = "hi",
    };

    public sealed class RequestProgress
    {
        public string Step { get; set; } = "Start";
        public List<string> Environments { get; set; } = [];
        public DateTimeOffset StartedAt { get; set; }
        public CertificateSummary? Certificate { get; set; }
    }

    public sealed record CertificateSummary(string Subject, int Count);

    public sealed class Note : IStoreItem
    {
        public string Text { get; set; } = "";
        public string ETag { get; set; } = "";
    }
}
