using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using CertTrustBot.Storage;
using Microsoft.Extensions.Options;

namespace CertTrustBot.Cases.Webhooks;

/// <summary>
/// The case events waiting to be delivered to the external case desk: one blob per event in the cases container,
/// <c>{OutboxPrefix}{caseNumber}/{sequence:D6}.json</c> (<c>webhook-outbox/CT-000042/000001.json</c>), holding a
/// <see cref="CaseWebhookOutboxEntry"/>. Its metadata (<c>state</c>, <c>due</c>) lets the dispatcher skip entries
/// that are not due without downloading them.
/// </summary>
/// <remarks>
/// Entries are staged by <see cref="CaseDesk"/> before it writes the case record (see <see cref="ICaseEventOutbox"/>),
/// under a name made of the case number and the event's sequence, so staging the same event again (a retry, a racing
/// attempt) finds the same blob. Every change after staging is conditional on the blob's ETag.
/// </remarks>
public sealed partial class CaseWebhookOutbox(
    BlobContainers containers,
    IOptions<CaseWebhookOptions> options,
    TimeProvider timeProvider,
    ILogger<CaseWebhookOutbox> logger) : ICaseEventOutbox, IDisposable
{
    public const string StatePending = "pending";
    public const string StateDeadLetter = "dead-letter";
    private const int MaxStageAttempts = 5;

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    private static readonly BlobHttpHeaders JsonHeaders = new() { ContentType = "application/json; charset=utf-8" };
    private readonly CaseWebhookOptions _options = options.Value;
    private readonly SemaphoreSlim _nudge = new(0, 1);

    public string BlobName(string caseNumber, int sequence) =>
        $"{_options.OutboxPrefix}{caseNumber}/{sequence.ToString("D6", CultureInfo.InvariantCulture)}.json";

    /// <inheritdoc />
    public async Task StageAsync(SupportCase record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (!_options.Enabled)
            return;

        var sequence = record.History.Count;
        var now = timeProvider.GetUtcNow();
        var entry = new CaseWebhookOutboxEntry
        {
            CaseNumber = record.CaseNumber,
            Sequence = sequence,
            Payload = CaseWebhookEvent.From(record, sequence),
            EnqueuedAt = now,
            NextAttemptAt = now,
        };
        var cases = await containers.CasesAsync(cancellationToken).ConfigureAwait(false);
        var blob = cases.GetBlobClient(BlobName(record.CaseNumber, sequence));
        for (var attempt = 1; attempt <= MaxStageAttempts; attempt++)
        {
            if (await TryWriteAsync(blob, entry, new BlobRequestConditions { IfNoneMatch = ETag.All }, cancellationToken).ConfigureAwait(false) is not null)
                return;

            var (existing, etag) = await ReadAsync(blob, cancellationToken).ConfigureAwait(false);
            if (existing is null)
                continue; // delivered or dropped since: stage it again
            if (existing.Committed)
                return; // this sequence is already committed, so this attempt's conditional record write will be refused

            // Staged by an attempt that has not committed (yet, or ever). Refreshing it changes its ETag, so that a dispatcher
            // dropping it as too old at this very moment fails instead of losing the event this attempt may commit.
            if (await TryWriteAsync(blob, entry, new BlobRequestConditions { IfMatch = etag }, cancellationToken).ConfigureAwait(false) is not null)
                return;
        }
        throw new StorageConflictException($"Could not stage event {sequence} of case {record.CaseNumber} in the webhook outbox: it kept changing; retry.");
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
            // shutting down: a case committed now is found by the next start's first pass
        }
    }

    /// <summary>Waits for a nudge or for <paramref name="timeout"/>, whichever comes first.</summary>
    public Task WaitForNudgeAsync(TimeSpan timeout, CancellationToken cancellationToken) => _nudge.WaitAsync(timeout, cancellationToken);

    /// <summary>The outbox entries in name order (so a case's events come in sequence), as their metadata describes them.</summary>
    public async IAsyncEnumerable<CaseWebhookOutboxItem> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var cases = await containers.CasesAsync(cancellationToken).ConfigureAwait(false);
        var pages = cases.GetBlobsAsync(new GetBlobsOptions { Prefix = _options.OutboxPrefix, Traits = BlobTraits.Metadata }, cancellationToken).AsPages();
        await using var page = pages.GetAsyncEnumerator(cancellationToken);
        while (await StorageFailures.Guard(async () => await page.MoveNextAsync().ConfigureAwait(false), "list the webhook outbox", cancellationToken).ConfigureAwait(false))
        {
            foreach (var item in page.Current.Values)
            {
                var rest = item.Name[_options.OutboxPrefix.Length..];
                var slash = rest.IndexOf('/', StringComparison.Ordinal);
                if (slash <= 0 || !CaseNumber.TryNormalize(rest[..slash], out var caseNumber))
                    continue; // not ours
                var metadata = item.Metadata ?? new Dictionary<string, string>();
                var deadLetter = metadata.TryGetValue("state", out var state) && state == StateDeadLetter;
                var due = metadata.TryGetValue("due", out var text) && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
                    ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
                    : DateTimeOffset.MinValue; // unknown: read it to find out
                yield return new CaseWebhookOutboxItem(item.Name, caseNumber, deadLetter, due);
            }
        }
    }

    /// <summary>The entry and its ETag, or (null, null) when it is gone.</summary>
    public async Task<(CaseWebhookOutboxEntry? Entry, ETag? ETag)> ReadAsync(string blobName, CancellationToken cancellationToken)
    {
        var cases = await containers.CasesAsync(cancellationToken).ConfigureAwait(false);
        return await ReadAsync(cases.GetBlobClient(blobName), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Replaces the entry if it still has <paramref name="etag"/>; its new ETag, or null when it changed or is gone.</summary>
    public async Task<ETag?> TryReplaceAsync(string blobName, CaseWebhookOutboxEntry entry, ETag etag, CancellationToken cancellationToken)
    {
        var cases = await containers.CasesAsync(cancellationToken).ConfigureAwait(false);
        return await TryWriteAsync(cases.GetBlobClient(blobName), entry, new BlobRequestConditions { IfMatch = etag }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes the entry if it still has <paramref name="etag"/>; false when it changed or is gone.</summary>
    public async Task<bool> TryDeleteAsync(string blobName, ETag etag, CancellationToken cancellationToken)
    {
        var cases = await containers.CasesAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await StorageFailures.Guard(
                () => cases.GetBlobClient(blobName).DeleteAsync(DeleteSnapshotsOption.None, new BlobRequestConditions { IfMatch = etag }, cancellationToken),
                "delete a delivered webhook event",
                cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 409 or 412)
        {
            return false;
        }
    }

    /// <summary>Puts every dead letter back in line, with its attempts and age reset (after the receiver was fixed).</summary>
    /// <returns>How many were put back.</returns>
    public async Task<int> RequeueDeadLettersAsync(CancellationToken cancellationToken)
    {
        var count = 0;
        await foreach (var item in ListAsync(cancellationToken).ConfigureAwait(false))
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
                LogRequeued(logger, entry.Payload.Id);
            }
        }
        if (count > 0)
            Nudge();
        return count;
    }

    public void Dispose() => _nudge.Dispose();

    private static Task<(CaseWebhookOutboxEntry? Entry, ETag? ETag)> ReadAsync(BlobClient blob, CancellationToken cancellationToken) =>
        BlobJson.ReadAsync<CaseWebhookOutboxEntry>(blob, Json, "read the webhook outbox", cancellationToken);

    private static async Task<ETag?> TryWriteAsync(BlobClient blob, CaseWebhookOutboxEntry entry, BlobRequestConditions conditions, CancellationToken cancellationToken)
    {
        var upload = new BlobUploadOptions
        {
            Conditions = conditions,
            HttpHeaders = JsonHeaders,
            Metadata = new Dictionary<string, string>
            {
                ["state"] = entry.DeadLetteredAt is null ? StatePending : StateDeadLetter,
                ["due"] = entry.NextAttemptAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
            },
        };
        try
        {
            var response = await StorageFailures.Guard(
                () => blob.UploadAsync(BinaryData.FromObjectAsJson(entry, Json), upload, cancellationToken),
                "write the webhook outbox",
                cancellationToken).ConfigureAwait(false);
            return response.Value.ETag;
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 409 or 412)
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook event {EventId} taken out of the dead letters and queued again")]
    private static partial void LogRequeued(ILogger logger, string eventId);
}

/// <summary>One event waiting in the outbox, as stored in its blob.</summary>
public sealed record CaseWebhookOutboxEntry
{
    public required string CaseNumber { get; init; }
    public required int Sequence { get; init; }

    /// <summary>What is POSTed. Until <see cref="Committed"/>, as staged; then rebuilt from the committed record and fixed.</summary>
    public required CaseWebhookEvent Payload { get; init; }

    /// <summary>The case record was seen to hold this event (it is not a staged event whose write failed).</summary>
    public bool Committed { get; init; }

    /// <summary>When it was staged (or put back from the dead letters); <see cref="CaseWebhookOptions.GiveUpAfter"/> counts from here.</summary>
    public required DateTimeOffset EnqueuedAt { get; init; }

    public int Attempts { get; init; }

    /// <summary>Not to be sent before then: a backoff, or another instance's claim while it sends.</summary>
    public required DateTimeOffset NextAttemptAt { get; init; }

    public DateTimeOffset? LastAttemptAt { get; init; }

    /// <summary>Why the last attempt failed ("HTTP 503 Service Unavailable", "connection refused"...).</summary>
    public string? LastError { get; init; }

    /// <summary>Set when the dispatcher gave up: the entry stays here, unsent, until requeued or removed by an operator.</summary>
    public DateTimeOffset? DeadLetteredAt { get; init; }
}

/// <summary>An outbox blob as listed: its name, its case, and what its metadata says.</summary>
public sealed record CaseWebhookOutboxItem(string BlobName, string CaseNumber, bool DeadLetter, DateTimeOffset DueAt);
