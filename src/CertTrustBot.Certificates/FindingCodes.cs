namespace CertTrustBot.Certificates;

/// <summary>One entry of the findings catalogue. <see cref="Meaning"/> reads after "Blocked: " in a headline.</summary>
public sealed record FindingDefinition(string Code, Severity Severity, string Meaning);

/// <summary>
/// Every finding the check can raise, with a stable code (like zlint's), for the README, the cards and the CLI.
/// Codes never change meaning once published; new ones are added.
/// </summary>
public static class FindingCodes
{
    // The file as a whole: what it is, before any certificate is read.
    public const string FileEmpty = "file.empty";
    public const string FileTooLarge = "file.too-large";
    public const string FileTooManyCertificates = "file.too-many-certificates";
    public const string FilePrivateKey = "file.private-key";
    public const string FilePkcs12 = "file.pkcs12";
    public const string FileCertificateRequest = "file.certificate-request";
    public const string FileCrl = "file.crl";
    public const string FilePublicKey = "file.public-key";
    public const string FileImage = "file.image";
    public const string FileArchive = "file.archive";
    public const string FileDocument = "file.document";
    public const string FileText = "file.text";
    public const string FileTruncated = "file.truncated";
    public const string FileTrailingData = "file.trailing-data";
    public const string FileDamagedBlock = "file.damaged-block";
    public const string FileNoCertificates = "file.no-certificates";
    public const string FileUnknown = "file.unknown";

    /// <summary>The file itself could not be read (missing, no permission, a directory): raised by front ends, not by the check.</summary>
    public const string FileUnreadable = "file.unreadable";

    /// <summary>The check failed unexpectedly: a defect, raised by front ends as a safety net.</summary>
    public const string CheckFailed = "check.failed";
    public const string FileIgnoredBlock = "file.ignored-block";
    public const string FileDuplicates = "file.duplicates";

    // One certificate.
    public const string CertUnreadable = "cert.unreadable";
    public const string CertExpired = "cert.expired";
    public const string CertNotYetValid = "cert.not-yet-valid";
    public const string CertWeakSignatureHash = "cert.weak-signature-hash";
    public const string CertRsaKeyTooSmall = "cert.rsa-key-too-small";
    public const string CertEdDsa = "cert.eddsa";
    public const string CertSelfSignatureInvalid = "cert.self-signature-invalid";
    public const string CertLeaf = "cert.leaf";
    public const string CertIntermediate = "cert.intermediate";
    public const string CertSelfSignedLeaf = "cert.self-signed-leaf";
    public const string CertExpiresSoon = "cert.expires-soon";
    public const string CertExpiresBeforeCompletion = "cert.expires-before-completion";
    public const string CertSha1Signature = "cert.sha1-signature";
    public const string CertSha1SelfSignedRoot = "cert.sha1-self-signed-root";
    public const string CertEcdsaP521 = "cert.ecdsa-p521";
    public const string CertRsaPss = "cert.rsa-pss";
    public const string CertVersion1 = "cert.version-1";
    public const string CertRootNotCa = "cert.root-not-ca";
    public const string CertRootWithoutKeyCertSign = "cert.root-without-key-cert-sign";
    public const string CertKeyCertSignWithoutCa = "cert.key-cert-sign-without-ca";
    public const string CertUnknownAlgorithm = "cert.unknown-algorithm";
    public const string CertAlreadyRequested = "cert.already-requested";
    public const string CertRole = "cert.role";

    // The chain inside the file.
    public const string ChainIncomplete = "chain.incomplete";
    public const string ChainSeveralRoots = "chain.several-roots";
    public const string ChainPath = "chain.path";

    // The host name the customer gave.
    public const string HostNotInSan = "host.not-in-san";
    public const string HostOnlyInCn = "host.only-in-cn";
    public const string HostMatch = "host.match";
    public const string HostNotChecked = "host.not-checked";

    // A live server (certtrust fetch, "check HOST" in chat).
    public const string EndpointRootNotSent = "endpoint.root-not-sent";
    public const string EndpointRootSent = "endpoint.root-sent";
    public const string EndpointSelfSigned = "endpoint.self-signed";
    public const string EndpointOrder = "endpoint.order";
    public const string EndpointUnreachable = "endpoint.unreachable";
    public const string EndpointTimeout = "endpoint.timeout";
    public const string EndpointNotTls = "endpoint.not-tls";
    public const string EndpointHandshakeFailed = "endpoint.handshake-failed";
    public const string EndpointRefused = "endpoint.refused";

    public static IReadOnlyList<FindingDefinition> All { get; } =
    [
        new(FileEmpty, Severity.Block, "the file is empty"),
        new(FileTooLarge, Severity.Block, "the file is larger than the size limit"),
        new(FileTooManyCertificates, Severity.Block, "the file holds more certificates than the limit"),
        new(FilePrivateKey, Severity.Block, "contains a private key"),
        new(FilePkcs12, Severity.Block, "a PKCS#12 (.pfx/.p12) file, which carries a private key"),
        new(FileCertificateRequest, Severity.Block, "a certificate signing request (CSR), not a certificate"),
        new(FileCrl, Severity.Block, "a certificate revocation list (CRL), not a certificate"),
        new(FilePublicKey, Severity.Block, "a bare public key, not a certificate"),
        new(FileImage, Severity.Block, "an image (screenshot), not a certificate"),
        new(FileArchive, Severity.Block, "an archive (zip, gzip...), not a certificate"),
        new(FileDocument, Severity.Block, "a web page or document, not a certificate"),
        new(FileText, Severity.Block, "text without a certificate in it"),
        new(FileTruncated, Severity.Block, "the certificate data is cut off"),
        new(FileTrailingData, Severity.Block, "unexpected bytes after the certificate"),
        new(FileDamagedBlock, Severity.Block, "a PEM block in the file is damaged"),
        new(FileNoCertificates, Severity.Block, "the file holds no certificate"),
        new(FileUnknown, Severity.Block, "not a certificate in any known format"),
        new(FileUnreadable, Severity.Block, "the file could not be read (missing, no permission, a folder)"),
        new(CheckFailed, Severity.Block, "the check failed unexpectedly (a defect, not the file)"),
        new(FileIgnoredBlock, Severity.Info, "a PEM block that is not a certificate was ignored"),
        new(FileDuplicates, Severity.Info, "the same certificate appears more than once in the file"),
        new(CertUnreadable, Severity.Block, "a certificate in the file cannot be read"),
        new(CertExpired, Severity.Block, "certificate has expired"),
        new(CertNotYetValid, Severity.Block, "certificate is not valid yet"),
        new(CertWeakSignatureHash, Severity.Block, "certificate is signed with a broken hash (MD2/MD4/MD5)"),
        new(CertRsaKeyTooSmall, Severity.Block, "certificate has an RSA key shorter than 2048 bits"),
        new(CertEdDsa, Severity.Block, "certificate uses Ed25519/Ed448, which Windows cannot use"),
        new(CertSelfSignatureInvalid, Severity.Block, "self-signed certificate whose signature does not match its own key (corrupt or forged)"),
        new(CertLeaf, Severity.Warn, "server (leaf) certificate issued by a CA: the root CA is what is needed"),
        new(CertIntermediate, Severity.Warn, "intermediate CA: belongs in the Intermediate store; the root is still needed"),
        new(CertSelfSignedLeaf, Severity.Warn, "self-signed server certificate: trusted for that one host only"),
        new(CertExpiresSoon, Severity.Warn, "certificate expires within 30 days"),
        new(CertExpiresBeforeCompletion, Severity.Warn, "certificate expires before the expected completion date"),
        new(CertSha1Signature, Severity.Warn, "certificate below a root is signed with SHA-1"),
        new(CertSha1SelfSignedRoot, Severity.Warn, "self-signed root signed with SHA-1 (its self-signature is not used)"),
        new(CertEcdsaP521, Severity.Warn, "ECDSA P-521 key, not enabled by default on Windows Server 2016"),
        new(CertRsaPss, Severity.Warn, "RSASSA-PSS signature or key, unconfirmed on Windows Server 2016"),
        new(CertVersion1, Severity.Warn, "version 1 certificate (no extensions)"),
        new(CertRootNotCa, Severity.Warn, "root without basicConstraints cA=true"),
        new(CertRootWithoutKeyCertSign, Severity.Warn, "root whose keyUsage lacks keyCertSign"),
        new(CertKeyCertSignWithoutCa, Severity.Warn, "keyUsage keyCertSign without basicConstraints cA=true"),
        new(CertUnknownAlgorithm, Severity.Warn, "key or signature algorithm not known to the check"),
        new(CertAlreadyRequested, Severity.Warn, "the same certificate was already requested or installed"),
        new(CertRole, Severity.Info, "the certificate's role and the Windows store it belongs to"),
        new(ChainIncomplete, Severity.Warn, "a certificate's issuer is neither in the file nor itself"),
        new(ChainSeveralRoots, Severity.Warn, "the file holds several root certificates"),
        new(ChainPath, Severity.Info, "the chain built inside the file"),
        new(HostNotInSan, Severity.Warn, "the host name is not among the certificate's names (MISMATCH)"),
        new(HostOnlyInCn, Severity.Warn, "the host name is only in the subject CN, not in the SAN"),
        new(HostMatch, Severity.Info, "the host name matches the certificate"),
        new(HostNotChecked, Severity.Info, "no server certificate in the file to check the host name against"),
        new(EndpointRootNotSent, Severity.Warn, "the server does not send its root CA: the issuer of the last certificate it sends is the root to ask for"),
        new(EndpointRootSent, Severity.Info, "the server sends its root CA: that is the certificate to trust"),
        new(EndpointSelfSigned, Severity.Info, "the server presents a self-signed certificate: that certificate itself is what must be trusted"),
        new(EndpointOrder, Severity.Warn, "the server sends its certificates out of order"),
        new(EndpointUnreachable, Severity.Block, "the server could not be reached (name not found, connection refused or closed)"),
        new(EndpointTimeout, Severity.Block, "the server did not answer in time"),
        new(EndpointNotTls, Severity.Block, "the port answered, but not with TLS (plain HTTP or another protocol)"),
        new(EndpointHandshakeFailed, Severity.Block, "the server ended the TLS handshake before presenting a certificate"),
        new(EndpointRefused, Severity.Block, "the address or port may not be looked at from the bot (private network, port not allowed)"),
    ];

    private static readonly Dictionary<string, FindingDefinition> ByCode = All.ToDictionary(d => d.Code, StringComparer.Ordinal);

    /// <summary>The catalogue entry for a code; throws for a code that is not in the catalogue.</summary>
    public static FindingDefinition Get(string code) => ByCode[code];
}
