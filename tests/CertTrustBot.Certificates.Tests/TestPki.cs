using System.Formats.Asn1;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using CertTrustBot.Certificates;
using Microsoft.Extensions.Time.Testing;

namespace CertTrustBot.Certificates.Tests;

/// <summary>Certificates the tests make themselves, at a fixed clock, so no test depends on today's date.</summary>
internal static class TestPki
{
    public static readonly DateTimeOffset Now = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    // Key generation is slow on a shared machine: a few keys, made once, are reused by every test.
    public static readonly RSA RootKey = RSA.Create(2048);
    public static readonly RSA IntermediateKey = RSA.Create(2048);
    public static readonly RSA LeafKey = RSA.Create(2048);
    public static readonly Lazy<RSA> SmallKey = new(() => RSA.Create(1024));
    public static readonly Lazy<ECDsa> P256Key = new(() => ECDsa.Create(ECCurve.NamedCurves.nistP256));
    public static readonly Lazy<ECDsa> P521Key = new(() => ECDsa.Create(ECCurve.NamedCurves.nistP521));

    public static CertificateChecker Checker(CheckLimits? limits = null, DateTimeOffset? at = null) =>
        new(new FakeTimeProvider(at ?? Now), limits);

    public static CertificateReport Check(byte[] content, string fileName = "upload.cer", string? host = null, DateTimeOffset? at = null,
        CheckLimits? limits = null, DateTimeOffset? completion = null, IReadOnlyDictionary<string, string>? already = null)
    {
        var request = new CheckRequest(content, fileName) { HostName = host, ExpectedCompletion = completion };
        if (already is not null) request = request with { AlreadyRequested = already };
        return Checker(limits, at).Check(request);
    }

    public static byte[] Pem(params X509Certificate2[] certificates) =>
        Encoding.ASCII.GetBytes(string.Concat(certificates.Select(c => c.ExportCertificatePem() + "\n")));

    public static Finding Single(this CertificateReport report, string code) => Assert.Single(report.Findings, f => f.Code == code);

    public static bool Has(this CertificateReport report, string code) => report.Findings.Any(f => f.Code == code);

    public static X509Certificate2 Root(string subject = "CN=Test Root CA, O=Example", Action<CertBuilder>? configure = null)
    {
        var builder = new CertBuilder(subject, RootKey);
        configure?.Invoke(builder);
        return builder.SelfSigned();
    }

    public static X509Certificate2 Intermediate(X509Certificate2 root, string subject = "CN=Test Issuing CA, O=Example", Action<CertBuilder>? configure = null)
    {
        var builder = new CertBuilder(subject, IntermediateKey);
        configure?.Invoke(builder);
        return builder.IssuedBy(root);
    }

    public static X509Certificate2 Leaf(X509Certificate2 issuer, string subject = "CN=api.example.com", Action<CertBuilder>? configure = null)
    {
        var builder = new CertBuilder(subject, LeafKey) { CertificateAuthority = false, KeyUsage = X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment };
        builder.DnsNames.Add("api.example.com");
        configure?.Invoke(builder);
        return builder.IssuedBy(issuer);
    }

    public static X509Certificate2 SelfSignedLeaf(string subject = "CN=api.example.com", Action<CertBuilder>? configure = null)
    {
        var builder = new CertBuilder(subject, LeafKey) { CertificateAuthority = false, KeyUsage = X509KeyUsageFlags.DigitalSignature };
        builder.DnsNames.Add("api.example.com");
        configure?.Invoke(builder);
        return builder.SelfSigned();
    }
}

/// <summary>CertificateRequest with the knobs the rules need: dates, keys, hashes, padding and extensions.</summary>
internal sealed class CertBuilder(string subject, AsymmetricAlgorithm key)
{
    private static long serial = 0x1000;

    public AsymmetricAlgorithm Key { get; set; } = key;
    public HashAlgorithmName Hash { get; set; } = HashAlgorithmName.SHA256;
    public RSASignaturePadding Padding { get; set; } = RSASignaturePadding.Pkcs1;
    public bool? CertificateAuthority { get; set; } = true; // null: no basicConstraints extension
    public X509KeyUsageFlags? KeyUsage { get; set; } = X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign;
    public DateTimeOffset NotBefore { get; set; } = TestPki.Now.AddYears(-1);
    public DateTimeOffset NotAfter { get; set; } = TestPki.Now.AddYears(5);
    public List<string> DnsNames { get; } = [];
    public List<IPAddress> IpAddresses { get; } = [];

    private CertificateRequest Request()
    {
        var request = Key switch
        {
            RSA rsa => new CertificateRequest(subject, rsa, Hash, Padding),
            ECDsa ecdsa => new CertificateRequest(subject, ecdsa, Hash),
            _ => throw new NotSupportedException(),
        };
        if (CertificateAuthority is { } ca) request.CertificateExtensions.Add(new X509BasicConstraintsExtension(ca, false, 0, true));
        if (KeyUsage is { } usage) request.CertificateExtensions.Add(new X509KeyUsageExtension(usage, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        if (DnsNames.Count + IpAddresses.Count > 0)
        {
            var san = new SubjectAlternativeNameBuilder();
            DnsNames.ForEach(san.AddDnsName);
            IpAddresses.ForEach(san.AddIpAddress);
            request.CertificateExtensions.Add(san.Build());
        }
        return request;
    }

    public X509Certificate2 SelfSigned()
    {
        return Request().CreateSelfSigned(NotBefore, NotAfter);
    }

    public X509Certificate2 IssuedBy(X509Certificate2 issuer)
    {
        var request = Request();
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));
        var serialNumber = BitConverter.GetBytes(Interlocked.Increment(ref serial)).Reverse().ToArray();
        var generator = issuer.GetRSAPrivateKey() is { } issuerRsa ? X509SignatureGenerator.CreateForRSA(issuerRsa, RSASignaturePadding.Pkcs1)
            : issuer.GetECDsaPrivateKey() is { } issuerEc ? X509SignatureGenerator.CreateForECDsa(issuerEc)
            : throw new InvalidOperationException("issuer without private key");
        using var created = request.Create(issuer.SubjectName, generator, NotBefore, NotAfter, serialNumber);
        return Key switch
        {
            RSA rsa => created.CopyWithPrivateKey(rsa),
            ECDsa ecdsa => created.CopyWithPrivateKey(ecdsa),
            _ => throw new NotSupportedException(),
        };
    }
}

/// <summary>
/// Certificates .NET's CertificateRequest cannot make (version 1, MD5, Ed25519), written field by field with AsnWriter.
/// </summary>
internal static class HandBuilt
{
    public const string Md5WithRsa = "1.2.840.113549.1.1.4";
    public const string Sha256WithRsa = "1.2.840.113549.1.1.11";
    public const string Sha1WithRsa = "1.2.840.113549.1.1.5";

    public static X509Extension[] CaExtensions() =>
        [new X509BasicConstraintsExtension(true, false, 0, true), new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true)];

    /// <summary>SHA-1 signatures, which CertificateRequest refuses to make.</summary>
    public static byte[] Sha1Signed(string subject, string issuer, RSA subjectKey, RSA issuerKey, IEnumerable<X509Extension>? extensions = null) =>
        Certificate(subject, issuer, Sha1WithRsa, subjectKey.ExportSubjectPublicKeyInfo(),
#pragma warning disable CA5350 // the point of the test is a SHA-1 signature
            tbs => issuerKey.SignData(tbs, HashAlgorithmName.SHA1, RSASignaturePadding.Pkcs1), extensions: extensions);
#pragma warning restore CA5350
    public const string Ed25519 = "1.3.101.112";

    public static byte[] Certificate(string subject, string issuer, string signatureOid, byte[] subjectPublicKeyInfo,
        Func<byte[], byte[]> sign, bool version1 = false, bool nullParameters = true, IEnumerable<X509Extension>? extensions = null)
    {
        var tbs = new AsnWriter(AsnEncodingRules.DER);
        using (tbs.PushSequence())
        {
            if (!version1)
            {
                using (tbs.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0)))
                {
                    tbs.WriteInteger(2);
                }
            }
            tbs.WriteInteger(0x4242);
            WriteAlgorithm(tbs, signatureOid, nullParameters);
            tbs.WriteEncodedValue(new X500DistinguishedName(issuer).RawData);
            using (tbs.PushSequence())
            {
                tbs.WriteUtcTime(TestPki.Now.AddYears(-1));
                tbs.WriteUtcTime(TestPki.Now.AddYears(3));
            }
            tbs.WriteEncodedValue(new X500DistinguishedName(subject).RawData);
            tbs.WriteEncodedValue(subjectPublicKeyInfo);
            if (extensions is not null)
            {
                using (tbs.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 3)))
                using (tbs.PushSequence())
                {
                    foreach (var extension in extensions)
                    {
                        using (tbs.PushSequence())
                        {
                            tbs.WriteObjectIdentifier(extension.Oid!.Value!);
                            if (extension.Critical) tbs.WriteBoolean(true);
                            tbs.WriteOctetString(extension.RawData);
                        }
                    }
                }
            }
        }
        var tbsBytes = tbs.Encode();
        var certificate = new AsnWriter(AsnEncodingRules.DER);
        using (certificate.PushSequence())
        {
            certificate.WriteEncodedValue(tbsBytes);
            WriteAlgorithm(certificate, signatureOid, nullParameters);
            certificate.WriteBitString(sign(tbsBytes));
        }
        return certificate.Encode();
    }

    private static void WriteAlgorithm(AsnWriter writer, string oid, bool nullParameters)
    {
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(oid);
            if (nullParameters) writer.WriteNull();
        }
    }

    /// <summary>An Ed25519 certificate: random key and signature bytes are enough, since the rule is about the algorithm.</summary>
    public static byte[] Ed25519Certificate()
    {
        var spki = new AsnWriter(AsnEncodingRules.DER);
        using (spki.PushSequence())
        {
            using (spki.PushSequence())
            {
                spki.WriteObjectIdentifier(Ed25519);
            }
            spki.WriteBitString(RandomNumberGenerator.GetBytes(32));
        }
        return Certificate("CN=Ed25519 Root", "CN=Ed25519 Root", Ed25519, spki.Encode(), _ => RandomNumberGenerator.GetBytes(64), nullParameters: false);
    }
}
