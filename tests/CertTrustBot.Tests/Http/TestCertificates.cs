using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CertTrustBot.Tests.Http;

/// <summary>Certificates made on the fly, valid around the real clock (the bot runs with the system clock here).</summary>
public static class TestCertificates
{
    private static readonly Lazy<X509Certificate2> Root = new(() =>
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=Contoso Test Root CA, O=Contoso", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(5));
    });

    /// <summary>A self-signed root CA (RSA 2048, SHA-256), as DER: what the Trusted Root store wants.</summary>
    public static byte[] RootDer => Root.Value.RawData;

    public static string RootPem => Root.Value.ExportCertificatePem();

    public static string RootSha256 => Convert.ToHexString(SHA256.HashData(RootDer));

    /// <summary>The same root with its private key, as a .pfx: must be blocked and never stored.</summary>
    public static byte[] RootPfx()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=Contoso Server", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var withKey = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        return withKey.Export(X509ContentType.Pfx, "secret");
    }
}
