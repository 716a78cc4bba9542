using CertTrustBot.Cards;
using CertTrustBot.Cases;
using CertTrustBot.Conversation;
using CertTrustBot.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace CertTrustBot.Tests.Conversation;

public class ConversationOptionsTests
{
    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddConversation()
            .BuildServiceProvider();
    }

    [Fact]
    public void Without_configuration_the_catalogue_is_development_test_production_and_the_sla_two_business_days()
    {
        using var services = Services([]);
        Assert.Equal(["Development", "Test", "Production"], services.GetRequiredService<IOptions<EnvironmentCatalog>>().Value.EffectiveNames);
        Assert.Equal(2, services.GetRequiredService<IOptions<SupportDeskOptions>>().Value.SlaBusinessDays);
        Assert.Equal(40, services.GetRequiredService<IOptions<EnvironmentCatalog>>().Value.OtherMaxLength);
    }

    [Fact]
    public void A_configured_catalogue_replaces_the_defaults_rather_than_adding_to_them()
    {
        using var services = Services(new()
        {
            ["Environments:Names:0"] = "Acceptance",
            ["Environments:Names:1"] = "Production",
            ["Environments:OtherMaxLength"] = "20",
            ["SupportDesk:SlaBusinessDays"] = "5",
        });
        var catalog = services.GetRequiredService<IOptions<EnvironmentCatalog>>().Value;
        Assert.Equal(["Acceptance", "Production"], catalog.EffectiveNames);
        Assert.Equal(20, catalog.OtherMaxLength);
        Assert.Equal(5, services.GetRequiredService<IOptions<SupportDeskOptions>>().Value.SlaBusinessDays);
    }

    [Theory]
    [InlineData("SupportDesk:SlaBusinessDays", "-1", "SupportDesk:SlaBusinessDays must be between 0 and 60 business days (was -1).")]
    [InlineData("Environments:OtherMaxLength", "0", "Environments:OtherMaxLength must be between 1 and 100 (was 0).")]
    [InlineData("Environments:Names:0", "Prod/EU", "Environments:Names:0 'Prod/EU' must be letters, digits, spaces and dashes")]
    public void A_bad_setting_is_refused_with_a_message_that_names_it(string key, string value, string expected)
    {
        using var services = Services(new() { [key] = value });
        var error = Assert.Throws<OptionsValidationException>(() =>
        {
            _ = services.GetRequiredService<IOptions<EnvironmentCatalog>>().Value;
            _ = services.GetRequiredService<IOptions<SupportDeskOptions>>().Value;
        });
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_catalogue_listing_an_environment_twice_is_refused()
    {
        using var services = Services(new() { ["Environments:Names:0"] = "Test", ["Environments:Names:1"] = "test" });
        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<EnvironmentCatalog>>().Value);
        Assert.Contains("Environments:Names:1 'test' is listed twice.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_settings_stop_the_host_at_start_up()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["SupportDesk:SlaBusinessDays"] = "99" });
        builder.Services.AddConversation();
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("SupportDesk:SlaBusinessDays", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_host_can_build_the_runner_and_the_card_templates_from_AddConversation()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddBlobStorage(builder.Configuration);
        builder.Services.AddCaseDesk();
        builder.Services.AddConversation();
        using var host = builder.Build();

        Assert.NotNull(host.Services.GetRequiredService<ConversationRunner>());
        var welcome = host.Services.GetRequiredService<CardTemplates>().Render(CardNames.Welcome,
            new WelcomeCardData("t", "i", new("w"), [new("help", new("d"))], false, MarkdownText.Empty, true));
        Assert.Equal("AdaptiveCard", welcome["type"]!.GetValue<string>());
    }
}
