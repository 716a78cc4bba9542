using System.Text.RegularExpressions;
using CertTrustBot.Certificates;
using CertTrustBot.Tests.Infrastructure;

namespace CertTrustBot.Tests;

/// <summary>
/// Bot Framework types stay at the edge (src/CertTrustBot/Bot): the certificate engine, the conversation, the case
/// desk and the staff desk must not depend on them, so that a Slack edge or the Agents SDK can sit beside it.
/// </summary>
public sealed partial class ArchitectureTests
{
    public static TheoryData<string> ChannelAgnosticFolders() =>
        ["Cards", "Cases", "Conversation", "Endpoints", "Expiry", "Hosting", "Messaging", "Slack", "Staff", "Storage"];

    [Theory]
    [MemberData(nameof(ChannelAgnosticFolders))]
    public void Feature_folders_outside_the_edge_do_not_use_Bot_Framework_types(string folder)
    {
        var files = Directory.GetFiles(Repository.PathOf("src", "CertTrustBot", folder), "*.cs", SearchOption.AllDirectories);
        Assert.NotEmpty(files);

        var offenders = files
            .Where(file => BotFrameworkReference().IsMatch(WithoutComments(File.ReadAllText(file))))
            .Select(file => Path.GetRelativePath(Repository.Root, file))
            .ToList();

        Assert.Empty(offenders);
    }

    [Fact]
    public void The_certificate_engine_references_neither_Bot_Framework_nor_storage()
    {
        var references = typeof(CertificateChecker).Assembly.GetReferencedAssemblies().Select(a => a.Name ?? "").ToList();

        Assert.DoesNotContain(references, name => name.StartsWith("Microsoft.Bot", StringComparison.Ordinal));
        Assert.DoesNotContain(references, name => name.StartsWith("Azure", StringComparison.Ordinal));
        Assert.DoesNotContain(references, name => name.StartsWith("Newtonsoft", StringComparison.Ordinal));
    }

    [Fact]
    public void The_architecture_check_would_notice_a_Bot_Framework_using()
    {
        Assert.Matches(BotFrameworkReference(), "using Microsoft.Bot.Schema;\nclass X {}");
        Assert.Matches(BotFrameworkReference(), "var a = new Microsoft.Bot.Schema.Activity();");
        Assert.DoesNotMatch(BotFrameworkReference(), WithoutComments("// as Microsoft.Bot.Builder's BotState does\nclass X {}"));
    }

    private static string WithoutComments(string source) => Comments().Replace(source, "");

    [GeneratedRegex(@"\bMicrosoft\.Bot\b|\bNewtonsoft\.Json\b")]
    private static partial Regex BotFrameworkReference();

    [GeneratedRegex(@"//[^\n]*|/\*.*?\*/", RegexOptions.Singleline)]
    private static partial Regex Comments();
}
