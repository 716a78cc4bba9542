using System.Globalization;
using System.Text;
using CertTrustBot.Certificates;

namespace CertTrustBot.Cli;

/// <summary>
/// The report for a person at a terminal: a verdict line, each certificate with aligned labels, the chain and the
/// stores, then the findings with what to do. Everything taken from the file is cleaned of control characters,
/// so a hostile subject or file name cannot move the cursor or recolour the terminal.
/// </summary>
internal sealed class HumanReportWriter(TextWriter output, TimeProvider clock, OutputStyle style) : IReportWriter
{
    /// <summary>SAN lists are cut here: a certificate with 10,000 names would otherwise fill the screen.</summary>
    public const int SansShown = 10;

    private const int Width = 100;
    private const int LabelWidth = 13;
    private static readonly string CertificateIndent = new(' ', 4);
    private static readonly string ValueIndent = new(' ', 4 + LabelWidth);
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    private readonly Ansi _ansi = new(style.Colour);
    private readonly Dictionary<(int Indent, string Label), string> _prefixes = [];
    private int _files;

    public void Write(string path, CertificateReport report)
    {
        if (_files++ > 0)
            output.WriteLine();

        output.WriteLine(_ansi.Bold(Text.Clean(path)));
        output.WriteLine($"  {Badge(report.Verdict)}  {Text.Clean(report.Headline)}");
        if (!IsUnreadable(report))
            output.WriteLine(_ansi.Dim($"  {Describe(report.Format)} · {Count(report.Certificates.Count, "certificate")}"));

        foreach (var certificate in report.Certificates)
            WriteCertificate(certificate, report.Certificates.Count);

        WriteChainAndStores(report);
        WriteFindings(report);
    }

    private void WriteCertificate(CertificateDetails certificate, int count)
    {
        output.WriteLine();
        output.WriteLine(_ansi.Bold(string.Create(Invariant, $"  Certificate {Numbers.Format(certificate.Index + 1)} of {Numbers.Format(count)} · {Describe(certificate.Role)}")));
        Field("Subject", Text.Clean(certificate.Subject));
        Field("Issuer", string.Equals(certificate.Subject, certificate.Issuer, StringComparison.Ordinal)
            ? $"{Text.Clean(certificate.Issuer)} (itself)"
            : Text.Clean(certificate.Issuer));
        Field("Valid", $"{Date(certificate.NotBefore)} → {Date(certificate.NotAfter)} ({Remaining(certificate)})");
        Field("Key", Key(certificate));
        Field("Signature", Text.Clean(certificate.SignatureAlgorithm));
        Field("SANs", Sans(certificate.SubjectAlternativeNames));
        Field("Serial", Text.Clean(certificate.SerialNumber));
        Field("SHA-1", certificate.Sha1);
        Field("SHA-256", certificate.Sha256);
    }

    private void WriteChainAndStores(CertificateReport report)
    {
        if (report.Certificates.Count == 0)
            return;

        output.WriteLine();
        // One link a line, leaf first: "→" reads as "issued by", the way the chain is walked to the root.
        for (var link = 0; link < report.Chain.Count; link++)
        {
            var index = report.Chain[link];
            var role = index >= 0 && index < report.Certificates.Count ? Short(report.Certificates[index].Role) : "?";
            Line(2, link == 0 ? "Chain" : "", $"{(link == 0 ? "" : "→ ")}#{index + 1} {ShortName(report, index)} ({role})");
        }

        if (report.TrustedRootIndex is { } root && root >= 0 && root < report.Certificates.Count)
        {
            var certificate = report.Certificates[root];
            Line(2, "Trusted Root", $"#{root + 1} {ShortName(report, root)}, SHA-1 {certificate.Sha1}");
        }
        else
        {
            Line(2, "Trusted Root", "none: this file holds no root CA certificate to install");
        }

        var otherRoots = report.Certificates
            .Where(c => c.Role == CertificateRole.Root && c.Index != report.TrustedRootIndex)
            .Select(c => $"#{c.Index + 1} {ShortName(report, c.Index)}")
            .Take(SansShown + 1)
            .ToList();
        if (otherRoots.Count > 0)
        {
            // One a line, as names often hold commas; a CA bundle of hundreds is cut like a long SAN list.
            var total = report.Certificates.Count(c => c.Role == CertificateRole.Root && c.Index != report.TrustedRootIndex);
            for (var i = 0; i < Math.Min(otherRoots.Count, SansShown); i++)
                Line(2, i == 0 ? "Other roots" : "", otherRoots[i]);
            if (total > SansShown)
                Line(2, "", string.Create(Invariant, $"… and {Numbers.Format(total - SansShown)} more"));
        }

        var intermediates = report.Certificates.Where(c => c.Role == CertificateRole.Intermediate).Select(c => $"#{c.Index + 1} {ShortName(report, c.Index)}").ToList();
        if (intermediates.Count > 0)
            Line(2, "Intermediate", Abbreviate(intermediates, SansShown));
    }

    private void WriteFindings(CertificateReport report)
    {
        output.WriteLine();
        if (report.Findings.Count == 0)
        {
            output.WriteLine("  No findings.");
            return;
        }

        output.WriteLine(_ansi.Bold(string.Create(Invariant, $"  Findings ({Numbers.Format(report.Findings.Count)})")));
        foreach (var finding in report.Findings)
        {
            var about = finding.CertificateIndex is { } index && report.Certificates.Count > 1 ? $"[#{index + 1}] " : "";
            output.Write("    ");
            output.Write(Badge(finding.Severity));
            output.Write("  ");
            output.WriteLine(_ansi.Dim(Text.Clean(finding.Code)));
            WriteWrapped(about + Text.Clean(finding.Message), "           ");
            if (!string.IsNullOrWhiteSpace(finding.Advice))
                WriteWrapped("→ " + Text.Clean(finding.Advice), "           ", "             ");
        }
    }

    private void Field(string label, string value) => Line(4, label, value);

    private void Line(int indent, string label, string value)
    {
        // The labelled prefix of each (indent, label) is made once: a trust store prints thousands of these lines.
        if (!_prefixes.TryGetValue((indent, label), out var prefix))
            _prefixes[(indent, label)] = prefix = new string(' ', indent) + _ansi.Dim(label.PadRight(LabelWidth));
        var continuation = new string(' ', indent + LabelWidth);
        var first = true;
        foreach (var line in Text.Wrap(value, Width - indent - LabelWidth))
        {
            output.Write(first ? prefix : continuation);
            output.WriteLine(line);
            first = false;
        }
    }

    private void WriteWrapped(string text, string indent, string? continuation = null)
    {
        var first = true;
        foreach (var line in Text.Wrap(text, Width - indent.Length))
        {
            output.Write(first ? indent : continuation ?? indent);
            output.WriteLine(line);
            first = false;
        }
    }

    private string Badge(Verdict verdict) => verdict switch
    {
        Verdict.Block => _ansi.Red("BLOCK "),
        Verdict.Warn => _ansi.Yellow("WARN  "),
        _ => _ansi.Green("ACCEPT"),
    };

    private string Badge(Severity severity) => severity switch
    {
        Severity.Block => _ansi.Red("BLOCK"),
        Severity.Warn => _ansi.Yellow("WARN "),
        _ => _ansi.Cyan("INFO "),
    };

    private string Remaining(CertificateDetails certificate)
    {
        var now = clock.GetUtcNow();
        if (now < certificate.NotBefore)
        {
            var days = (int)Math.Ceiling((certificate.NotBefore - now).TotalDays);
            return $"not valid yet: starts in {Count(days, "day")}";
        }
        if (certificate.NotAfter <= now)
            return certificate.DaysLeft == 0 ? "expired today" : $"expired {Count(Math.Abs(certificate.DaysLeft), "day")} ago";
        return certificate.DaysLeft == 0 ? "expires today" : $"{Count(certificate.DaysLeft, "day")} left";
    }

    private static string Key(CertificateDetails certificate)
    {
        var text = new StringBuilder(Text.Clean(certificate.KeyAlgorithm));
        if (certificate.Curve is { } curve)
            text.Append(' ').Append(Text.Clean(curve));
        if (certificate.KeySize is { } size)
            text.Append(certificate.Curve is null ? $" {size}" : $" ({size} bits)");
        return text.ToString();
    }

    private static string Sans(IReadOnlyList<string> names) =>
        names.Count == 0 ? "none" : Abbreviate(names.Take(SansShown + 1).Select(Text.Clean).ToList(), SansShown, names.Count);

    private static string Abbreviate(List<string> items, int shown, int? total = null)
    {
        var count = total ?? items.Count;
        if (count <= shown)
            return string.Join(", ", items);
        return string.Create(Invariant, $"{string.Join(", ", items.Take(shown))} … and {Numbers.Format(count - shown)} more");
    }

    /// <summary>The CN when the subject has one ("CN=Contoso Root CA, O=Contoso" → "Contoso Root CA"), else the whole subject.</summary>
    private static string ShortName(CertificateReport report, int index)
    {
        if (index < 0 || index >= report.Certificates.Count)
            return "?";
        var subject = report.Certificates[index].Subject;
        foreach (var part in subject.Split(", "))
        {
            if (part.StartsWith("CN=", StringComparison.Ordinal))
                return Text.Clean(part[3..].Trim('"'));
        }
        return subject.Length == 0 ? "(no subject)" : Text.Clean(subject);
    }

    private static bool IsUnreadable(CertificateReport report) =>
        report.Findings.Any(f => f.Code is CliFindings.FileUnreadableCode or CliFindings.CheckFailedCode);

    private static string Date(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", Invariant);

    private static string Count(int count, string noun) => Numbers.Count(count, noun);

    private static string Describe(CertificateRole role) => role switch
    {
        CertificateRole.Root => "root CA",
        CertificateRole.Intermediate => "intermediate CA",
        CertificateRole.Leaf => "leaf (server certificate)",
        CertificateRole.SelfSignedLeaf => "self-signed leaf",
        _ => role.ToString(),
    };

    private static string Short(CertificateRole role) => role switch
    {
        CertificateRole.Root => "root",
        CertificateRole.Intermediate => "intermediate",
        CertificateRole.Leaf => "leaf",
        CertificateRole.SelfSignedLeaf => "self-signed leaf",
        _ => role.ToString(),
    };

    private static string Describe(CertificateFormat format) => format switch
    {
        CertificateFormat.Der => "DER",
        CertificateFormat.Pem => "PEM",
        CertificateFormat.PemBundle => "PEM bundle",
        CertificateFormat.Pkcs7Der => "PKCS#7 (DER)",
        CertificateFormat.Pkcs7Pem => "PKCS#7 (PEM)",
        CertificateFormat.Pkcs12 => "PKCS#12 (.pfx)",
        CertificateFormat.PrivateKey => "private key",
        CertificateFormat.CertificateRequest => "certificate request (CSR)",
        CertificateFormat.CertificateRevocationList => "certificate revocation list (CRL)",
        CertificateFormat.PublicKey => "public key",
        CertificateFormat.Empty => "empty file",
        CertificateFormat.TooLarge => "file too large",
        CertificateFormat.Unknown => "not recognised",
        CertificateFormat.Tls => "presented in a TLS handshake",
        _ => format.ToString(),
    };

    public void Complete() => output.Flush();

    public void Dispose()
    {
    }
}
