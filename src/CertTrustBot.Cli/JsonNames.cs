using System.Text;
using CertTrustBot.Certificates;

namespace CertTrustBot.Cli;

/// <summary>
/// The spellings of the engine's enums in <c>--json</c> output. They are a contract with scripts, so they are
/// written out here rather than derived from C# names that a refactoring could change.
/// </summary>
public static class JsonNames
{
    public static string Of(CertificateRole role) => role switch
    {
        CertificateRole.Root => "root",
        CertificateRole.Intermediate => "intermediate",
        CertificateRole.Leaf => "leaf",
        CertificateRole.SelfSignedLeaf => "self-signed-leaf",
        _ => Kebab(role.ToString()),
    };

    public static string Of(Verdict verdict) => verdict switch
    {
        Verdict.Accept => "accept",
        Verdict.Warn => "warn",
        Verdict.Block => "block",
        _ => Kebab(verdict.ToString()),
    };

    public static string Of(Severity severity) => severity switch
    {
        Severity.Block => "block",
        Severity.Warn => "warn",
        Severity.Info => "info",
        _ => Kebab(severity.ToString()),
    };

    public static string Of(CertificateFormat format) => format switch
    {
        CertificateFormat.Der => "der",
        CertificateFormat.Pem => "pem",
        CertificateFormat.PemBundle => "pem-bundle",
        CertificateFormat.Pkcs7Der => "pkcs7-der",
        CertificateFormat.Pkcs7Pem => "pkcs7-pem",
        CertificateFormat.Pkcs12 => "pkcs12",
        CertificateFormat.PrivateKey => "private-key",
        CertificateFormat.CertificateRequest => "certificate-request",
        CertificateFormat.CertificateRevocationList => "crl",
        CertificateFormat.PublicKey => "public-key",
        CertificateFormat.Empty => "empty",
        CertificateFormat.TooLarge => "too-large",
        CertificateFormat.Unknown => "unknown",
        CertificateFormat.Tls => "tls",
        _ => Kebab(format.ToString()),
    };

    /// <summary>For enum values added to the engine after this was written: PemBundle → pem-bundle.</summary>
    private static string Kebab(string name)
    {
        var builder = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
                builder.Append('-');
            builder.Append(char.ToLowerInvariant(name[i]));
        }
        return builder.ToString();
    }
}
