using CertTrustBot.Slack;

namespace CertTrustBot.Tests.Slack;

public sealed class SlackOptionsTests
{
    private static readonly SlackOptionsValidation Validation = new();

    private static SlackOptions Valid() => new()
    {
        SigningSecret = "3b1f0c4e9a7d42c5b8e16f0a2d9c7e51",
        BotToken = "xoxb-1-2-abc",
        StaffChannelId = "C0STAFF001",
        StaffUserIds = ["U0GRACE001"],
    };

    [Fact]
    public void Empty_settings_turn_the_app_off_and_are_valid()
    {
        var off = new SlackOptions();

        Assert.False(off.Enabled);
        Assert.False(off.HostsStaff);
        Assert.True(Validation.Validate(null, off).Succeeded);
        Assert.True(Validation.Validate(null, Valid()).Succeeded);
        Assert.True(Valid().HostsStaff);
    }

    [Theory]
    [InlineData("SigningSecret", "", "Slack:SigningSecret is empty")]
    [InlineData("BotToken", "", "Slack:BotToken is empty")]
    [InlineData("BotToken", "xoxp-user-token", "Slack:BotToken is not a bot token")]
    [InlineData("ApiBaseUrl", "http://slack.example.com/api/", "Slack:ApiBaseUrl")]
    [InlineData("ApiBaseUrl", "https://slack.com/api", "must end with '/'")]
    [InlineData("StaffUserIds", "", "Slack:StaffUserIds is empty while Slack:StaffChannelId is set")]
    [InlineData("StaffUserIds", "grace", "'grace' is not a Slack user id")]
    [InlineData("StaffChannelId", "", "Slack:StaffChannelId is empty while Slack:StaffUserIds is set")]
    public void A_wrong_setting_is_named(string setting, string value, string message)
    {
        var options = Valid();
        switch (setting)
        {
            case "SigningSecret": options.SigningSecret = value; break;
            case "BotToken": options.BotToken = value; break;
            case "ApiBaseUrl": options.ApiBaseUrl = new Uri(value); break;
            case "StaffUserIds": options.StaffUserIds = value.Length == 0 ? [] : [value]; break;
            case "StaffChannelId": options.StaffChannelId = value; break;
        }

        var result = Validation.Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(message, result.FailureMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("abc", result.FailureMessage, StringComparison.Ordinal); // the token is never shown
    }

    [Fact]
    public void Staff_settings_without_the_app_are_refused()
    {
        var result = Validation.Validate(null, new SlackOptions { StaffChannelId = "C0STAFF001" });

        Assert.True(result.Failed);
        Assert.Contains("the Slack app is off", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void A_loopback_http_Slack_is_allowed_for_tests()
    {
        var options = Valid();
        options.ApiBaseUrl = new Uri("http://127.0.0.1:5123/api/");

        Assert.True(Validation.Validate(null, options).Succeeded);
    }
}
