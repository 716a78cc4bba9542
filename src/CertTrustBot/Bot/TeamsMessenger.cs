using CertTrustBot.Conversation;
using CertTrustBot.Messaging;
using CertTrustBot.Staff;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Builder.Teams;
using Microsoft.Bot.Schema;
using Microsoft.Extensions.Options;
using Newtonsoft.Json;

namespace CertTrustBot.Bot;

/// <summary>
/// The Teams side of <see cref="IChannelMessenger"/>, through the Bot Framework adapter: ContinueConversationAsync
/// with a stored reference; a new thread in the staff channel with CreateConversation (TeamsChannelData.Channel) from
/// within the staff team's conversation, which the bot learned when it was installed there; a card updated in place
/// with UpdateActivity. In local mode (no app id) it sends without a token, as replies do.
/// </summary>
public sealed class TeamsMessenger(
    TeamsBotAdapter adapter,
    ReplyRenderer renderer,
    StaffStore staff,
    IOptions<StaffOptions> staffOptions,
    IOptions<BotAuthenticationOptions> authentication) : IChannelMessenger
{
    private string AppId => authentication.Value.MicrosoftAppId?.Trim() ?? "";

    public async Task<PostedMessage?> PostToStaffAsync(Reply card, CancellationToken cancellationToken)
    {
        var options = staffOptions.Value;
        var team = await staff.TeamAsync(cancellationToken).ConfigureAwait(false);
        if (team is null || !options.IsStaffTeam(team.TeamId) || options.EffectiveChannelId is not { } channelId)
            return null;

        PostedMessage? posted = null;
        await ContinueAsync(team.Reference, async (turnContext, ct) =>
        {
            var (thread, messageId) = await TeamsInfo.SendMessageToTeamsChannelAsync(turnContext, renderer.Render(card), channelId, AppId, ct);
            posted = new PostedMessage(JsonConvert.SerializeObject(thread), messageId);
        }, cancellationToken);
        return posted ?? throw new InvalidOperationException("The channel did not say which message it created.");
    }

    public Task UpdatePostAsync(PostedMessage post, Reply card, CancellationToken cancellationToken) =>
        ContinueAsync(post.ThreadReference, async (turnContext, ct) =>
        {
            var activity = (Activity)renderer.Render(card);
            activity.Id = post.MessageId;
            await turnContext.UpdateActivityAsync(activity, ct);
        }, cancellationToken);

    public Task ReplyToPostAsync(PostedMessage post, Reply reply, CancellationToken cancellationToken) =>
        ContinueAsync(post.ThreadReference, (turnContext, ct) => turnContext.SendActivityAsync(renderer.Render(reply), ct), cancellationToken);

    public Task SendToCustomerAsync(string conversationReference, Reply reply, CancellationToken cancellationToken) =>
        ContinueAsync(conversationReference, (turnContext, ct) => turnContext.SendActivityAsync(renderer.Render(reply), ct), cancellationToken);

    // The adapter hands a failing callback to its OnTurnError, which logs and swallows it: catch it inside, and throw
    // it out here, so that the pipeline knows the message was not sent and retries it.
    private async Task ContinueAsync(string reference, Func<ITurnContext, CancellationToken, Task> send, CancellationToken cancellationToken)
    {
        Exception? failure = null;
        await adapter.ContinueConversationAsync(AppId, Read(reference), async (turnContext, ct) =>
        {
            try
            {
                await send(turnContext, ct);
            }
            catch (Exception ex)
            {
                failure = ex;
            }
        }, cancellationToken);
        if (failure is not null)
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
    }

    /// <summary>Where this activity's conversation can be reached later; in a channel, the channel itself (not the thread).</summary>
    public static string ReferenceOf(IActivity activity, bool wholeChannel)
    {
        // A copy: GetConversationReference shares the activity's own objects, which the turn still uses.
        var reference = JsonConvert.DeserializeObject<ConversationReference>(JsonConvert.SerializeObject(activity.GetConversationReference()))!;
        if (wholeChannel && reference.Conversation?.Id is { } id && id.IndexOf(";messageid=", StringComparison.Ordinal) is var at and >= 0)
            reference.Conversation.Id = id[..at];
        if (wholeChannel)
        {
            // The channel, not whoever spoke in it: the same reference whichever member's activity taught it, so the
            // staff team is written again only when it really changed.
            reference.User = null;
            reference.Locale = null;
        }
        reference.ActivityId = null;
        return JsonConvert.SerializeObject(reference);
    }

    private static ConversationReference Read(string json) =>
        JsonConvert.DeserializeObject<ConversationReference>(json) ?? throw new InvalidDataException("A stored conversation reference is empty.");
}
