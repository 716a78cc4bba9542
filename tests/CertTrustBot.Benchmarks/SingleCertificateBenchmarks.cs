using System.Security.Cryptography.X509Certificates;
using BenchmarkDotNet.Attributes;
using CertTrustBot.Certificates;

namespace CertTrustBot.Benchmarks;

/// <summary>
/// What a full check of one certificate costs compared with only loading it: the Ratio column is the price of the
/// rules, the thumbprints and the chain building on top of the parse that any tool pays.
/// </summary>
[MemoryDiagnoser]
public class SingleCertificateBenchmarks
{
    private byte[] _der = [];
    private CertificateChecker _checker = null!;

    /// <summary>A root (RSA 4096, SHA-256) and a server certificate (ECDSA P-256 with SANs), both DER.</summary>
    [Params("isrg-root-x1.pem", "wildcard-ecc256.pem")]
    public string Certificate { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _der = BenchmarkData.FirstCertificateDer(Certificate);
        // A fixed clock: the verdict (and so the work done) does not change with the day the benchmark runs.
        _checker = new CertificateChecker(new FixedClock(new DateTimeOffset(2021, 6, 1, 0, 0, 0, TimeSpan.Zero)));
    }

    [Benchmark(Baseline = true, Description = "X509CertificateLoader.LoadCertificate")]
    public int Load()
    {
        using var certificate = X509CertificateLoader.LoadCertificate(_der);
        return certificate.RawDataMemory.Length;
    }

    [Benchmark(Description = "CertificateChecker.Check")]
    public int Check() => _checker.Check(new CheckRequest(_der, "certificate.cer")).Certificates.Count;
}
