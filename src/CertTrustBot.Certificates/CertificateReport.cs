using System.Collections.Immutable;

namespace CertTrustBot.Certificates;

/// <summary>What the user sent, as far as the check can tell before and while parsing it.</summary>
public enum CertificateFormat
{
    Der,
    Pem,
    PemBundle,
    Pkcs7Der,
    Pkcs7Pem,
    Pkcs12,
    PrivateKey,
    CertificateRequest,
    CertificateRevocationList,
    PublicKey,
    Empty,
    TooLarge,
    Unknown,

    /// <summary>Certificates presented by a live server in a TLS handshake (certtrust fetch, "check HOST" in chat).</summary>
    Tls,
}

/// <summary>Where a certificate sits in a chain, which decides the Windows store it belongs to.</summary>
public enum CertificateRole
{
    Root,
    Intermediate,
    Leaf,
    SelfSignedLeaf,
}

public enum Severity
{
    Info,
    Warn,
    Block,
}

public enum Verdict
{
    Accept,
    Warn,
    Block,
}

/// <summary>The input of one check: the bytes and file name of what a user sent, and the context to judge it in.</summary>
public sealed record CheckRequest(ReadOnlyMemory<byte> Content, string FileName)
{
    /// <summary>The host name of the external system, checked against the SANs when given.</summary>
    public string? HostName { get; init; }

    /// <summary>
    /// SHA-256 thumbprints (upper-case hex, no separators) already requested or installed, each with a short
    /// human description of where ("CT-000042 for Production, installed").
    /// </summary>
    public IReadOnlyDictionary<string, string> AlreadyRequested { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>When the support desk expects to have installed the certificate; a certificate expiring before is a warning.</summary>
    public DateTimeOffset? ExpectedCompletion { get; init; }
}

/// <summary>One finding, with a stable code (like zlint's), in words a customer who is not a PKI expert understands.</summary>
/// <param name="Code">Stable identifier, e.g. <c>cert.expired</c>.</param>
/// <param name="Severity">Block stops the request; Warn lets it go on with an explanation; Info is for the record.</param>
/// <param name="Message">What is wrong, in plain language.</param>
/// <param name="Advice">What to do or send instead; empty when nothing needs doing.</param>
/// <param name="CertificateIndex">Zero-based index of the certificate it concerns, in file order; null for the file as a whole.</param>
public sealed record Finding(string Code, Severity Severity, string Message, string Advice, int? CertificateIndex = null);

/// <summary>Everything the check read from one certificate.</summary>
public sealed record CertificateDetails
{
    public required int Index { get; init; }
    public required CertificateRole Role { get; init; }
    public required string Subject { get; init; }
    public required string Issuer { get; init; }
    public required string SerialNumber { get; init; }
    public required DateTimeOffset NotBefore { get; init; }
    public required DateTimeOffset NotAfter { get; init; }

    /// <summary>Whole days from the check's clock to NotAfter; negative once expired.</summary>
    public required int DaysLeft { get; init; }

    /// <summary>"RSA", "ECDSA", "Ed25519", "DSA", or the OID when unknown.</summary>
    public required string KeyAlgorithm { get; init; }

    /// <summary>Key size in bits when known (RSA modulus, EC field size).</summary>
    public int? KeySize { get; init; }

    /// <summary>Named curve for EC keys, e.g. "P-256".</summary>
    public string? Curve { get; init; }

    /// <summary>Friendly signature algorithm, e.g. "SHA256withRSA", "SHA384withECDSA", "RSASSA-PSS".</summary>
    public required string SignatureAlgorithm { get; init; }

    public required IReadOnlyList<string> SubjectAlternativeNames { get; init; }

    /// <summary>SHA-256 of the DER, upper-case hex without separators.</summary>
    public required string Sha256 { get; init; }

    /// <summary>SHA-1 of the DER, upper-case hex without separators (what Windows and certutil show).</summary>
    public required string Sha1 { get; init; }

    public required int Version { get; init; }
    public required bool IsSelfSigned { get; init; }

    /// <summary>basicConstraints cA; null when the extension is absent.</summary>
    public bool? IsCertificateAuthority { get; init; }

    public int? PathLengthConstraint { get; init; }

    /// <summary>keyUsage names ("KeyCertSign", "DigitalSignature"...); empty when the extension is absent.</summary>
    public required IReadOnlyList<string> KeyUsages { get; init; }

    /// <summary>The normalised DER (.cer) bytes of this certificate.</summary>
    public required ReadOnlyMemory<byte> Der { get; init; }
}

/// <summary>The result of checking one file.</summary>
public sealed record CertificateReport
{
    public required string FileName { get; init; }
    public required CertificateFormat Format { get; init; }
    public required Verdict Verdict { get; init; }

    /// <summary>The verdict line in the spirit of SSL Labs: "Self-signed root · RSA 2048 · SHA-256 · valid until 2034-11-29 (8.9 years)".</summary>
    public required string Headline { get; init; }

    /// <summary>The certificates in the order they appear in the file.</summary>
    public required IReadOnlyList<CertificateDetails> Certificates { get; init; }

    /// <summary>The chain built inside the file, leaf first, as indexes into <see cref="Certificates"/>.</summary>
    public required IReadOnlyList<int> Chain { get; init; }

    /// <summary>Index of the certificate that belongs in the Trusted Root store, when the file has one.</summary>
    public int? TrustedRootIndex { get; init; }

    public required IReadOnlyList<Finding> Findings { get; init; }

    /// <summary>
    /// The certificates that may be stored for a support case: none when the verdict is Block, so a private key or a
    /// rejected file can never reach storage through this report.
    /// </summary>
    public IReadOnlyList<CertificateDetails> Storable => Verdict == Verdict.Block ? [] : Certificates;
}
