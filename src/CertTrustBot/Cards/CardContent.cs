using System.Globalization;
using System.Text;
using CertTrustBot.Cases;
using CertTrustBot.Certificates;

namespace CertTrustBot.Cards;

/// <summary>Turns the engine's report and the case desk's records into the cards' pre-formatted data.</summary>
public static class CardContent
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Date(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd", Invariant);

    public static string DateTime(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", Invariant);

    public static string LongDate(DateTimeOffset value) => value.UtcDateTime.ToString("dddd d MMMM yyyy", Invariant);

    // Teams refuses a card over about 28 KB (counted as UTF-16): a certificate takes about 2.5 KB of the report card, so
    // a large bundle gets a summary instead, the certificates that matter first, then "and N more".
    /// <summary>The most certificates a card shows in full; a larger bundle gets a summary.</summary>
    public const int MaxCertificatesShown = 4;

    /// <summary>The most findings (and, separately, details) a card lists.</summary>
    public const int MaxFindingsShown = 4;

    public static CertificateReportCardData Report(CertificateReport report)
    {
        var (text, color) = report.Verdict switch
        {
            Verdict.Accept => ("✅ Accepted", "good"),
            Verdict.Warn => ("⚠️ Accepted with warnings", "warning"),
            _ => ("⛔ Blocked", "attention"),
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
            report.Headline,
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
            .Select(g => string.Create(Invariant, $"{g.Count()} {Role(g.Key)}{(g.Count() == 1 ? "" : "s")}")));
        var worst = report.Certificates.Select(c => report.Findings.Where(f => f.CertificateIndex == c.Index)
            .Select(f => f.Severity).DefaultIfEmpty(Severity.Info).Max()).ToList();
        var verdicts = string.Create(Invariant,
            $"{worst.Count(w => w == Severity.Block)} blocked, {worst.Count(w => w == Severity.Warn)} with warnings, {worst.Count(w => w == Severity.Info)} fine");
        return string.Create(Invariant, $"{report.Certificates.Count} certificates ({roles}); {verdicts}. ") +
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
        string.Create(Invariant, $"… and {count} more {what}{(count == 1 ? "" : "s")}");

    public static CertificateItem Certificate(CertificateDetails c, CertificateReport report)
    {
        var (daysLeft, daysColor) = c.DaysLeft switch
        {
            < -1 => ($"expired {-c.DaysLeft} days ago", "attention"),
            -1 => ("expired yesterday", "attention"),
            0 => ("expires today", "attention"),
            1 => ("1 day left", "warning"),
            <= 30 => ($"{c.DaysLeft} days left", "warning"),
            _ => ($"{c.DaysLeft} days left", "good"),
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
        names.Count <= 10 ? string.Join(", ", names) : string.Join(", ", names.Take(10)) + string.Create(Invariant, $" and {names.Count - 10} more");

    private static FindingItem Finding(Finding f, CertificateReport report)
    {
        var (label, color) = f.Severity switch
        {
            Severity.Block => ("⛔ Blocked", "attention"),
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

    public static StatusItem Status(SupportCase c)
    {
        var (status, color) = c.Status switch
        {
            CaseStatus.Submitted => ("Submitted", "accent"),
            CaseStatus.InProgress => ("In progress", "accent"),
            CaseStatus.Installed => ("Installed", "good"),
            CaseStatus.NeedsInformation => ("Needs information from you", "warning"),
            CaseStatus.Rejected => ("Rejected", "attention"),
            CaseStatus.Removed => ("Removed", "good"),
            _ => (c.Status.ToString(), "default"),
        };
        return new StatusItem(
            c.CaseNumber,
            status,
            color,
            string.Join(", ", c.Environments),
            CaseCertificates(c.Certificates),
            Date(c.CreatedAt),
            c.HostName is not null,
            c.HostName ?? "");
    }

    public static string CaseCertificates(IReadOnlyList<CaseCertificate> certificates) =>
        string.Join("; ", certificates.Select(c => $"{Role(c.Role)} {CommonName(c.Subject)} (until {Date(c.NotAfter)})"));
}
