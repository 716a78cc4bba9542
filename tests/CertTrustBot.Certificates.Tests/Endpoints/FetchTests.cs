using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using CertTrustBot.Certificates.Endpoints;
using CertTrustBot.Certificates.Tests.Cli;
using CertTrustBot.Cli;
using CertTrustBot.Tests.Loopback;

namespace CertTrustBot.Certificates.Tests.Endpoints;

/// <summary><c>certtrust fetch</c> against real TLS servers on loopback, made by each test with its own certificates.</summary>
public sealed class FetchTests
{
    private static string Sha256(X509Certificate2 certificate) => certificate.GetCertHashString(HashAlgorithmName.SHA256);

    // The CLI blocks on the fetch (it is a console tool): run it off the test's synchronisation context.
    private static Task<CliRun> Fetch(params string[] args) => Task.Run(() => CliRun.Of(TestPki.Now, ["fetch", .. args]));

    private static JsonElement OnlyFile(CliRun run) => JsonDocument.Parse(run.Stdout).RootElement.GetProperty("files").EnumerateArray().Single();

    private static List<string> Codes(JsonElement file) =>
        [.. file.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("code").GetString()!)];

    [Fact]
    public async Task A_private_chain_sent_without_its_root_is_reported_in_the_servers_order_and_names_the_missing_root()
    {
        using var root = TestPki.Root("CN=Fetch Test Root, O=Example");
        using var intermediate = TestPki.Intermediate(root, "CN=Fetch Test Issuing CA, O=Example");
        using var leaf = TestPki.Leaf(intermediate);
        await using var server = LoopbackTlsServer.Tls(leaf, intermediate);

        var run = await Fetch($"127.0.0.1:{server.Port}", "--sni", "api.example.com", "--json");

        Assert.Equal(CertTrustCli.ExitOk, run.ExitCode);
        var file = OnlyFile(run);
        Assert.Equal($"127.0.0.1:{server.Port}", file.GetProperty("file").GetString());
        Assert.Equal("tls", file.GetProperty("format").GetString());
        Assert.Equal([Sha256(leaf), Sha256(intermediate)], file.GetProperty("certificates").EnumerateArray().Select(c => c.GetProperty("sha256").GetString()));
        var missing = file.GetProperty("findings").EnumerateArray().Single(f => f.GetProperty("code").GetString() == "endpoint.root-not-sent");
        Assert.Contains("'CN=Fetch Test Root, O=Example'", missing.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, missing.GetProperty("certificate").GetInt32());
        Assert.Contains("host.match", Codes(file));
        Assert.DoesNotContain("endpoint.order", Codes(file));
        Assert.DoesNotContain("endpoint.root-sent", Codes(file));
    }

    [Fact]
    public async Task A_self_signed_server_certificate_is_named_as_what_must_be_trusted()
    {
        using var self = TestPki.SelfSignedLeaf("CN=self.example.com", b => { b.DnsNames.Clear(); b.DnsNames.Add("self.example.com"); });
        await using var server = LoopbackTlsServer.Tls(self);

        var run = await Fetch($"localhost:{server.Port}", "--sni", "self.example.com");

        Assert.Equal(CertTrustCli.ExitOk, run.ExitCode);
        Assert.Contains($"localhost:{server.Port}", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("endpoint.self-signed", run.Stdout, StringComparison.Ordinal);
        Assert.Contains(self.Thumbprint, run.Stdout.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("endpoint.root-not-sent", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_that_never_answers_is_given_up_on_with_the_timeout_finding()
    {
        await using var server = LoopbackTlsServer.Silent();

        var run = await Fetch($"127.0.0.1:{server.Port}", "--timeout", "1", "--json");

        Assert.Equal(CertTrustCli.ExitConnectionFailed, run.ExitCode);
        Assert.Equal(["endpoint.timeout"], Codes(OnlyFile(run)));
        Assert.Equal("block", OnlyFile(run).GetProperty("verdict").GetString());
        Assert.Equal(1, server.Accepted);
    }

    [Fact]
    public async Task A_plain_http_port_is_not_tls()
    {
        await using var server = LoopbackTlsServer.PlainHttp();

        var run = await Fetch($"127.0.0.1:{server.Port}", "--json");

        Assert.Equal(CertTrustCli.ExitConnectionFailed, run.ExitCode);
        var file = OnlyFile(run);
        Assert.Equal(["endpoint.not-tls"], Codes(file));
        Assert.Contains("plain HTTP", file.GetProperty("findings")[0].GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Empty(file.GetProperty("certificates").EnumerateArray());
    }

    [Fact]
    public async Task A_port_where_nothing_listens_is_unreachable()
    {
        // The port stays bound (so no other test's server can take it meanwhile) but not listening: a connection to
        // it is refused, as to a port where nothing runs. A freed port could be reused by a concurrent test's listener.
        using var bound = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        bound.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)bound.LocalEndPoint!).Port;

        var run = await Fetch($"127.0.0.1:{port}", "--json");

        Assert.Equal(CertTrustCli.ExitConnectionFailed, run.ExitCode);
        Assert.Equal(["endpoint.unreachable"], Codes(OnlyFile(run)));
    }

    [Theory]
    [InlineData("fetch")]
    [InlineData("fetch", "http://api.example.com")]
    [InlineData("fetch", "api.example.com:0")]
    [InlineData("fetch", "user@api.example.com")]
    [InlineData("fetch", "api.example.com", "--timeout", "0")]
    [InlineData("fetch", "api.example.com", "--sni", "not a name")]
    public void A_wrong_fetch_command_line_is_a_usage_error_that_connects_nowhere(params string[] args)
    {
        var run = CliRun.Of(TestPki.Now, args);

        Assert.Equal(CertTrustCli.ExitUsage, run.ExitCode);
        Assert.Contains("Usage: certtrust fetch HOST[:PORT]", run.Stderr, StringComparison.Ordinal);
        Assert.Empty(run.Stdout);
    }
}
