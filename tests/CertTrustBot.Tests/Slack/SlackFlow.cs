using System.Net;
using System.Text.Json.Nodes;
using CertTrustBot.Tests.Http;

namespace CertTrustBot.Tests.Slack;

/// <summary>Steps of the Slack conversation that several tests start from.</summary>
internal static class SlackFlow
{
    /// <summary>A file shared in the DM, the picker's Continue with <paramref name="environments"/>, then Confirm: the case number.</summary>
    public static async Task<(string CaseNumber, SlackCall Confirmation, string ConfirmationTs)> FileCaseAsync(FakeSlack fake, SlackSender slack, SlackUser user, params string[] environments)
    {
        var url = fake.ServeFile(user.TeamId, "root.cer", TestCertificates.RootDer);
        Assert.Equal(HttpStatusCode.OK, (await slack.EventAsync(user.FileShare("root.cer", url))).StatusCode);

        var picker = await fake.WaitForAsync(c => c.Method == "chat.postMessage" && c.Channel == user.DirectMessage && c.Blocks.OfType<JsonObject>().Any(b => (string?)b["block_id"] == "environments"), "the picker");
        var select = picker.Blocks.OfType<JsonObject>().Single(b => (string?)b["block_id"] == "environments")["element"]!;
        Assert.Equal("multi_static_select", (string?)select["type"]);
        Assert.Contains(fake.Calls, c => c.Method == "chat.postMessage" && c.Channel == user.DirectMessage && c.AllText.Contains("CN=Contoso Test Root CA", StringComparison.Ordinal));

        var before = fake.Calls.Count;
        await slack.InteractionAsync(user.Press(picker, TsOf(picker), "button-environments", new Dictionary<string, object> { ["environments"] = environments }));
        var confirmation = await fake.WaitForAsync(c => c.Method == "chat.postMessage" && c.Channel == user.DirectMessage && c.Blocks.OfType<JsonObject>().Any(b => (string?)b["block_id"] == "confirmation-actions"), "the confirmation", skip: before);
        Assert.Contains(string.Join(", ", environments), confirmation.AllText, StringComparison.Ordinal);

        before = fake.Calls.Count;
        var confirmationTs = TsOf(confirmation);
        await slack.InteractionAsync(user.Press(confirmation, confirmationTs, "button-confirm"));
        var receipt = await fake.WaitForAsync(c => c.Method == "chat.postMessage" && c.Channel == user.DirectMessage && c.AllText.Contains("opened", StringComparison.Ordinal), "the receipt", skip: before);
        var caseNumber = System.Text.RegularExpressions.Regex.Match(receipt.AllText, @"CT-\d+").Value;
        Assert.NotEmpty(caseNumber);
        return (caseNumber, confirmation, confirmationTs);
    }

    public static string TsOf(SlackCall posted) => posted.Ts ?? throw new InvalidOperationException("Not a posted message.");
}
