using System.Text;
using BenchmarkDotNet.Attributes;
using CertTrustBot.Certificates;

namespace CertTrustBot.Benchmarks;

/// <summary>
/// Whether checking text that keeps almost looking like key material grows linearly with its size: 1 MiB against a
/// 64 KiB baseline of the same pattern. A Ratio near 16 is linear; quadratic work would show near 256.
/// </summary>
[MemoryDiagnoser]
public class HostileInputBenchmarks
{
    private byte[] _small = [];
    private byte[] _large = [];
    private CertificateChecker _checker = null!;

    /// <summary>Near misses for the key detector: key starts that claim more than follows, unterminated JSON, marker starts.</summary>
    [Params("MIIEvAIBADAN ", "{\"kty\":\"RSA\",\"d\":\"", "-----begin private ")]
    public string Pattern { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _small = Repeat(Pattern, 64 * 1024);
        _large = Repeat(Pattern, 1024 * 1024);
        _checker = new CertificateChecker(new FixedClock(new DateTimeOffset(2021, 6, 1, 0, 0, 0, TimeSpan.Zero)));
    }

    [Benchmark(Baseline = true, Description = "64 KiB")]
    public int Small() => _checker.Check(new CheckRequest(_small, "hostile.txt")).Findings.Count;

    [Benchmark(Description = "1 MiB")]
    public int Large() => _checker.Check(new CheckRequest(_large, "hostile.txt")).Findings.Count;

    private static byte[] Repeat(string pattern, int size) =>
        Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat(pattern, size / pattern.Length)));
}
