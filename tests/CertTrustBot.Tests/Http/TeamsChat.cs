using Newtonsoft.Json.Linq;

namespace CertTrustBot.Tests.Http;

/// <summary>
/// One user's 1:1 chat with the bot in Teams: builds the activities Teams sends (real payload shapes) and reads the
/// bot's replies from the loopback channel.
/// </summary>
public sealed class TeamsChat(LoopbackChannel channel, string conversationType = "personal")
{
    public const string BotId = "28:0c2e9a3e-cert-trust-bot";
    public const string TenantId = "72f988bf-86f1-41af-91ab-2d7cd011db47";

    private int _seen;
    private int _activities;

    public string ConversationId { get; } = conversationType == "personal"
        ? $"a:1{Guid.NewGuid():N}Xq-TzV9m3pK"
        : $"19:{Guid.NewGuid():N}@thread.tacv2;messageid=1732870000000";

    public string UserAadObjectId { get; } = Guid.NewGuid().ToString();

    public string UserId => $"29:1{UserAadObjectId[..8]}-teams-user";

    /// <summary>The replies the bot sent to this chat since the last call.</summary>
    public IReadOnlyList<LoopbackChannel.CapturedActivity> NewReplies()
    {
        var all = channel.For(ConversationId);
        var fresh = all.Skip(_seen).ToList();
        _seen = all.Count;
        return fresh;
    }

    public JObject Message(string text) => Activity("message", text: text);

    /// <summary>A file sent in the 1:1 chat: Teams gives a pre-authenticated downloadUrl, valid for minutes.</summary>
    public JObject File(string name, Uri downloadUrl)
    {
        var extension = Path.GetExtension(name).TrimStart('.');
        var activity = Activity("message", text: "");
        activity["attachments"] = new JArray(
            new JObject
            {
                ["contentType"] = "application/vnd.microsoft.teams.file.download.info",
                ["contentUrl"] = $"https://contoso-my.sharepoint.com/personal/ada_contoso_com/Documents/Microsoft%20Teams%20Chat%20Files/{name}",
                ["name"] = name,
                ["content"] = new JObject
                {
                    ["downloadUrl"] = downloadUrl.ToString(),
                    ["uniqueId"] = Guid.NewGuid().ToString().ToUpperInvariant(),
                    ["fileType"] = extension,
                    ["etag"] = $"{{{Guid.NewGuid().ToString().ToUpperInvariant()}}},1",
                },
            },
            new JObject { ["contentType"] = "text/html", ["content"] = "<div><div></div></div>" });
        return activity;
    }

    /// <summary>A message in a channel or group chat with a file: Teams sends only the HTML, with an attachment tag.</summary>
    public JObject HtmlWithFile(string name)
    {
        var activity = Activity("message", text: $"<at>CertTrustBot</at> here is {name}");
        activity["attachments"] = new JArray(new JObject
        {
            ["contentType"] = "text/html",
            ["content"] = $"<div><div><at id=\"0\">CertTrustBot</at> here is {name}</div><attachment id=\"{Guid.NewGuid()}\"></attachment></div>",
        });
        activity["entities"] = new JArray(new JObject
        {
            ["type"] = "mention",
            ["text"] = "<at>CertTrustBot</at>",
            ["mentioned"] = new JObject { ["id"] = BotId, ["name"] = "CertTrustBot" },
        });
        return activity;
    }

    /// <summary>The bot installed in this chat (Teams sends a conversationUpdate with the bot among membersAdded).</summary>
    public JObject BotInstalled()
    {
        var activity = Activity("conversationUpdate");
        activity["membersAdded"] = new JArray(new JObject { ["id"] = BotId });
        return activity;
    }

    /// <summary>
    /// The user pressed an Action.Submit of a card the bot sent: Teams sends a message whose value is the action's
    /// data merged with the card's inputs (multi-select as one comma-joined string).
    /// </summary>
    public JObject Submit(LoopbackChannel.CapturedActivity cardMessage, string action, IReadOnlyDictionary<string, string>? inputs = null)
    {
        var card = cardMessage.Cards.Single();
        var submit = card.Descendants().OfType<JObject>()
            .FirstOrDefault(o => (string?)o["type"] == "Action.Submit" && (string?)o["data"]?["action"] == action)
            ?? throw new InvalidOperationException($"The card has no Action.Submit with action '{action}':\n{card}");
        var value = (JObject)submit["data"]!.DeepClone();
        foreach (var (id, input) in inputs ?? new Dictionary<string, string>())
            value[id] = input;
        var activity = Activity("message");
        activity["value"] = value;
        activity["replyToId"] = (string?)cardMessage.Activity["id"] ?? "card";
        activity["channelData"]!["source"] = new JObject { ["name"] = "message" };
        return activity;
    }

    private JObject Activity(string type, string? text = null)
    {
        var id = $"17328700{Interlocked.Increment(ref _activities):D5}";
        var activity = new JObject
        {
            ["type"] = type,
            ["id"] = id,
            ["timestamp"] = DateTimeOffset.UtcNow.ToString("o"),
            ["localTimestamp"] = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(1)).ToString("o"),
            ["serviceUrl"] = channel.BaseAddress.ToString(),
            ["channelId"] = "msteams",
            ["from"] = new JObject { ["id"] = UserId, ["name"] = "Ada Lovelace", ["aadObjectId"] = UserAadObjectId },
            ["conversation"] = new JObject
            {
                ["conversationType"] = conversationType,
                ["tenantId"] = TenantId,
                ["id"] = ConversationId,
                ["isGroup"] = conversationType != "personal" ? true : null,
            },
            ["recipient"] = new JObject { ["id"] = BotId, ["name"] = "CertTrustBot" },
            ["entities"] = new JArray(new JObject { ["type"] = "clientInfo", ["locale"] = "en-GB", ["country"] = "GB", ["platform"] = "Web", ["timezone"] = "Europe/London" }),
            ["channelData"] = new JObject { ["tenant"] = new JObject { ["id"] = TenantId } },
            ["locale"] = "en-GB",
        };
        if (text is not null)
        {
            activity["text"] = text;
            activity["textFormat"] = "plain";
        }

        if (conversationType == "channel")
        {
            activity["channelData"]!["teamsChannelId"] = ConversationId.Split(';')[0];
            activity["channelData"]!["channel"] = new JObject { ["id"] = ConversationId.Split(';')[0] };
            activity["channelData"]!["team"] = new JObject { ["id"] = ConversationId.Split(';')[0] };
        }

        return activity;
    }
}
