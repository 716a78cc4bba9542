using CertTrustBot.Bot;
using CertTrustBot.Conversation;
using CertTrustBot.Storage;
using CertTrustBot.Tests.Infrastructure;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Builder.Adapters;
using Microsoft.Bot.Schema;

namespace CertTrustBot.Tests.Bot;

[Collection("Azurite")]
public sealed class ConversationStateStoreTests(AzuriteFixture azurite)
{
    private readonly StorageOptions _options = azurite.NewStorageOptions();

    [Fact]
    public async Task State_saved_by_one_instance_is_read_by_another()
    {
        var turn = Turn();
        var first = Store();
        var loaded = await first.LoadAsync(turn, default);
        await first.SaveAsync(loaded, loaded.Data with { Step = ConversationStep.AwaitingEnvironments, FileName = "root.cer", FileContent = [1, 2, 3], Environments = ["Test"] }, default);

        var read = (await Store().LoadAsync(turn, default)).Data;

        Assert.Equal(ConversationStep.AwaitingEnvironments, read.Step);
        Assert.Equal("root.cer", read.FileName);
        Assert.Equal([1, 2, 3], read.FileContent);
        Assert.Equal(["Test"], read.Environments);
    }

    [Fact]
    public async Task A_turn_that_lost_the_race_to_another_turn_cannot_overwrite_its_state()
    {
        var turn = Turn();
        var store = Store();
        await store.SaveAsync(await store.LoadAsync(turn, default), new ConversationData { Step = ConversationStep.AwaitingCertificate }, default);
        var first = await store.LoadAsync(turn, default);
        var second = await Store().LoadAsync(turn, default);

        await store.SaveAsync(first, first.Data with { Step = ConversationStep.AwaitingEnvironments }, default);
        var conflict = await Assert.ThrowsAsync<StorageConflictException>(() => Store().SaveAsync(second, second.Data with { Step = ConversationStep.Idle }, default));

        Assert.Equal(ConversationStep.AwaitingEnvironments, (await store.LoadAsync(turn, default)).Data.Step);
        Assert.Contains("send it again", TeamsBotAdapter.UserMessageFor(conflict), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_retried_write_that_had_already_landed_is_not_a_conflict()
    {
        var turn = Turn();
        var store = Store();
        await store.SaveAsync(await store.LoadAsync(turn, default), new ConversationData { Step = ConversationStep.AwaitingCertificate }, default);
        var loaded = await store.LoadAsync(turn, default);
        var next = loaded.Data with { Step = ConversationStep.AwaitingEnvironments, FileName = "root.cer", FileContent = [0x30, 0x82] };

        // As when the storage client's first attempt landed but its answer timed out, and the retry met the new ETag.
        await store.SaveAsync(loaded, next, default);
        await store.SaveAsync(loaded, next, default);

        Assert.Equal(ConversationStep.AwaitingEnvironments, (await store.LoadAsync(turn, default)).Data.Step);
    }

    [Fact]
    public async Task A_state_rewritten_unchanged_since_it_was_loaded_is_no_conflict()
    {
        var turn = Turn();
        var store = Store();
        await store.SaveAsync(await store.LoadAsync(turn, default), new ConversationData { Step = ConversationStep.AwaitingEnvironments, FileContent = [0x30] }, default);
        var loaded = await store.LoadAsync(turn, default);

        // The same content written again (a late duplicate of the earlier write): a new ETag, nothing changed.
        await new BlobsBotStorage(AzuriteFixture.CreateContainers(_options)).WriteAsync(
            new Dictionary<string, object> { [loaded.Key] = new Newtonsoft.Json.Linq.JObject { ["eTag"] = "*", ["conversation"] = Newtonsoft.Json.Linq.JToken.FromObject(loaded.Data) } },
            default);
        await store.SaveAsync(loaded, loaded.Data with { Step = ConversationStep.AwaitingConfirmation }, default);

        Assert.Equal(ConversationStep.AwaitingConfirmation, (await store.LoadAsync(turn, default)).Data.Step);
    }

    [Fact]
    public async Task An_unchanged_state_is_not_written_again()
    {
        var turn = Turn();
        var store = Store();
        await store.SaveAsync(await store.LoadAsync(turn, default), new ConversationData { Step = ConversationStep.AwaitingEnvironments, FileContent = [0x30, 0x82] }, default);
        var loaded = await store.LoadAsync(turn, default);
        var etag = loaded.ETag;

        await store.SaveAsync(loaded, loaded.Data with { }, default);

        Assert.Equal(etag, (await store.LoadAsync(turn, default)).ETag);
    }

    private ConversationStateStore Store() => new(new BlobsBotStorage(AzuriteFixture.CreateContainers(_options)));

    private static TurnContext Turn() => new(new TestAdapter(), new Activity
    {
        Type = ActivityTypes.Message,
        ChannelId = "msteams",
        Conversation = new ConversationAccount(id: $"a:1{Guid.NewGuid():N}"),
    });
}
