using System.Net;
using CertTrustBot.Certificates.Endpoints;
using CertTrustBot.Tests.Loopback;

namespace CertTrustBot.Certificates.Tests.Endpoints;

/// <summary>The bot's guard against reaching its own network: every spelling of a private address is refused before any connection.</summary>
public sealed class EndpointGuardTests
{
    private static readonly EndpointFetchOptions Guarded = new() { AddressGuard = NetworkAddresses.NonPublicReason, Timeout = TimeSpan.FromSeconds(5) };

    public static TheoryData<string> LoopbackSpellings => new()
    {
        "127.0.0.1", "127.1", "2130706433", "0x7f000001", "0x7f.1", "0177.0.0.1", "[::ffff:127.0.0.1]", "[::ffff:7f00:1]", "[::1]",
        "0.0.0.0", "[::]", "localhost", "https://127.1", "https://[::ffff:127.0.0.1]/path",
    };

    [Theory]
    [MemberData(nameof(LoopbackSpellings))]
    public async Task Every_spelling_of_this_machine_is_refused_and_the_server_sees_no_connection(string spelling)
    {
        await using var server = LoopbackTlsServer.Silent();
        var input = spelling.StartsWith("https://", StringComparison.Ordinal)
            ? spelling.Insert(spelling.IndexOf('/', 8) is var slash and > 0 ? slash : spelling.Length, $":{server.Port}")
            : $"{spelling}:{server.Port}";
        var target = EndpointTarget.TryParse(input, out var error);
        Assert.True(target is not null, error);

        var fetch = await EndpointFetcher.FetchAsync(target!, Guarded);

        Assert.Equal(EndpointOutcome.Refused, fetch.Outcome);
        Assert.Contains("may not connect", fetch.Detail, StringComparison.Ordinal);
        Assert.Equal(0, server.Accepted);
    }

    [Fact]
    public async Task A_public_name_that_resolves_to_a_private_address_is_refused_naming_the_address()
    {
        var options = Guarded with { Resolver = (_, _) => Task.FromResult(new[] { IPAddress.Parse("10.1.2.3") }) };

        var fetch = await EndpointFetcher.FetchAsync(new EndpointTarget("intranet.example.com", 443, false), options);

        Assert.Equal(EndpointOutcome.Refused, fetch.Outcome);
        Assert.Contains("10.1.2.3", fetch.Detail, StringComparison.Ordinal);
        Assert.Contains("private network", fetch.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_port_not_allowed_is_refused_before_any_connection()
    {
        await using var server = LoopbackTlsServer.Silent();
        var options = new EndpointFetchOptions { AllowedPorts = new HashSet<int> { 443, 8443 } };

        var fetch = await EndpointFetcher.FetchAsync(new EndpointTarget("127.0.0.1", server.Port, true), options);

        Assert.Equal(EndpointOutcome.Refused, fetch.Outcome);
        Assert.Contains("443, 8443", fetch.Detail, StringComparison.Ordinal);
        Assert.Equal(0, server.Accepted);
    }

    [Theory]
    [InlineData("10.0.0.1")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.1.1")]
    [InlineData("100.64.0.1")]
    [InlineData("169.254.169.254")]
    [InlineData("224.0.0.1")]
    [InlineData("255.255.255.255")]
    [InlineData("fe80::1")]
    [InlineData("fc00::1")]
    [InlineData("fd12:3456::1")]
    [InlineData("ff02::1")]
    [InlineData("::ffff:10.0.0.1")]
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("64:ff9b::a00:1")]
    [InlineData("2002:7f00:1::")]
    public void Private_and_special_addresses_are_not_public(string address) =>
        Assert.NotNull(NetworkAddresses.NonPublicReason(IPAddress.Parse(address)));

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("172.32.0.1")]
    [InlineData("100.128.0.1")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("::ffff:8.8.8.8")]
    public void Internet_addresses_are_public(string address) =>
        Assert.Null(NetworkAddresses.NonPublicReason(IPAddress.Parse(address)));

    [Theory]
    [InlineData("api.example.com", "api.example.com", 443)]
    [InlineData("API.Example.COM:8443", "api.example.com", 8443)]
    [InlineData("https://api.example.com/some/path?x=1", "api.example.com", 443)]
    [InlineData("https://api.example.com:9443/", "api.example.com", 9443)]
    [InlineData("[2606:4700::1111]:636", "2606:4700::1111", 636)]
    [InlineData("bücher.example", "xn--bcher-kva.example", 443)]
    public void Targets_are_read_from_what_people_type(string input, string host, int port)
    {
        var target = EndpointTarget.TryParse(input, out var error);

        Assert.True(target is not null, error);
        Assert.Equal(host, target!.Host);
        Assert.Equal(port, target.Port);
    }
}
