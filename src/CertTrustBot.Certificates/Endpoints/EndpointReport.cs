using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace CertTrustBot.Certificates.Endpoints;

/// <summary>
/// The check of what a server presented: the same report as for a file (in the order the server sent the
/// certificates, the host name checked against the leaf), with what only a live server tells, and the answer a
/// non-expert can act on: the certificate the Trusted Root store needs, when the server sends it, or the root to ask for.
/// </summary>
/// <param name="Fetch">What the connection brought back.</param>
/// <param name="Report">The report; for a failed connection, blocked with the reason.</param>
/// <param name="TrustAnchorIndex">The certificate the Trusted Root store needs when the server sent it: its own
/// self-signed certificate, or the root at the top of its chain. Null when the server does not send it.</param>
/// <param name="MissingRoot">The root to ask for when the server does not send it: the issuer of the top certificate sent.</param>
public sealed record EndpointReport(EndpointFetch Fetch, CertificateReport Report, int? TrustAnchorIndex, string? MissingRoot)
{
    public bool Connected => Fetch.Outcome == EndpointOutcome.Presented;

    /// <summary>The DER of the certificate the Trusted Root store needs, when the server sent it.</summary>
    public byte[]? TrustAnchor => TrustAnchorIndex is { } i ? Fetch.Certificates[i] : null;

    /// <summary>Checks what <paramref name="fetch"/> brought back.</summary>
    /// <param name="hostName">Compared with the leaf's names; the target's host by default.</param>
    public static EndpointReport Create(EndpointFetch fetch, CertificateChecker checker, string? hostName = null, DateTimeOffset? expectedCompletion = null)
    {
        ArgumentNullException.ThrowIfNull(fetch);
        ArgumentNullException.ThrowIfNull(checker);
        if (fetch.Outcome != EndpointOutcome.Presented || fetch.Certificates.Count == 0)
            return new EndpointReport(fetch, Failed(fetch), null, null);

        // The certificates as one PEM bundle in the server's order: the engine keeps file order, so index i is the
        // i-th certificate the server sent.
        var bundle = Encoding.ASCII.GetBytes(string.Concat(fetch.Certificates.Select(der => new string(PemEncoding.Write("CERTIFICATE", der)) + "\n")));
        var report = checker.Check(new CheckRequest(bundle, fetch.Target.Display)
        {
            HostName = hostName ?? fetch.Target.Host,
            ExpectedCompletion = expectedCompletion,
        });
        if (report.Verdict == Verdict.Block && report.Certificates.Count == 0)
            return new EndpointReport(fetch, report with { Format = CertificateFormat.Tls }, null, null);

        var findings = report.Findings.ToList();
        var certificates = report.Certificates;
        var leaf = certificates[0];
        int? anchor = null;
        string? missing = null;

        // The chain from the leaf the server sent first (the engine builds it by issuer name, key identifier and signature).
        var chain = report.Chain.Count > 0 && report.Chain[0] == 0 ? report.Chain : [0];
        var top = certificates[chain[^1]];
        if (leaf.IsSelfSigned)
        {
            anchor = 0;
            findings.Add(Make(FindingCodes.EndpointSelfSigned, 0,
                $"The server presents a self-signed certificate, '{leaf.Subject}': no CA vouches for it, so that certificate itself is what the Trusted Root store needs. Trusting it trusts this one server, until the certificate is renewed.",
                "You can request trust for exactly this certificate (SHA-1 " + leaf.Sha1 + ")."));
        }
        else if (top.IsSelfSigned)
        {
            anchor = top.Index;
            findings.Add(Make(FindingCodes.EndpointRootSent, top.Index,
                $"The server sends its root CA, '{top.Subject}' (certificate #{top.Index + 1} of {certificates.Count}): that is the certificate the Trusted Root store needs.",
                "You can request trust for that root (SHA-1 " + top.Sha1 + ")."));
        }
        else
        {
            missing = top.Issuer;
            // Said here in the words of a server; the engine's "not in the file" would say the same about the top.
            findings.RemoveAll(f => f.Code == FindingCodes.ChainIncomplete && f.CertificateIndex == top.Index);
            findings.Add(Make(FindingCodes.EndpointRootNotSent, top.Index,
                $"The server does not send its root CA (servers usually don't). The last certificate it sends, '{top.Subject}', was issued by '{top.Issuer}': that root CA is what the Trusted Root store needs.",
                $"Ask the system's owner for the root certificate '{top.Issuer}' as a .cer file, or export it from a browser that trusts the site: open the site, view the certificate, select the top of the certification path and export it (Base64 .cer)."));
        }

        var inOrder = chain.Select((index, position) => index == position).All(same => same);
        if (!inOrder)
        {
            var sent = string.Join(", ", certificates.Select(c => $"#{c.Index + 1} '{CommonName(c.Subject)}'"));
            var expected = string.Join(" → ", chain.Select(i => $"#{i + 1}"));
            findings.Add(Make(FindingCodes.EndpointOrder, null,
                $"The server sends its certificates out of order ({sent}); each should be followed by its issuer ({expected}). Strict clients may fail to build the chain.",
                "Tell the system's owner: the server's certificate chain file should list the server certificate first, then each issuer in turn."));
        }

        var ordered = findings.OrderByDescending(f => f.Severity).ToList();
        var verdict = ordered.Exists(f => f.Severity == Severity.Block) ? Verdict.Block
            : ordered.Exists(f => f.Severity == Severity.Warn) ? Verdict.Warn
            : Verdict.Accept;
        return new EndpointReport(fetch, report with { Format = CertificateFormat.Tls, Verdict = verdict, Findings = ordered }, anchor, missing);
    }

    private static Finding Make(string code, int? index, string message, string advice) =>
        new(code, FindingCodes.Get(code).Severity, message, advice, index);

    private static string CommonName(string subject)
    {
        foreach (var part in subject.Split(", "))
        {
            if (part.StartsWith("CN=", StringComparison.OrdinalIgnoreCase))
                return part[3..];
        }
        return subject;
    }

    private static CertificateReport Failed(EndpointFetch fetch)
    {
        var (code, advice) = fetch.Outcome switch
        {
            EndpointOutcome.Timeout => (FindingCodes.EndpointTimeout,
                "Check the host and port; the server may be down, or a firewall may drop connections from here."),
            EndpointOutcome.NotTls => (FindingCodes.EndpointNotTls,
                "Check the port: HTTPS is usually 443. Only a port that speaks TLS presents a certificate."),
            EndpointOutcome.HandshakeFailed => (FindingCodes.EndpointHandshakeFailed,
                "The server may need a protocol or client certificate this check does not offer; ask the system's owner for the root CA certificate instead."),
            EndpointOutcome.Refused => (FindingCodes.EndpointRefused,
                "Ask the system's owner for the root CA certificate and send it as a file."),
            _ => (FindingCodes.EndpointUnreachable,
                "Check the host name and port, and that the server is reachable from the internet."),
        };
        return new CertificateReport
        {
            FileName = fetch.Target.Display,
            Format = CertificateFormat.Tls,
            Verdict = Verdict.Block,
            Headline = "Blocked: " + FindingCodes.Get(code).Meaning,
            Certificates = [],
            Chain = [],
            Findings = [new Finding(code, Severity.Block, fetch.Detail, advice)],
        };
    }

    internal static string Seconds(TimeSpan timeout) => timeout.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture);
}
