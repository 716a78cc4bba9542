using System.Globalization;
using CertTrustBot.Cases;
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

    /// <summary>The card of <paramref name="c"/> with the links made for its certificates, as of <paramref name="now"/>.</summary>
    public static StaffCaseCardData For(
        SupportCase c, string? notice, IReadOnlyList<Uri?> links, DateTimeOffset linksExpire, int slaBusinessDays, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(links);
        var status = CardContent.Status(c);
        var installed = CaseTransitions.Installed(c);
        var remaining = CaseTransitions.Remaining(c, []);
        var open = c.Status is not (CaseStatus.Installed or CaseStatus.Rejected);
        var certificates = AllCertificates(c).Select((entry, i) =>
        {
            var (cert, fromAnswer) = entry;
            var daysLeft = (cert.NotAfter - now).TotalDays;
            var link = i < links.Count ? links[i] : null;
            return new StaffCertificateItem(
                i + 1,
                CardContent.Role(cert.Role) + (fromAnswer ? " · sent as an answer" : ""),
                cert.Subject.Length > 0 ? cert.Subject : "(no subject)",
                cert.Issuer.Length > 0 ? cert.Issuer : "(no issuer)",
                CardContent.DateTime(cert.NotAfter) + (daysLeft < 0
                    ? " (expired)"
                    : string.Create(CultureInfo.InvariantCulture, $" ({Math.Floor(daysLeft):N0} days left)")),
                daysLeft < 30 ? "warning" : "default",
                CardContent.Grouped(cert.Sha1),
                CardContent.Grouped(cert.Sha256),
                link is not null,
                link?.ToString() ?? "",
                $"{c.CaseNumber}-{i + 1}.cer");
        }).ToList();
        var findings = c.Findings.Select(f => f.Severity switch
        {
            Certificates.Severity.Block => new StaffFindingItem("⛔ Blocked", "attention", f.Message),
            Certificates.Severity.Warn => new StaffFindingItem("⚠️ Warning", "warning", f.Message),
            _ => new StaffFindingItem("ℹ️ Note", "default", f.Message),
        }).ToList();
        var history = c.History.Select(e => new HistoryItem(CardContent.DateTime(e.At), e.Actor, Describe(e))).ToList();
        return new StaffCaseCardData(
            c.CaseNumber,
            c.ETag ?? "",
            status.Status == "Needs information from you" ? "Waiting for the customer" : status.Status,
            status.StatusColor,
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
            string.Join(",", remaining));
    }

    private static string Describe(CaseEvent e) => e.Kind switch
    {
        CaseEventKind.Filed => "submitted the case",
        CaseEventKind.Started => "started the work",
        CaseEventKind.QuestionAsked => $"asked the customer: {e.Note}",
        CaseEventKind.Answered => Answered(e.Answer),
        CaseEventKind.Installed => $"installed in {Words.Join(e.Environments)}",
        CaseEventKind.Rejected => $"rejected the case: {e.Note}",
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
