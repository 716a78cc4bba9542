using CertTrustBot.Conversation;

namespace CertTrustBot.Messaging;

/// <summary>Where a message was posted: the thread's opaque reference and the message's id (to update it).</summary>
public sealed record PostedMessage(string ThreadReference, string MessageId);

/// <summary>
/// How the case-event pipeline reaches people outside a turn, whatever the channel: the one port between the
/// channel-agnostic core and a channel edge (Teams: <c>Bot/TeamsMessenger</c>; a Slack edge would sit beside it).
/// References are the edge's own opaque strings. Every method throws when the channel did not take the message;
/// the pipeline retries.
/// </summary>
public interface IChannelMessenger
{
    /// <summary>Starts a thread in the staff channel with <paramref name="card"/>; null when the staff channel cannot be reached yet.</summary>
    Task<PostedMessage?> PostToStaffAsync(Reply card, CancellationToken cancellationToken);

    /// <summary>Replaces a posted message (for everyone who sees it).</summary>
    Task UpdatePostAsync(PostedMessage post, Reply card, CancellationToken cancellationToken);

    /// <summary>Posts a reply in the thread a posted message started.</summary>
    Task ReplyToPostAsync(PostedMessage post, Reply reply, CancellationToken cancellationToken);

    /// <summary>Sends a message to a customer's chat (the conversation a case was filed from).</summary>
    Task SendToCustomerAsync(string conversationReference, Reply reply, CancellationToken cancellationToken);
}
