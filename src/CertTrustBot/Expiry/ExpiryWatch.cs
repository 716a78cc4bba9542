using System.Globalization;
using CertTrustBot.Cases;
using CertTrustBot.Conversation;

namespace CertTrustBot.Expiry;

/// <summary>
/// One certificate installed by one case, where it is now. Derived from case records alone (see
/// <see cref="ExpiryWatch.Inventory"/>), so every instance, before and after a restart, sees the same inventory.
/// </summary>
/// <param name="Case">The case that installed it (its requester is the one reminded).</param>
/// <param name="Environments">Where it is installed now: installed by the case, less what removal cases took out.</param>
/// <param name="RenewedBy">The newest renewal of the case that was not rejected, if any.</param>
/// <param name="RenewalStatus">That renewal's status: once Installed, this certificate is replaced.</param>
/// <param name="RemovalCase">An open removal case for it, if any.</param>
public sealed record InventoryEntry(
    SupportCase Case,
    CaseCertificate Certificate,
    IReadOnlyList<string> Environments,
    string? RenewedBy,
    CaseStatus? RenewalStatus,
    string? RemovalCase)
{
    public bool Replaced => RenewalStatus == CaseStatus.Installed;

    public DateTimeOffset NotAfter => Certificate.NotAfter;
}

/// <summary>
/// The expiry watch's rules as pure functions of case records and a time: what is installed where (the inventory),
/// the last day to ask for a replacement, which reminder is due, and how long "remind me later" waits.
/// </summary>
/// <remarks>
/// Reminders and snoozes are case events on the installing case (<see cref="CaseEventKind.Reminded"/>,
/// <see cref="CaseEventKind.Snoozed"/>), each naming its (certificate, environment set, reminder day) key: a key in the
/// history is a reminder sent, so the case record, written with its ETag, is the claim that makes each reminder happen
/// at most once across instances and restarts, and the case-event pipeline delivers it (retried, never twice).
/// </remarks>
public sealed class ExpiryWatch(ExpiryOptions options, SupportDeskOptions supportDesk)
{
    public ExpiryOptions Options => options;

    /// <summary>
    /// The last day to ask for a replacement: the latest day from which the SLA plus the margin (in business days)
    /// still ends before <paramref name="notAfter"/>.
    /// </summary>
    public DateTimeOffset LastDayToAsk(DateTimeOffset notAfter) =>
        ServiceLevel.SubtractBusinessDays(notAfter, supportDesk.SlaBusinessDays + options.MarginBusinessDays);

    /// <summary>Every installed certificate of <paramref name="cases"/> (renewals and removals are read from the same list).</summary>
    public static IReadOnlyList<InventoryEntry> Inventory(IReadOnlyCollection<SupportCase> cases)
    {
        ArgumentNullException.ThrowIfNull(cases);
        var removals = cases.Where(c => c.Kind == CaseKind.Removal && c.Removes is not null).ToLookup(c => c.Removes!, StringComparer.Ordinal);
        var renewals = cases.Where(c => c.Kind == CaseKind.Install && c.Renews is not null && c.Status != CaseStatus.Rejected)
            .ToLookup(c => c.Renews!, StringComparer.Ordinal);
        var entries = new List<InventoryEntry>();
        foreach (var c in cases.Where(c => c.Kind == CaseKind.Install))
        {
            var removed = removals[c.CaseNumber].SelectMany(CaseTransitions.Installed).ToHashSet(StringComparer.OrdinalIgnoreCase);
            var environments = CaseTransitions.Installed(c).Where(e => !removed.Contains(e)).ToList();
            if (environments.Count == 0)
                continue;
            var renewal = renewals[c.CaseNumber].OrderByDescending(r => r.CreatedAt).FirstOrDefault();
            var removal = removals[c.CaseNumber].FirstOrDefault(r => r.Status is not (CaseStatus.Removed or CaseStatus.Rejected));
            entries.AddRange(c.Certificates
                .DistinctBy(certificate => certificate.Sha256, StringComparer.OrdinalIgnoreCase)
                .Select(certificate => new InventoryEntry(c, certificate, environments, renewal?.CaseNumber, renewal?.Status, removal?.CaseNumber)));
        }
        return entries.OrderBy(e => e.NotAfter).ThenBy(e => e.Case.CaseNumber, StringComparer.Ordinal).ToList();
    }

    /// <summary>The start of every reminder key of <paramref name="entry"/>: its certificate and its environment set.</summary>
    public static string KeyPrefix(InventoryEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return $"{entry.Certificate.Sha256.ToUpperInvariant()}|{string.Join(",", entry.Environments.Select(e => e.ToUpperInvariant()).Order(StringComparer.Ordinal))}|";
    }

    /// <summary>Whether the requester is reminded about <paramref name="entry"/> at all (not replaced, renewed or being removed).</summary>
    public static bool Watched(InventoryEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return entry.RenewedBy is null && entry.RemovalCase is null && entry.Case.Status is CaseStatus.Installed or CaseStatus.InProgress;
    }

    /// <summary>
    /// The reminder to send about <paramref name="entry"/> at <paramref name="now"/>, or null. At most one: the most
    /// urgent reminder day that has come (a bot that was down does not send the ones it missed on top), after a snooze
    /// the snooze's own reminder (days that came during the snooze are skipped), and once expired one final notice.
    /// </summary>
    public ExpiryReminder? Due(InventoryEntry entry, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (!Watched(entry))
            return null;
        var prefix = KeyPrefix(entry);
        var sent = entry.Case.History.Where(e => e.Kind == CaseEventKind.Reminded && e.Reminder is not null).Select(e => e.Reminder!.Key).ToHashSet(StringComparer.Ordinal);
        var notAfter = entry.NotAfter;
        var last = LastDayToAsk(notAfter);
        ExpiryReminder Make(string day, int? daysBefore) => new(prefix + day, entry.Certificate.Sha256, entry.Environments, notAfter, last, daysBefore);

        if (now >= notAfter)
            return sent.Contains(prefix + "expired") ? null : Make("expired", null);

        var snooze = entry.Case.History.LastOrDefault(e => e.Kind == CaseEventKind.Snoozed && e.Reminder?.Key.StartsWith(prefix, StringComparison.Ordinal) == true)?.Reminder;
        if (snooze?.Until is { } until)
        {
            if (now < until)
                return null;
            var snoozeKey = SnoozeDay(until);
            if (!sent.Contains(prefix + snoozeKey))
                return Make(snoozeKey, null);
        }

        var due = options.EffectiveReminderDays
            .Where(d => last.AddDays(-d) <= now && (snooze?.Until is not { } after || last.AddDays(-d) >= after))
            .DefaultIfEmpty(-1)
            .Min();
        if (due < 0)
            return null;
        var key = "d" + due.ToString(CultureInfo.InvariantCulture);
        return sent.Contains(prefix + key) ? null : Make(key, due);
    }

    /// <summary>
    /// "Remind me later" at <paramref name="now"/>: the snooze to record (its <see cref="ExpiryReminder.Until"/> is
    /// <see cref="ExpiryOptions.SnoozeDays"/> later, but not after the last day to ask; once that has passed, one day
    /// later, but not after expiry), or null when the certificate has expired (there is nothing left to wait for).
    /// </summary>
    public ExpiryReminder? Snooze(InventoryEntry entry, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var notAfter = entry.NotAfter;
        if (now >= notAfter)
            return null;
        var last = LastDayToAsk(notAfter);
        var until = Min(now.AddDays(options.SnoozeDays), last);
        if (until <= now)
            until = Min(now.AddDays(1), notAfter);
        return new ExpiryReminder(KeyPrefix(entry) + "snoozed-at-" + now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            entry.Certificate.Sha256, entry.Environments, notAfter, last, null, until);
    }

    private static string SnoozeDay(DateTimeOffset until) => "snooze-" + until.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
