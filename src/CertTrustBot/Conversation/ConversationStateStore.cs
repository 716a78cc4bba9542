using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using CertTrustBot.Storage;

namespace CertTrustBot.Conversation;

/// <summary>
/// Each conversation's <see cref="ConversationData"/> as one JSON blob, <c>conversations/{sha256(key)}.json</c> in the
/// state container. A turn loads it once and saves it once, with the ETag it was read with, so a turn that lost a
/// race to another turn (a double click, another instance) fails with <see cref="StorageConflictException"/> instead
/// of overwriting it. Work outside any turn changes <see cref="ConversationData.Questions"/> only, through
/// <see cref="UpdateAsync"/>; a turn's save merges such a change instead of failing on it.
/// </summary>
/// <remarks>The key is whatever the channel edge makes of its conversation id; it is hashed, so user-controlled
/// text never becomes part of a blob name.</remarks>
public sealed class ConversationStateStore(BlobContainers containers)
{
    /// <summary>Writes tried before giving up on a state that keeps changing underneath.</summary>
    public const int MaxAttempts = 10;

    private static readonly string EmptyState = Canonical(new ConversationData());

    /// <summary>The state as read: the data, and what is needed to save it safely.</summary>
    /// <param name="ETag">The blob's ETag; null when the conversation has no stored state yet.</param>
    /// <param name="Original">The data as this store serialises it (the empty state when there is no blob), to tell
    /// whether a turn changed anything and what it changed.</param>
    public sealed record Loaded(ConversationData Data, string Key, ETag? ETag, string Original);

    /// <summary>The blob that holds a conversation's state.</summary>
    public static string BlobNameFor(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        return $"conversations/{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))}.json";
    }

    /// <exception cref="ConversationStateUnreadableException">The stored state is not valid <see cref="ConversationData"/> JSON.</exception>
    /// <exception cref="StorageUnavailableException">Storage did not answer.</exception>
    public async Task<Loaded> LoadAsync(string key, CancellationToken cancellationToken)
    {
        var blob = await BlobAsync(key, cancellationToken);
        var (data, etag) = await ReadAsync(blob, key, cancellationToken);
        return data is null ? new Loaded(new ConversationData(), key, null, EmptyState) : new Loaded(data, key, etag, Canonical(data));
    }

    /// <summary>
    /// Writes the new state if it changed, only if nobody changed it since it was loaded (the first write of a
    /// conversation only if nobody created it meanwhile). A conflict is looked into before it is reported:
    /// <list type="bullet">
    /// <item>the stored state is the one this turn writes (a storage retry whose first attempt had landed): done;</item>
    /// <item>the stored state differs from the loaded one in <see cref="ConversationData.Questions"/> only (background
    /// work, or the loaded state rewritten unchanged): the turn's state is written over it, keeping the questions
    /// added meanwhile and leaving out those this turn took;</item>
    /// <item>anything else is another turn's change: <see cref="StorageConflictException"/>.</item>
    /// </list>
    /// </summary>
    /// <exception cref="StorageConflictException">Another turn changed the state since it was loaded.</exception>
    /// <exception cref="StorageUnavailableException">Storage did not answer.</exception>
    public async Task SaveAsync(Loaded loaded, ConversationData state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        ArgumentNullException.ThrowIfNull(state);
        if (Canonical(state) == loaded.Original)
            return;

        var blob = await BlobAsync(loaded.Key, cancellationToken);
        var loadedWithoutQuestions = WithoutQuestions(loaded.Data);
        var writing = state;
        var ifMatch = loaded.ETag;
        for (var attempt = 1; ; attempt++)
        {
            if (await BlobJson.TryWriteAsync(blob, writing, BlobJson.Options, ifMatch, "save the conversation state", cancellationToken) is not null)
                return;

            var (stored, storedETag) = await ReadAsync(blob, loaded.Key, cancellationToken);
            if (stored is not null && Canonical(stored) == Canonical(writing))
                return;
            if (stored is null || WithoutQuestions(stored) != loadedWithoutQuestions || attempt == MaxAttempts)
            {
                throw new StorageConflictException(
                    $"The conversation state changed since this turn read it (ETag {loaded.ETag?.ToString() ?? "none"}); the turn was not saved.");
            }

            writing = state with { Questions = MergeQuestions(stored.Questions, loaded.Data.Questions, state.Questions) };
            ifMatch = storedETag;
        }
    }

    /// <summary>
    /// Changes a conversation's state outside any turn (read, change, conditional write, again on a conflict), creating
    /// it when the conversation has none yet. Its result, as stored.
    /// </summary>
    /// <param name="change">Applied to the current state, maybe more than once: it must be a pure function.</param>
    /// <exception cref="StorageConflictException">The state kept changing for <see cref="MaxAttempts"/> attempts.</exception>
    /// <exception cref="ConversationStateUnreadableException">The stored state is not valid JSON.</exception>
    /// <exception cref="StorageUnavailableException">Storage did not answer.</exception>
    public async Task<ConversationData> UpdateAsync(string key, Func<ConversationData, ConversationData> change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        var blob = await BlobAsync(key, cancellationToken);
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var (stored, etag) = await ReadAsync(blob, key, cancellationToken);
            var current = stored ?? new ConversationData();
            var changed = change(current);
            if (Canonical(changed) == Canonical(current))
                return current;
            if (await BlobJson.TryWriteAsync(blob, changed, BlobJson.Options, etag, "update the conversation state", cancellationToken) is not null)
                return changed;
        }

        throw new StorageConflictException($"The conversation state kept changing during {MaxAttempts} attempts to update it.");
    }

    /// <summary>Forgets a conversation's state (one that cannot be read would fail every later turn).</summary>
    /// <exception cref="StorageUnavailableException">Storage did not answer.</exception>
    public async Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        var blob = await BlobAsync(key, cancellationToken);
        await StorageFailures.Guard(
            StorageFailures.ContainerOf(blob),
            () => blob.DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: cancellationToken),
            "delete the conversation state",
            cancellationToken);
    }

    private async Task<BlobClient> BlobAsync(string key, CancellationToken cancellationToken)
    {
        var name = BlobNameFor(key);
        return (await containers.StateAsync(cancellationToken)).GetBlobClient(name);
    }

    private static async Task<(ConversationData? Data, ETag? ETag)> ReadAsync(BlobClient blob, string key, CancellationToken cancellationToken)
    {
        try
        {
            var (data, etag) = await BlobJson.ReadAsync<ConversationData>(blob, BlobJson.Options, "read the conversation state", cancellationToken);
            // A blob holding JSON null is as unreadable as one holding garbage.
            if (data is null && etag is not null)
                throw new InvalidDataException($"The blob {blob.Name} holds no conversation state.");
            return (data, etag);
        }
        catch (InvalidDataException e)
        {
            throw new ConversationStateUnreadableException($"The conversation state '{key}' cannot be read as ConversationData.", e);
        }
    }

    /// <summary>
    /// The stored questions without those this turn took (in the loaded state, not in the turn's), plus any the turn
    /// added. Questions are told apart by the case event that asked them.
    /// </summary>
    private static PendingQuestion[] MergeQuestions(
        IReadOnlyList<PendingQuestion> stored, IReadOnlyList<PendingQuestion> loaded, IReadOnlyList<PendingQuestion> turn)
    {
        var turnIds = turn.Select(Id).ToHashSet();
        var loadedIds = loaded.Select(Id).ToHashSet();
        var taken = loadedIds.Where(id => !turnIds.Contains(id)).ToHashSet();
        var kept = stored.Where(q => !taken.Contains(Id(q))).ToList();
        var keptIds = kept.Select(Id).ToHashSet();
        return [.. kept, .. turn.Where(q => !loadedIds.Contains(Id(q)) && !keptIds.Contains(Id(q)))];

        static (string, int) Id(PendingQuestion q) => (q.CaseNumber, q.Sequence);
    }

    // Compared as this store writes them: records holding arrays are not equal by value, their JSON is.
    private static string Canonical(ConversationData data) => JsonSerializer.Serialize(data, BlobJson.Options);

    private static string WithoutQuestions(ConversationData data) => Canonical(data with { Questions = [] });
}

/// <summary>The stored conversation state exists but cannot be read (corrupt, or from an incompatible version).</summary>
public sealed class ConversationStateUnreadableException(string message, Exception inner) : Exception(message, inner);
