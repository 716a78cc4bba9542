using System.Diagnostics;
using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using CertTrustBot.Bot;
using CertTrustBot.Conversation;
using CertTrustBot.Storage;
using CertTrustBot.Tests.Cases;
using CertTrustBot.Tests.Infrastructure;

namespace CertTrustBot.Tests.Conversation;

[Collection("Azurite")]
public sealed class ConversationStateStoreTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset AskedAt = new(2026, 11, 29, 8, 30, 0, TimeSpan.FromHours(1));

    private readonly StorageOptions _options = azurite.NewStorageOptions();
    private readonly string _key = $"msteams/conversations/a:1{Guid.NewGuid():N}";

    [Fact]
    public async Task Every_field_of_the_state_is_read_back_by_another_instance()
    {
        var saved = new ConversationData
        {
            Step = ConversationStep.AwaitingConfirmation,
            Mode = ConversationMode.CheckOnly,
            RequestId = "0f8e2d6c4b1a4e9f",
            FileName = "contoso root (2026).cer",
            Certificates = [[0x30, 0x82, 0x00, 0xFF], [0x30, 0x03, 0x02, 0x01, 0x01]],
            Environments = ["Test", "Production"],
            HostName = "erp.example.com",
            LastRequestId = "earlier",
            LastCaseNumber = "CT-000041",
            Questions = [Question("CT-000041", 3), Question("CT-000040", 7)],
        };
        var first = Store();
        await first.SaveAsync(await first.LoadAsync(_key, default), saved, default);

        var read = (await Store().LoadAsync(_key, default)).Data;

        Assert.Equal(saved.Step, read.Step);
        Assert.Equal(saved.Mode, read.Mode);
        Assert.Equal(saved.RequestId, read.RequestId);
        Assert.Equal(saved.FileName, read.FileName);
        Assert.Equal(saved.Certificates, read.Certificates);
        Assert.Equal(saved.Environments, read.Environments);
        Assert.Equal(saved.HostName, read.HostName);
        Assert.Equal(saved.LastRequestId, read.LastRequestId);
        Assert.Equal(saved.LastCaseNumber, read.LastCaseNumber);
        Assert.Equal(saved.Questions, read.Questions);
        Assert.Equal(AskedAt.Offset, read.Questions[0].AskedAt.Offset);
    }

    [Fact]
    public async Task The_state_is_stored_as_camelCase_JSON_with_enums_as_names()
    {
        var store = Store();
        await store.SaveAsync(await store.LoadAsync(_key, default), new ConversationData { Step = ConversationStep.AwaitingEnvironments, Certificates = [[1, 2, 3]] }, default);

        var json = JsonNode.Parse((await Blob().DownloadContentAsync()).Value.Content.ToString())!;

        Assert.Equal("AwaitingEnvironments", (string?)json["step"]);
        Assert.Equal("AQID", (string?)Assert.Single(json["certificates"]!.AsArray()));
    }

    [Fact]
    public async Task An_unchanged_state_is_not_written_again()
    {
        var store = Store();
        await store.SaveAsync(await store.LoadAsync(_key, default), new ConversationData { Step = ConversationStep.AwaitingEnvironments, Certificates = [[0x30]], Questions = [Question("CT-000001", 1)] }, default);
        var loaded = await store.LoadAsync(_key, default);

        await store.SaveAsync(loaded, loaded.Data with { Environments = [.. loaded.Data.Environments], Questions = [.. loaded.Data.Questions] }, default);

        Assert.Equal(loaded.ETag, (await store.LoadAsync(_key, default)).ETag);
    }

    [Fact]
    public async Task A_turn_that_leaves_a_new_conversation_empty_stores_nothing()
    {
        var store = Store();
        var loaded = await store.LoadAsync(_key, default);

        await store.SaveAsync(loaded, new ConversationData(), default);

        Assert.Null(loaded.ETag);
        Assert.False(await Blob().ExistsAsync());
    }

    [Fact]
    public async Task Two_first_turns_at_once_do_not_overwrite_each_other()
    {
        var (mine, theirs) = (Store(), Store());
        var loadedByMine = await mine.LoadAsync(_key, default);
        var loadedByTheirs = await theirs.LoadAsync(_key, default);

        var saves = await Task.WhenAll(
            SaveOutcomeAsync(mine, loadedByMine, new ConversationData { Step = ConversationStep.AwaitingCertificate, RequestId = "mine" }),
            SaveOutcomeAsync(theirs, loadedByTheirs, new ConversationData { Step = ConversationStep.AwaitingCertificate, RequestId = "theirs" }));

        var winner = Assert.Single(saves, s => s.Error is null);
        Assert.IsType<StorageConflictException>(Assert.Single(saves, s => s.Error is not null).Error);
        Assert.Equal(winner.RequestId, (await Store().LoadAsync(_key, default)).Data.RequestId);
    }

    [Fact]
    public async Task A_turn_that_lost_the_race_to_another_turn_cannot_overwrite_its_state()
    {
        var store = Store();
        await store.SaveAsync(await store.LoadAsync(_key, default), new ConversationData { Step = ConversationStep.AwaitingCertificate }, default);
        var first = await store.LoadAsync(_key, default);
        var second = await Store().LoadAsync(_key, default);

        await store.SaveAsync(first, first.Data with { Step = ConversationStep.AwaitingEnvironments }, default);
        var conflict = await Assert.ThrowsAsync<StorageConflictException>(() => Store().SaveAsync(second, second.Data with { Step = ConversationStep.Idle }, default));

        Assert.Equal(ConversationStep.AwaitingEnvironments, (await store.LoadAsync(_key, default)).Data.Step);
        Assert.Contains("send it again", TeamsBotAdapter.UserMessageFor(conflict), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_retried_write_that_had_already_landed_is_not_a_conflict()
    {
        var store = Store();
        await store.SaveAsync(await store.LoadAsync(_key, default), new ConversationData { Step = ConversationStep.AwaitingCertificate }, default);
        var loaded = await store.LoadAsync(_key, default);
        var next = loaded.Data with { Step = ConversationStep.AwaitingEnvironments, FileName = "root.cer", Certificates = [[0x30, 0x82]] };

        // As when the storage client's first attempt landed but its answer timed out, and the retry met the new ETag.
        await store.SaveAsync(loaded, next, default);
        await store.SaveAsync(loaded, next, default);

        Assert.Equal(ConversationStep.AwaitingEnvironments, (await store.LoadAsync(_key, default)).Data.Step);
    }

    [Fact]
    public async Task A_state_rewritten_unchanged_since_it_was_loaded_is_no_conflict()
    {
        var store = Store();
        await store.SaveAsync(await store.LoadAsync(_key, default), new ConversationData { Step = ConversationStep.AwaitingEnvironments, Certificates = [[0x30]] }, default);
        var loaded = await store.LoadAsync(_key, default);

        // The same content written again (a late duplicate of the earlier write): a new ETag, nothing changed.
        var blob = Blob();
        await blob.UploadAsync((await blob.DownloadContentAsync()).Value.Content, overwrite: true);
        await store.SaveAsync(loaded, loaded.Data with { Step = ConversationStep.AwaitingConfirmation }, default);

        Assert.Equal(ConversationStep.AwaitingConfirmation, (await store.LoadAsync(_key, default)).Data.Step);
    }

    [Fact]
    public async Task A_question_asked_during_a_turn_is_kept_with_the_turns_change()
    {
        var store = Store();
        await store.SaveAsync(await store.LoadAsync(_key, default), new ConversationData { Step = ConversationStep.AwaitingCertificate }, default);
        var turn = await store.LoadAsync(_key, default);

        await Store().UpdateAsync(_key, state => state with { Questions = [.. state.Questions, Question("CT-000042", 2)] }, default);
        await store.SaveAsync(turn, turn.Data with { Step = ConversationStep.AwaitingEnvironments, Certificates = [[0x30]] }, default);

        var stored = (await store.LoadAsync(_key, default)).Data;
        Assert.Equal(ConversationStep.AwaitingEnvironments, stored.Step);
        Assert.Equal(new byte[] { 0x30 }, Assert.Single(stored.Certificates));
        Assert.Equal([Question("CT-000042", 2)], stored.Questions);
    }

    [Fact]
    public async Task A_question_asked_before_a_first_turn_was_saved_is_kept()
    {
        var store = Store();
        var turn = await store.LoadAsync(_key, default);

        await Store().UpdateAsync(_key, state => state with { Questions = [Question("CT-000042", 2)] }, default);
        await store.SaveAsync(turn, turn.Data with { Step = ConversationStep.AwaitingCertificate }, default);

        var stored = (await store.LoadAsync(_key, default)).Data;
        Assert.Equal(ConversationStep.AwaitingCertificate, stored.Step);
        Assert.Equal([Question("CT-000042", 2)], stored.Questions);
    }

    [Fact]
    public async Task A_question_the_turn_answered_is_gone_and_one_asked_meanwhile_is_kept()
    {
        var store = Store();
        var answered = Question("CT-000042", 2);
        var askedMeanwhile = Question("CT-000043", 5);
        await store.SaveAsync(await store.LoadAsync(_key, default), new ConversationData { LastCaseNumber = "CT-000042", Questions = [answered] }, default);
        var turn = await store.LoadAsync(_key, default);

        await Store().UpdateAsync(_key, state => state with { Questions = [.. state.Questions, askedMeanwhile] }, default);
        await store.SaveAsync(turn, turn.Data with { Step = ConversationStep.AwaitingCertificate, Questions = [] }, default);

        var stored = (await store.LoadAsync(_key, default)).Data;
        Assert.Equal(ConversationStep.AwaitingCertificate, stored.Step);
        Assert.Equal([askedMeanwhile], stored.Questions);
    }

    [Fact]
    public async Task A_question_asked_meanwhile_does_not_let_a_stale_turn_overwrite_another_turns_change()
    {
        var store = Store();
        await store.SaveAsync(await store.LoadAsync(_key, default), new ConversationData { Step = ConversationStep.AwaitingCertificate }, default);
        var stale = await store.LoadAsync(_key, default);
        var other = await store.LoadAsync(_key, default);

        await store.SaveAsync(other, other.Data with { Step = ConversationStep.AwaitingEnvironments }, default);
        await Store().UpdateAsync(_key, state => state with { Questions = [Question("CT-000042", 2)] }, default);

        await Assert.ThrowsAsync<StorageConflictException>(() => store.SaveAsync(stale, stale.Data with { Step = ConversationStep.Idle }, default));
        var stored = (await store.LoadAsync(_key, default)).Data;
        Assert.Equal(ConversationStep.AwaitingEnvironments, stored.Step);
        Assert.Single(stored.Questions);
    }

    [Fact]
    public async Task Updates_racing_each_other_all_land()
    {
        var store = Store();
        await store.SaveAsync(await store.LoadAsync(_key, default), new ConversationData { LastCaseNumber = "CT-000042" }, default);
        var questions = Enumerable.Range(1, 8).Select(i => Question($"CT-{i:000000}", i)).ToList();

        await Task.WhenAll(questions.Select(q => Task.Run(() =>
            Store().UpdateAsync(_key, state => state with { Questions = [.. state.Questions, q] }, default))));

        var stored = (await store.LoadAsync(_key, default)).Data;
        Assert.Equal(questions.OrderBy(q => q.Sequence), stored.Questions.OrderBy(q => q.Sequence));
        Assert.Equal("CT-000042", stored.LastCaseNumber);
    }

    [Fact]
    public async Task An_update_of_a_conversation_without_state_creates_it()
    {
        var updated = await Store().UpdateAsync(_key, state => state with { Questions = [Question("CT-000042", 2)] }, default);

        var loaded = await Store().LoadAsync(_key, default);
        Assert.NotNull(loaded.ETag);
        Assert.Equal([Question("CT-000042", 2)], loaded.Data.Questions);
        Assert.Equal(updated.Questions, loaded.Data.Questions);
    }

    [Theory]
    [InlineData("{\"step\":")]
    [InlineData("null")]
    [InlineData("[1,2]")]
    [InlineData("{\"step\":\"not-a-step\",\"requestId\":[1,2]}")]
    public async Task A_state_that_cannot_be_read_is_reported_and_can_be_deleted(string json)
    {
        var store = Store();
        await store.SaveAsync(await store.LoadAsync(_key, default), new ConversationData { Step = ConversationStep.AwaitingCertificate }, default);
        await Blob().UploadAsync(BinaryData.FromString(json), overwrite: true);

        await Assert.ThrowsAsync<ConversationStateUnreadableException>(() => store.LoadAsync(_key, default));
        await store.DeleteAsync(_key, default);

        var afresh = await store.LoadAsync(_key, default);
        Assert.Null(afresh.ETag);
        Assert.Equal(ConversationStep.Idle, afresh.Data.Step);
    }

    [Fact]
    public async Task The_blob_name_holds_no_part_of_the_key()
    {
        const string key = "msteams/conversations/a:1Qx9/../weird?conv=1;messageid=42";
        var store = Store();
        await store.SaveAsync(await store.LoadAsync(key, default), new ConversationData { Step = ConversationStep.AwaitingCertificate }, default);

        var names = new List<string>();
        await foreach (var blob in Container().GetBlobsAsync())
            names.Add(blob.Name);

        var name = Assert.Single(names);
        Assert.Matches("^conversations/[0-9a-f]{64}\\.json$", name);
        Assert.NotEqual(ConversationStateStore.BlobNameFor(key + " "), name);
    }

    [Fact]
    public async Task Unreachable_storage_surfaces_as_StorageUnavailableException_within_seconds()
    {
        var store = new ConversationStateStore(AzuriteFixture.CreateContainers(_options.WithConnectionString(CaseDeskTests.ClosedPortConnectionString())));
        var stopwatch = Stopwatch.StartNew();

        await Assert.ThrowsAsync<StorageUnavailableException>(() => store.LoadAsync(_key, default));

        Assert.InRange(stopwatch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(10));
    }

    private ConversationStateStore Store() => new(AzuriteFixture.CreateContainers(_options));

    private BlobContainerClient Container() => azurite.CreateServiceClient().GetBlobContainerClient(_options.StateContainer);

    private BlobClient Blob() => Container().GetBlobClient(ConversationStateStore.BlobNameFor(_key));

    private static PendingQuestion Question(string caseNumber, int sequence) =>
        new(caseNumber, sequence, $"Which host needs {caseNumber}?", AskedAt.AddMinutes(sequence));

    private static async Task<(string? RequestId, Exception? Error)> SaveOutcomeAsync(
        ConversationStateStore store, ConversationStateStore.Loaded loaded, ConversationData state)
    {
        try
        {
            await store.SaveAsync(loaded, state, default);
            return (state.RequestId, null);
        }
        catch (StorageConflictException e)
        {
            return (state.RequestId, e);
        }
    }
}
