using CertTrustBot.Conversation;
using CertTrustBot.Messaging;
using Microsoft.Extensions.Options;

namespace CertTrustBot.Slack;

/// <summary>
/// The Slack side of <see cref="IChannelMessenger"/>: the staff channel gets each case with <c>chat.postMessage</c>,
/// updated in place with <c>chat.update</c> and answered in its thread; a customer is told in their DM
/// (<c>conversations.open</c>, then <c>chat.postMessage</c>). Every failure throws, so the pipeline retries.
/// </summary>
public sealed class SlackMessenger(SlackApi api, SlackRenderer renderer, IOptions<SlackOptions> options) : IChannelEdgeMessenger
{
    public bool HostsStaff => options.Value.HostsStaff;

    public bool OwnsReference(string reference) => SlackReference.IsSlack(reference);

    public async Task<PostedMessage?> PostToStaffAsync(Reply card, CancellationToken cancellationToken)
    {
        if (!options.Value.HostsStaff)
            return null;
        var channel = options.Value.StaffChannelId!.Trim();
        var identity = await api.IdentityAsync(cancellationToken).ConfigureAwait(false);
        var ts = await api.PostMessageAsync(channel, renderer.Render(card), null, cancellationToken).ConfigureAwait(false);
        var team = string.IsNullOrWhiteSpace(options.Value.StaffTeamId) ? identity.TeamId : options.Value.StaffTeamId.Trim();
        return new PostedMessage(new SlackReference(team, channel, null).ToString(), ts);
    }

    public Task UpdatePostAsync(PostedMessage post, Reply card, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(post);
        return api.UpdateAsync(SlackReference.Parse(post.ThreadReference).Channel, post.MessageId, renderer.Render(card), cancellationToken);
    }

    public Task ReplyToPostAsync(PostedMessage post, Reply reply, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(post);
        return api.PostMessageAsync(SlackReference.Parse(post.ThreadReference).Channel, renderer.Render(reply), post.MessageId, cancellationToken);
    }

    public async Task SendToCustomerAsync(string conversationReference, Reply reply, CancellationToken cancellationToken)
    {
        var customer = SlackReference.Parse(conversationReference);
        var channel = customer.User is { Length: > 0 } user
            ? await api.OpenDirectMessageAsync(user, cancellationToken).ConfigureAwait(false)
            : customer.Channel;
        await api.PostMessageAsync(channel, renderer.Render(reply), null, cancellationToken).ConfigureAwait(false);
    }
}
