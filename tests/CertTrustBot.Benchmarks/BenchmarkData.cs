using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace CertTrustBot.Benchmarks;

/// <summary>Real certificates for the benchmarks: Debian's CA bundle, and the CLI tests' corpus files.</summary>
internal static class BenchmarkData
{
    public const string DebianBundle = "/etc/ssl/certs/ca-certificates.crt";

    /// <summary>Debian's bundle repeated <paramref name="copies"/> times: 144 roots a copy, 2,880 at 20.</summary>
    public static byte[] Bundle(int copies)
    {
        var one = File.ReadAllBytes(DebianBundle);
        var all = new byte[one.Length * copies];
        for (var i = 0; i < copies; i++)
            one.CopyTo(all, i * one.Length);
        return all;
    }

    /// <summary>The DER of the first certificate of a PEM file in tests/CertTrustBot.Certificates.Tests/Cli/Data.</summary>
    public static byte[] FirstCertificateDer(string name)
    {
        using var certificate = X509CertificateLoader.LoadCertificate(File.ReadAllBytes(Path.Combine(TestDataFolder(), name)));
        return certificate.RawData;
    }

    /// <summary>The checker of the bundle benchmarks: a fixed day, limits large enough for thousands of certificates.</summary>
    public static CertTrustBot.Certificates.CertificateChecker BundleChecker() => new(
        new FixedClock(new DateTimeOffset(2026, 1, 15, 0, 0, 0, TimeSpan.Zero)),
        new CertTrustBot.Certificates.CheckLimits { MaxBytes = 16 * 1024 * 1024, MaxCertificates = 10_000 });

    /// <summary>The bundle benchmarks' baseline: decode every PEM block and load each certificate, the least any checker must do.</summary>
    public static int LoadEach(byte[] pem)
    {
        var count = 0;
        foreach (var der in AllDer(pem))
        {
            using var certificate = X509CertificateLoader.LoadCertificate(der);
            count++;
        }
        return count;
    }

    /// <summary>Each certificate of a PEM bundle as DER, in file order.</summary>
    public static List<byte[]> AllDer(byte[] pem)
    {
        var text = Encoding.ASCII.GetString(pem).AsSpan();
        var result = new List<byte[]>();
        while (System.Security.Cryptography.PemEncoding.TryFind(text, out var fields))
        {
            if (text[fields.Label].SequenceEqual("CERTIFICATE"))
                result.Add(Convert.FromBase64String(text[fields.Base64Data].ToString()));
            text = text[fields.Location.End.Value..];
        }
        return result;
    }

    private static string TestDataFolder()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests", "CertTrustBot.Certificates.Tests", "Cli", "Data");
            if (Directory.Exists(candidate))
                return candidate;
        }
        // BenchmarkDotNet runs from a generated folder under bin/; fall back to the working directory's repository.
        var fromCwd = Path.Combine(Directory.GetCurrentDirectory(), "tests", "CertTrustBot.Certificates.Tests", "Cli", "Data");
        return Directory.Exists(fromCwd) ? fromCwd : throw new DirectoryNotFoundException("tests/CertTrustBot.Certificates.Tests/Cli/Data");
    }
}
