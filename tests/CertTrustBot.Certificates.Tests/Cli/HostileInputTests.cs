using System.Text.Json;

namespace CertTrustBot.Certificates.Tests.Cli;

/// <summary>No input crashes or hangs the CLI: each bad file becomes a blocked file that says why.</summary>
public sealed class HostileInputTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("certtrust-hostile-").FullName;

    [Fact]
    public void A_file_over_the_limit_is_refused_from_its_size_which_the_message_gives()
    {
        var path = Path.Combine(_folder, "huge.cer");
        using (var file = File.Create(path))
            file.SetLength(20L * 1024 * 1024); // sparse: costs no disk

        var file0 = CheckOne(path, out var exitCode);

        Assert.Equal(2, exitCode);
        Assert.Equal("too-large", file0.GetProperty("format").GetString());
        var finding = Assert.Single(file0.GetProperty("findings").EnumerateArray());
        Assert.Equal("file.too-large", finding.GetProperty("code").GetString());
        Assert.Contains("20,971,520 bytes", finding.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void An_endless_device_is_refused_after_reading_just_over_the_limit()
    {
        if (!OperatingSystem.IsLinux())
            return; // /dev/zero is the endless input at hand on Linux

        var file0 = CheckOne("/dev/zero", out var exitCode);

        Assert.Equal(2, exitCode);
        Assert.Equal("file.too-large", file0.GetProperty("findings")[0].GetProperty("code").GetString());
    }

    [Theory]
    [InlineData(0)]        // empty
    [InlineData(1)]
    [InlineData(100_000)]  // random bytes
    public void Random_bytes_are_a_blocked_file_not_a_crash(int length)
    {
        var path = Path.Combine(_folder, "random.cer");
        var bytes = new byte[length];
        new Random(length).NextBytes(bytes); // seeded: the same bytes every run
        File.WriteAllBytes(path, bytes);

        var file0 = CheckOne(path, out var exitCode);

        Assert.Equal(2, exitCode);
        Assert.Equal("block", file0.GetProperty("verdict").GetString());
        Assert.NotEmpty(file0.GetProperty("findings").EnumerateArray());
    }

    [Fact]
    public void A_pem_block_cut_off_after_its_first_line_is_a_blocked_file()
    {
        var path = Path.Combine(_folder, "cut.pem");
        File.WriteAllText(path, "-----BEGIN CERTIFICATE-----\nMIIF");

        var file0 = CheckOne(path, out var exitCode);

        Assert.Equal(2, exitCode);
        Assert.Equal("block", file0.GetProperty("verdict").GetString());
    }

    private static JsonElement CheckOne(string path, out int exitCode)
    {
        var run = CliRun.Of(CliRun.BadSslValid, "check", "--json", path);
        exitCode = run.ExitCode;
        using var json = JsonDocument.Parse(run.Stdout);
        return json.RootElement.GetProperty("files")[0].Clone();
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
