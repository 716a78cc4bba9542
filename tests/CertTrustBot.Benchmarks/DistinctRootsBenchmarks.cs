using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using BenchmarkDotNet.Attributes;
using CertTrustBot.Certificates;

namespace CertTrustBot.Benchmarks;

/// <summary>
/// Distinct self-signed roots, no repeats (three quarters ECDSA P-256, a quarter RSA 2048, each with its own key), as
/// compare-openssl.sh generates them: here no certificate is checked once for many copies, so every self-signature is
/// verified. The baseline decodes every PEM block and loads each certificate, the least any checker must do; the
/// memory diagnoser gives what one check allocates, i.e. per certificate when divided by <see cref="Roots"/>.
/// </summary>
[MemoryDiagnoser]
public class DistinctRootsBenchmarks
{
    private byte[] _pem = [];
    private CertificateChecker _checker = null!;

    [Params(360, 2880)]
    public int Roots { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var notBefore = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var pem = new StringBuilder();
        for (var i = 0; i < Roots; i++)
        {
            var name = new X500DistinguishedName($"CN=Benchmark Root {i:D5}, O=CertTrustBot Benchmarks");
            using var certificate = i % 4 == 3 ? Rsa(name, notBefore) : Ecdsa(name, notBefore);
            pem.AppendLine(certificate.ExportCertificatePem());
        }
        _pem = Encoding.ASCII.GetBytes(pem.ToString());
        _checker = BenchmarkData.BundleChecker();
        if (!OpenSslDirect.Available)
            Console.WriteLine("OpenSslDirect is not available here (not Linux with libcrypto.so.3): both checks take the platform path.");
        if (_checker.Check(new CheckRequest(_pem, "roots.pem")).Certificates.Count != Roots)
            throw new InvalidOperationException("The checker did not read every generated root.");
    }

    [Benchmark(Baseline = true, Description = "PEM decode + LoadCertificate each")]
    public int LoadEach() => BenchmarkData.LoadEach(_pem);

    [Benchmark(Description = "CertificateChecker.Check (distinct roots)")]
    public int Check() => _checker.Check(new CheckRequest(_pem, "roots.pem")).Certificates.Count;

    /// <summary>
    /// The same check with every signature on the platform path (each key imported by .NET), as before OpenSslDirect:
    /// the difference to <see cref="Check"/> is what the direct path saves.
    /// </summary>
    [Benchmark(Description = "Check, every key imported by .NET (no OpenSslDirect)")]
    public int CheckPlatformKeys()
    {
        OpenSslDirect.Enabled = false;
        try
        {
            return _checker.Check(new CheckRequest(_pem, "roots.pem")).Certificates.Count;
        }
        finally
        {
            OpenSslDirect.Enabled = true;
        }
    }

    private static X509Certificate2 Ecdsa(X500DistinguishedName name, DateTimeOffset notBefore)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return Root(new CertificateRequest(name, key, HashAlgorithmName.SHA256), notBefore);
    }

    private static X509Certificate2 Rsa(X500DistinguishedName name, DateTimeOffset notBefore)
    {
        using var key = RSA.Create(2048);
        return Root(new CertificateRequest(name, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1), notBefore);
    }

    private static X509Certificate2 Root(CertificateRequest request, DateTimeOffset notBefore)
    {
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(notBefore, notBefore.AddYears(10));
    }
}
