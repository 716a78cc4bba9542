using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using CertTrustBot.Storage;

namespace CertTrustBot.Cases;

/// <summary>
/// Hands out case numbers from <c>counters/case-number.json</c> in the cases container (the last number handed out),
/// advanced by ETag compare-and-swap. Within a process, the submits waiting for a number are served together: one
/// compare-and-swap reserves as many numbers as there are waiters, handed out in the order they asked.
/// </summary>
/// <remarks>
/// Without coordination, every concurrent submit in this process read the same counter, all but one lost the CAS,
/// and they kept retrying against each other: 64 simultaneous confirms took seconds. Taking numbers one at a time in
/// the process removed that, but then 128 simultaneous confirms on one instance waited for 128 storage round trips
/// in a row (the confirm p99 under load). Now one allocation at a time runs per process, and it takes a block for
/// everyone queued behind it: the only CAS losses left are to other instances, which the retries with jitter still
/// handle; the ETag stays the cross-instance guarantee. A caller that gives up still spends its number: gaps, never
/// duplicates. Per counter, not static: the counter is a DI singleton, so in a deployment this is one queue per
/// process, and tests that stand in for two instances with two app hosts still race through storage alone.
/// </remarks>
public sealed class CaseNumberCounter(BlobContainers containers)
{
    public const string BlobName = "counters/case-number.json";
    private const int MaxAttempts = 200;

    /// <summary>At most this many numbers in one block, so a burst is served in a few round trips, not one huge one.</summary>
    private const int MaxBlock = 256;

    private readonly Lock _lock = new();
    private readonly Queue<TaskCompletionSource<string>> _waiting = new();
    private bool _allocating;

    // The counter as this instance last wrote it (only touched by the one running allocation): saves the read when
    // nobody else moved it.
    private (long Last, ETag ETag)? _last;

    private sealed record Counter(long Last);

    /// <summary>The next case number. A number is spent even if the caller then fails: gaps, never duplicates.</summary>
    /// <exception cref="StorageUnavailableException">Storage did not answer, or too many instances contended.</exception>
    public async Task<string> NextAsync(CancellationToken cancellationToken)
    {
        var cases = await containers.CasesAsync(cancellationToken).ConfigureAwait(false);
        var mine = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        bool lead;
        lock (_lock)
        {
            _waiting.Enqueue(mine);
            lead = !_allocating;
            _allocating = true;
        }
        // The first waiter allocates for everyone queued until the queue is empty; it is not cancelled by any one
        // caller's token (it serves the others too), and storage calls have their own timeouts.
        if (lead)
            _ = Task.Run(() => AllocateAsync(cases.GetBlobClient(BlobName)), CancellationToken.None);
        return await mine.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task AllocateAsync(BlobClient blob)
    {
        while (true)
        {
            List<TaskCompletionSource<string>> batch;
            lock (_lock)
            {
                if (_waiting.Count == 0)
                {
                    _allocating = false;
                    return;
                }
                batch = new List<TaskCompletionSource<string>>(Math.Min(_waiting.Count, MaxBlock));
                while (batch.Count < MaxBlock && _waiting.TryDequeue(out var waiter))
                    batch.Add(waiter);
            }
            try
            {
                var first = await ReserveAsync(blob, batch.Count).ConfigureAwait(false);
                for (var i = 0; i < batch.Count; i++)
                    batch[i].TrySetResult(CaseNumber.Format(first + i));
            }
#pragma warning disable CA1031 // Not swallowed: every waiter of the batch gets the failure.
            catch (Exception e)
#pragma warning restore CA1031
            {
                foreach (var waiter in batch)
                    waiter.TrySetException(e);
            }
        }
    }

    /// <summary>Advances the counter by <paramref name="count"/>; returns the first of the numbers reserved.</summary>
    private async Task<long> ReserveAsync(BlobClient blob, int count)
    {
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            // Our own last write tells us the counter and its ETag: try that without reading. If another instance
            // moved the counter since, the CAS fails and the next attempt reads. Forgotten before each write, so
            // a failure of any kind (a timeout whose write may have landed included) leads to a fresh read.
            var known = _last;
            _last = null;
            long last;
            ETag? etag;
            if (known is { } k)
            {
                (last, etag) = k;
            }
            else
            {
                var (counter, read) = await BlobJson.ReadAsync<Counter>(blob, BlobJson.Options, "read the case-number counter", CancellationToken.None).ConfigureAwait(false);
                (last, etag) = (counter?.Last ?? 0, read);
            }

            var next = last + count;
            if (await BlobJson.TryWriteAsync(blob, new Counter(next), BlobJson.Options, etag, "allocate a case number", CancellationToken.None).ConfigureAwait(false) is { } written)
            {
                _last = (next, written);
                return last + 1;
            }

            // A remembered state gone stale is no contention: read again at once. A lost CAS after a read means
            // another instance took this number; back off a little, with jitter so the contenders spread out.
            // Real time, not the injected clock: this is about contention now, and a test's fake clock would never move.
            if (known is null)
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 10 * Math.Min(attempt, 10)))).ConfigureAwait(false);
        }
        throw new StorageUnavailableException($"Could not allocate a case number after {MaxAttempts} attempts: too many concurrent submissions; retry.");
    }
}
