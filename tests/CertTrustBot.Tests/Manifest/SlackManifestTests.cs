using System.Text.RegularExpressions;
using CertTrustBot.Tests.Infrastructure;

namespace CertTrustBot.Tests.Manifest;

/// <summary>The Slack app manifest (YAML) names the scopes, event and URLs the app relies on.</summary>
public sealed class SlackManifestTests
{
    private static readonly string Manifest = File.ReadAllText(Repository.PathOf("manifests", "slack", "manifest.yml"));

    [Theory]
    [InlineData("chat:write")]
    [InlineData("im:history")]
    [InlineData("im:write")]
    [InlineData("files:read")]
    [InlineData("commands")]
    public void The_bot_has_each_scope_the_app_uses(string scope)
    {
        Assert.Matches($@"(?m)^\s+- {Regex.Escape(scope)}(\s|$)", Manifest);
    }

    [Fact]
    public void Events_interactivity_and_the_slash_command_point_at_the_app_s_endpoints()
    {
        Assert.Matches(@"(?m)^\s+- message\.im\s*$", Manifest);
        Assert.Matches(@"(?m)^\s+request_url: https://YOUR-BOT-HOST/api/slack/events\s*$", Manifest);
        Assert.Matches(@"(?m)^\s+request_url: https://YOUR-BOT-HOST/api/slack/interactions\s*$", Manifest);
        Assert.Matches(@"(?m)^\s+url: https://YOUR-BOT-HOST/api/slack/commands\s*$", Manifest);
        Assert.Matches(@"(?m)^\s+- command: /certtrust\s*$", Manifest);
        Assert.Matches(@"(?m)^\s+is_enabled: true\s*$", Manifest);
        Assert.DoesNotMatch(@"\t", Manifest); // YAML: spaces only
    }
}
