using CertTrustBot.Conversation;

namespace CertTrustBot.Tests.Conversation;

public class HostNamesTests
{
    [Theory]
    [InlineData("erp.example.com", "erp.example.com")]
    [InlineData("  ERP.Example.COM. ", "erp.example.com")]
    [InlineData("erp01", "erp01")]
    [InlineData("bücher.example", "xn--bcher-kva.example")]
    [InlineData("a-b.c-d.example", "a-b.c-d.example")]
    public void Valid_host_names_are_normalised(string input, string expected)
    {
        Assert.Equal((expected, (string?)null), HostNames.Normalise(input));
    }

    [Theory]
    [InlineData("erp example.com")]
    [InlineData("erp.example.123")]
    [InlineData("erp-.example.com")]
    [InlineData(".example.com")]
    public void Invalid_host_names_are_refused(string input)
    {
        var (host, error) = HostNames.Normalise(input);
        Assert.Null(host);
        Assert.Contains("is not a valid host name", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_host_name_longer_than_dns_allows_is_refused()
    {
        var longName = string.Join('.', Enumerable.Repeat(new string('a', 60), 5));
        Assert.NotNull(HostNames.Normalise(longName).Error);
        Assert.NotNull(HostNames.Normalise(new string('a', 64) + ".example.com").Error);
    }

    [Fact]
    public void An_ipv6_address_is_refused_as_an_address()
    {
        Assert.Contains("not an IP address", HostNames.Normalise("[2001:db8::1]").Error, StringComparison.Ordinal);
    }
}
