using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using CertTrustBot.Tests.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace CertTrustBot.Tests.Slack;

/// <summary>
/// A loopback "Slack": the Web API methods the app calls (<c>POST /api/{method}</c> with a Bearer token, JSON bodies,
/// answers shaped as Slack's, <c>ok: false</c> with <c>invalid_auth</c> for a wrong token), and private file downloads
/// (<c>/files-pri/…/download/{name}</c>), which answer Slack's sign-in HTML page without the right token. Every call
/// is recorded.
/// </summary>
public sealed class FakeSlack : LoopbackServer
{
    public const string Token = "xoxb-1000000001-2000000002-FakeSlackBotToken";
    public const string TeamId = "T0STAFF001";
    public const string BotUserId = "U0BOTUSER1";
    public const string BotId = "B0CERTBOT1";

    private readonly ConcurrentQueue<SlackCall> _calls = new();
    private readonly ConcurrentDictionary<string, byte[]> _files = new();
    private long _ts;

    /// <summary>The token private files need; default the bot's. Another value plays "the app's token is wrong or lacks files:read".</summary>
    public string FileToken { get; set; } = Token;

    /// <summary>When set, every chat.postMessage is recorded at once but answered only when this completes.</summary>
    public TaskCompletionSource? HoldPosts { get; set; }

    public IReadOnlyList<SlackCall> Calls => [.. _calls];

    /// <summary>chat.update answers <c>message_not_found</c> (the message was deleted), as Slack does.</summary>
    public bool RefuseUpdates { get; set; }

    public Uri ApiBaseUrl => new(BaseAddress, "api/");

    /// <summary>Serves a file as Slack would (url_private_download), for the right token only.</summary>
    public Uri ServeFile(string team, string name, byte[] content)
    {
        var key = $"{team}-F{Guid.NewGuid():N}"[..24];
        _files[key] = content;
        return new Uri(BaseAddress, $"files-pri/{key}/download/{Uri.EscapeDataString(name)}");
    }

    /// <summary>Waits until a call matching <paramref name="match"/> has been recorded (after <paramref name="skip"/> calls).</summary>
    public async Task<SlackCall> WaitForAsync(Func<SlackCall, bool> match, string what, int skip = 0)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            if (Calls.Skip(skip).FirstOrDefault(match) is { } call)
                return call;
            await Task.Delay(25);
        }

        throw new TimeoutException($"Slack never saw {what}. Calls: {string.Join(", ", Calls.Select(c => c.Method))}");
    }

    protected override void Map(WebApplication app)
    {
        app.MapPost("/api/{method}", async (HttpContext context, string method) =>
        {
            var body = await new StreamReader(context.Request.Body).ReadToEndAsync();
            var json = body.Length == 0 ? [] : JsonNode.Parse(body) as JsonObject ?? [];
            var call = new SlackCall(method, json, context.Request.Headers.Authorization.ToString()) { Ts = method == "chat.postMessage" ? NextTs() : null };
            _calls.Enqueue(call);
            if (call.Authorization != $"Bearer {Token}")
                return Results.Json(new { ok = false, error = "invalid_auth" });
            if (method == "chat.postMessage" && HoldPosts is { } hold)
                await hold.Task;
            return method switch
            {
                "auth.test" => Results.Json(new { ok = true, url = "https://contoso-support.slack.com/", team = "Contoso Support", user = "certtrust", team_id = TeamId, user_id = BotUserId, bot_id = BotId, is_enterprise_install = false }),
                "chat.postMessage" => PostMessage(json, call.Ts!),
                "chat.update" when RefuseUpdates => Results.Json(new { ok = false, error = "message_not_found" }),
                "chat.update" => Results.Json(new { ok = true, channel = (string?)json["channel"], ts = (string?)json["ts"], text = (string?)json["text"] }),
                "chat.postEphemeral" => Results.Json(new { ok = true, message_ts = NextTs() }),
                "conversations.open" => Results.Json(new { ok = true, no_op = true, already_open = true, channel = new { id = DirectMessageOf((string?)json["users"] ?? "") } }),
                _ => Results.Json(new { ok = false, error = "unknown_method" }),
            };
        });

        app.MapGet("/files-pri/{key}/download/{name}", (HttpContext context, string key) =>
        {
            _calls.Enqueue(new SlackCall("file", new JsonObject { ["key"] = key }, context.Request.Headers.Authorization.ToString()));
            if (context.Request.Headers.Authorization.ToString() != $"Bearer {FileToken}" || !_files.TryGetValue(key, out var content))
            {
                // What Slack really answers: 200 and its sign-in page.
                return Results.Content("<!DOCTYPE html><html lang=\"en-US\"><head><title>Slack</title></head><body>Sign in to Slack</body></html>", "text/html; charset=utf-8");
            }

            return Results.Bytes(content, "application/x-x509-ca-cert");
        });
    }

    /// <summary>The DM channel this fake gives for a user.</summary>
    public static string DirectMessageOf(string user) => "D" + user[1..];

    private static IResult PostMessage(JsonObject json, string ts)
    {
        return Results.Json(new JsonObject
        {
            ["ok"] = true,
            ["channel"] = (string?)json["channel"],
            ["ts"] = ts,
            ["message"] = new JsonObject
            {
                ["type"] = "message",
                ["user"] = BotUserId,
                ["bot_id"] = BotId,
                ["app_id"] = "A0CERTAPP1",
                ["text"] = (string?)json["text"],
                ["ts"] = ts,
                ["team"] = TeamId,
                ["blocks"] = json["blocks"]?.DeepClone(),
            },
        });
    }

    private string NextTs() => string.Create(CultureInfo.InvariantCulture, $"1733000000.{Interlocked.Increment(ref _ts):D6}");
}

/// <summary>One call the app made to the fake Slack.</summary>
public sealed class SlackCall(string Method, JsonObject Body, string Authorization)
{
    public string Method { get; } = Method;

    public JsonObject Body { get; } = Body;

    public string Authorization { get; } = Authorization;

    /// <summary>The ts the fake gave a posted message.</summary>
    public string? Ts { get; init; }

    public string? Channel => (string?)Body["channel"];

    /// <summary>Every text in the call (its text and all its blocks' texts), for assertions on what was said.</summary>
    public string AllText => string.Join("\n", Texts(Body));

    public JsonArray Blocks => Body["blocks"] as JsonArray ?? [];

    private static IEnumerable<string> Texts(JsonNode? node) => node switch
    {
        JsonObject o => o.SelectMany(p => p.Key == "text" && p.Value is JsonValue v && v.TryGetValue<string>(out var s) ? [s] : Texts(p.Value)),
        JsonArray a => a.SelectMany(Texts),
        _ => [],
    };
}
