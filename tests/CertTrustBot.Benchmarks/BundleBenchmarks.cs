using System.Security.Cryptography.X509Certificates;
using BenchmarkDotNet.Attributes;
using CertTrustBot.Certificates;

namespace CertTrustBot.Benchmarks;

/// <summary>
/// A large PEM bundle: Debian's 144 roots, and the same 20 times over (2,880 certificates, the CLI's performance
/// target). The baseline decodes every PEM block and loads each certificate, the least any checker must do.
/// </summary>
[MemoryDiagnoser]
public class BundleBenchmarks
{
    private byte[] _pem = [];
    private CertificateChecker _checker = null!;

    [Params(1, 20)]
    public int Copies { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _pem = BenchmarkData.Bundle(Copies);
        _checker = BenchmarkData.BundleChecker();
    }

    [Benchmark(Baseline = true, Description = "PEM decode + LoadCertificate each")]
    public int LoadEach() => BenchmarkData.LoadEach(_pem);

    [Benchmark(Description = "CertificateChecker.Check (whole bundle)")]
    public int Check() => _checker.Check(new CheckRequest(_pem, "bundle.pem")).Certificates.Count;
}
