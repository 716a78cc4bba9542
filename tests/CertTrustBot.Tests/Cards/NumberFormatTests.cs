using System.Globalization;
using CertTrustBot.Cards;
using CertTrustBot.Certificates;
using CertTrustBot.Tests.Conversation;

namespace CertTrustBot.Tests.Cards;

/// <summary>One number format on every card and message: thousands grouped with a comma, whatever the culture.</summary>
public class NumberFormatTests
{
    [Theory]
    [InlineData(3107, "3,107 days left")]
    [InlineData(12, "12 days left")]
    [InlineData(1, "1 day left")]
    [InlineData(-2160, "expired 2,160 days ago")]
    public void Days_on_the_customer_card_are_grouped_by_thousands_in_any_culture(int daysLeft, string expected)
    {
        var previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE"); // would write 3.107
        try
        {
            var report = FlowTestKit.Accepted();
            var certificate = FlowTestKit.Details(daysLeft: daysLeft);

            Assert.Equal(expected, CardContent.Certificate(certificate, report).DaysLeft);
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void The_staff_card_counts_days_the_same_way()
    {
        var now = TestCertificates.Now;
        var c = FlowTestKit.Case() with
        {
            Certificates = [FlowTestKit.Case().Certificates[0] with { NotAfter = now.AddDays(3107).AddHours(1) }],
        };

        var card = StaffCaseContent.For(c, null, [], now, 2, now);

        Assert.EndsWith("(3,107 days left)", Assert.Single(card.Certificates).Expires, StringComparison.Ordinal);
    }

    [Fact]
    public void Numbers_format_is_the_one_shared_place()
    {
        Assert.Equal("3,107", Numbers.Format(3107));
        Assert.Equal("10,000", Numbers.Format(10_000));
        Assert.Equal("1 day", Numbers.Count(1, "day"));
        Assert.Equal("2,160 days", Numbers.Count(2160, "day"));
    }
}
