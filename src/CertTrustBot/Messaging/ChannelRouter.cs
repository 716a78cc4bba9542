using CertTrustBot.Conversation;

namespace CertTrustBot.Messaging;

/// <summary>A channel edge beside the default one (Teams): the Slack app.</summary>
public interface IChannelEdgeMessenger : IChannelMessenger
{
    /// <summary>Whether a conversation or thread reference is one of this edge's.</summary>
    bool OwnsReference(string reference);

    /// <summary>Whether support staff work in this channel (configured), whatever the customers' channels.</summary>
    bool HostsStaff { get; }
}

/// <summary>
/// The <see cref="IChannelMessenger"/> the pipeline uses: each customer is reached in the channel their case came from
/// (its conversation reference says which edge's it is), staff in the channel the configuration names (an edge that
/// <see cref="IChannelEdgeMessenger.HostsStaff"/>, else the default edge), independently of each other.
/// </summary>
public sealed class ChannelRouter(IChannelMessenger defaultEdge, IEnumerable<IChannelEdgeMessenger> edges) : IChannelMessenger
{
    private readonly IReadOnlyList<IChannelEdgeMessenger> _edges = [.. edges];

    public Task<PostedMessage?> PostToStaffAsync(Reply card, CancellationToken cancellationToken) =>
        (_edges.FirstOrDefault(e => e.HostsStaff) ?? defaultEdge).PostToStaffAsync(card, cancellationToken);

    public Task UpdatePostAsync(PostedMessage post, Reply card, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(post);
        return EdgeOf(post.ThreadReference).UpdatePostAsync(post, card, cancellationToken);
    }

    public Task ReplyToPostAsync(PostedMessage post, Reply reply, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(post);
        return EdgeOf(post.ThreadReference).ReplyToPostAsync(post, reply, cancellationToken);
    }

    public Task SendToCustomerAsync(string conversationReference, Reply reply, CancellationToken cancellationToken) =>
        EdgeOf(conversationReference).SendToCustomerAsync(conversationReference, reply, cancellationToken);

    private IChannelMessenger EdgeOf(string reference) =>
        _edges.FirstOrDefault(e => e.OwnsReference(reference ?? "")) ?? defaultEdge;
}
