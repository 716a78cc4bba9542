using System.Globalization;
using CertTrustBot.Cases;
using CertTrustBot.Certificates;
using CertTrustBot.Conversation;

namespace CertTrustBot.Cards;

/// <summary>The staff case card's data, drawn from a case: pure (the download links are made beforehand, by the staff desk).</summary>
public static class StaffCaseContent
{
    /// <summary>
    /// The certificates the staff card lists (and links), in order: the case's own, then those the customer sent as
    /// answers to questions, each flagged as such.
    /// </summary>
    public static IReadOnlyList<(CaseCertificate Certificate, bool FromAnswer)> AllCertificates(SupportCase c)
    {
        ArgumentNullException.ThrowIfNull(c);
        return
        [
            .. c.Certificates.Select(cert => (cert, false)),
            .. c.History.SelectMany(e => e.Answer?.Certificates ?? []).Select(cert => (cert, true)),
        ];
    }

    /// <summary>A large bundle's staff card lists this many (its certificates carry download links, so weigh more).</summary>
    public const int MaxCertificatesInSummary = 3;

    /// <summary>The most history events the card lists: the latest, under "… N earlier events".</summary>
    public const int MaxHistoryShown = 8;

    /// <summary>The card of <paramref name="c"/> with the links made for its certificates, as of <paramref name="now"/>.</summary>
    public static StaffCaseCardData For(
        SupportCase c, string? notice, IReadOnlyList<Uri?> links, DateTimeOffset linksExpire, int slaBusinessDays, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(links);
        var (statusText, statusColor) = CardContent.StatusOf(c.Status);
        var installed = CaseTransitions.Installed(c);
        var remaining = CaseTransitions.Remaining(c, []);
        var open = c.Status is not (CaseStatus.Installed or CaseStatus.Rejected or CaseStatus.Removed);
        // A large bundle: the roots (what goes to Trusted Root) first, then the rest, up to the card's share (see CardContent);
        // certificates the customer sent as answers come after the case's own.
        var all = AllCertificates(c);
        var shown = all.Select((entry, i) => (entry.Certificate, entry.FromAnswer, i))
            .OrderBy(x => x.Certificate.Role is "Root" or "SelfSignedLeaf" ? 0 : 1).ThenBy(x => x.i)
            .Take(all.Count <= CardContent.MaxCertificatesShown ? CardContent.MaxCertificatesShown : MaxCertificatesInSummary)
            .OrderBy(x => x.i).ToList();
        var certificates = shown.Select(x =>
        {
            var (cert, fromAnswer, i) = x;
            var daysLeft = (cert.NotAfter - now).TotalDays;
            var link = i < links.Count ? links[i] : null;
            return new StaffCertificateItem(
                i + 1,
                CardContent.Role(cert.Role) + (fromAnswer ? " · sent as an answer" : ""),
                cert.Subject.Length > 0 ? cert.Subject : "(no subject)",
                cert.Issuer.Length > 0 ? cert.Issuer : "(no issuer)",
                CardContent.DateTime(cert.NotAfter) + (daysLeft < 0
                    ? " (expired)"
                    : $" ({Numbers.Count((long)Math.Floor(daysLeft), "day")} left)"),
                daysLeft < 30 ? "warning" : "default",
                CardContent.Grouped(cert.Sha1),
                CardContent.Grouped(cert.Sha256),
                link is not null,
                link?.ToString() ?? "",
                $"{c.CaseNumber}-{i + 1}.cer");
        }).ToList();
        var findings = c.Findings.OrderByDescending(f => f.Severity).Take(CardContent.MaxFindingsShown).Select(f => f.Severity switch
        {
            Certificates.Severity.Block => new StaffFindingItem("⛔ Stops the request", "attention", f.Message),
            Certificates.Severity.Warn => new StaffFindingItem("⚠️ Warning", "warning", f.Message),
            _ => new StaffFindingItem("ℹ️ Note", "default", f.Message),
        }).ToList();
        if (c.Findings.Count > findings.Count)
            findings.Add(new StaffFindingItem("ℹ️", "default", CardContent.More(c.Findings.Count - findings.Count, "finding")));
        var history = History(c, out var earlier);
        var moreCertificates = all.Count - shown.Count;
        return new StaffCaseCardData(
            c.CaseNumber,
            c.ETag ?? "",
            c.Status == CaseStatus.NeedsInformation ? "Waiting for the customer" : statusText,
            statusColor,
            string.IsNullOrWhiteSpace(c.Requester.TenantId) ? "(no tenant)" : c.Requester.TenantId,
            string.IsNullOrWhiteSpace(c.Requester.Name) ? c.Requester.UserId : c.Requester.Name,
            string.Join(", ", c.Environments),
            installed.Count > 0,
            string.Join(", ", installed),
            c.HostName is not null,
            c.HostName ?? "",
            CardContent.DateTime(c.CreatedAt),
            CardContent.LongDate(ServiceLevel.AddBusinessDays(c.CreatedAt, slaBusinessDays)),
            certificates,
            links.Any(l => l is not null)
                ? $"The download links are read-only and work until {CardContent.DateTime(linksExpire)}; press Refresh for new ones."
                : "Press Refresh for new download links.",
            findings.Count > 0,
            findings,
            history,
            !string.IsNullOrWhiteSpace(notice),
            notice ?? "",
            open,
            c.Status is CaseStatus.Submitted or CaseStatus.NeedsInformation,
            open && remaining.Count > 0,
            remaining.Select(e => new ChoiceItem(e, e)).ToList(),
            string.Join(",", remaining))
        {
            HasMoreCertificates = moreCertificates > 0,
            MoreCertificates = moreCertificates > 0
                ? CardContent.More(moreCertificates, "certificate") + $", not shown here: take them from the certificates container ({c.CaseNumber}-1.cer to {c.CaseNumber}-{all.Count}.cer)."
                : "",
            HasEarlier = earlier > 0,
            Earlier = earlier > 0 ? string.Create(CultureInfo.InvariantCulture, $"… {earlier} earlier event{(earlier == 1 ? "" : "s")}") : "",
            HasTask = c.Kind == CaseKind.Removal || c.Renews is not null,
            Task = Task(c),
            InstallTitle = c.Kind == CaseKind.Removal ? "Mark removed" : "Mark installed",
            InstallLabel = c.Kind == CaseKind.Removal ? "Removed from every front-end server of" : "Installed on every front-end server of",
            InstalledTitle = c.Kind == CaseKind.Removal ? "Removed from" : "Installed in",
        };
    }

    // What this case asks of the staff beyond "install": a removal, or a renewal whose old certificate goes afterwards.
    private static string Task(SupportCase c) => c switch
    {
        { Kind: CaseKind.Removal } => $"Remove: take {(c.Certificates.Count == 1 ? "this certificate" : "these certificates")} (SHA-1 " +
            string.Join(", ", c.Certificates.Select(cert => CardContent.Grouped(cert.Sha1))) +
            $", as Windows shows it) out of the Trusted Root store of every front-end server of {Words.Join(c.Environments)}. " +
            $"It was installed by {c.Removes}; the customer no longer needs it.",
        { Renews: { } renews } => $"Renews {renews}: this certificate replaces the one {renews} installed. Once it is in, the old certificate can be removed " +
            "(the customer is reminded of that and can ask for it with one click).",
        _ => "",
    };

    /// <summary>The latest events of a case (at most <see cref="MaxHistoryShown"/>), oldest first; <paramref name="earlier"/>: how many are left out.</summary>
    public static IReadOnlyList<HistoryItem> History(SupportCase c, out int earlier)
    {
        ArgumentNullException.ThrowIfNull(c);
        earlier = Math.Max(0, c.History.Count - MaxHistoryShown);
        return c.History.Skip(earlier).Select(e => new HistoryItem(CardContent.DateTime(e.At), Shortened(e.Actor, 80), Shortened(Describe(e), MaxEventLength))).ToList();
    }

    /// <summary>The longest event text the card shows (questions and answers run to 1,000 and 2,000 characters).</summary>
    public const int MaxEventLength = 200;

    private static string Shortened(string text, int max) => text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 1).TrimEnd(), "…");

    private static string Describe(CaseEvent e) => e.Kind switch
    {
        CaseEventKind.Filed => "submitted the case",
        CaseEventKind.Started => "started the work",
        CaseEventKind.QuestionAsked => $"asked the customer: {e.Note}",
        CaseEventKind.Answered => Answered(e.Answer),
        CaseEventKind.Installed => $"installed in {Words.Join(e.Environments)}",
        CaseEventKind.Rejected => $"rejected the case: {e.Note}",
        CaseEventKind.Removed => $"removed from {Words.Join(e.Environments)}",
        CaseEventKind.Reminded when e.Reminder is { } r => $"reminded the customer: expires {CardContent.Date(r.NotAfter)}, last day to ask {CardContent.Date(r.LastDayToAsk)}",
        CaseEventKind.Snoozed when e.Reminder is { Until: { } until } => $"asked to be reminded again on {CardContent.Date(until)}",
        _ => $"set the status to {CaseDesk.Describe(e.Status)}",
    };

    private static string Answered(CaseAnswer? answer) => answer switch
    {
        { Certificates.Count: > 0 } a => $"answered with {a.Certificates.Count} certificate(s): {string.Join("; ", a.Certificates.Select(c => c.Subject))}" +
            (string.IsNullOrWhiteSpace(a.Text) ? "" : $" and: {a.Text}"),
        { Text: { } text } => $"answered: {text}",
        _ => "answered",
    };
}
