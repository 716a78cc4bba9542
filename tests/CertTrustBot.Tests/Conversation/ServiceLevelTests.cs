using CertTrustBot.Conversation;

namespace CertTrustBot.Tests.Conversation;

public class ServiceLevelTests
{
    [Theory]
    [InlineData("2026-03-02", 2, "2026-03-04")] // Monday → Wednesday
    [InlineData("2026-03-05", 2, "2026-03-09")] // Thursday → Monday
    [InlineData("2026-03-06", 2, "2026-03-10")] // Friday → Tuesday
    [InlineData("2026-03-07", 2, "2026-03-10")] // Saturday → Tuesday
    [InlineData("2026-03-08", 1, "2026-03-09")] // Sunday → Monday
    [InlineData("2026-03-02", 0, "2026-03-02")]
    [InlineData("2026-03-02", 10, "2026-03-16")]
    public void Business_days_skip_weekends(string start, int days, string expected)
    {
        var from = DateTimeOffset.Parse(start + "T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(expected, ServiceLevel.AddBusinessDays(from, days).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
    }
}
