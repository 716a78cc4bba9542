using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CertTrustBot.Tests.Conversation;

/// <summary>Certificates made in the test, valid around a fixed date, so no test depends on today's date.</summary>
internal static class TestCertificates
{
    /// <summary>A Monday, morning UTC.</summary>
    public static readonly DateTimeOffset Now = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    /// <summary>A self-signed root CA (RSA 2048, SHA-256), valid from a year before <see cref="Now"/> for ten years.</summary>
    public static X509Certificate2 Root(string name = "Contoso Test Root CA")
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}, O=Contoso", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(Now.AddYears(-1), Now.AddYears(9));
    }

    /// <summary>A self-signed server certificate naming <paramref name="host"/> in its SAN.</summary>
    public static X509Certificate2 SelfSignedServer(string host, DateTimeOffset? notAfter = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={host}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(host);
        request.CertificateExtensions.Add(san.Build());
        return request.CreateSelfSigned(Now.AddDays(-30), notAfter ?? Now.AddYears(2));
    }

    /// <summary>A server certificate for <paramref name="host"/> issued by <paramref name="issuer"/> (which must hold its private key).</summary>
    public static X509Certificate2 Leaf(X509Certificate2 issuer, string host, DateTimeOffset? notAfter = null)
    {
        using var key = RSA.Create(2048); // the same algorithm as the issuer's key (RSA roots here)
        var request = new CertificateRequest($"CN={host}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(host);
        request.CertificateExtensions.Add(san.Build());
        return request.Create(issuer, Now.AddDays(-30), notAfter ?? Now.AddYears(1), [0x10, 0x01]);
    }

    /// <summary>A self-signed root that expired before <see cref="Now"/>.</summary>
    public static X509Certificate2 ExpiredRoot()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=Expired Root, O=Contoso", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        return request.CreateSelfSigned(Now.AddYears(-3), Now.AddDays(-10));
    }

    public static string Pem(X509Certificate2 certificate) => certificate.ExportCertificatePem() + "\n";

    public static byte[] Der(X509Certificate2 certificate) => certificate.Export(X509ContentType.Cert);

    public static string PrivateKeyPem()
    {
        using var key = RSA.Create(2048);
        return key.ExportPkcs8PrivateKeyPem() + "\n";
    }
}
