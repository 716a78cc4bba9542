using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using CertTrustBot.Storage;

namespace CertTrustBot.Cases;

/// <summary>
/// Hands out case numbers from <c>counters/case-number.json</c> in the cases container (the last number handed out),
/// advanced by ETag compare-and-swap, one caller of this counter at a time.
/// </summary>
/// <remarks>
/// Without the gate, every concurrent submit in this process read the same counter, all but one lost the CAS, and
/// they kept retrying against each other: 64 simultaneous confirms took seconds. Inside the gate there is no
/// contention from this process, so the only CAS losses left are to other instances, which the retries with jitter
/// still handle: the ETag stays the cross-instance guarantee, the gate is only a way to stop competing with
/// ourselves. The gate is per counter, not static: the counter is a DI singleton, so in a deployment this is one gate
/// per process, and tests that stand in for two instances with two app hosts still race through storage alone.
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001:Types that own disposable fields should be disposable",
    Justification = "The gate's SemaphoreSlim only holds a kernel object once AvailableWaitHandle is used, which it never is; disposing it would only make submits racing a shutdown fail.")]
public sealed class CaseNumberCounter(BlobContainers containers)
{
    public const string BlobName = "counters/case-number.json";
    private const int MaxAttempts = 200;

    private readonly SemaphoreSlim _gate = new(1, 1);

    // The counter as this instance last wrote it (guarded by _gate): saves the read when nobody else moved it.
    private (long Last, ETag ETag)? _last;

    private sealed record Counter(long Last);

    /// <summary>The next case number. A number is spent even if the caller then fails: gaps, never duplicates.</summary>
    /// <exception cref="StorageUnavailableException">Storage did not answer, or too many instances contended.</exception>
    public async Task<string> NextAsync(CancellationToken cancellationToken)
    {
        var cases = await containers.CasesAsync(cancellationToken).ConfigureAwait(false);
        var blob = cases.GetBlobClient(BlobName);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
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
                    var (counter, read) = await BlobJson.ReadAsync<Counter>(blob, BlobJson.Options, "read the case-number counter", cancellationToken).ConfigureAwait(false);
                    (last, etag) = (counter?.Last ?? 0, read);
                }

                var next = last + 1;
                if (await BlobJson.TryWriteAsync(blob, new Counter(next), BlobJson.Options, etag, "allocate a case number", cancellationToken).ConfigureAwait(false) is { } written)
                {
                    _last = (next, written);
                    return CaseNumber.Format(next);
                }

                // A remembered state gone stale is no contention: read again at once. A lost CAS after a read means
                // another instance took this number; back off a little, with jitter so the contenders spread out.
                // Real time, not the injected clock: this is about contention now, and a test's fake clock would never move.
                if (known is null)
                    await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 10 * Math.Min(attempt, 10))), cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }
        throw new StorageUnavailableException($"Could not allocate a case number after {MaxAttempts} attempts: too many concurrent submissions; retry.");
    }
}
