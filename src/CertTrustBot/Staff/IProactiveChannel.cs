using CertTrustBot.Conversation;

namespace CertTrustBot.Staff;

/// <summary>
/// Sending outside a turn, as the channel edge does it (Teams: the Bot Framework adapter). References are the edge's
/// own opaque JSON. Every method throws when the channel did not take the message; the dispatcher retries.
/// </summary>
public interface IProactiveChannel
{
    /// <summary>Starts a new thread in a channel of the team, with <paramref name="card"/> as its first message.</summary>
    Task<PostedMessage> StartThreadAsync(string teamReference, string channelId, Reply card, CancellationToken cancellationToken);

    /// <summary>Replaces a posted message (for everyone who sees it).</summary>
    Task UpdateAsync(PostedMessage message, Reply card, CancellationToken cancellationToken);

    /// <summary>Posts a reply in the thread a message started.</summary>
    Task ReplyInThreadAsync(PostedMessage thread, Reply reply, CancellationToken cancellationToken);

    /// <summary>Sends a message to a conversation (a customer's 1:1 chat).</summary>
    Task SendAsync(string conversationReference, Reply reply, CancellationToken cancellationToken);
}
