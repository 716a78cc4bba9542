using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CertTrustBot.Cli;
using Microsoft.Extensions.Time.Testing;

namespace CertTrustBot.Certificates.Tests.Cli;

/// <summary>One in-process run of <c>certtrust</c>, with what it printed.</summary>
internal sealed record CliRun(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>A day when the badssl.com certificates of 2020–2022 and their CAs were all valid.</summary>
    public static readonly DateTimeOffset BadSslValid = new(2021, 6, 1, 0, 0, 0, TimeSpan.Zero);

    public static CliRun Of(DateTimeOffset now, params string[] args) => Of(now, OutputStyle.Plain, args);

    public static CliRun Of(DateTimeOffset now, OutputStyle style, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exitCode = CertTrustCli.Run(args, stdout, stderr, new FakeTimeProvider(now), style);
        return new CliRun(exitCode, stdout.ToString(), stderr.ToString());
    }
}

/// <summary>
/// The certificates of these tests: Cli/Data (see SOURCES.md there), and the badssl.com copies the engine's tests
/// keep in TestData/badssl, found from the test binaries up to the repository.
/// </summary>
internal static class TestFiles
{
    private static readonly Lazy<string> Folder = new(() => Find("Cli", "Data"));
    private static readonly Lazy<string> BadSslFolder = new(() => Find("TestData", "badssl"));

    private static string Find(params string[] relative)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine([directory.FullName, "tests", "CertTrustBot.Certificates.Tests", .. relative]);
            if (Directory.Exists(candidate))
                return candidate;
        }
        throw new DirectoryNotFoundException($"tests/CertTrustBot.Certificates.Tests/{string.Join('/', relative)} not found above {AppContext.BaseDirectory}");
    }

    public static string BadSsl(string name) => Path.Combine(BadSslFolder.Value, name);

    public static string File(string name) => Path.Combine(Folder.Value, name);

    public static string SelfSigned => BadSsl("wildcard-self-signed.pem");
    public static string Rsa2048LeafAndIntermediate => File("wildcard-rsa2048.pem");
    public static string Rsa2048FullChain => File("wildcard-rsa2048-full-chain.pem");
    public static string Ecc256 => File("wildcard-ecc256.pem");
    public static string TenThousandSans => BadSsl("subdomain-10000-sans.pem");
    public static string Expired => BadSsl("wildcard-expired.pem");
    public static string IsrgRootX1 => File("isrg-root-x1.pem");

    /// <summary>The certificates of a PEM file, read by .NET directly, to compute expected values independently of the CLI.</summary>
    public static X509Certificate2Collection Load(string path)
    {
        var collection = new X509Certificate2Collection();
        collection.ImportFromPemFile(path);
        return collection;
    }

    /// <summary>Self-signed ECDSA roots, cA=true with keyCertSign, valid a year either side of <paramref name="now"/>.</summary>
    public static List<string> WriteBundleOfRoots(string path, int count, DateTimeOffset now)
    {
        var thumbprints = new List<string>(count);
        using var writer = new StreamWriter(path);
        for (var i = 0; i < count; i++)
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest(string.Create(CultureInfo.InvariantCulture, $"CN=Test Root {i}, O=CertTrustBot tests"), key, HashAlgorithmName.SHA256);
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
            request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
            using var certificate = request.CreateSelfSigned(now.AddYears(-1), now.AddYears(1));
            writer.WriteLine(certificate.ExportCertificatePem());
            thumbprints.Add(certificate.GetCertHashString(HashAlgorithmName.SHA256));
        }
        return thumbprints;
    }
}
