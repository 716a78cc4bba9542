using Newtonsoft.Json.Linq;

namespace CertTrustBot.Tests.Http;

/// <summary>
/// The support staff's Teams team, as Teams talks to the bot from it: the bot installed in the team (a
/// conversationUpdate in the General channel), and clicks on a case card: Action.Execute as an
/// <c>adaptiveCard/action</c> invoke, or Action.Submit as a message whose value is the data merged with the inputs.
/// </summary>
public sealed class StaffTeam(LoopbackChannel channel)
{
    public string TeamId { get; } = $"19:{Guid.NewGuid():N}@thread.tacv2";

    /// <summary>A person in the staff team: their AAD object id is listed in SupportDesk:StaffMembers, or not.</summary>
    public sealed record Person(string Name, string AadObjectId)
    {
        public string UserId => $"29:1{AadObjectId[..8]}-staff";
    }

    public Person Member { get; } = new("Grace Hopper", Guid.NewGuid().ToString());

    public Person Outsider { get; } = new("Mallory Intruder", Guid.NewGuid().ToString());

    private int _activities;

    /// <summary>The configuration that names this team, its tenant and its one staff member, with a fast outbox for tests.</summary>
    public Dictionary<string, string?> Settings(IReadOnlyDictionary<string, string?> storage) => new(BotApp.Settings(storage))
    {
        ["SupportDesk:StaffTeamId"] = TeamId,
        ["SupportDesk:StaffTenantId"] = TeamsChat.TenantId,
        ["SupportDesk:StaffMembers"] = Member.AadObjectId,
        ["SupportDesk:OutboxPollInterval"] = "00:00:00.200",
        ["CaseEvents:PollInterval"] = "00:00:00.200",
        ["SupportDesk:RetryBaseDelay"] = "00:00:00.200",
        ["SupportDesk:RetryMaxDelay"] = "00:00:01",
    };

    public JObject BotInstalled()
    {
        var activity = Activity("conversationUpdate", Member, TeamId);
        activity["membersAdded"] = new JArray(new JObject { ["id"] = TeamsChat.BotId });
        activity["channelData"]!["eventType"] = "teamMemberAdded";
        return activity;
    }

    /// <summary>The case card's Action.Execute with <paramref name="verb"/>, pressed by <paramref name="who"/>, with the card's inputs.</summary>
    public JObject Execute(LoopbackChannel.CreatedConversation thread, JObject card, string verb, Person who, IReadOnlyDictionary<string, string>? inputs = null)
    {
        var activity = Activity("invoke", who, thread.ConversationId);
        activity["name"] = "adaptiveCard/action";
        activity["replyToId"] = thread.ActivityId;
        activity["value"] = new JObject
        {
            ["action"] = new JObject { ["type"] = "Action.Execute", ["verb"] = verb, ["data"] = Data(card, "Action.Execute", verb, inputs) },
            ["trigger"] = "manual",
        };
        return activity;
    }

    /// <summary>The same action sent as Action.Submit (a message with a value), as clients without Universal Actions do.</summary>
    public JObject Submit(LoopbackChannel.CreatedConversation thread, JObject card, string verb, Person who, IReadOnlyDictionary<string, string>? inputs = null)
    {
        var activity = Activity("message", who, thread.ConversationId);
        activity["replyToId"] = thread.ActivityId;
        activity["value"] = Data(card, "Action.Execute", verb, inputs);
        return activity;
    }

    /// <summary>
    /// A message in the team's General channel that @mentions the bot, as Teams delivers it (the mention as
    /// <c>&lt;at&gt;</c> markup in HTML text, with a mention entity): the only way a channel message reaches a bot.
    /// </summary>
    public JObject Mention(Person who, string text, string? teamId = null)
    {
        var activity = Activity("message", who, $"{teamId ?? TeamId};messageid={Interlocked.Increment(ref _activities)}");
        activity["text"] = $"<p><at>CertTrustBot</at> {System.Net.WebUtility.HtmlEncode(text)}</p>";
        activity["textFormat"] = "xml";
        activity["entities"] = new JArray(new JObject
        {
            ["type"] = "mention",
            ["text"] = "<at>CertTrustBot</at>",
            ["mentioned"] = new JObject { ["id"] = TeamsChat.BotId, ["name"] = "CertTrustBot" },
        });
        if (teamId is not null)
            activity["channelData"]!["team"]!["id"] = activity["channelData"]!["channel"]!["id"] = teamId;
        return activity;
    }

    /// <summary>The same activity as if it came from another tenant: Teams names the tenant in conversation.tenantId and channelData.tenant.id.</summary>
    public static JObject FromTenant(JObject activity, string tenantId)
    {
        var moved = (JObject)activity.DeepClone();
        moved["conversation"]!["tenantId"] = tenantId;
        moved["channelData"]!["tenant"]!["id"] = tenantId;
        return moved;
    }

    /// <summary>The same activity as if sent in the person's 1:1 chat with the bot: a personal conversation, no team, no channel.</summary>
    public static JObject FromPersonalChat(JObject activity)
    {
        var moved = (JObject)activity.DeepClone();
        var tenantId = (string?)moved["conversation"]!["tenantId"];
        moved["conversation"] = new JObject
        {
            ["conversationType"] = "personal",
            ["tenantId"] = tenantId,
            ["id"] = $"a:1{Guid.NewGuid():N}Xq-TzV9m3pK",
        };
        moved["channelData"] = new JObject { ["tenant"] = new JObject { ["id"] = tenantId } };
        moved.Remove("replyToId");
        return moved;
    }

    /// <summary>The case card as everyone sees it now: the last update PUT for it, else the card first posted.</summary>
    public JObject CurrentCard(LoopbackChannel.CreatedConversation thread) =>
        channel.Updates.LastOrDefault(u => u.ConversationId == thread.ConversationId && u.ReplyToId == thread.ActivityId)?.Cards.Single()
        ?? thread.Message.Cards.Single();

    private static JObject Data(JObject card, string type, string verb, IReadOnlyDictionary<string, string>? inputs)
    {
        var action = card.Descendants().OfType<JObject>()
            .FirstOrDefault(o => (string?)o["type"] == type && (string?)o["verb"] == verb)
            ?? throw new InvalidOperationException($"The card has no {type} with verb '{verb}':\n{card}");
        var data = (JObject)action["data"]!.DeepClone();
        foreach (var (id, value) in inputs ?? new Dictionary<string, string>())
            data[id] = value;
        return data;
    }

    private JObject Activity(string type, Person from, string conversationId) => new()
    {
        ["type"] = type,
        ["id"] = $"f:{Interlocked.Increment(ref _activities)}{Guid.NewGuid():N}",
        ["timestamp"] = DateTimeOffset.UtcNow.ToString("o"),
        ["serviceUrl"] = channel.BaseAddress.ToString(),
        ["channelId"] = "msteams",
        ["from"] = new JObject { ["id"] = from.UserId, ["name"] = from.Name, ["aadObjectId"] = from.AadObjectId },
        ["conversation"] = new JObject
        {
            ["isGroup"] = true,
            ["conversationType"] = "channel",
            ["tenantId"] = TeamsChat.TenantId,
            ["id"] = conversationId,
        },
        ["recipient"] = new JObject { ["id"] = TeamsChat.BotId, ["name"] = "CertTrustBot" },
        ["channelData"] = new JObject
        {
            ["teamsChannelId"] = TeamId,
            ["teamsTeamId"] = TeamId,
            ["channel"] = new JObject { ["id"] = TeamId },
            ["team"] = new JObject { ["id"] = TeamId, ["name"] = "Support desk" },
            ["tenant"] = new JObject { ["id"] = TeamsChat.TenantId },
        },
        ["locale"] = "en-GB",
    };
}
