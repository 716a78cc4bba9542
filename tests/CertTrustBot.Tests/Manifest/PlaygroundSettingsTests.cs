using System.Text.Json;
using System.Text.RegularExpressions;
using CertTrustBot.Tests.Infrastructure;

namespace CertTrustBot.Tests.Manifest;

/// <summary>
/// `npm start` runs the bot (Development settings) beside the Agents Playground (.m365agentsplayground.yml): the staff
/// side works locally only while both name the same tenant, team and staff member.
/// </summary>
public sealed partial class PlaygroundSettingsTests
{
    private static readonly string Playground = File.ReadAllText(Repository.PathOf(".m365agentsplayground.yml"));

    private static readonly JsonElement SupportDesk = JsonDocument
        .Parse(File.ReadAllText(Repository.PathOf("src", "CertTrustBot", "appsettings.Development.json")))
        .RootElement.GetProperty("SupportDesk");

    [Fact]
    public void The_playground_tenant_is_the_staff_tenant_of_the_development_settings()
    {
        var tenant = TopLevelTenant().Match(Playground);

        Assert.True(tenant.Success, "No top-level tenantId in .m365agentsplayground.yml");
        Assert.Equal(tenant.Groups[1].Value, SupportDesk.GetProperty("StaffTenantId").GetString());
    }

    [Fact]
    public void The_playground_team_and_current_user_are_the_staff_team_and_a_staff_member_of_the_development_settings()
    {
        Assert.Contains($"team:\n  id: {SupportDesk.GetProperty("StaffTeamId").GetString()}\n", Playground.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        var currentUser = CurrentUserObjectId().Match(Playground.ReplaceLineEndings("\n"));
        Assert.True(currentUser.Success, "No currentUser aadObjectId in .m365agentsplayground.yml");
        Assert.Contains(currentUser.Groups[1].Value, SupportDesk.GetProperty("StaffMembers").EnumerateArray().Select(m => m.GetString()));
    }

    [GeneratedRegex(@"^tenantId:\s*(\S+)\s*$", RegexOptions.Multiline)]
    private static partial Regex TopLevelTenant();

    [GeneratedRegex(@"^currentUser:\n(?:  .*\n)*?  aadObjectId:\s*(\S+)", RegexOptions.Multiline)]
    private static partial Regex CurrentUserObjectId();
}
