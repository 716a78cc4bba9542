using BenchmarkDotNet.Running;

// dotnet run -c Release --project tests/CertTrustBot.Benchmarks -- --filter '*' --job short
BenchmarkSwitcher.FromAssembly(typeof(CertTrustBot.Benchmarks.SingleCertificateBenchmarks).Assembly).Run(args);
