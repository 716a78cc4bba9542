using Microsoft.Bot.Builder;
using Microsoft.Bot.Builder.Adapters;
namespace CertTrustBot.Tests;
public class SmokeTests
{
    [Fact]
    public async Task TestAdapter_runs_without_AdaptiveCards()
    {
        var adapter = new TestAdapter();
        await new TestFlow(adapter, async (ctx, ct) => await ctx.SendActivityAsync("echo " + ctx.Activity.Text, cancellationToken: ct))
            .Send("hi").AssertReply("echo hi").StartTestAsync();
    }
}
