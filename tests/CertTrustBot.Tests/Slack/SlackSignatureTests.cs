using System.Text;
using CertTrustBot.Slack;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CertTrustBot.Tests.Slack;

public sealed class SlackSignatureTests
{
    // Slack's documented example ("Verifying requests from Slack").
    private const string Secret = "8f742231b10e8888abcd99yyyzzz85a5";
    private const string Timestamp = "1531420618";
    private const string Signature = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";
    private static readonly byte[] Body = Encoding.UTF8.GetBytes(
        "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c");

    private static SlackSignature At(long unixSeconds, string secret = Secret) =>
        new(Options.Create(new SlackOptions { SigningSecret = secret, BotToken = "xoxb-1" }), new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(unixSeconds)));

    [Fact]
    public void The_documented_example_is_accepted_at_its_own_time()
    {
        Assert.Null(At(1531420618).Refusal(Timestamp, Signature, Body));
    }

    [Theory]
    [InlineData(299, true)]
    [InlineData(300, true)]
    [InlineData(301, false)]
    [InlineData(-301, false)]
    [InlineData(-299, true)]
    public void A_timestamp_more_than_five_minutes_from_now_either_way_is_a_replay(int secondsLater, bool accepted)
    {
        var refusal = At(1531420618 + secondsLater).Refusal(Timestamp, Signature, Body);

        Assert.Equal(accepted, refusal is null);
        if (!accepted)
            Assert.Contains("timestamp", refusal, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, Signature)]
    [InlineData(Timestamp, null)]
    [InlineData(Timestamp, "")]
    [InlineData(Timestamp, "a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503")]
    [InlineData(Timestamp, "v1=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503")]
    [InlineData(Timestamp, "v0=zz114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503")]
    [InlineData(Timestamp, "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b50")]
    [InlineData(Timestamp, "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b504")]
    [InlineData("1531420618.5", Signature)]
    [InlineData("-1531420618", Signature)]
    public void Missing_malformed_or_wrong_signatures_are_refused(string? timestamp, string? signature)
    {
        Assert.NotNull(At(1531420618).Refusal(timestamp, signature, Body));
    }

    [Fact]
    public void Another_secret_or_one_changed_byte_is_refused()
    {
        Assert.NotNull(At(1531420618, "8f742231b10e8888abcd99yyyzzz85a6").Refusal(Timestamp, Signature, Body));
        var changed = (byte[])Body.Clone();
        changed[^1] ^= 1;
        Assert.NotNull(At(1531420618).Refusal(Timestamp, Signature, changed));
        // The timestamp is signed too.
        Assert.NotNull(At(1531420619).Refusal("1531420619", Signature, Body));
    }
}
