using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Newtonsoft.Json.Linq;

namespace CertTrustBot.Tests.Http;

/// <summary>
/// Plays the channel's connector service at the activity's serviceUrl: captures what the CloudAdapter POSTs to
/// /v3/conversations/{id}/activities[/{replyToId}] and answers like the service does ({"id": ...}); captures the
/// updates it PUTs to /v3/conversations/{id}/activities/{activityId}, and the conversations it creates with
/// POST /v3/conversations (a new thread in a Teams channel answers {"id": "{channel};messageid={n}", "activityId": n}).
/// A conversation can be made to fail (HTTP 500), as the service does when it is down.
/// </summary>
public sealed class LoopbackChannel : LoopbackServer
{
    private readonly ConcurrentQueue<CapturedActivity> _captured = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<CapturedActivity>> _byConversation = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<CapturedActivity> _updates = new();
    private readonly ConcurrentQueue<CreatedConversation> _created = new();
    private readonly ConcurrentDictionary<string, int> _failing = new(StringComparer.Ordinal);
    private int _nextId;
    private int _createdCount;

    public sealed record CapturedActivity(string ConversationId, string? ReplyToId, JObject Activity)
    {
        public string? Text => (string?)Activity["text"];

        /// <summary>The Adaptive Cards of this activity (the attachments' content).</summary>
        public IReadOnlyList<JObject> Cards => Activity["attachments"] is JArray attachments
            ? [.. attachments.OfType<JObject>()
                .Where(a => (string?)a["contentType"] == "application/vnd.microsoft.card.adaptive")
                .Select(a => (JObject)a["content"]!)]
            : [];
    }

    /// <summary>A conversation the bot created: the parameters it sent, and the ids it was given.</summary>
    public sealed record CreatedConversation(JObject Parameters, string ConversationId, string ActivityId)
    {
        /// <summary>The first message of the new conversation, as a captured activity.</summary>
        public CapturedActivity Message => new(ConversationId, null, (JObject)Parameters["activity"]!);

        public string? ChannelId => (string?)Parameters["channelData"]?["channel"]?["id"];
    }

    public IReadOnlyList<CapturedActivity> All => [.. _captured];

    /// <summary>Every PUT of an activity, in order (ConversationId and the activity id in ReplyToId).</summary>
    public IReadOnlyList<CapturedActivity> Updates => [.. _updates];

    public IReadOnlyList<CreatedConversation> Created => [.. _created];

    /// <summary>Everything sent to one conversation so far, in order.</summary>
    public IReadOnlyList<CapturedActivity> For(string conversationId) =>
        _byConversation.TryGetValue(conversationId, out var captured) ? [.. captured] : [];

    /// <summary>
    /// False for a long load run: activities are kept only per conversation until <see cref="Forget"/>, and created
    /// conversations and updates are counted (<see cref="CreatedCount"/>) but not kept, so the run's own memory stays flat.
    /// </summary>
    public bool KeepAll { get; set; } = true;

    /// <summary>How many conversations the bot created (new staff threads), kept or not.</summary>
    public int CreatedCount => Volatile.Read(ref _createdCount);

    /// <summary>Drops what was captured for a finished conversation (with <see cref="KeepAll"/> false).</summary>
    public void Forget(string conversationId) => _byConversation.TryRemove(conversationId, out _);

    /// <summary>Answers 500 to everything sent to this conversation until <see cref="Heal"/>; counts the refusals.</summary>
    public void Fail(string conversationId) => _failing[conversationId] = 0;

    /// <summary>How many requests to the conversation were refused so far.</summary>
    public int Refused(string conversationId) => _failing.TryGetValue(conversationId, out var count) ? count : 0;

    public void Heal(string conversationId) => _failing.TryRemove(conversationId, out _);

    private bool Failing(string conversationId)
    {
        if (!_failing.ContainsKey(conversationId))
            return false;
        _failing.AddOrUpdate(conversationId, 1, (_, n) => n + 1);
        return true;
    }

    protected override void Map(WebApplication app)
    {
        app.MapPost("/v3/conversations", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var parameters = JObject.Parse(await reader.ReadToEndAsync());
            var channel = (string?)parameters["channelData"]?["channel"]?["id"] ?? "unknown";
            if (Failing(channel))
                return Results.StatusCode(StatusCodes.Status500InternalServerError);
            var activityId = $"17329{Interlocked.Increment(ref _nextId):D8}";
            var created = new CreatedConversation(parameters, $"{channel};messageid={activityId}", activityId);
            Interlocked.Increment(ref _createdCount);
            if (KeepAll)
                _created.Enqueue(created);
            return Results.Json(new { id = created.ConversationId, activityId });
        });
        app.MapPost("/v3/conversations/{conversationId}/activities/{replyToId?}", async (HttpContext context) =>
        {
            // Conversation ids are URL-encoded in the path (a:1 -> a%3A1): decode before matching.
            var conversationId = Uri.UnescapeDataString((string)context.Request.RouteValues["conversationId"]!);
            var replyToId = context.Request.RouteValues["replyToId"] is string r ? Uri.UnescapeDataString(r) : null;
            using var reader = new StreamReader(context.Request.Body);
            var activity = JObject.Parse(await reader.ReadToEndAsync());
            if (Failing(conversationId))
                return Results.StatusCode(StatusCodes.Status500InternalServerError);
            var captured = new CapturedActivity(conversationId, replyToId, activity);
            if (KeepAll)
                _captured.Enqueue(captured);
            _byConversation.GetOrAdd(conversationId, _ => new ConcurrentQueue<CapturedActivity>()).Enqueue(captured);
            return Results.Json(new { id = $"reply-{Interlocked.Increment(ref _nextId)}" });
        });
        app.MapPut("/v3/conversations/{conversationId}/activities/{activityId}", async (HttpContext context) =>
        {
            var conversationId = Uri.UnescapeDataString((string)context.Request.RouteValues["conversationId"]!);
            var activityId = Uri.UnescapeDataString((string)context.Request.RouteValues["activityId"]!);
            using var reader = new StreamReader(context.Request.Body);
            var activity = JObject.Parse(await reader.ReadToEndAsync());
            if (Failing(conversationId))
                return Results.StatusCode(StatusCodes.Status500InternalServerError);
            if (KeepAll)
                _updates.Enqueue(new CapturedActivity(conversationId, activityId, activity));
            return Results.Json(new { id = activityId });
        });
    }
}
