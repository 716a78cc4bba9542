using System.Reflection;
using System.Text.RegularExpressions;

namespace CertTrustBot.Certificates.Tests;

public partial class FindingCodesTests
{
    [GeneratedRegex("^[a-z0-9]+(\\.[a-z0-9]+(-[a-z0-9]+)*)+$")]
    private static partial Regex CodeShape();

    private static string[] Constants() => typeof(FindingCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral)
        .Select(f => (string)f.GetRawConstantValue()!)
        .ToArray();

    [Fact]
    public void Every_code_constant_is_in_the_catalogue_exactly_once()
    {
        var catalogue = FindingCodes.All.Select(d => d.Code).ToList();

        Assert.Equal(catalogue.Count, catalogue.Distinct().Count());
        Assert.Equal(Constants().Order(), catalogue.Order());
    }

    [Fact]
    public void Codes_are_lowercase_and_dotted_with_a_meaning()
    {
        Assert.All(FindingCodes.All, d =>
        {
            Assert.Matches(CodeShape(), d.Code);
            Assert.False(string.IsNullOrWhiteSpace(d.Meaning));
        });
    }

    [Fact]
    public void Severities_follow_certificates_md()
    {
        Assert.Equal(Severity.Block, FindingCodes.Get(FindingCodes.FilePrivateKey).Severity);
        Assert.Equal(Severity.Block, FindingCodes.Get(FindingCodes.CertEdDsa).Severity);
        Assert.Equal(Severity.Warn, FindingCodes.Get(FindingCodes.CertSha1SelfSignedRoot).Severity);
        Assert.Equal(Severity.Warn, FindingCodes.Get(FindingCodes.ChainIncomplete).Severity);
        Assert.Equal(Severity.Info, FindingCodes.Get(FindingCodes.CertRole).Severity);
    }
}
