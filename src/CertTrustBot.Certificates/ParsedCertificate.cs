using System.Formats.Asn1;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace CertTrustBot.Certificates;

/// <summary>A certificate that could not be read, with a reason a customer can be told.</summary>
internal sealed class CertificateParseException(string reason, Exception? inner = null) : Exception(reason, inner);

/// <summary>
/// One certificate read once with <see cref="AsnReader"/>: everything the rules need, including what
/// <see cref="X509Certificate2"/> does not expose (signature algorithm parameters, version, Ed25519 keys .NET cannot
/// load, the exact TBS bytes for signature checks).
/// </summary>
internal sealed class ParsedCertificate
{
    private static readonly Asn1Tag Explicit0 = new(TagClass.ContextSpecific, 0, isConstructed: true);
    private static readonly Asn1Tag Explicit3 = new(TagClass.ContextSpecific, 3, isConstructed: true);
    private static readonly Asn1Tag Implicit0 = new(TagClass.ContextSpecific, 0);
    private static readonly Asn1Tag DnsNameTag = new(TagClass.ContextSpecific, 2);
    private static readonly Asn1Tag IpAddressTag = new(TagClass.ContextSpecific, 7);

    private static readonly string[] KeyUsageNames =
    [
        "DigitalSignature", "NonRepudiation", "KeyEncipherment", "DataEncipherment", "KeyAgreement",
        "KeyCertSign", "CrlSign", "EncipherOnly", "DecipherOnly",
    ];

    private ParsedCertificate(byte[] der) => Der = der;

    public byte[] Der { get; }
    public ReadOnlyMemory<byte> Tbs { get; private set; }
    public int Version { get; private set; } = 1;
    public string SerialNumber { get; private set; } = "";
    public string SignatureOid { get; private set; } = "";
    public ReadOnlyMemory<byte>? SignatureParameters { get; private set; }
    /// <summary>The signature's bytes, a slice of <see cref="Der"/> (no copy: a trust store holds thousands).</summary>
    public ReadOnlyMemory<byte> SignatureValue { get; private set; }
    public ReadOnlyMemory<byte> IssuerName { get; private set; }
    public ReadOnlyMemory<byte> SubjectName { get; private set; }
    public DateTimeOffset NotBefore { get; private set; }
    public DateTimeOffset NotAfter { get; private set; }
    public ReadOnlyMemory<byte> SubjectPublicKeyInfo { get; private set; }
    public string KeyOid { get; private set; } = "";
    public ReadOnlyMemory<byte>? KeyParameters { get; private set; }
    public ReadOnlyMemory<byte> KeyBits { get; private set; }
    public bool? IsCertificateAuthority { get; private set; }
    public int? PathLengthConstraint { get; private set; }

    /// <summary>keyUsage bits in RFC 5280 order (bit 0 = digitalSignature); null when the extension is absent.</summary>
    public int? KeyUsageBits { get; private set; }

    /// <summary>DNS names and IP addresses of the subjectAltName; the shared empty list when there are none (most roots).</summary>
    public IReadOnlyList<string> SubjectAlternativeNames => sans ?? (IReadOnlyList<string>)[];

    private List<string>? sans;
    public bool HasSanExtension { get; private set; }
    public ReadOnlyMemory<byte>? SubjectKeyIdentifier { get; private set; }
    public ReadOnlyMemory<byte>? AuthorityKeyIdentifier { get; private set; }

    public bool HasKeyCertSign => KeyUsageBits is { } bits && (bits & (1 << 5)) != 0;

    /// <summary>The keyUsage names, one shared read-only list for each combination of bits.</summary>
    public IReadOnlyList<string> KeyUsageNamesList() => KeyUsageBits is { } bits ? KeyUsageLists[bits & 0x1FF] : [];

    private static readonly IReadOnlyList<string>[] KeyUsageLists = Enumerable.Range(0, 1 << 9)
        .Select(bits => (IReadOnlyList<string>)Array.AsReadOnly(KeyUsageNames.Where((_, i) => (bits & (1 << i)) != 0).ToArray()))
        .ToArray();

    /// <summary>Reads one DER certificate; the caller has checked that <paramref name="der"/> is exactly one TLV.</summary>
    public static ParsedCertificate Parse(byte[] der)
    {
        try
        {
            return ParseWith(der, AsnEncodingRules.DER);
        }
        catch (AsnContentException)
        {
            // Some real certificates (old roots) are BER, not strict DER; OpenSSL and Windows accept them too.
        }
        try
        {
            return ParseWith(der, AsnEncodingRules.BER);
        }
        catch (Exception e) when (e is AsnContentException or CryptographicException or ArgumentException or OverflowException)
        {
            throw new CertificateParseException("its structure is damaged or incomplete", e);
        }
    }

    private static ParsedCertificate ParseWith(byte[] der, AsnEncodingRules rules)
    {
        var cert = new ParsedCertificate(der);
        var outer = new AsnReader(der, rules);
        var certificate = outer.ReadSequence();
        outer.ThrowIfNotEmpty();

        cert.Tbs = certificate.PeekEncodedValue();
        var tbs = certificate.ReadSequence();
        var signatureAlgorithm = certificate.ReadSequence();
        cert.SignatureOid = signatureAlgorithm.ReadObjectIdentifier();
        cert.SignatureParameters = signatureAlgorithm.HasData ? signatureAlgorithm.ReadEncodedValue() : null;
        cert.SignatureValue = certificate.TryReadPrimitiveBitString(out _, out var signature)
            ? signature
            : certificate.ReadBitString(out _); // a constructed (BER) bit string has to be put together
        certificate.ThrowIfNotEmpty();

        if (tbs.PeekTag().HasSameClassAndValue(Explicit0))
        {
            var version = tbs.ReadSequence(Explicit0);
            cert.Version = version.TryReadInt32(out var v) ? v + 1 : throw new AsnContentException("version");
        }
        cert.SerialNumber = Convert.ToHexString(tbs.ReadIntegerBytes().Span);
        tbs.ReadSequence(); // the inner signature algorithm repeats the outer one
        cert.IssuerName = tbs.ReadEncodedValue();
        var validity = tbs.ReadSequence();
        cert.NotBefore = ReadTime(validity);
        cert.NotAfter = ReadTime(validity);
        cert.SubjectName = tbs.ReadEncodedValue();
        cert.SubjectPublicKeyInfo = tbs.ReadEncodedValue();
        var spki = new AsnReader(cert.SubjectPublicKeyInfo, rules).ReadSequence();
        var keyAlgorithm = spki.ReadSequence();
        cert.KeyOid = keyAlgorithm.ReadObjectIdentifier();
        cert.KeyParameters = keyAlgorithm.HasData ? keyAlgorithm.ReadEncodedValue() : null;
        cert.KeyBits = spki.ReadBitString(out _);

        while (tbs.HasData)
        {
            var tag = tbs.PeekTag();
            if (tag.HasSameClassAndValue(Explicit3))
            {
                var extensions = tbs.ReadSequence(Explicit3).ReadSequence();
                while (extensions.HasData) cert.ReadExtension(extensions.ReadSequence(), rules);
            }
            else
            {
                tbs.ReadEncodedValue(); // issuerUniqueID / subjectUniqueID: not used
            }
        }
        return cert;
    }

    private static DateTimeOffset ReadTime(AsnReader reader) =>
        reader.PeekTag().HasSameClassAndValue(Asn1Tag.UtcTime) ? reader.ReadUtcTime() : reader.ReadGeneralizedTime();

    private void ReadExtension(AsnReader extension, AsnEncodingRules rules)
    {
        var oid = extension.ReadObjectIdentifier();
        if (extension.PeekTag().HasSameClassAndValue(Asn1Tag.Boolean)) extension.ReadBoolean();
        var value = extension.ReadOctetString();
        var reader = new AsnReader(value, rules);
        switch (oid)
        {
            case "2.5.29.19": // basicConstraints
                var constraints = reader.ReadSequence();
                IsCertificateAuthority = constraints.HasData && constraints.PeekTag().HasSameClassAndValue(Asn1Tag.Boolean)
                    ? constraints.ReadBoolean()
                    : false;
                if (constraints.HasData && constraints.TryReadInt32(out var pathLength)) PathLengthConstraint = pathLength;
                break;
            case "2.5.29.15": // keyUsage, a named bit list: bit 0 is the high bit of the first byte
                var bits = reader.ReadBitString(out _);
                var usage = 0;
                for (var i = 0; i < Math.Min(bits.Length * 8, 9); i++)
                {
                    if ((bits[i / 8] & (0x80 >> (i % 8))) != 0) usage |= 1 << i;
                }
                KeyUsageBits = usage;
                break;
            case "2.5.29.17": // subjectAltName
                HasSanExtension = true;
                var names = reader.ReadSequence();
                while (names.HasData)
                {
                    var tag = names.PeekTag();
                    if (tag.HasSameClassAndValue(DnsNameTag))
                    {
                        (sans ??= []).Add(Encoding.Latin1.GetString(names.ReadOctetString(DnsNameTag)));
                    }
                    else if (tag.HasSameClassAndValue(IpAddressTag))
                    {
                        var ip = names.ReadOctetString(IpAddressTag);
                        (sans ??= []).Add(ip.Length is 4 or 16 ? new IPAddress(ip).ToString() : Convert.ToHexString(ip));
                    }
                    else
                    {
                        names.ReadEncodedValue(); // e-mail, URI, directory names: not used for server names
                    }
                }
                break;
            case "2.5.29.14": // subjectKeyIdentifier
                SubjectKeyIdentifier = reader.ReadOctetString();
                break;
            case "2.5.29.35": // authorityKeyIdentifier
                var aki = reader.ReadSequence();
                if (aki.HasData && aki.PeekTag().HasSameClassAndValue(Implicit0)) AuthorityKeyIdentifier = aki.ReadOctetString(Implicit0);
                break;
            default:
                break;
        }
    }

    /// <summary>Friendly key algorithm, size in bits and curve, read from the SubjectPublicKeyInfo without importing the key.</summary>
    public (string Algorithm, int? Size, string? Curve) DescribeKey()
    {
        try
        {
            switch (KeyOid)
            {
                case Algorithms.Rsa:
                case Algorithms.RsaPss:
                    var rsa = new AsnReader(KeyBits, AsnEncodingRules.BER).ReadSequence();
                    return ("RSA", BitLength(rsa.ReadIntegerBytes().Span), null);
                case Algorithms.EcPublicKey:
                    if (KeyParameters is { } parameters && new AsnReader(parameters, AsnEncodingRules.BER) is var p
                        && p.PeekTag().HasSameClassAndValue(Asn1Tag.ObjectIdentifier))
                    {
                        var curveOid = p.ReadObjectIdentifier();
                        return Algorithms.FindCurve(curveOid) is { } curve ? ("ECDSA", curve.Bits, curve.Name) : ("ECDSA", null, curveOid);
                    }
                    return ("ECDSA", null, "explicit parameters");
                case Algorithms.Ed25519:
                    return ("Ed25519", 256, null);
                case Algorithms.Ed448:
                    return ("Ed448", 456, null);
                case Algorithms.DsaKey:
                    if (KeyParameters is { } dsaParameters)
                    {
                        var dsa = new AsnReader(dsaParameters, AsnEncodingRules.BER).ReadSequence();
                        return ("DSA", BitLength(dsa.ReadIntegerBytes().Span), null);
                    }
                    return ("DSA", null, null);
                default:
                    return (KeyOid, null, null);
            }
        }
        catch (AsnContentException)
        {
            return (KeyOid == Algorithms.EcPublicKey ? "ECDSA" : KeyOid, null, null);
        }
    }

    private static int BitLength(ReadOnlySpan<byte> unsignedBigEndian)
    {
        var i = 0;
        while (i < unsignedBigEndian.Length && unsignedBigEndian[i] == 0) i++;
        if (i == unsignedBigEndian.Length) return 0;
        return ((unsignedBigEndian.Length - i - 1) * 8) + (32 - int.LeadingZeroCount(unsignedBigEndian[i]));
    }

    /// <summary>The signature algorithm, with RSASSA-PSS parameters decoded (hash and salt length).</summary>
    public (SignatureAlgorithm Algorithm, int? PssSaltLength) DescribeSignature()
    {
        if (SignatureOid != Algorithms.RsaPss)
        {
            return (Algorithms.FindSignature(SignatureOid) ?? new SignatureAlgorithm(SignatureOid, SignatureOid, SignatureScheme.Unknown, null), null);
        }
        HashAlgorithmName? hash = HashAlgorithmName.SHA1; // RFC 4055 defaults
        var salt = 20;
        try
        {
            if (SignatureParameters is { } parameters)
            {
                var pss = new AsnReader(parameters, AsnEncodingRules.BER).ReadSequence();
                while (pss.HasData)
                {
                    var tag = pss.PeekTag();
                    var field = pss.ReadSequence(tag);
                    switch (tag.TagValue)
                    {
                        case 0:
                            hash = Algorithms.FindHash(field.ReadSequence().ReadObjectIdentifier());
                            break;
                        case 2:
                            salt = field.TryReadInt32(out var s) ? s : -1;
                            break;
                        default:
                            break; // MGF1 with the same hash is assumed; a different one makes verification fail safely
                    }
                }
            }
        }
        catch (AsnContentException)
        {
            hash = null;
        }
        var hashName = hash is { } h ? Algorithms.HashDisplayName(h) : "unknown hash";
        return (new SignatureAlgorithm("RSASSA-PSS", hashName, SignatureScheme.RsaPss, hash), salt);
    }

    public string FormatValidity() => string.Create(CultureInfo.InvariantCulture, $"{NotBefore:yyyy-MM-dd} to {NotAfter:yyyy-MM-dd}");
}
