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

    public static CertificateReportCardData Report(CertificateReport report)
    {
        var (text, color) = report.Verdict switch
        {
            Verdict.Accept => ("✅ Accepted", "good"),
            Verdict.Warn => ("⚠️ Accepted with warnings", "warning"),
            _ => ("⛔ Blocked", "attention"),
        };
        var findings = report.Findings.Where(f => f.Severity != Severity.Info)
            .OrderByDescending(f => f.Severity).Select(f => Finding(f, report)).ToList();
        var details = report.Findings.Where(f => f.Severity == Severity.Info).Select(f => Finding(f, report)).ToList();
        var chain = report.Chain.Count > 1
            ? string.Join(" → ", report.Chain.Where(i => i >= 0 && i < report.Certificates.Count)
                .Select(i => $"#{i + 1} {CommonName(report.Certificates[i].Subject)}"))
            : "";
        return new CertificateReportCardData(
            report.FileName,
            report.Verdict.ToString(),
            text,
            color,
            report.Headline,
            chain.Length > 0,
            chain,
            report.Certificates.Select(c => Certificate(c, report)).ToList(),
            findings.Count > 0,
            findings,
            details.Count > 0,
            details);
    }

    public static IReadOnlyList<CertificateItem> Certificates(CertificateReport report) =>
        report.Certificates.Select(c => Certificate(c, report)).ToList();

    public static IReadOnlyList<FindingItem> Warnings(CertificateReport report) =>
        report.Findings.Where(f => f.Severity == Severity.Warn).Select(f => Finding(f, report)).ToList();

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
