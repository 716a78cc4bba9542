using System.Text.RegularExpressions;
using Azure;
using CertTrustBot.Bot;
using CertTrustBot.Storage;

namespace CertTrustBot.Tests.Bot;

public class TeamsBotAdapterTests
{
    [Fact]
    public void A_regex_timeout_is_a_message_too_long_to_read_not_a_storage_outage()
    {
        // RegexMatchTimeoutException is a TimeoutException, which is also what a storage client throws.
        var timeout = new RegexMatchTimeoutException("<<<<", "<[^>]*>", TimeSpan.FromSeconds(1));

        Assert.False(TeamsBotAdapter.IsStorageOutage(timeout));
        Assert.False(TeamsBotAdapter.IsStorageOutage(new AggregateException(timeout)));
        var message = TeamsBotAdapter.UserMessageFor(timeout);
        Assert.Contains("too long to read", message, StringComparison.Ordinal);
        Assert.DoesNotContain("storage", message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Storage_timeouts_are_still_storage_outages()
    {
        Assert.True(TeamsBotAdapter.IsStorageOutage(new TimeoutException()));
        Assert.True(TeamsBotAdapter.IsStorageOutage(new StorageUnavailableException("down", new RequestFailedException(503, "down"))));
        Assert.Contains("storage is temporarily unavailable", TeamsBotAdapter.UserMessageFor(new TimeoutException()), StringComparison.Ordinal);
    }
}
