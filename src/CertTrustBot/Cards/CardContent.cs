using System.Globalization;
using System.Text;
using CertTrustBot.Cases;
using CertTrustBot.Certificates;

namespace CertTrustBot.Cards;

/// <summary>Turns the engine's report and the case desk's records into the cards' pre-formatted data.</summary>
public static class CardContent
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>The name a pasted certificate goes by (it has no file name): what it is, in words.</summary>
    public const string PastedCertificate = "the certificate you pasted";

    /// <summary>Where a report's certificate came from: "File: root.cer", or "The certificate you pasted".</summary>
    public static string Source(string fileName) =>
        fileName == PastedCertificate ? "The certificate you pasted" : $"File: {fileName}";

    /// <summary>The "Sent as" fact of a summary: the file's name, or "Pasted as text".</summary>
    public static string SentAs(string fileName) => fileName == PastedCertificate ? "Pasted as text" : fileName;

    public static string Date(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd", Invariant);

    public static string DateTime(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", Invariant);

    public static string LongDate(DateTimeOffset value) => value.UtcDateTime.ToString("dddd d MMMM yyyy", Invariant);

    // Teams refuses a card over about 28 KB (counted as UTF-16): a certificate takes about 2.5 KB of the report card, so
    // a large bundle gets a summary instead, the certificates that matter first, then "and N more".
    /// <summary>The most certificates a card shows in full; a larger bundle gets a summary.</summary>
    public const int MaxCertificatesShown = 4;

    /// <summary>The most findings (and, separately, details) a card lists.</summary>
    public const int MaxFindingsShown = 4;

    /// <param name="next">What happens now, said once on the card (the bot's own Markdown), or null.</param>
    public static CertificateReportCardData Report(CertificateReport report, MarkdownText? next = null)
    {
        // "Blocked" is said once: the heading is the engine's blocked headline ("Blocked: contains a private key"), and
        // the findings below it are labelled by what they do, not "Blocked" again.
        var (text, color, headline) = report.Verdict switch
        {
            Verdict.Accept => ("✅ Accepted", "good", report.Headline),
            Verdict.Warn => ("⚠️ Accepted with warnings", "warning", report.Headline),
            _ => ("⛔ " + (report.Headline.StartsWith("Blocked", StringComparison.Ordinal) ? report.Headline : "Blocked: " + report.Headline), "attention", ""),
        };
        var allFindings = report.Findings.Where(f => f.Severity != Severity.Info).OrderByDescending(f => f.Severity).ToList();
        var findings = allFindings.Take(MaxFindingsShown).Select(f => Finding(f, report)).ToList();
        var allDetails = report.Findings.Where(f => f.Severity == Severity.Info).ToList();
        var details = allDetails.Take(MaxFindingsShown).Select(f => Finding(f, report)).ToList();
        if (allDetails.Count > details.Count)
            details.Add(new FindingItem("Info", "", "default", More(allDetails.Count - details.Count, "note"), false, "", "", ""));
        var links = report.Chain.Where(i => i >= 0 && i < report.Certificates.Count)
            .Select(i => $"#{i + 1} {CommonName(report.Certificates[i].Subject)}").ToList();
        if (links.Count > MaxCertificatesShown + 1)
            links = [.. links.Take(3), More(links.Count - 5, "certificate"), .. links.TakeLast(2)];
        var chain = links.Count > 1 ? string.Join(" → ", links) : "";
        return new CertificateReportCardData(
            report.FileName,
            report.Verdict.ToString(),
            text,
            color,
            headline,
            chain.Length > 0,
            chain,
            Certificates(report),
            findings.Count > 0,
            findings,
            details.Count > 0,
            details)
        {
            HasSummary = report.Certificates.Count > MaxCertificatesShown,
            Summary = Summary(report),
            HasMore = report.Certificates.Count > MaxCertificatesShown || allFindings.Count > findings.Count,
            More = MoreOf(report, allFindings.Count - findings.Count),
            Next = next ?? MarkdownText.Empty,
        };
    }

    /// <summary>The certificates a card shows: all of a small bundle; of a large one, those that matter first.</summary>
    public static IReadOnlyList<CertificateItem> Certificates(CertificateReport report) =>
        Shown(report).Select(c => Certificate(c, report)).ToList();

    public static IReadOnlyList<FindingItem> Warnings(CertificateReport report)
    {
        var warnings = report.Findings.Where(f => f.Severity == Severity.Warn).ToList();
        var shown = warnings.Take(MaxFindingsShown).Select(f => Finding(f, report)).ToList();
        if (warnings.Count > shown.Count)
            shown.Add(new FindingItem("Warn", "⚠️", "warning", More(warnings.Count - shown.Count, "warning") + ", listed on the report", false, "", "", ""));
        return shown;
    }

    /// <summary>"and N more …" under the certificates of a large bundle, or "".</summary>
    public static string MoreCertificates(CertificateReport report) => MoreOf(report, 0);

    // What matters first: the certificate(s) that go to Trusted Root, then those with a blocking finding, then with a
    // warning; the rest in file order. Shown in file order.
    private static List<CertificateDetails> Shown(CertificateReport report)
    {
        if (report.Certificates.Count <= MaxCertificatesShown)
            return [.. report.Certificates];
        int Rank(CertificateDetails c)
        {
            if (report.TrustedRootIndex == c.Index || c.Role is CertificateRole.Root or CertificateRole.SelfSignedLeaf)
                return 0;
            var worst = report.Findings.Where(f => f.CertificateIndex == c.Index).Select(f => f.Severity).DefaultIfEmpty(Severity.Info).Max();
            return worst switch { Severity.Block => 1, Severity.Warn => 2, _ => 3 };
        }

        return [.. report.Certificates.OrderBy(Rank).ThenBy(c => c.Index).Take(MaxCertificatesShown).OrderBy(c => c.Index)];
    }

    private static string Summary(CertificateReport report)
    {
        var roles = string.Join(", ", report.Certificates.GroupBy(c => c.Role).OrderBy(g => g.Key)
            .Select(g => Numbers.Count(g.Count(), Role(g.Key))));
        var worst = report.Certificates.Select(c => report.Findings.Where(f => f.CertificateIndex == c.Index)
            .Select(f => f.Severity).DefaultIfEmpty(Severity.Info).Max()).ToList();
        var verdicts =
            $"{Numbers.Format(worst.Count(w => w == Severity.Block))} blocked, {Numbers.Format(worst.Count(w => w == Severity.Warn))} with warnings, {Numbers.Format(worst.Count(w => w == Severity.Info))} fine";
        return $"{Numbers.Count(report.Certificates.Count, "certificate")} ({roles}); {verdicts}. " +
            $"Shown: the {MaxCertificatesShown} that matter most (what goes to the Trusted Root store, then what is blocked or warned).";
    }

    private static string MoreOf(CertificateReport report, int moreFindings)
    {
        var parts = new List<string>();
        if (report.Certificates.Count > MaxCertificatesShown)
            parts.Add(More(report.Certificates.Count - MaxCertificatesShown, "certificate"));
        if (moreFindings > 0)
            parts.Add(More(moreFindings, "finding"));
        return parts.Count == 0 ? "" : string.Join("; ", parts) + " not shown on this card.";
    }

    public static string More(int count, string what) =>
        $"… and {Numbers.Format(count)} more {what}{(count == 1 ? "" : "s")}";

    public static CertificateItem Certificate(CertificateDetails c, CertificateReport report)
    {
        var (daysLeft, daysColor) = c.DaysLeft switch
        {
            < -1 => ($"expired {Numbers.Count(-c.DaysLeft, "day")} ago", "attention"),
            -1 => ("expired yesterday", "attention"),
            0 => ("expires today", "attention"),
            1 => ("1 day left", "warning"),
            <= 30 => ($"{Numbers.Count(c.DaysLeft, "day")} left", "warning"),
            _ => ($"{Numbers.Count(c.DaysLeft, "day")} left", "good"),
        };
        return new CertificateItem(
            c.Index + 1,
            Role(c.Role),
            Store(c, report),
            c.Subject.Length > 0 ? c.Subject : "(no subject)",
            c.Issuer.Length > 0 ? c.Issuer : "(no issuer)",
            DateTime(c.NotBefore),
            DateTime(c.NotAfter),
            daysLeft,
            daysColor,
            Key(c),
            c.SignatureAlgorithm,
            Grouped(c.Sha1),
            Grouped(c.Sha256),
            c.SubjectAlternativeNames.Count > 0,
            SubjectAlternativeNames(c.SubjectAlternativeNames));
    }

    public static string Role(CertificateRole role) => role switch
    {
        CertificateRole.Root => "Root CA",
        CertificateRole.Intermediate => "Intermediate CA",
        CertificateRole.Leaf => "Server certificate",
        CertificateRole.SelfSignedLeaf => "Self-signed server certificate",
        _ => role.ToString(),
    };

    public static string Role(string role) =>
        Enum.TryParse<CertificateRole>(role, out var parsed) ? Role(parsed) : role;

    private static string Store(CertificateDetails c, CertificateReport report) => c.Role switch
    {
        _ when report.TrustedRootIndex == c.Index => "Trusted Root Certification Authorities",
        CertificateRole.Root => "Trusted Root Certification Authorities",
        CertificateRole.Intermediate => "Intermediate Certification Authorities",
        CertificateRole.SelfSignedLeaf => "Trusted Root (trusts this one server only)",
        _ => "None: the Trusted Root store needs the CA that issued it",
    };

    private static string Key(CertificateDetails c)
    {
        if (c.Curve is { Length: > 0 } curve)
            return $"{c.KeyAlgorithm} {curve}";
        return c.KeySize is { } size ? string.Create(Invariant, $"{c.KeyAlgorithm} {size} bits") : c.KeyAlgorithm;
    }

    // Groups of four hex digits: the card can wrap them, and they stay easy to compare by eye.
    public static string Grouped(string hex)
    {
        var builder = new StringBuilder(hex.Length + (hex.Length / 4));
        for (var i = 0; i < hex.Length; i += 4)
        {
            if (i > 0)
                builder.Append(' ');
            builder.Append(hex, i, Math.Min(4, hex.Length - i));
        }

        return builder.ToString();
    }

    private static string SubjectAlternativeNames(IReadOnlyList<string> names) =>
        names.Count <= 10 ? string.Join(", ", names) : string.Join(", ", names.Take(10)) + $" and {Numbers.Format(names.Count - 10)} more";

    private static FindingItem Finding(Finding f, CertificateReport report)
    {
        var (label, color) = f.Severity switch
        {
            Severity.Block => ("⛔ Stops the request", "attention"),
            Severity.Warn => ("⚠️ Warning", "warning"),
            _ => ("ℹ️ Note", "default"),
        };
        var concerns = f.CertificateIndex is { } i && i >= 0 && i < report.Certificates.Count
            ? $"Certificate #{i + 1}: {CommonName(report.Certificates[i].Subject)}"
            : "The file";
        return new FindingItem(f.Severity.ToString(), label, color, f.Message, f.Advice.Length > 0, f.Advice, f.Code, concerns);
    }

    /// <summary>The CN of a distinguished name, or the whole name when it has none.</summary>
    public static string CommonName(string distinguishedName)
    {
        foreach (var part in distinguishedName.Split(", "))
        {
            if (part.StartsWith("CN=", StringComparison.OrdinalIgnoreCase))
                return part[3..];
        }

        return distinguishedName.Length > 0 ? distinguishedName : "(no subject)";
    }

    /// <summary>One case on the status card: in a list (number, status, environments, dates), or alone, with its
    /// history and the question that waits for an answer.</summary>
    /// <param name="expected">When the support desk expects to have installed it (shown while the case is open).</param>
    public static StatusItem Status(SupportCase c, DateTimeOffset expected, bool alone)
    {
        var (status, color) = StatusOf(c.Status);
        var installed = CaseTransitions.Installed(c);
        var environments = string.Join(", ", c.Environments.Select(e =>
            installed.Contains(e, StringComparer.OrdinalIgnoreCase) && c.Status != CaseStatus.Installed ? $"{e} ✓ installed" : e));
        var open = c.Status is not (CaseStatus.Installed or CaseStatus.Rejected or CaseStatus.Removed);
        var question = c.Status == CaseStatus.NeedsInformation
            ? c.History.LastOrDefault(e => e.Kind == CaseEventKind.QuestionAsked)?.Note ?? ""
            : "";
        var history = alone ? StaffCaseContent.History(c, out _) : [];
        return new StatusItem(
            c.CaseNumber,
            !alone,
            status,
            color,
            environments,
            CaseCertificates(c.Certificates),
            Date(c.CreatedAt),
            c.HostName is not null,
            c.HostName ?? "",
            open,
            open ? LongDate(expected) : "",
            question.Length > 0,
            question,
            history.Count > 0,
            history);
    }

    /// <summary>A status as the customer's cards name it ("Needs information from you"), with its colour.</summary>
    public static (string Status, string Color) StatusOf(CaseStatus status) => status switch
    {
        CaseStatus.Submitted => ("Submitted", "accent"),
        CaseStatus.InProgress => ("In progress", "accent"),
        CaseStatus.Installed => ("Installed", "good"),
        CaseStatus.NeedsInformation => ("Needs information from you", "warning"),
        CaseStatus.Rejected => ("Rejected", "attention"),
        CaseStatus.Removed => ("Removed", "good"),
        _ => (status.ToString(), "default"),
    };

    public static string CaseCertificates(IReadOnlyList<CaseCertificate> certificates) =>
        string.Join("; ", certificates.Select(c => $"{Role(c.Role)} {CommonName(c.Subject)} (until {Date(c.NotAfter)})"));
}
