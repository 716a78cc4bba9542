using CertTrustBot.Expiry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CertTrustBot.Tests.Expiry;

public class ExpiryOptionsTests
{
    private static ExpiryOptions Read(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddExpiryWatch().BuildServiceProvider();
        return services.GetRequiredService<IOptions<ExpiryOptions>>().Value;
    }

    [Fact]
    public void Without_configuration_reminders_come_60_30_14_7_and_1_days_before_the_last_day_to_ask_and_the_scan_is_hourly()
    {
        var options = Read([]);

        Assert.Equal([60, 30, 14, 7, 1], options.EffectiveReminderDays);
        Assert.Equal(TimeSpan.FromHours(1), options.ScanInterval);
        Assert.Equal(DayOfWeek.Monday, options.StaffDigestDay);
    }

    [Fact]
    public void Configured_reminder_days_replace_the_defaults_rather_than_adding_to_them()
    {
        Assert.Equal([4000], Read(new() { ["Expiry:ReminderDays:0"] = "4000" }).EffectiveReminderDays);
    }

    [Theory]
    [InlineData("Expiry:ReminderDays:1", "-3", "Expiry:ReminderDays:1 must be between 0 and 10000")]
    [InlineData("Expiry:ScanInterval", "00:00:00", "Expiry:ScanInterval must be more than 0")]
    [InlineData("Expiry:SnoozeDays", "0", "Expiry:SnoozeDays must be between 1 and 60")]
    [InlineData("Expiry:MarginBusinessDays", "99", "Expiry:MarginBusinessDays must be between 0 and 30")]
    public void A_wrong_setting_is_refused_naming_it(string key, string value, string expected)
    {
        var settings = new Dictionary<string, string?> { ["Expiry:ReminderDays:0"] = "30", [key] = value };

        var error = Assert.Throws<OptionsValidationException>(() => Read(settings));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
