using System.Text.RegularExpressions;
using CertTrustBot.Certificates;

namespace CertTrustBot.Certificates.Tests;

/// <summary>The README's findings table is what customers and staff read: it must list every code, with its severity.</summary>
public sealed partial class ReadmeTests
{
    private static readonly Lazy<string> Readme = new(() =>
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var path = Path.Combine(directory.FullName, "README.md");
            if (File.Exists(Path.Combine(directory.FullName, "CertTrustBot.sln")) && File.Exists(path))
                return File.ReadAllText(path);
        }

        throw new InvalidOperationException("README.md beside CertTrustBot.sln not found above " + AppContext.BaseDirectory);
    });

    [Fact]
    public void Every_finding_code_is_in_the_README_with_its_severity()
    {
        var rows = TableRow().Matches(Readme.Value).ToDictionary(m => m.Groups["code"].Value, m => m.Groups["severity"].Value);

        Assert.All(FindingCodes.All, definition =>
        {
            Assert.True(rows.TryGetValue(definition.Code, out var severity), $"{definition.Code} is missing from the README's findings table");
            Assert.Equal(definition.Severity.ToString().ToLowerInvariant(), severity);
        });
    }

    [Fact]
    public void The_README_lists_no_finding_code_that_does_not_exist()
    {
        var known = FindingCodes.All.Select(d => d.Code).ToHashSet();

        var unknown = TableRow().Matches(Readme.Value).Select(m => m.Groups["code"].Value).Where(code => !known.Contains(code)).ToList();

        Assert.Empty(unknown);
    }

    [GeneratedRegex(@"^\| `(?<code>[a-z0-9-]+\.[a-z0-9.-]+)` \| (?<severity>block|warn|info) \|", RegexOptions.Multiline)]
    private static partial Regex TableRow();
}
