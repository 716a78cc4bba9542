using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CertTrustBot.Cases;

namespace CertTrustBot.Tests.Cases;

/// <summary>Case drafts with real certificates (made on the fly), as the conversation hands them over.</summary>
internal static class CaseDrafts
{
    public static readonly Requester Alice = new("29:alice", "Alice Martin", "5f0c1e2a-0000-4000-8000-00000000a11c", "tenant-contoso");
    public static readonly Requester Bob = new("29:bob", "Bob Stone", "5f0c1e2a-0000-4000-8000-000000000b0b", "tenant-contoso");
    public static readonly Requester Mallory = new("29:mallory", "Mallory", "5f0c1e2a-0000-4000-8000-0000000ma11", "tenant-fabrikam");

    public static CaseCertificateContent Certificate(string subject, string role = "Root")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={subject}", key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(2));
        var der = certificate.RawData;
        return new CaseCertificateContent(
            role,
            certificate.Subject,
            certificate.Issuer,
            certificate.NotAfter.ToUniversalTime(),
            Convert.ToHexString(SHA256.HashData(der)),
            certificate.Thumbprint, // SHA-1, as Windows shows it
            der);
    }

    public static CaseDraft Draft(
        Requester? requester = null,
        IReadOnlyList<CaseCertificateContent>? certificates = null,
        IReadOnlyList<string>? environments = null,
        string fileName = "contoso-root.cer",
        string? requestId = null) => new(
        requestId ?? Guid.NewGuid().ToString("N"),
        requester ?? Alice,
        environments ?? ["Production"],
        "api.contoso.example",
        fileName,
        certificates ?? [Certificate("Contoso Root")],
        [new CaseFinding("cert.self_signed", CertTrustBot.Certificates.Severity.Info, "The certificate is self-signed.")],
        """{"channelId":"msteams","conversation":{"id":"a:1xyz"},"serviceUrl":"http://127.0.0.1:1/"}""");
}
