namespace CertTrustBot.Certificates.Tests.Cli;

public class ExitCodeTests
{
    [Fact]
    public void A_current_root_CA_exits_0()
    {
        // ISRG Root X1: self-signed, cA=true, RSA 4096, SHA-256, valid 2015-06-04 to 2035-06-04.
        var run = CliRun.Of(new DateTimeOffset(2026, 1, 15, 0, 0, 0, TimeSpan.Zero), "check", TestFiles.IsrgRootX1);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("", run.Stderr);
    }

    [Fact]
    public void A_file_with_warnings_but_nothing_blocking_exits_0()
    {
        // A self-signed leaf (cA=false) valid 2016-08-08 to 2018-08-08 is a warning, not a block, while valid.
        var run = CliRun.Of(new DateTimeOffset(2017, 8, 8, 21, 17, 5, TimeSpan.Zero), "check", TestFiles.SelfSigned);

        Assert.Equal(0, run.ExitCode);
    }

    [Fact]
    public void An_expired_certificate_exits_2()
    {
        // The same self-signed leaf, a day after it expired on 2018-08-08.
        var run = CliRun.Of(new DateTimeOffset(2018, 8, 9, 21, 17, 5, TimeSpan.Zero), "check", TestFiles.SelfSigned);

        Assert.Equal(2, run.ExitCode);
    }

    [Fact]
    public void A_missing_file_exits_2_and_is_reported_not_thrown()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"certtrust-missing-{Guid.NewGuid():N}.cer");

        var run = CliRun.Of(CliRun.BadSslValid, "check", missing);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(missing, run.Stdout, StringComparison.Ordinal);
        Assert.Contains("No such file", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void One_blocked_file_among_good_ones_exits_2_and_every_file_is_still_reported()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"certtrust-missing-{Guid.NewGuid():N}.cer");

        var run = CliRun.Of(new DateTimeOffset(2026, 1, 15, 0, 0, 0, TimeSpan.Zero), "check", "--json", TestFiles.IsrgRootX1, missing, TestFiles.IsrgRootX1);

        Assert.Equal(2, run.ExitCode);
        using var json = System.Text.Json.JsonDocument.Parse(run.Stdout);
        var files = json.RootElement.GetProperty("files").EnumerateArray().Select(f => (File: f.GetProperty("file").GetString(), Verdict: f.GetProperty("verdict").GetString())).ToList();
        Assert.Equal([(TestFiles.IsrgRootX1, "accept"), (missing, "block"), (TestFiles.IsrgRootX1, "accept")], files);
    }

    [Fact]
    public void A_directory_is_a_blocked_file()
    {
        var run = CliRun.Of(CliRun.BadSslValid, "check", Path.GetTempPath());

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("directory", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void A_certificate_followed_by_a_bare_base64_key_exits_2_with_the_private_key_finding()
    {
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var path = Path.Combine(Path.GetTempPath(), $"certtrust-key-{Guid.NewGuid():N}.pem");
        File.WriteAllText(path, File.ReadAllText(TestFiles.IsrgRootX1) + "\n" + Convert.ToBase64String(key.ExportECPrivateKey(), Base64FormattingOptions.InsertLineBreaks) + "\n");
        try
        {
            var run = CliRun.Of(new DateTimeOffset(2026, 1, 15, 0, 0, 0, TimeSpan.Zero), "check", "--json", path);

            Assert.Equal(2, run.ExitCode);
            using var json = System.Text.Json.JsonDocument.Parse(run.Stdout);
            var file = json.RootElement.GetProperty("files")[0];
            Assert.Equal("block", file.GetProperty("verdict").GetString());
            Assert.Equal("private-key", file.GetProperty("format").GetString());
            Assert.Contains(file.GetProperty("findings").EnumerateArray(), f => f.GetProperty("code").GetString() == "file.private-key");
        }
        finally
        {
            File.Delete(path);
        }
    }
}
