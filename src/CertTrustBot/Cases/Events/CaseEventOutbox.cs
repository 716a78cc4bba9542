using System.Globalization;
using System.Runtime.CompilerServices;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using CertTrustBot.Storage;

namespace CertTrustBot.Cases.Events;

/// <summary>
/// The case events waiting for their consumers: one blob per consumer and event in the cases container,
/// <c>events/{consumer}/{caseNumber}/{sequence:D6}.json</c> (<c>events/webhook/CT-000042/000001.json</c>), holding a
/// <see cref="CaseEventDelivery"/>. Its metadata (<c>state</c>, <c>due</c>) lets the dispatcher skip entries that are
/// not due without downloading them.
/// </summary>
/// <remarks>
/// Entries are staged by <see cref="CaseDesk"/> before it writes the case record (see <see cref="ICaseEventOutbox"/>),
/// under a name made of the consumer, the case number and the event's sequence, so staging the same event again (a
/// retry, a racing attempt) finds the same blob. Every change after staging is conditional on the blob's ETag.
/// </remarks>
public sealed partial class CaseEventOutbox(
    BlobContainers containers,
    IEnumerable<ICaseEventConsumer> consumers,
    TimeProvider timeProvider,
    ILogger<CaseEventOutbox> logger) : ICaseEventOutbox, IDisposable
{
    public const string Prefix = "events/";
    public const string StatePending = "pending";
    public const string StateDeadLetter = "dead-letter";
    private const int MaxStageAttempts = 5;

    private readonly ICaseEventConsumer[] _consumers = [.. consumers];
    private readonly SemaphoreSlim _nudge = new(0, 1);

    public IReadOnlyList<ICaseEventConsumer> Consumers => _consumers;

    public static string BlobName(string consumer, string caseNumber, int sequence) =>
        $"{Prefix}{consumer}/{caseNumber}/{sequence.ToString("D6", CultureInfo.InvariantCulture)}.json";

    /// <inheritdoc />
    public async Task StageAsync(SupportCase record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var sequence = record.History.Count;
        var happened = record.History[^1];
        var wanting = _consumers.Where(c => c.Enabled && c.Wants(record, happened)).ToList();
        if (wanting.Count == 0)
            return;
        var cases = await containers.CasesAsync(cancellationToken).ConfigureAwait(false);
        await Task.WhenAll(wanting.Select(c => StageAsync(cases, c.Name, record.CaseNumber, sequence, cancellationToken))).ConfigureAwait(false);
    }

    private async Task StageAsync(BlobContainerClient cases, string consumer, string caseNumber, int sequence, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var entry = new CaseEventDelivery { Consumer = consumer, CaseNumber = caseNumber, Sequence = sequence, EnqueuedAt = now, NextAttemptAt = now };
        var blob = cases.GetBlobClient(BlobName(consumer, caseNumber, sequence));
        for (var attempt = 1; attempt <= MaxStageAttempts; attempt++)
        {
            if (await TryWriteAsync(blob, entry, null, cancellationToken).ConfigureAwait(false) is not null)
                return;

            var (existing, etag) = await ReadAsync(blob, cancellationToken).ConfigureAwait(false);
            if (existing is null)
                continue; // delivered or dropped since: stage it again
            if (existing.Committed)
                return; // this sequence is already committed, so this attempt's conditional record write will be refused

            // Staged by an attempt that has not committed (yet, or ever). Refreshing it changes its ETag, so that a dispatcher
            // dropping it as too old at this very moment fails instead of losing the event this attempt may commit.
            if (await TryWriteAsync(blob, entry, etag, cancellationToken).ConfigureAwait(false) is not null)
                return;
        }
        throw new StorageConflictException($"Could not stage event {sequence} of case {caseNumber} for {consumer}: it kept changing; retry.");
    }

    /// <inheritdoc />
    public void Committed(SupportCase record) => Nudge();

    /// <summary>Wakes the dispatcher of this instance (other instances find the event at their next poll).</summary>
    public void Nudge()
    {
        try
        {
            _nudge.Release();
        }
        catch (SemaphoreFullException)
        {
            // already nudged
        }
        catch (ObjectDisposedException)
        {
            // shutting down: an event committed now is found by the next start's first pass
        }
    }

    /// <summary>Waits for a nudge or for <paramref name="timeout"/>, whichever comes first.</summary>
    public Task WaitForNudgeAsync(TimeSpan timeout, CancellationToken cancellationToken) => _nudge.WaitAsync(timeout, cancellationToken);

    /// <summary>A consumer's entries in name order (so a case's events come in sequence), as their metadata describes them.</summary>
    public async IAsyncEnumerable<CaseEventOutboxItem> ListAsync(string consumer, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var prefix = $"{Prefix}{consumer}/";
        var cases = await containers.CasesAsync(cancellationToken).ConfigureAwait(false);
        var pages = cases.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix, Traits = BlobTraits.Metadata }, cancellationToken).AsPages();
        await using var page = pages.GetAsyncEnumerator(cancellationToken);
        while (await StorageFailures.Guard(async () => await page.MoveNextAsync().ConfigureAwait(false), "list the case-event outbox", cancellationToken).ConfigureAwait(false))
        {
            foreach (var item in page.Current.Values)
            {
                var rest = item.Name[prefix.Length..];
                var slash = rest.IndexOf('/', StringComparison.Ordinal);
                if (slash <= 0 || !CaseNumber.TryNormalize(rest[..slash], out var caseNumber))
                    continue; // not ours
                var metadata = item.Metadata ?? new Dictionary<string, string>();
                var deadLetter = metadata.TryGetValue("state", out var state) && state == StateDeadLetter;
                var due = metadata.TryGetValue("due", out var text) && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
                    ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
                    : DateTimeOffset.MinValue; // unknown: read it to find out
                yield return new CaseEventOutboxItem(item.Name, caseNumber, deadLetter, due);
            }
        }
    }

    /// <summary>The entry and its ETag, or (null, null) when it is gone.</summary>
    public async Task<(CaseEventDelivery? Entry, ETag? ETag)> ReadAsync(string blobName, CancellationToken cancellationToken)
    {
        var cases = await containers.CasesAsync(cancellationToken).ConfigureAwait(false);
        return await ReadAsync(cases.GetBlobClient(blobName), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Replaces the entry if it still has <paramref name="etag"/>; its new ETag, or null when it changed or is gone.</summary>
    public async Task<ETag?> TryReplaceAsync(string blobName, CaseEventDelivery entry, ETag etag, CancellationToken cancellationToken)
    {
        var cases = await containers.CasesAsync(cancellationToken).ConfigureAwait(false);
        return await TryWriteAsync(cases.GetBlobClient(blobName), entry, etag, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes the entry if it still has <paramref name="etag"/>; false when it changed or is gone.</summary>
    public async Task<bool> TryDeleteAsync(string blobName, ETag etag, CancellationToken cancellationToken)
    {
        var cases = await containers.CasesAsync(cancellationToken).ConfigureAwait(false);
        return await BlobJson.TryDeleteAsync(cases.GetBlobClient(blobName), etag, "delete a delivered case event", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Puts every dead letter of <paramref name="consumer"/> back in line, attempts and age reset (after the cause was fixed).</summary>
    /// <returns>How many were put back.</returns>
    public async Task<int> RequeueDeadLettersAsync(string consumer, CancellationToken cancellationToken)
    {
        var count = 0;
        await foreach (var item in ListAsync(consumer, cancellationToken).ConfigureAwait(false))
        {
            if (!item.DeadLetter)
                continue;
            var (entry, etag) = await ReadAsync(item.BlobName, cancellationToken).ConfigureAwait(false);
            if (entry?.DeadLetteredAt is null || etag is null)
                continue;
            var now = timeProvider.GetUtcNow();
            var requeued = entry with { DeadLetteredAt = null, Attempts = 0, EnqueuedAt = now, NextAttemptAt = now };
            if (await TryReplaceAsync(item.BlobName, requeued, etag.Value, cancellationToken).ConfigureAwait(false) is not null)
            {
                count++;
                LogRequeued(logger, consumer, entry.CaseNumber, entry.Sequence);
            }
        }
        if (count > 0)
            Nudge();
        return count;
    }

    public void Dispose() => _nudge.Dispose();

    private static Task<(CaseEventDelivery? Entry, ETag? ETag)> ReadAsync(BlobClient blob, CancellationToken cancellationToken) =>
        BlobJson.ReadAsync<CaseEventDelivery>(blob, BlobJson.Options, "read the case-event outbox", cancellationToken);

    private static Task<ETag?> TryWriteAsync(BlobClient blob, CaseEventDelivery entry, ETag? ifMatch, CancellationToken cancellationToken) =>
        BlobJson.TryWriteAsync(blob, entry, BlobJson.Options, ifMatch, "write the case-event outbox", cancellationToken, new Dictionary<string, string>
        {
            ["state"] = entry.DeadLetteredAt is null ? StatePending : StateDeadLetter,
            ["due"] = entry.NextAttemptAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
        });

    [LoggerMessage(Level = LogLevel.Information, Message = "Event {Sequence} of case {CaseNumber} for {Consumer} taken out of the dead letters and queued again")]
    private static partial void LogRequeued(ILogger logger, string consumer, string caseNumber, int sequence);
}

/// <summary>One event waiting for one consumer, as stored in its blob.</summary>
public sealed record CaseEventDelivery
{
    public required string Consumer { get; init; }
    public required string CaseNumber { get; init; }
    public required int Sequence { get; init; }

    /// <summary>The case record was seen to hold this event (it is not a staged event whose write failed).</summary>
    public bool Committed { get; init; }

    /// <summary>When it was staged (or put back from the dead letters); <see cref="DeliveryPolicy.GiveUpAfter"/> counts from here.</summary>
    public required DateTimeOffset EnqueuedAt { get; init; }

    public int Attempts { get; init; }

    /// <summary>Not to be acted on before then: a backoff, a wait, or another instance's claim while it acts.</summary>
    public required DateTimeOffset NextAttemptAt { get; init; }

    public DateTimeOffset? LastAttemptAt { get; init; }

    /// <summary>Why the last attempt failed or waits ("HTTP 503 Service Unavailable", "the staff team is not known yet"...).</summary>
    public string? LastError { get; init; }

    /// <summary>Set when the dispatcher gave up: the entry stays here, unsent, until requeued or removed by an operator.</summary>
    public DateTimeOffset? DeadLetteredAt { get; init; }
}

/// <summary>An outbox blob as listed: its name, its case, and what its metadata says.</summary>
public sealed record CaseEventOutboxItem(string BlobName, string CaseNumber, bool DeadLetter, DateTimeOffset DueAt);
