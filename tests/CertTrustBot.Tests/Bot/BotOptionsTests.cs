using CertTrustBot.Bot;

namespace CertTrustBot.Tests.Bot;

public sealed class BotOptionsTests
{
    private const string AppId = "6f1c2a4e-0d3b-4c1a-9a57-2f0e8f1b7c11";
    private const string TenantId = "0b7e4f3a-5c2d-4e6f-8a9b-1c2d3e4f5a6b";

    [Fact]
    public void Empty_app_id_is_local_mode_and_valid() =>
        Assert.True(Validate(new BotAuthenticationOptions()).Succeeded);

    [Fact]
    public void A_complete_single_tenant_registration_is_valid() =>
        Assert.True(Validate(new() { MicrosoftAppType = "SingleTenant", MicrosoftAppId = AppId, MicrosoftAppPassword = "secret", MicrosoftAppTenantId = TenantId }).Succeeded);

    [Fact]
    public void A_user_assigned_managed_identity_needs_no_password() =>
        Assert.True(Validate(new() { MicrosoftAppType = "UserAssignedMSI", MicrosoftAppId = AppId, MicrosoftAppTenantId = TenantId }).Succeeded);

    [Theory]
    [InlineData("SingelTenant", null, null, null, "MicrosoftAppType is 'SingelTenant'")]
    [InlineData("SingleTenant", AppId, null, TenantId, "MicrosoftAppPassword is empty")]
    [InlineData("SingleTenant", AppId, "secret", null, "MicrosoftAppTenantId is empty")]
    [InlineData("SingleTenant", "my-bot", "secret", TenantId, "MicrosoftAppId 'my-bot' is not")]
    [InlineData(null, AppId, "secret", TenantId, "MicrosoftAppType is empty")]
    [InlineData("UserAssignedMSI", null, null, TenantId, "MicrosoftAppId (the managed identity's client id) is empty")]
    [InlineData("UserAssignedMSI", AppId, "secret", TenantId, "MicrosoftAppPassword must be empty")]
    public void A_wrong_setting_is_named_in_the_failure(string? type, string? id, string? password, string? tenant, string expected)
    {
        var result = Validate(new() { MicrosoftAppType = type, MicrosoftAppId = id, MicrosoftAppPassword = password, MicrosoftAppTenantId = tenant });

        Assert.True(result.Failed);
        Assert.Contains(expected, result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://files.example.com", "Attachments:AllowedHosts:0 'https://files.example.com' must be a host name")]
    [InlineData("*.com", "would match whole top-level domains")]
    [InlineData("files.*.example.com", "may only use a wildcard as its first label")]
    public void A_bad_allow_list_entry_is_named_in_the_failure(string host, string expected)
    {
        var result = new AttachmentDownloadOptionsValidator().Validate(null, new AttachmentDownloadOptions { AllowedHosts = [host] });

        Assert.True(result.Failed);
        Assert.Contains(expected, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void The_default_allow_list_is_valid() =>
        Assert.True(new AttachmentDownloadOptionsValidator().Validate(null, new AttachmentDownloadOptions()).Succeeded);

    [Fact]
    public void A_size_limit_of_zero_is_refused() =>
        Assert.Contains("Attachments:MaxBytes", new AttachmentDownloadOptionsValidator().Validate(null, new AttachmentDownloadOptions { MaxBytes = 0 }).FailureMessage, StringComparison.Ordinal);

    [Theory]
    [InlineData("*.sharepoint.com", "contoso.sharepoint.com", true)]
    [InlineData("*.sharepoint.com", "CONTOSO-my.SharePoint.com", true)]
    [InlineData("*.sharepoint.com", "sharepoint.com", false)]
    [InlineData("*.sharepoint.com", "evilsharepoint.com", false)]
    [InlineData("smba.trafficmanager.net", "smba.trafficmanager.net", true)]
    [InlineData("smba.trafficmanager.net", "evil.trafficmanager.net", false)]
    public void Host_patterns_match_sub_domains_only_when_wildcarded(string pattern, string host, bool matches) =>
        Assert.Equal(matches, HostPattern.Matches(pattern, host));

    private static Microsoft.Extensions.Options.ValidateOptionsResult Validate(BotAuthenticationOptions options) =>
        new BotAuthenticationOptionsValidator().Validate(null, options);
}
