using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Newtonsoft.Json.Linq;

namespace CertTrustBot.Tests.Http;

/// <summary>
/// Plays the channel's connector service at the activity's serviceUrl: captures what the CloudAdapter POSTs to
/// /v3/conversations/{id}/activities[/{replyToId}] and answers like the service does ({"id": ...}).
/// </summary>
public sealed class LoopbackChannel : LoopbackServer
{
    private readonly ConcurrentQueue<CapturedActivity> _captured = new();
    private int _nextId;

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

    public IReadOnlyList<CapturedActivity> All => [.. _captured];

    /// <summary>Everything sent to one conversation so far, in order.</summary>
    public IReadOnlyList<CapturedActivity> For(string conversationId) => [.. _captured.Where(c => c.ConversationId == conversationId)];

    protected override void Map(WebApplication app)
    {
        app.MapPost("/v3/conversations/{conversationId}/activities/{replyToId?}", async (HttpContext context) =>
        {
            // Conversation ids are URL-encoded in the path (a:1 -> a%3A1): decode before matching.
            var conversationId = Uri.UnescapeDataString((string)context.Request.RouteValues["conversationId"]!);
            var replyToId = context.Request.RouteValues["replyToId"] is string r ? Uri.UnescapeDataString(r) : null;
            using var reader = new StreamReader(context.Request.Body);
            var activity = JObject.Parse(await reader.ReadToEndAsync());
            _captured.Enqueue(new CapturedActivity(conversationId, replyToId, activity));
            return Results.Json(new { id = $"reply-{Interlocked.Increment(ref _nextId)}" });
        });
        app.MapPut("/v3/conversations/{conversationId}/activities/{activityId}", (string activityId) => Results.Json(new { id = activityId }));
    }
}
