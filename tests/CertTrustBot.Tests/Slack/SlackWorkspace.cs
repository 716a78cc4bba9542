using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using CertTrustBot.Tests.Http;

namespace CertTrustBot.Tests.Slack;

/// <summary>
/// Slack's side of the app's endpoints: signs each request as Slack does (v0, HMAC-SHA256 of
/// <c>v0:{timestamp}:{body}</c> with the signing secret) and builds the real payload shapes: Events API envelopes,
/// block_actions interactions (form field <c>payload</c>), slash commands (form).
/// </summary>
public sealed class SlackSender(BotApp bot, string signingSecret)
{
    private readonly HttpClient _client = bot.CreateClient();

    public Task<HttpResponseMessage> EventAsync(JsonObject envelope, int? retry = null) =>
        SendAsync("/api/slack/events", envelope.ToJsonString(), "application/json", retry);

    public Task<HttpResponseMessage> InteractionAsync(JsonObject payload) =>
        SendAsync("/api/slack/interactions", "payload=" + Uri.EscapeDataString(payload.ToJsonString()), "application/x-www-form-urlencoded");

    public Task<HttpResponseMessage> CommandAsync(SlackUser user, string text, string? channel = null) =>
        SendAsync("/api/slack/commands", string.Join("&", new Dictionary<string, string>
        {
            ["token"] = "gIkuvaNzQIHg97ATvDxqgjtO",
            ["team_id"] = user.TeamId,
            ["team_domain"] = "contoso",
            ["channel_id"] = channel ?? user.DirectMessage,
            ["channel_name"] = channel is null ? "directmessage" : "cert-support",
            ["user_id"] = user.UserId,
            ["user_name"] = user.Name,
            ["command"] = "/certtrust",
            ["text"] = text,
            ["api_app_id"] = "A0CERTAPP1",
            ["response_url"] = $"https://hooks.slack.com/commands/{user.TeamId}/1/x",
            ["trigger_id"] = TriggerId(),
        }.Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value)}")), "application/x-www-form-urlencoded");

    /// <summary>Posts a body with the signature headers made with <paramref name="secret"/> (default: the app's) at <paramref name="timestamp"/>.</summary>
    public async Task<HttpResponseMessage> SendAsync(
        string path, string body, string contentType, int? retry = null, string? secret = null, long? timestamp = null, Func<string, string>? tamper = null, bool sign = true)
    {
        var ts = (timestamp ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds()).ToString(CultureInfo.InvariantCulture);
        var signature = "v0=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret ?? signingSecret), Encoding.UTF8.GetBytes($"v0:{ts}:{body}")));
        using var content = new StringContent(tamper is null ? body : tamper(body), Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative)) { Content = content };
        if (sign)
        {
            request.Headers.Add("X-Slack-Request-Timestamp", ts);
            request.Headers.Add("X-Slack-Signature", signature);
        }
        if (retry is { } n)
        {
            request.Headers.Add("X-Slack-Retry-Num", n.ToString(CultureInfo.InvariantCulture));
            request.Headers.Add("X-Slack-Retry-Reason", "http_timeout");
        }

        return await _client.SendAsync(request);
    }

    public static string TriggerId() => $"{Random.Shared.NextInt64(100000000000, 999999999999)}.4744562912.{Guid.NewGuid():N}";
}

/// <summary>A Slack user of a workspace, writing to the app in their DM with it.</summary>
public sealed record SlackUser(string TeamId, string UserId, string Name)
{
    public string DirectMessage => FakeSlack.DirectMessageOf(UserId);

    public static SlackUser New(string teamId, string name) => new(teamId, "U" + Guid.NewGuid().ToString("N")[..9].ToUpperInvariant(), name);

    /// <summary>A message event in the DM (Events API envelope, event <c>message</c>, <c>channel_type: im</c>).</summary>
    public JsonObject Message(string text, string? eventId = null) => Envelope(new JsonObject
    {
        ["type"] = "message",
        ["client_msg_id"] = Guid.NewGuid().ToString(),
        ["text"] = text,
        ["user"] = UserId,
        ["ts"] = Ts(),
        ["team"] = TeamId,
        ["channel"] = DirectMessage,
        ["event_ts"] = Ts(),
        ["channel_type"] = "im",
        ["user_profile"] = new JsonObject { ["avatar_hash"] = "g1a2b3c4d5e6", ["first_name"] = Name, ["real_name"] = Name, ["display_name"] = Name, ["team"] = TeamId, ["name"] = Name, ["is_restricted"] = false, ["is_ultra_restricted"] = false },
    }, eventId);

    /// <summary>A file shared in the DM: subtype <c>file_share</c> with <c>files[]</c>.</summary>
    public JsonObject FileShare(string name, Uri download) => Envelope(new JsonObject
    {
        ["type"] = "message",
        ["subtype"] = "file_share",
        ["text"] = "",
        ["files"] = new JsonArray(new JsonObject
        {
            ["id"] = "F0" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant(),
            ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["name"] = name,
            ["title"] = name,
            ["mimetype"] = "application/x-x509-ca-cert",
            ["filetype"] = "binary",
            ["user"] = UserId,
            ["user_team"] = TeamId,
            ["size"] = 1234,
            ["mode"] = "hosted",
            ["is_external"] = false,
            ["url_private"] = download.ToString().Replace("/download/", "/", StringComparison.Ordinal),
            ["url_private_download"] = download.ToString(),
            ["permalink"] = $"https://contoso.slack.com/files/{UserId}/F0/{name}",
        }),
        ["upload"] = false,
        ["user"] = UserId,
        ["display_as_bot"] = false,
        ["ts"] = Ts(),
        ["channel"] = DirectMessage,
        ["event_ts"] = Ts(),
        ["channel_type"] = "im",
    });

    /// <summary>
    /// A press of <paramref name="actionId"/> on a message the app posted, as Slack sends it: <c>state.values</c>
    /// holds every input of the message (what <paramref name="inputs"/> sets, else its initial value), by block and action id.
    /// </summary>
    public JsonObject Press(SlackCall posted, string postedTs, string actionId, IReadOnlyDictionary<string, object>? inputs = null, string? channel = null)
    {
        var blocks = posted.Blocks;
        var values = new JsonObject();
        foreach (var block in blocks.OfType<JsonObject>().Where(b => (string?)b["type"] == "input"))
        {
            var element = (JsonObject)block["element"]!;
            var id = (string)element["action_id"]!;
            var type = (string)element["type"]!;
            var state = new JsonObject { ["type"] = type };
            object? given = null;
            inputs?.TryGetValue(id, out given);
            if (type is "multi_static_select" or "checkboxes")
            {
                var options = (JsonArray)element["options"]!;
                state["selected_options"] = given is string[] chosen
                    ? new JsonArray([.. options.OfType<JsonObject>().Where(o => chosen.Contains((string?)o["value"])).Select(o => o.DeepClone())])
                    : element["initial_options"]?.DeepClone() ?? new JsonArray();
            }
            else
            {
                state["value"] = given is string text ? text : (string?)element["initial_value"];
            }

            values[(string)block["block_id"]!] = new JsonObject { [id] = state };
        }

        var button = blocks.OfType<JsonObject>().Where(b => (string?)b["type"] == "actions")
            .SelectMany(b => ((JsonArray)b["elements"]!).OfType<JsonObject>().Select(e => (Block: b, Element: e)))
            .Single(x => (string?)x.Element["action_id"] == actionId);
        var where = channel ?? posted.Channel!;
        return new JsonObject
        {
            ["type"] = "block_actions",
            ["user"] = new JsonObject { ["id"] = UserId, ["username"] = Name, ["name"] = Name, ["team_id"] = TeamId },
            ["api_app_id"] = "A0CERTAPP1",
            ["token"] = "gIkuvaNzQIHg97ATvDxqgjtO",
            ["container"] = new JsonObject { ["type"] = "message", ["message_ts"] = postedTs, ["channel_id"] = where, ["is_ephemeral"] = false },
            ["trigger_id"] = SlackSender.TriggerId(),
            ["team"] = new JsonObject { ["id"] = TeamId, ["domain"] = "contoso" },
            ["enterprise"] = null,
            ["is_enterprise_install"] = false,
            ["channel"] = new JsonObject { ["id"] = where, ["name"] = where.StartsWith('D') ? "directmessage" : "cert-support" },
            ["message"] = new JsonObject
            {
                ["type"] = "message",
                ["user"] = FakeSlack.BotUserId,
                ["bot_id"] = FakeSlack.BotId,
                ["text"] = (string?)posted.Body["text"],
                ["ts"] = postedTs,
                ["blocks"] = blocks.DeepClone(),
            },
            ["state"] = new JsonObject { ["values"] = values },
            ["response_url"] = $"https://hooks.slack.com/actions/{TeamId}/1/x",
            ["actions"] = new JsonArray(new JsonObject
            {
                ["action_id"] = actionId,
                ["block_id"] = (string?)button.Block["block_id"],
                ["text"] = button.Element["text"]!.DeepClone(),
                ["value"] = (string?)button.Element["value"],
                ["style"] = (string?)button.Element["style"],
                ["type"] = "button",
                ["action_ts"] = Ts(),
            }),
        };
    }

    private JsonObject Envelope(JsonObject message, string? eventId = null) => new()
    {
        ["token"] = "gIkuvaNzQIHg97ATvDxqgjtO",
        ["team_id"] = TeamId,
        ["context_team_id"] = TeamId,
        ["api_app_id"] = "A0CERTAPP1",
        ["event"] = message,
        ["type"] = "event_callback",
        ["event_id"] = eventId ?? "Ev0" + Guid.NewGuid().ToString("N")[..9].ToUpperInvariant(),
        ["event_time"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        ["authorizations"] = new JsonArray(new JsonObject { ["team_id"] = TeamId, ["user_id"] = FakeSlack.BotUserId, ["is_bot"] = true, ["is_enterprise_install"] = false }),
        ["is_ext_shared_channel"] = false,
        ["event_context"] = "4-eyJldCI6Im1lc3NhZ2UifQ",
    };

    private static string Ts() => string.Create(CultureInfo.InvariantCulture, $"{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}.{Random.Shared.Next(0, 999999):D6}");
}
