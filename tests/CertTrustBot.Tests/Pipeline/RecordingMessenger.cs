using System.Collections.Concurrent;
using CertTrustBot.Conversation;
using CertTrustBot.Messaging;

namespace CertTrustBot.Tests.Pipeline;

/// <summary>
/// The channel port as the pipeline tests need it: records every post, update, reply and message; a staff channel that
/// is unreachable until told otherwise; customers whose chats refuse messages. (The Teams implementation behind the
/// same port is tested over HTTP against the loopback channel.)
/// </summary>
internal sealed class RecordingMessenger : IChannelMessenger
{
    private int _posts;

    public volatile bool StaffReachable;

    public ConcurrentQueue<(string ThreadReference, Reply Card)> Posts { get; } = new();

    public ConcurrentQueue<(PostedMessage Post, Reply Card)> Updates { get; } = new();

    public ConcurrentQueue<(PostedMessage Post, Reply Reply)> ThreadReplies { get; } = new();

    public ConcurrentQueue<(string Reference, Reply Reply)> CustomerMessages { get; } = new();

    public ConcurrentDictionary<string, bool> RefusingCustomers { get; } = new();

    public Task<PostedMessage?> PostToStaffAsync(Reply card, CancellationToken cancellationToken)
    {
        if (!StaffReachable)
            return Task.FromResult<PostedMessage?>(null);
        var thread = $"thread-{Interlocked.Increment(ref _posts)}";
        Posts.Enqueue((thread, card));
        return Task.FromResult<PostedMessage?>(new PostedMessage(thread, $"{thread}-card"));
    }

    public Task UpdatePostAsync(PostedMessage post, Reply card, CancellationToken cancellationToken)
    {
        Updates.Enqueue((post, card));
        return Task.CompletedTask;
    }

    public Task ReplyToPostAsync(PostedMessage post, Reply reply, CancellationToken cancellationToken)
    {
        ThreadReplies.Enqueue((post, reply));
        return Task.CompletedTask;
    }

    public Task SendToCustomerAsync(string conversationReference, Reply reply, CancellationToken cancellationToken)
    {
        if (RefusingCustomers.ContainsKey(conversationReference))
            throw new HttpRequestException("The channel answered 503 Service Unavailable.");
        CustomerMessages.Enqueue((conversationReference, reply));
        return Task.CompletedTask;
    }
}
