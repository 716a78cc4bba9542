using System.Buffers.Text;
using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace CertTrustBot.Certificates;

/// <summary>What a DER structure turned out to be, judged from its shape alone.</summary>
internal enum DerKind
{
    Unknown,
    Certificate,
    Pkcs7,
    Pkcs12,
    PrivateKey,
    CertificateRequest,
    Crl,
    PublicKey,
}

/// <summary>A certificate's DER taken out of the file, or why the block that should hold one could not be read.</summary>
internal readonly record struct ExtractedCertificate(byte[]? Der, string Origin, string? Problem);

/// <summary>The file's format, its certificates (not parsed yet) and the findings about the file as a whole.</summary>
internal sealed class FileContents
{
    public CertificateFormat Format { get; set; } = CertificateFormat.Unknown;
    public List<ExtractedCertificate> Certificates { get; } = [];
    public List<Finding> Findings { get; } = [];

    public void Add(string code, string message, string advice) =>
        Findings.Add(new Finding(code, FindingCodes.Get(code).Severity, message, advice));
}

/// <summary>
/// Recognises what a user sent (DER, PEM, bundles, PKCS#7, PKCS#12, keys, CSRs, CRLs, junk) and takes the
/// certificates out, with the caps checked before any parsing.
/// </summary>
internal static class CertificateFileReader
{
    private const string SendInstead =
        "Send the root CA certificate of the system as a .cer, .crt or .pem file (or the whole chain as one .pem or .p7b).";

    private static readonly Asn1Tag Context0 = new(TagClass.ContextSpecific, 0, isConstructed: true);

    public static FileContents Read(ReadOnlyMemory<byte> content, CheckLimits limits)
    {
        var result = new FileContents();
        if (content.Length > limits.MaxBytes)
        {
            result.Format = CertificateFormat.TooLarge;
            result.Add(FindingCodes.FileTooLarge,
                $"The file is {Numbers.Format(content.Length)} bytes; the limit is {Numbers.Format(limits.MaxBytes)}. A certificate is only a few kilobytes, so this is probably not one.",
                SendInstead);
            return result;
        }

        var bytes = NormaliseText(content);
        var span = bytes.Span;
        if (span.Trim(" \t\r\n\0"u8).IsEmpty)
        {
            result.Format = CertificateFormat.Empty;
            result.Add(FindingCodes.FileEmpty, "The file is empty.", SendInstead);
            return result;
        }

        // A private key anywhere in the file blocks it, even when the PEM around it is malformed, its markers are
        // misspelt, or it has none (Base64 of its DER, a JSON Web Key): nothing of such a file may be kept.
        var privateKey = PrivateKeyDetector.ContainsPrivateKey(span);
        if (privateKey)
        {
            result.Add(FindingCodes.FilePrivateKey,
                "The file contains a private key. A private key must never leave the server it belongs to: sent here it is now exposed, and whoever has it can impersonate that server.",
                "Ask the system's owner to replace (rotate) the key and its certificate, then send only the certificate, without the PRIVATE KEY block (.cer, .crt or .pem).");
        }

        if (span.IndexOf("-----BEGIN "u8) >= 0)
        {
            ReadPem(span, limits, result, privateKey);
        }
        else if (privateKey)
        {
            result.Format = CertificateFormat.PrivateKey;
        }
        else if (span[0] == 0x30 // DER starts 0x30 0x82: text that happens to start with "0" goes to the text checks
            && !(span.Length > 1 && span[1] < 0x80 && LooksLikeText(span)))
        {
            ReadDer(bytes, limits, result, CertificateFormat.Der);
        }
        else if (!SniffJunk(span, result) && TryDecodeBareBase64(span) is { } decoded)
        {
            // Base64 without the BEGIN/END lines, e.g. pasted from an e-mail.
            ReadDer(decoded, limits, result, CertificateFormat.Pem);
        }
        else if (result.Findings.Count == 0)
        {
            ClassifyOther(span, result);
        }

        // Several PKCS#7 blocks could together exceed the cap that each of them respects.
        if (result.Certificates.Count > limits.MaxCertificates)
        {
            TooManyCertificates(result, $"The file holds {Numbers.Format(result.Certificates.Count)} certificates; at most {Numbers.Format(limits.MaxCertificates)} are accepted in one file.");
            result.Certificates.Clear();
        }
        return result;
    }

    /// <summary>Windows tools may write UTF-16 or a UTF-8 byte order mark; the rest of the reader works on bytes.</summary>
    private static ReadOnlyMemory<byte> NormaliseText(ReadOnlyMemory<byte> content)
    {
        var span = content.Span;
        if (span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) return content[3..];
        if (span.Length >= 2 && ((span[0] == 0xFF && span[1] == 0xFE) || (span[0] == 0xFE && span[1] == 0xFF)))
        {
            var encoding = span[0] == 0xFF ? Encoding.Unicode : Encoding.BigEndianUnicode;
            return Encoding.Latin1.GetBytes(encoding.GetString(span[2..]));
        }
        return content;
    }

    /// <summary>The count cap, refused before (or instead of) parsing: the file is TooLarge whatever else it holds.</summary>
    private static void TooManyCertificates(FileContents result, string message)
    {
        result.Format = CertificateFormat.TooLarge;
        result.Add(FindingCodes.FileTooManyCertificates, message, "Send only the root CA certificate the system needs (or its chain).");
    }

    private static void ReadPem(ReadOnlySpan<byte> span, CheckLimits limits, FileContents result, bool privateKey)
    {
        var markers = span.Count("-----BEGIN "u8);
        if (markers > limits.MaxCertificates)
        {
            TooManyCertificates(result, $"The file holds {Numbers.Format(markers)} PEM blocks; at most {Numbers.Format(limits.MaxCertificates)} certificates are accepted in one file.");
            return;
        }

        var found = 0;
        var position = 0;
        var pkcs7 = false;
        var other = new List<CertificateFormat>();
        // Found and decoded on the bytes themselves: no copy of a multi-megabyte bundle as a string.
        while (position < span.Length && PemEncoding.TryFindUtf8(span[position..], out var fields))
        {
            var window = span[position..];
            found++;
            var label = Encoding.ASCII.GetString(window[fields.Label]);
            var der = new byte[fields.DecodedDataLength];
            Base64.DecodeFromUtf8(window[fields.Base64Data], der, out _, out var written);
            if (written < der.Length) der = der[..written];
            position += fields.Location.End.Value;
            var origin = $"PEM block {found} ({label})";
            switch (label)
            {
                case "CERTIFICATE" or "X509 CERTIFICATE" or "X.509 CERTIFICATE" when Classify(der) == DerKind.Pkcs7:
                    pkcs7 = true; // some tools label a .p7b as CERTIFICATE
                    ReadPkcs7(der, limits, result, origin);
                    break;
                case "CERTIFICATE" or "X509 CERTIFICATE" or "X.509 CERTIFICATE":
                    result.Certificates.Add(CheckSingleValue(der, origin, allowTrailing: false));
                    break;
                case "TRUSTED CERTIFICATE":
                    // OpenSSL's trusted form: the certificate followed by trust settings, which are dropped.
                    result.Certificates.Add(CheckSingleValue(der, origin, allowTrailing: true));
                    break;
                case "PKCS7" or "CMS" or "PKCS #7 SIGNED DATA":
                    pkcs7 = true;
                    ReadPkcs7(der, limits, result, origin);
                    break;
                case "CERTIFICATE REQUEST" or "NEW CERTIFICATE REQUEST":
                    other.Add(CertificateFormat.CertificateRequest);
                    break;
                case "X509 CRL":
                    other.Add(CertificateFormat.CertificateRevocationList);
                    break;
                case "PUBLIC KEY" or "RSA PUBLIC KEY" or "EC PUBLIC KEY":
                    other.Add(CertificateFormat.PublicKey);
                    break;
                case var l when l.EndsWith("PRIVATE KEY", StringComparison.Ordinal):
                    other.Add(CertificateFormat.PrivateKey);
                    break;
                default:
                    other.Add(CertificateFormat.Unknown);
                    break;
            }
        }

        if (found < markers && !privateKey)
        {
            result.Add(FindingCodes.FileDamagedBlock,
                $"The file has {markers} BEGIN lines but only {found} readable PEM blocks: at least one block was cut off or edited (missing END line, or characters that are not Base64).",
                "Export the certificate again and send the file itself, rather than text copied from a screen or e-mail.");
        }

        if (result.Format == CertificateFormat.TooLarge)
        {
            result.Certificates.Clear();
        }
        else if (privateKey)
        {
            result.Format = CertificateFormat.PrivateKey;
        }
        else if (pkcs7)
        {
            result.Format = CertificateFormat.Pkcs7Pem;
        }
        else if (result.Certificates.Count > 0)
        {
            result.Format = result.Certificates.Count == 1 ? CertificateFormat.Pem : CertificateFormat.PemBundle;
        }
        else if (other.Count > 0)
        {
            result.Format = other[0];
            if (other[0] != CertificateFormat.Unknown)
            {
                AddNotACertificate(other[0], result);
            }
        }

        if (result.Certificates.Count > 0 || pkcs7)
        {
            foreach (var kind in other.Where(k => k != CertificateFormat.PrivateKey))
            {
                result.Add(FindingCodes.FileIgnoredBlock,
                    $"The file also holds a {Describe(kind)}, which was ignored.", "");
            }
        }

        if (result.Certificates.Count == 0 && !pkcs7 && result.Findings.Count == 0)
        {
            result.Format = CertificateFormat.Unknown;
            result.Add(FindingCodes.FileUnknown,
                found == 0
                    ? "The file has a BEGIN line but no readable PEM block."
                    : "The file holds PEM blocks, but none of them is a certificate.",
                SendInstead);
        }
    }

    private static void ReadDer(ReadOnlyMemory<byte> bytes, CheckLimits limits, FileContents result, CertificateFormat certificateFormat)
    {
        var span = bytes.Span;
        if (!TryMeasure(span, out var length, out var problem))
        {
            result.Format = CertificateFormat.Unknown;
            if (problem == "truncated")
            {
                result.Add(FindingCodes.FileTruncated,
                    "The file starts like a binary (DER) certificate but ends too early: it was cut off, for example by an upload or copy that stopped halfway.",
                    "Export the certificate again and send the complete file.");
            }
            else
            {
                result.Add(FindingCodes.FileUnknown, "The file is binary data, but not a certificate in any format we know.", SendInstead);
            }
            return;
        }
        var value = bytes[..length];
        var kind = Classify(value);
        if (kind == DerKind.Unknown && SafeContentType(span) == X509ContentType.Pfx) kind = DerKind.Pkcs12;
        if (length < span.Length && kind != DerKind.Pkcs12)
        {
            if (kind == DerKind.PrivateKey || PrivateKeyDetector.ContainsPrivateKeyDer(bytes[length..]))
            {
                // A certificate and its key joined into one binary file: the key is what matters.
                result.Format = CertificateFormat.PrivateKey;
                AddDerPrivateKey(result, "contains");
                return;
            }
            result.Format = CertificateFormat.Unknown;
            result.Add(FindingCodes.FileTrailingData,
                $"The file holds a {Describe(kind)} followed by {Numbers.Format(span.Length - length)} unexpected bytes. The file was probably damaged or two files were joined.",
                "Export the certificate again and send it on its own, as a .cer, .crt or .pem file.");
            return;
        }
        switch (kind)
        {
            case DerKind.Certificate:
                result.Format = certificateFormat;
                result.Certificates.Add(new ExtractedCertificate(value.ToArray(), "the file", null));
                break;
            case DerKind.Pkcs7:
                result.Format = CertificateFormat.Pkcs7Der;
                ReadPkcs7(value.ToArray(), limits, result, "the file");
                break;
            default:
                result.Format = kind switch
                {
                    DerKind.Pkcs12 => CertificateFormat.Pkcs12,
                    DerKind.PrivateKey => CertificateFormat.PrivateKey,
                    DerKind.CertificateRequest => CertificateFormat.CertificateRequest,
                    DerKind.Crl => CertificateFormat.CertificateRevocationList,
                    DerKind.PublicKey => CertificateFormat.PublicKey,
                    _ => CertificateFormat.Unknown,
                };
                if (result.Format == CertificateFormat.PrivateKey)
                {
                    AddDerPrivateKey(result, "is");
                }
                else if (result.Format == CertificateFormat.Unknown)
                {
                    result.Add(FindingCodes.FileUnknown, "The file is binary (DER) data, but not a certificate in any format we know.", SendInstead);
                }
                else
                {
                    AddNotACertificate(result.Format, result);
                }
                break;
        }
    }

    private static void AddDerPrivateKey(FileContents result, string isOrContains) =>
        result.Add(FindingCodes.FilePrivateKey,
            $"The file {isOrContains} a private key. A private key must never leave the server it belongs to: sent here it is now exposed, and whoever has it can impersonate that server.",
            "Ask the system's owner to replace (rotate) the key and its certificate, then send only the certificate (.cer, .crt or .pem).");

    private static void AddNotACertificate(CertificateFormat format, FileContents result)
    {
        switch (format)
        {
            case CertificateFormat.Pkcs12:
                result.Add(FindingCodes.FilePkcs12,
                    "This is a PKCS#12 file (.pfx/.p12): it bundles the certificate with its private key. The key must never leave the server; sent here it must be treated as exposed and rotated.",
                    "Ask the system's owner to replace the key, then export only the certificate: in Windows, open it, Details > Copy to File > \"No, do not export the private key\" > Base-64 .CER. Send that .cer file.");
                break;
            case CertificateFormat.CertificateRequest:
                result.Add(FindingCodes.FileCertificateRequest,
                    "This is a certificate signing request (CSR): an application for a certificate, sent to a CA before the certificate exists. It cannot be trusted by the servers.",
                    "Send the certificate the CA issued from it, or better the root CA certificate of that CA (.cer, .crt or .pem).");
                break;
            case CertificateFormat.CertificateRevocationList:
                result.Add(FindingCodes.FileCrl,
                    "This is a certificate revocation list (CRL): the list of certificates a CA has withdrawn, not a certificate.",
                    SendInstead);
                break;
            case CertificateFormat.PublicKey:
                result.Add(FindingCodes.FilePublicKey,
                    "This is only a public key. A certificate also says who the key belongs to and who vouches for it; Windows can only trust a certificate.",
                    SendInstead);
                break;
            default:
                break;
        }
    }

    private static string Describe(DerKind kind) => kind switch
    {
        DerKind.Certificate => "certificate",
        DerKind.Pkcs7 => "PKCS#7 bundle",
        DerKind.Pkcs12 => "PKCS#12 file",
        DerKind.PrivateKey => "private key",
        DerKind.CertificateRequest => "certificate signing request",
        DerKind.Crl => "certificate revocation list",
        DerKind.PublicKey => "public key",
        _ => "binary structure",
    };

    private static string Describe(CertificateFormat format) => format switch
    {
        CertificateFormat.CertificateRequest => "certificate signing request (CSR)",
        CertificateFormat.CertificateRevocationList => "certificate revocation list (CRL)",
        CertificateFormat.PublicKey => "public key",
        _ => "PEM block of an unknown kind",
    };

    /// <summary>The platform's own sniffing, as a second opinion for PKCS#12 variants the shape test does not know.</summary>
    private static X509ContentType SafeContentType(ReadOnlySpan<byte> span)
    {
        try
        {
            return X509Certificate2.GetCertContentType(span);
        }
        catch (CryptographicException)
        {
            return X509ContentType.Unknown;
        }
    }

    /// <summary>Length of the first TLV; false with "truncated" when the data ends before it does.</summary>
    private static bool TryMeasure(ReadOnlySpan<byte> span, out int length, out string? problem)
    {
        length = 0;
        problem = null;
        try
        {
            if (AsnDecoder.TryReadEncodedValue(span, AsnEncodingRules.BER, out _, out _, out _, out length)) return true;
            problem = "truncated";
            return false;
        }
        catch (AsnContentException)
        {
            problem = span.Length >= 2 && span[0] == 0x30 ? "truncated" : "malformed";
            return false;
        }
    }

    private static ExtractedCertificate CheckSingleValue(byte[] der, string origin, bool allowTrailing)
    {
        if (!TryMeasure(der, out var length, out var problem))
        {
            return new ExtractedCertificate(null, origin, problem == "truncated" ? "it is cut off (the data ends too early)" : "it is not valid certificate data");
        }
        if (length < der.Length)
        {
            if (!allowTrailing) return new ExtractedCertificate(null, origin, $"{der.Length - length} unexpected bytes follow the certificate");
            der = der[..length];
        }
        var kind = Classify(der);
        return kind == DerKind.Certificate
            ? new ExtractedCertificate(der, origin, null)
            : new ExtractedCertificate(null, origin, $"it holds a {Describe(kind)}, not a certificate");
    }

    private static void ReadPkcs7(byte[] der, CheckLimits limits, FileContents result, string origin)
    {
        // Count the certificates cheaply before SignedCms decodes (and loads) all of them.
        var count = CountPkcs7Certificates(der);
        if (count > limits.MaxCertificates)
        {
            TooManyCertificates(result, $"The PKCS#7 bundle holds {Numbers.Format(count)} certificates; at most {Numbers.Format(limits.MaxCertificates)} are accepted in one file.");
            return;
        }
        try
        {
            var cms = new SignedCms();
            cms.Decode(der);
            foreach (var certificate in cms.Certificates)
            {
                using (certificate)
                {
                    result.Certificates.Add(new ExtractedCertificate(certificate.RawData, $"{origin}, certificate {result.Certificates.Count + 1}", null));
                }
            }
            if (cms.Certificates.Count == 0)
            {
                result.Add(FindingCodes.FileNoCertificates,
                    "The PKCS#7 (.p7b) file is readable but holds no certificate.",
                    "Export the chain again including the certificates (in Windows: \"Include all certificates in the certification path\").");
            }
        }
        catch (CryptographicException)
        {
            result.Add(FindingCodes.FileDamagedBlock, "The PKCS#7 (.p7b) data cannot be read: it is damaged or incomplete.", SendInstead);
        }
    }

    private static int CountPkcs7Certificates(byte[] der)
    {
        try
        {
            var contentInfo = new AsnReader(der, AsnEncodingRules.BER).ReadSequence();
            contentInfo.ReadObjectIdentifier();
            var signedData = contentInfo.ReadSequence(Context0).ReadSequence();
            signedData.ReadInteger();
            signedData.ReadSetOf();
            signedData.ReadSequence();
            if (!signedData.HasData || !signedData.PeekTag().HasSameClassAndValue(Context0)) return 0;
            var certificates = signedData.ReadSetOf(skipSortOrderValidation: true, Context0);
            var count = 0;
            while (certificates.HasData)
            {
                certificates.ReadEncodedValue();
                count++;
            }
            return count;
        }
        catch (AsnContentException)
        {
            return 0; // SignedCms will report it as damaged
        }
    }

    /// <summary>Tells the DER structures apart by shape, without parsing any of them fully.</summary>
    internal static DerKind Classify(ReadOnlyMemory<byte> der)
    {
        try
        {
            var top = new AsnReader(der, AsnEncodingRules.BER).ReadSequence();
            var first = top.PeekTag();
            if (first.HasSameClassAndValue(Asn1Tag.ObjectIdentifier))
            {
                return top.ReadObjectIdentifier() == "1.2.840.113549.1.7.2" ? DerKind.Pkcs7 : DerKind.Unknown;
            }
            if (first.HasSameClassAndValue(Asn1Tag.Integer))
            {
                var integer = top.ReadIntegerBytes();
                if (!top.HasData) return DerKind.Unknown;
                var next = top.PeekTag();
                if (integer.Length == 1 && integer.Span[0] == 3 && next.HasSameClassAndValue(Asn1Tag.Sequence))
                {
                    var authSafe = top.ReadSequence();
                    return authSafe.ReadObjectIdentifier().StartsWith("1.2.840.113549.1.7.", StringComparison.Ordinal) ? DerKind.Pkcs12 : DerKind.Unknown;
                }
                // PKCS#8 (0, algorithm, key), PKCS#1 RSA (0, n, e, d...), SEC1 EC (1, key) or DSA private keys, parsed
                // in full; or a PKCS#1 public key (n, e).
                if (PrivateKeyDetector.IsPrivateKeyDer(der)) return DerKind.PrivateKey;
                if (next.HasSameClassAndValue(Asn1Tag.Integer))
                {
                    top.ReadIntegerBytes();
                    return top.HasData ? DerKind.Unknown : DerKind.PublicKey;
                }
                return DerKind.Unknown;
            }
            if (!first.HasSameClassAndValue(Asn1Tag.Sequence)) return DerKind.Unknown;

            var inner = top.ReadSequence();
            if (!top.HasData) return DerKind.Unknown;
            var second = top.PeekTag();
            if (inner.PeekTag().HasSameClassAndValue(Asn1Tag.ObjectIdentifier))
            {
                // AlgorithmIdentifier first: SubjectPublicKeyInfo (algorithm, BIT STRING) or EncryptedPrivateKeyInfo (algorithm, OCTET STRING).
                if (second.HasSameClassAndValue(Asn1Tag.PrimitiveBitString)) return DerKind.PublicKey;
                if (second.HasSameClassAndValue(Asn1Tag.PrimitiveOctetString) && PrivateKeyDetector.IsPrivateKeyDer(der)) return DerKind.PrivateKey;
                return DerKind.Unknown;
            }
            // Signed structures: (to-be-signed, algorithm, signature). Tell them apart by the to-be-signed part.
            if (inner.PeekTag().HasSameClassAndValue(Context0)) return DerKind.Certificate; // explicit version: v2/v3 certificate
            var elements = new List<Asn1Tag>(8);
            while (inner.HasData && elements.Count < 8)
            {
                elements.Add(inner.PeekTag());
                inner.ReadEncodedValue();
            }
            // CSR: version, subject, public key, [0] attributes.
            if (elements.Count == 4 && elements[0].HasSameClassAndValue(Asn1Tag.Integer) && elements[3].TagClass == TagClass.ContextSpecific)
            {
                return DerKind.CertificateRequest;
            }
            // CRL: [version,] algorithm, issuer, thisUpdate (a time).
            var timeAt = elements.Count > 0 && elements[0].HasSameClassAndValue(Asn1Tag.Integer) ? 3 : 2;
            if (elements.Count > timeAt && (elements[timeAt].HasSameClassAndValue(Asn1Tag.UtcTime) || elements[timeAt].HasSameClassAndValue(Asn1Tag.GeneralizedTime)))
            {
                return DerKind.Crl;
            }
            // Version 1 certificate: serial, algorithm, issuer, validity, subject, public key.
            if (elements.Count >= 6 && elements[0].HasSameClassAndValue(Asn1Tag.Integer)) return DerKind.Certificate;
            return DerKind.Unknown;
        }
        catch (AsnContentException)
        {
            return DerKind.Unknown;
        }
    }

    /// <summary>Recognises common things sent by mistake, by their magic bytes. True when one was found.</summary>
    private static bool SniffJunk(ReadOnlySpan<byte> span, FileContents result)
    {
        string? image = span switch
        {
            _ when span.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47]) => "a PNG image",
            _ when span.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]) => "a JPEG image",
            _ when span.StartsWith("GIF8"u8) => "a GIF image",
            _ when span.StartsWith("BM"u8) && span.Length > 14 => "a BMP image",
            _ when span.StartsWith("RIFF"u8) && span.Length > 12 && span[8..12].SequenceEqual("WEBP"u8) => "a WebP image",
            _ when span.StartsWith("II*\0"u8) || span.StartsWith("MM\0*"u8) => "a TIFF image",
            _ => null,
        };
        if (image is not null)
        {
            result.Add(FindingCodes.FileImage,
                $"The file is {image}, perhaps a screenshot of the certificate. A picture of a certificate cannot be installed.",
                SendInstead + " In Windows: open the certificate, Details > Copy to File > Base-64 .CER.");
            return true;
        }
        string? archive = span switch
        {
            _ when span.StartsWith("PK\x03\x04"u8) || span.StartsWith("PK\x05\x06"u8) => "a ZIP archive (or an Office document)",
            _ when span.StartsWith((ReadOnlySpan<byte>)[0x1F, 0x8B]) => "a gzip archive",
            _ when span.StartsWith("7z"u8) && span.Length > 6 && span[2] == 0xBC => "a 7-Zip archive",
            _ when span.StartsWith("Rar!"u8) => "a RAR archive",
            _ when span.StartsWith("BZh"u8) => "a bzip2 archive",
            _ when span.StartsWith((ReadOnlySpan<byte>)[0xFD, 0x37, 0x7A, 0x58, 0x5A]) => "an xz archive",
            _ => null,
        };
        if (archive is not null)
        {
            result.Add(FindingCodes.FileArchive,
                $"The file is {archive}. Archives are not opened here, so any certificate inside cannot be checked.",
                "Unpack it and send the certificate file itself (.cer, .crt, .pem or .p7b).");
            return true;
        }
        var trimmed = span.TrimStart(" \t\r\n"u8);
        string? document = trimmed switch
        {
            _ when trimmed.StartsWith("%PDF"u8) => "a PDF document",
            _ when trimmed.StartsWith((ReadOnlySpan<byte>)[0xD0, 0xCF, 0x11, 0xE0]) => "an old-style Office document",
            _ when trimmed.StartsWith("{\\rtf"u8) => "an RTF document",
            _ when StartsWithIgnoreCase(trimmed, "<!doctype html") || StartsWithIgnoreCase(trimmed, "<html") => "a web page (HTML), perhaps an error or login page saved instead of the certificate",
            _ when StartsWithIgnoreCase(trimmed, "<?xml") => "an XML document",
            _ => null,
        };
        if (document is not null)
        {
            result.Add(FindingCodes.FileDocument, $"The file is {document}, not a certificate.", SendInstead);
            return true;
        }
        return false;
    }

    private static bool StartsWithIgnoreCase(ReadOnlySpan<byte> span, string prefix) =>
        span.Length >= prefix.Length && Encoding.Latin1.GetString(span[..prefix.Length]).Equals(prefix, StringComparison.OrdinalIgnoreCase);

    private static ReadOnlyMemory<byte>? TryDecodeBareBase64(ReadOnlySpan<byte> span)
    {
        var trimmed = span.Trim(" \t\r\n"u8);
        if (trimmed.Length < 64 || trimmed[0] != (byte)'M') return null; // DER certificates start with 0x30 0x82: "MI" in Base64
        foreach (var b in trimmed)
        {
            if (!(char.IsAsciiLetterOrDigit((char)b) || b is (byte)'+' or (byte)'/' or (byte)'=' or (byte)'\r' or (byte)'\n' or (byte)' ' or (byte)'\t')) return null;
        }
        var chars = Encoding.Latin1.GetString(trimmed);
        var buffer = new byte[chars.Length];
        return Convert.TryFromBase64Chars(chars, buffer, out var written) ? buffer.AsMemory(0, written) : null;
    }

    /// <summary>Text, judged from the start of the file: printable ASCII or UTF-8, no NUL bytes.</summary>
    private static bool LooksLikeText(ReadOnlySpan<byte> span)
    {
        var sample = span[..Math.Min(span.Length, 4096)];
        var printable = 0;
        foreach (var b in sample)
        {
            if (b is >= 0x20 and < 0x7F or (byte)'\r' or (byte)'\n' or (byte)'\t' or >= 0x80) printable++;
        }
        return sample.IndexOf((byte)0) < 0 && printable * 100 >= sample.Length * 95;
    }

    private static void ClassifyOther(ReadOnlySpan<byte> span, FileContents result)
    {
        var trimmed = span.TrimStart(" \t\r\n"u8);
        if (trimmed.StartsWith("ssh-"u8) || trimmed.StartsWith("ecdsa-sha2-"u8))
        {
            result.Format = CertificateFormat.PublicKey;
            result.Add(FindingCodes.FilePublicKey,
                "This is an SSH public key, not a certificate. SSH keys are not used for HTTPS or TLS connections.",
                SendInstead);
            return;
        }
        if (LooksLikeText(span))
        {
            result.Add(FindingCodes.FileText,
                "The file is text, but there is no certificate in it (no \"-----BEGIN CERTIFICATE-----\" line).",
                SendInstead);
        }
        else
        {
            result.Add(FindingCodes.FileUnknown, "The file is not a certificate in any format we know.", SendInstead);
        }
    }
}
