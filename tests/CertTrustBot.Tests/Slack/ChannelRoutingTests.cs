using CertTrustBot.Conversation;
using CertTrustBot.Messaging;
using CertTrustBot.Slack;
using CertTrustBot.Staff;

namespace CertTrustBot.Tests.Slack;

/// <summary>Who is reached where: each customer in their case's channel, staff in the configured one.</summary>
public sealed class ChannelRoutingTests
{
    private const string TeamsReference = """{"conversation":{"id":"a:1"},"serviceUrl":"https://smba.trafficmanager.net/emea/"}""";
    private static readonly string SlackReferenceText = new SlackReference("T0CUSTOM01", "D0ADA0001", "U0ADA0001").ToString();

    [Fact]
    public async Task Customers_are_reached_in_their_own_channel_whoever_hosts_the_staff()
    {
        foreach (var slackHostsStaff in new[] { false, true })
        {
            var (teams, slack, router) = Router(slackHostsStaff);

            await router.SendToCustomerAsync(TeamsReference, new TextReply("to Teams"), CancellationToken.None);
            await router.SendToCustomerAsync(SlackReferenceText, new TextReply("to Slack"), CancellationToken.None);

            Assert.Equal(["to Teams"], teams.Sent);
            Assert.Equal(["to Slack"], slack.Sent);
        }
    }

    [Fact]
    public async Task Staff_are_reached_in_the_configured_channel_and_their_posts_updated_there()
    {
        var (teams, slack, router) = Router(slackHostsStaff: true);
        var posted = await router.PostToStaffAsync(new TextReply("case"), CancellationToken.None);
        await router.UpdatePostAsync(posted!, new TextReply("updated"), CancellationToken.None);

        Assert.Equal(["post:case", "update:updated"], slack.Sent);
        Assert.Empty(teams.Sent);

        (teams, slack, router) = Router(slackHostsStaff: false);
        posted = await router.PostToStaffAsync(new TextReply("case"), CancellationToken.None);
        await router.ReplyToPostAsync(posted!, new TextReply("answer"), CancellationToken.None);

        Assert.Equal(["post:case", "reply:answer"], teams.Sent);
        Assert.Empty(slack.Sent);
    }

    [Fact]
    public void Slack_staff_must_be_listed_of_the_staff_workspace_and_in_the_staff_channel()
    {
        var options = new SlackOptions { SigningSecret = "s", BotToken = "xoxb-1", StaffChannelId = "C0STAFF001", StaffUserIds = ["U0GRACE001"] };
        var app = new SlackIdentity("U0BOTUSER1", "T0STAFF001", "B1");
        Staffer Who(string user, string team) => new(user, "someone", null, team, team, ChatKind.Channel);

        Assert.Null(SlackStaffRules.Authorize(Who("U0GRACE001", "T0STAFF001"), "C0STAFF001", options, app));
        Assert.Contains("Only the support staff", SlackStaffRules.Authorize(Who("U0MALLORY1", "T0STAFF001"), "C0STAFF001", options, app)!.Message, StringComparison.Ordinal);
        // The same user id from another workspace (Slack user ids are not unique across organisations).
        Assert.Contains("another workspace", SlackStaffRules.Authorize(Who("U0GRACE001", "T0OTHER001"), "C0STAFF001", options, app)!.Message, StringComparison.Ordinal);
        Assert.Contains("staff channel", SlackStaffRules.Authorize(Who("U0GRACE001", "T0STAFF001"), "C0ELSEWHERE", options, app)!.Message, StringComparison.Ordinal);
        // Slack:StaffTeamId names another staff workspace than the app's own.
        options.StaffTeamId = "T0OTHER001";
        Assert.Null(SlackStaffRules.Authorize(Who("U0GRACE001", "T0OTHER001"), "C0STAFF001", options, app));
        Assert.NotNull(SlackStaffRules.Authorize(Who("U0GRACE001", "T0STAFF001"), "C0STAFF001", options, app));
    }

    private static (Recorder Teams, Recorder Slack, ChannelRouter Router) Router(bool slackHostsStaff)
    {
        var teams = new Recorder("teams:", hostsStaff: false);
        var slack = new Recorder(SlackReference.Prefix, slackHostsStaff);
        return (teams, slack, new ChannelRouter(teams, [slack]));
    }

    private sealed class Recorder(string prefix, bool hostsStaff) : IChannelEdgeMessenger
    {
        public List<string> Sent { get; } = [];

        public bool HostsStaff => hostsStaff;

        public bool OwnsReference(string reference) => reference.StartsWith(prefix, StringComparison.Ordinal);

        public Task<PostedMessage?> PostToStaffAsync(Reply card, CancellationToken cancellationToken)
        {
            Sent.Add("post:" + ((TextReply)card).Text);
            return Task.FromResult<PostedMessage?>(new PostedMessage(prefix + "{\"thread\":1}", "1"));
        }

        public Task UpdatePostAsync(PostedMessage post, Reply card, CancellationToken cancellationToken)
        {
            Sent.Add("update:" + ((TextReply)card).Text);
            return Task.CompletedTask;
        }

        public Task ReplyToPostAsync(PostedMessage post, Reply reply, CancellationToken cancellationToken)
        {
            Sent.Add("reply:" + ((TextReply)reply).Text);
            return Task.CompletedTask;
        }

        public Task SendToCustomerAsync(string conversationReference, Reply reply, CancellationToken cancellationToken)
        {
            Sent.Add(((TextReply)reply).Text);
            return Task.CompletedTask;
        }
    }
}
