using CertTrustBot.Cases;
using CertTrustBot.Hosting;
using CertTrustBot.Storage;
using Microsoft.Extensions.Options;

namespace CertTrustBot.Expiry;

/// <summary>What one scan did.</summary>
/// <param name="Reminded">Reminders recorded (each then delivered by the case-event pipeline).</param>
/// <param name="Lost">Reminders another instance recorded first (its write won the case's ETag).</param>
public sealed record ExpiryPass(int Watched, int Reminded, int Lost, bool DigestPosted);

/// <summary>
/// Looks for due expiry reminders every <see cref="ExpiryOptions.ScanInterval"/>, on every instance, on the
/// <see cref="TimeProvider"/>'s clock. A due reminder is recorded as a <see cref="CaseEventKind.Reminded"/> event on the
/// case that installed the certificate, written with the ETag the scan read: of two instances, one write wins, and the
/// other reads the case again and finds the reminder there. The case-event pipeline then takes it to the requester's
/// chat (and the webhook), retried until delivered and never twice. Also posts the staff's weekly digest.
/// </summary>
public sealed partial class ExpiryScanner(
    CaseDesk desk,
    ExpiryWatch watch,
    StaffDigest digest,
    TimeProvider timeProvider,
    ILogger<ExpiryScanner> logger) : BackgroundService
{
    public const string Actor = "CertTrustBot";

    private int _passes;

    /// <summary>Scans completed by this instance (tests wait on it rather than on the clock).</summary>
    public int Passes => Volatile.Read(ref _passes);

    // Nothing is half done after a failed scan (each reminder is one conditional write): the next scan looks again.
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        PassLoop.RunAsync(RunOnceAsync, t => Task.Delay(watch.Options.ScanInterval, timeProvider, t), ex => LogScanFailed(logger, ex), stoppingToken);

    /// <summary>One scan: every installed certificate, as of now.</summary>
    public async Task<ExpiryPass> RunOnceAsync(CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var cases = await desk.ListAllAsync(cancellationToken).ConfigureAwait(false);
        var inventory = ExpiryWatch.Inventory(cases);
        int reminded = 0, lost = 0;
        foreach (var group in inventory.GroupBy(e => e.Case.CaseNumber, StringComparer.Ordinal))
        {
            var current = group.First().Case;
            for (var attempt = 1; attempt <= 5; attempt++)
            {
                var due = group.Select(e => watch.Due(e with { Case = current }, now)).FirstOrDefault(r => r is not null);
                if (due is null)
                    break;
                try
                {
                    var result = await desk.RecordAsync(current.CaseNumber, new CaseEventDraft(CaseEventKind.Reminded, Actor) { Reminder = due }, current.ETag, cancellationToken).ConfigureAwait(false);
                    if (result is not { Outcome: CaseEventOutcome.Recorded, Case: { } updated })
                        break;
                    LogReminded(logger, current.CaseNumber, due.Key);
                    reminded++;
                    current = updated;
                }
                catch (StorageConflictException)
                {
                    // Changed since the scan read it (another instance's reminder, a staff action): read it again and
                    // decide again from what it holds now.
                    lost++;
                    if (await desk.FindAsync(current.CaseNumber, cancellationToken).ConfigureAwait(false) is not { } fresh)
                        break;
                    current = fresh;
                }
            }
        }

        var posted = await digest.PostIfDueAsync(inventory, now, cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref _passes);
        return new ExpiryPass(inventory.Count(ExpiryWatch.Watched), reminded, lost, posted);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The expiry scan failed; trying again at the next scan")]
    private static partial void LogScanFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Expiry reminder {Key} recorded on case {CaseNumber}")]
    private static partial void LogReminded(ILogger logger, string caseNumber, string key);
}

/// <summary>
/// The staff channel's weekly digest of what expires soon, posted once a week (on <see cref="ExpiryOptions.StaffDigestDay"/>,
/// UTC) across all instances: the week's blob <c>expiry/digests/{year}-W{week}.json</c> is claimed with an ETag before
/// posting and marked posted after. A claim whose instance died (older than <see cref="ClaimDuration"/>) is taken over;
/// a staff channel not known yet gives the claim back, so a later scan posts it.
/// </summary>
public sealed partial class StaffDigest(
    BlobContainers containers,
    Messaging.IChannelMessenger messenger,
    ExpiryWatch watch,
    ILogger<StaffDigest> logger)
{
    public static readonly TimeSpan ClaimDuration = TimeSpan.FromMinutes(2);

    /// <summary>The digest blob's content: who claimed it when, and when it was posted.</summary>
    public sealed record DigestClaim(DateTimeOffset? ClaimedAt, DateTimeOffset? PostedAt);

    public static string BlobName(DateTimeOffset now) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"expiry/digests/{System.Globalization.ISOWeek.GetYear(now.UtcDateTime)}-W{System.Globalization.ISOWeek.GetWeekOfYear(now.UtcDateTime):D2}.json");

    /// <summary>The digest's card: what expires within <see cref="ExpiryOptions.StaffWindowDays"/>, across all tenants.</summary>
    public Conversation.CardReply Card(IReadOnlyList<InventoryEntry> inventory, DateTimeOffset now, string title)
    {
        ArgumentNullException.ThrowIfNull(inventory);
        var window = watch.Options.StaffWindowDays;
        var expiring = inventory.Where(e => e.NotAfter <= now.AddDays(window)).ToList();
        return Cards.ExpiryContent.List(title, expiring, watch, now, showCustomer: true,
            $"Nothing installed expires in the next {window} days.", shown: 20);
    }

    /// <summary>Posts this week's digest if today is the day and no instance has posted it yet; true when this call posted it.</summary>
    public async Task<bool> PostIfDueAsync(IReadOnlyList<InventoryEntry> inventory, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (now.UtcDateTime.DayOfWeek != watch.Options.StaffDigestDay)
            return false;
        var cases = await containers.CasesAsync(cancellationToken).ConfigureAwait(false);
        var name = BlobName(now);
        var blob = cases.GetBlobClient(name);
        var (claim, etag) = await BlobJson.ReadAsync<DigestClaim>(blob, BlobJson.Options, "read the weekly digest", cancellationToken).ConfigureAwait(false);
        if (claim?.PostedAt is not null || claim?.ClaimedAt is { } at && now - at < ClaimDuration)
            return false;
        if (await BlobJson.TryWriteAsync(blob, new DigestClaim(now, null), BlobJson.Options, etag, "claim the weekly digest", cancellationToken).ConfigureAwait(false) is not { } mine)
            return false; // another instance claimed it first

        Messaging.PostedMessage? posted;
        try
        {
            posted = await messenger.PostToStaffAsync(Card(inventory, now, $"Weekly digest: certificates expiring in the next {watch.Options.StaffWindowDays} days"), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception)
        {
            await BlobJson.TryWriteAsync(blob, new DigestClaim(null, null), BlobJson.Options, mine, "give the weekly digest back", CancellationToken.None).ConfigureAwait(false);
            throw;
        }
        if (posted is null)
        {
            await BlobJson.TryWriteAsync(blob, new DigestClaim(null, null), BlobJson.Options, mine, "give the weekly digest back", CancellationToken.None).ConfigureAwait(false);
            return false; // the staff channel is not known yet: a later scan posts it
        }
        // Not cancelled by shutdown: the post happened, and an unmarked claim would post it again.
        await BlobJson.TryWriteAsync(blob, new DigestClaim(now, now), BlobJson.Options, mine, "mark the weekly digest posted", CancellationToken.None).ConfigureAwait(false);
        LogDigestPosted(logger, name);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Weekly expiry digest {BlobName} posted to the staff channel")]
    private static partial void LogDigestPosted(ILogger logger, string blobName);
}
