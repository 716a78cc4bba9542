using CertTrustBot.Cases;
using CertTrustBot.Cases.Webhooks;
using CertTrustBot.Storage;
using CertTrustBot.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace CertTrustBot.Tests.Webhooks;

[Collection("Azurite")]
public sealed class CaseWebhookOptionsTests(AzuriteFixture azurite)
{
    private const string GoodSecret = "a-shared-secret-of-at-least-32-characters";

    [Theory]
    [InlineData("CaseWebhook:Url", "not a url", "CaseWebhook:Url is not an absolute http(s) URL")]
    [InlineData("CaseWebhook:Url", "ftp://desk.example.com/hooks", "CaseWebhook:Url is not an absolute http(s) URL")]
    [InlineData("CaseWebhook:Url", "http://desk.example.com/hooks", "CaseWebhook:Url (http://desk.example.com) must use https")]
    [InlineData("CaseWebhook:Url", "https://user:pass@desk.example.com/hooks", "CaseWebhook:Url must not carry credentials")]
    [InlineData("CaseWebhook:Headers:webhook-signature", "forged", "CaseWebhook:Headers:webhook-signature cannot be set")]
    [InlineData("CaseWebhook:Headers:Idempotency-Key", "fixed", "CaseWebhook:Headers:Idempotency-Key cannot be set")]
    [InlineData("CaseWebhook:Secret", "", "CaseWebhook:Secret is empty")]
    [InlineData("CaseWebhook:Secret", "too-short", "CaseWebhook:Secret is too short (9 characters)")]
    [InlineData("CaseWebhook:Secret", "whsec_bm90IGJhc2U2NA", "CaseWebhook:Secret starts with 'whsec_' but the rest is not base64")]
    [InlineData("CaseWebhook:MaxAttempts", "0", "CaseWebhook:MaxAttempts must be between 1 and 1000")]
    [InlineData("CaseWebhook:BackoffMax", "00:00:01", "CaseWebhook:BackoffMax must be at least BackoffBase")]
    [InlineData("CaseWebhook:RequestTimeout", "00:00:00", "CaseWebhook:RequestTimeout must be positive")]
    public async Task A_bad_setting_is_refused_at_start_up_with_its_name(string key, string value, string expected)
    {
        using var host = NewHost(new() { ["CaseWebhook:Url"] = "https://desk.example.com/hooks", ["CaseWebhook:Secret"] = GoodSecret, [key] = value });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Neither_the_secret_nor_a_token_in_the_url_is_shown_in_a_start_up_error()
    {
        using var host = NewHost(new() { ["CaseWebhook:Url"] = "http://automation.example.com/hooks/token-1234", ["CaseWebhook:Secret"] = "short-but-secret" });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("CaseWebhook:Secret", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("short-but-secret", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("token-1234", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://desk.example.com/api/now/import/certtrust", GoodSecret)]
    [InlineData("http://127.0.0.1:8080/hooks", GoodSecret)]
    [InlineData("http://localhost/hooks", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")]
    [InlineData("", "")]
    public async Task Good_settings_or_no_url_at_all_start(string url, string secret)
    {
        using var host = NewHost(new() { ["CaseWebhook:Url"] = url, ["CaseWebhook:Secret"] = secret });

        await host.StartAsync();
        await host.StopAsync();

        Assert.Equal(url.Length > 0, host.Services.GetRequiredService<IOptions<CaseWebhookOptions>>().Value.Enabled);
    }

    [Fact]
    public void Without_case_webhooks_the_case_desk_still_resolves()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(azurite.NewConfiguration()).Build();
        var services = new ServiceCollection().AddLogging().AddBlobStorage(configuration).AddCaseDesk();
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

        Assert.NotNull(provider.GetRequiredService<CaseDesk>());
        Assert.Empty(provider.GetServices<ICaseEventOutbox>());
    }

    private IHost NewHost(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(azurite.NewConfiguration()).AddInMemoryCollection(settings);
        builder.Services.AddCaseWebhook(builder.Configuration);
        return builder.Build();
    }
}
