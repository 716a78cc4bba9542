using CertTrustBot.Conversation;
using CertTrustBot.Staff;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;
using Microsoft.Bot.Schema.Teams;
using Newtonsoft.Json.Linq;

namespace CertTrustBot.Bot;

/// <summary>
/// The activity handler: every turn reads the activity as a conversation input, loads the state once, runs the
/// conversation, saves the state once, then sends the replies (so that what the user sees was saved). Around it, the
/// staff side: the staff team is learned from any of its activities, and clicks on case cards go to the staff desk.
/// (A customer's answer to a staff question is a step of the conversation like any other.)
/// </summary>
public sealed partial class TeamsBot(
    ConversationStateStore states,
    ConversationRunner runner,
    ConversationTurnGate gate,
    TurnInputReader inputs,
    ReplyRenderer replies,
    StaffDesk staff,
    StaffCommands staffCommands,
    ILogger<TeamsBot> logger) : ActivityHandler
{
    public override async Task OnTurnAsync(ITurnContext turnContext, CancellationToken cancellationToken = default)
    {
        // The staff desk writes (the team learned, a case acted on): its calls never get the request's token, which
        // only stops a turn that has not written yet (see RunTurnAsync).
        if (TeamIdOf(turnContext.Activity) is { } teamId)
            await staff.TeamSeenAsync(teamId, TurnInputReader.TenantIdOf(turnContext.Activity), TeamsMessenger.ReferenceOf(turnContext.Activity, wholeChannel: true), CancellationToken.None);
        await base.OnTurnAsync(turnContext, cancellationToken);
    }

    protected override async Task OnMessageActivityAsync(ITurnContext<IMessageActivity> turnContext, CancellationToken cancellationToken)
    {
        // Action.Submit from a case card (clients without Universal Actions send Action.Execute this way too).
        if (turnContext.Activity.Value is JObject submitted && StaffAction.IsStaffAction((string?)submitted[StaffAction.ActionKey]))
        {
            await OnStaffSubmitAsync(turnContext, TurnInputReader.Flatten(submitted), cancellationToken);
            return;
        }

        // In a channel (the bot was @mentioned), a staff command goes to the staff side; anything else to the conversation.
        var activity = turnContext.Activity;
        // Help in the staff channel is the staff's welcome, as on install, not the customers' card.
        if (TurnInputReader.ChatKindOf(activity) == ChatKind.Channel && activity.Value is null && activity.Text is { Length: > 0 and <= TextMessage.MaxLength } typed
            && ConversationFlow.IsHelp(activity.RemoveRecipientMention() ?? typed)
            && staff.IsStaffTeam(TeamIdOf(activity), TurnInputReader.TenantIdOf(activity)))
        {
            await turnContext.SendActivityAsync(replies.Render(StaffCommands.Welcome), CancellationToken.None);
            return;
        }
        if (TurnInputReader.ChatKindOf(activity) == ChatKind.Channel && activity.Value is null && activity.Text is { Length: > 0 and <= TextMessage.MaxLength }
            && await staffCommands.TryRunAsync(activity.RemoveRecipientMention() ?? activity.Text, StafferOf(activity), CancellationToken.None) is { } answer)
        {
            await turnContext.SendActivityAsync(replies.Render(answer), CancellationToken.None);
            return;
        }

        await RunTurnAsync(turnContext, await inputs.ReadMessageAsync(turnContext, cancellationToken), cancellationToken);
    }

    // Action.Execute (Universal Actions): answered within the invoke with the card as it now is, for the clicker.
    protected override async Task<AdaptiveCardInvokeResponse> OnAdaptiveCardInvokeAsync(
        ITurnContext<IInvokeActivity> turnContext, AdaptiveCardInvokeValue invokeValue, CancellationToken cancellationToken)
    {
        var values = invokeValue.Action?.Data is { } data ? TurnInputReader.Flatten(JObject.FromObject(data)) : new Dictionary<string, string>();
        if (StaffAction.Read(invokeValue.Action?.Verb, values) is not { } action)
            return Message(400, "I don't know that action; the card may be from an older version.");

        var result = await staff.ActAsync(action, StafferOf(turnContext.Activity), CancellationToken.None);
        if (result.Card is null)
            return Message(200, result.Message);
        return new AdaptiveCardInvokeResponse
        {
            StatusCode = 200,
            Type = TurnInputReader.AdaptiveCard,
            Value = ((IMessageActivity)replies.Render(result.Card)).Attachments[0].Content,
        };
    }

    // ActivityHandler's OnMembersAddedAsync skips the bot itself; installing the bot is exactly "the bot was added".
    // Installed in the staff team, the staff channel gets the staff welcome (no conversation there); anywhere else, the
    // customers' welcome.
    protected override async Task OnConversationUpdateActivityAsync(ITurnContext<IConversationUpdateActivity> turnContext, CancellationToken cancellationToken)
    {
        var activity = turnContext.Activity;
        if (activity.MembersAdded?.Any(m => m.Id == activity.Recipient?.Id) != true)
            return;
        if (staff.IsStaffTeam(TeamIdOf(activity), TurnInputReader.TenantIdOf(activity)))
        {
            await turnContext.SendActivityAsync(replies.Render(StaffCommands.Welcome), CancellationToken.None);
            return;
        }

        await RunTurnAsync(turnContext, new ConversationStarted(), cancellationToken);
    }

    private async Task OnStaffSubmitAsync(ITurnContext turnContext, IReadOnlyDictionary<string, string> values, CancellationToken cancellationToken)
    {
        if (StaffAction.Read(null, values) is not { } action)
        {
            await turnContext.SendActivityAsync("I don't know that action; the card may be from an older version.", cancellationToken: cancellationToken);
            return;
        }

        var result = await staff.ActAsync(action, StafferOf(turnContext.Activity), CancellationToken.None);
        // The card itself is redrawn for everyone by the outbox; the clicker gets a line in the thread.
        var message = MessageFactory.Text(result.Message);
        message.TextFormat = TextFormatTypes.Markdown;
        await turnContext.SendActivityAsync(message, CancellationToken.None);
    }

    private async Task RunTurnAsync(ITurnContext turnContext, ConversationInput? input, CancellationToken cancellationToken)
    {
        if (input is null)
            return;

        // The request's token (see MapTeamsBot) cuts the turn only while it reads: the download, the state, the checks
        // and look-ups in the runner. The runner lets its writes complete; from the save on, nothing is cut either, so
        // that what the runner wrote is recorded in the state and what was saved is told to the user.
        var facts = inputs.FactsOf(turnContext);
        using var turn = await gate.EnterAsync(facts.ConversationKey, cancellationToken);
        var loaded = await states.LoadAsync(facts.ConversationKey, cancellationToken);
        var result = await runner.RunAsync(loaded.Data, input, facts, cancellationToken);
        await states.SaveAsync(loaded, result.State, CancellationToken.None);
        await SendAsync(turnContext, result.Replies);
    }

    // In order: a used card is replaced by updating its message (the card action's replyToId is that message's id);
    // the rest are sent, together.
    private async Task SendAsync(ITurnContext turnContext, IReadOnlyList<Reply> toSend)
    {
        var batch = new List<IActivity>();
        foreach (var reply in toSend)
        {
            if (reply is not ReplaceUsedCard replace)
            {
                batch.Add(replies.Render(reply));
                continue;
            }

            if (turnContext.Activity.ReplyToId is { Length: > 0 } usedCard)
            {
                if (batch.Count > 0)
                    await turnContext.SendActivitiesAsync([.. batch], CancellationToken.None);
                batch.Clear();
                var activity = (Activity)replies.Render(replace);
                activity.Id = usedCard;
                try
                {
                    await turnContext.UpdateActivityAsync(activity, CancellationToken.None);
                }
                catch (Exception ex) when (ex is Microsoft.Bot.Schema.ErrorResponseException or HttpRequestException)
                {
                    // The card's message may be gone or not the bot's to change: its finished state is a courtesy,
                    // unless it says something the user must see.
                    LogCardNotReplaced(logger, ex, usedCard);
                    if (replace.OrSend)
                        batch.Add(replies.Render(replace));
                }
            }
            else if (replace.OrSend)
            {
                batch.Add(replies.Render(replace));
            }
        }

        if (batch.Count > 0)
            await turnContext.SendActivitiesAsync([.. batch], CancellationToken.None);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not replace the used card {ActivityId} with its finished state")]
    private static partial void LogCardNotReplaced(ILogger logger, Exception exception, string activityId);

    private static AdaptiveCardInvokeResponse Message(int status, string text) =>
        new() { StatusCode = status, Type = "application/vnd.microsoft.activity.message", Value = text };

    // Who clicked and where from (tenant, team, kind of chat): the staff rules accept only the staff channel.
    private static Staffer StafferOf(IActivity activity) =>
        new(activity.From?.Id ?? "", activity.From?.Name ?? "", activity.From?.AadObjectId,
            TurnInputReader.TenantIdOf(activity), TeamIdOf(activity), TurnInputReader.ChatKindOf(activity));

    private static string? TeamIdOf(IActivity activity) =>
        activity.ChannelId == "msteams" && activity.ChannelData is not null
            ? (activity.ChannelData as JObject)?.ToObject<TeamsChannelData>()?.Team?.Id
            : null;
}
