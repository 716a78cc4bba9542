using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Storage.Blobs.Models;
using CertTrustBot.Storage;
using Microsoft.Extensions.Options;

namespace CertTrustBot.Slack;

/// <summary>What kind of Slack request a received item is.</summary>
public enum SlackRequestKind
{
    Event,
    Interaction,
    Command,
}

/// <summary>A verified Slack request kept until it has been worked on (blob <c>slack/inbox/{sha256(id)}.json</c>).</summary>
public sealed record SlackInboxItem
{
    public required string Id { get; init; }

    public required SlackRequestKind Kind { get; init; }

    /// <summary>The request body as Slack sent it (the event envelope's JSON, the interaction's payload JSON, the command's form).</summary>
    public required string Payload { get; init; }

    public required DateTimeOffset ReceivedAt { get; init; }

    /// <summary>Before this time, an instance is working on it and no other takes it.</summary>
    public DateTimeOffset ClaimedUntil { get; init; }

    public int Attempts { get; init; }

    /// <summary>Worked on (or given up): kept only as the marker that answers Slack's retries, then deleted.</summary>
    public bool Done { get; init; }
}

/// <summary>
/// Slack's requests are acknowledged at once and worked on after: each is first recorded here, create-only under a
/// name made from its id (an event's <c>event_id</c>, an interaction's or command's <c>trigger_id</c>), so a retry, on
/// this instance or another, finds it there and is not worked on twice. An instance claims an item (an ETag-conditional
/// write that holds it for <see cref="SlackOptions.ClaimDuration"/>) before working on it, and marks it done after; an
/// item whose instance died is taken over when its claim runs out. Done items are kept an hour (Slack retries within
/// minutes), then deleted.
/// </summary>
public sealed class SlackInbox(BlobContainers containers, IOptions<SlackOptions> options, TimeProvider clock) : IDisposable
{
    public const string Prefix = "slack/inbox/";
    public const int MaxAttempts = 5;
    private const string DoneMetadata = "done";
    private static readonly TimeSpan KeepDone = TimeSpan.FromHours(1);
    private readonly SemaphoreSlim _nudge = new(0, 1);

    /// <summary>Records a verified request; false when it was recorded already (a retry).</summary>
    /// <exception cref="StorageUnavailableException">Storage did not answer.</exception>
    public async Task<bool> ReceiveAsync(SlackRequestKind kind, string id, string payload, CancellationToken cancellationToken)
    {
        var item = new SlackInboxItem { Id = id, Kind = kind, Payload = payload, ReceivedAt = clock.GetUtcNow() };
        var state = await containers.StateAsync(cancellationToken).ConfigureAwait(false);
        var written = await BlobJson.TryWriteAsync(state.GetBlobClient(BlobNameFor(kind, id)), item, BlobJson.Options, null, "record a Slack request", cancellationToken).ConfigureAwait(false);
        if (written is null)
            return false;
        Nudge();
        return true;
    }

    public static string BlobNameFor(SlackRequestKind kind, string id) =>
        Prefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{kind}|{id}"))) + ".json";

    /// <summary>Wakes this instance's worker.</summary>
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
    }

    public Task<bool> WaitForNudgeAsync(TimeSpan timeout, CancellationToken cancellationToken) => _nudge.WaitAsync(timeout, cancellationToken);

    /// <summary>
    /// One pass: every item that is not done and not claimed, oldest first, is claimed and given to
    /// <paramref name="work"/>, then marked done (or, when it threw, left for a retry after its claim, up to
    /// <see cref="MaxAttempts"/>; the first retries after 5, 10, 20… seconds, or Slack's Retry-After). Old done items are deleted. The number of items worked on.
    /// </summary>
    public async Task<int> RunOnceAsync(Func<SlackInboxItem, CancellationToken, Task> work, Action<SlackInboxItem, Exception> failed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        ArgumentNullException.ThrowIfNull(failed);
        var state = await containers.StateAsync(cancellationToken).ConfigureAwait(false);
        var items = new List<(SlackInboxItem Item, ETag ETag, string Name)>();
        await foreach (var listed in state.GetBlobsAsync(new GetBlobsOptions { Prefix = Prefix, Traits = BlobTraits.Metadata }, cancellationToken).ConfigureAwait(false))
        {
            // Done items are only markers: told apart by their metadata, never read again, deleted when old.
            if (listed.Metadata.TryGetValue(DoneMetadata, out var done) && done == "true")
            {
                if (listed.Properties.CreatedOn is { } created && clock.GetUtcNow() - created > KeepDone && listed.Properties.ETag is { } doneTag)
                    await BlobJson.TryDeleteAsync(state.GetBlobClient(listed.Name), doneTag, "delete a done Slack request", cancellationToken).ConfigureAwait(false);
                continue;
            }

            var (item, etag) = await BlobJson.ReadAsync<SlackInboxItem>(state.GetBlobClient(listed.Name), BlobJson.Options, "read the Slack inbox", cancellationToken).ConfigureAwait(false);
            if (item is { Done: false } && etag is { } e)
                items.Add((item, e, listed.Name));
        }

        var worked = 0;
        foreach (var (item, etag, name) in items.OrderBy(i => i.Item.ReceivedAt))
        {
            var blob = state.GetBlobClient(name);
            var now = clock.GetUtcNow();
            if (item.ClaimedUntil > now)
                continue;
            var claimed = item with { ClaimedUntil = now + options.Value.ClaimDuration, Attempts = item.Attempts + 1 };
            if (await BlobJson.TryWriteAsync(blob, claimed, BlobJson.Options, etag, "claim a Slack request", cancellationToken).ConfigureAwait(false) is not { } claimTag)
                continue; // another instance took it

            worked++;
            var done = true;
            try
            {
                await work(claimed, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                failed(claimed, ex);
                done = claimed.Attempts >= MaxAttempts;
                if (!done)
                {
                    // Tried again soon (a lost race on the conversation's state, Slack busy), not only when the claim
                    // runs out; never before Slack's Retry-After.
                    var wait = TimeSpan.FromSeconds(5 * Math.Pow(2, claimed.Attempts - 1));
                    if (ex is SlackApiException { RetryAfter: { } retryAfter } && retryAfter > wait)
                        wait = retryAfter;
                    if (wait < options.Value.ClaimDuration)
                        await BlobJson.TryWriteAsync(blob, claimed with { ClaimedUntil = clock.GetUtcNow() + wait }, BlobJson.Options, claimTag, "reschedule a Slack request", CancellationToken.None).ConfigureAwait(false);
                }
            }

            // Past shutdown too: what was done is recorded, so it is not done again.
            if (done)
                await BlobJson.TryWriteAsync(blob, claimed with { Done = true }, BlobJson.Options, claimTag, "mark a Slack request done", CancellationToken.None,
                    new Dictionary<string, string> { [DoneMetadata] = "true" }).ConfigureAwait(false);
        }

        return worked;
    }

    public void Dispose() => _nudge.Dispose();
}
