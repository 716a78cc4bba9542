using System.Text.Json;

namespace CertTrustBot.Slack;

/// <summary>
/// How the Slack app names a conversation (a DM with a customer, the staff channel) in the opaque references the case
/// and the pipeline keep: <c>slack:</c> and a small JSON object. The prefix tells the channel router it is Slack's.
/// </summary>
/// <param name="Team">The workspace (the customer's tenant).</param>
/// <param name="Channel">The DM or channel id (D…, C…).</param>
/// <param name="User">The customer (U…); null for the staff channel.</param>
public sealed record SlackReference(string Team, string Channel, string? User)
{
    public const string Prefix = "slack:";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static bool IsSlack(string? reference) => reference?.StartsWith(Prefix, StringComparison.Ordinal) == true;

    public static SlackReference Parse(string reference)
    {
        if (!IsSlack(reference))
            throw new InvalidDataException("Not a Slack conversation reference.");
        return JsonSerializer.Deserialize<SlackReference>(reference.AsSpan(Prefix.Length), Json) is { Team.Length: > 0, Channel.Length: > 0 } parsed
            ? parsed
            : throw new InvalidDataException("A Slack conversation reference without team or channel.");
    }

    public override string ToString() => Prefix + JsonSerializer.Serialize(this, Json);

    /// <summary>The conversation's key in the state store: one state per workspace and DM.</summary>
    public string ConversationKey => $"slack/{Team}/{Channel}";
}
