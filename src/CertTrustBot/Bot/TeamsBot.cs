using CertTrustBot.Conversation;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;

namespace CertTrustBot.Bot;

/// <summary>
/// The activity handler: every turn reads the activity as a conversation input, loads the state once, runs the
/// conversation, saves the state once, then sends the replies (so that what the user sees was saved).
/// </summary>
public sealed class TeamsBot(ConversationStateStore states, ConversationRunner runner, TurnInputReader inputs, ReplyRenderer replies) : ActivityHandler
{
    protected override async Task OnMessageActivityAsync(ITurnContext<IMessageActivity> turnContext, CancellationToken cancellationToken) =>
        await RunTurnAsync(turnContext, await inputs.ReadMessageAsync(turnContext, cancellationToken), cancellationToken);

    // ActivityHandler's OnMembersAddedAsync skips the bot itself; installing the bot is exactly "the bot was added".
    protected override Task OnConversationUpdateActivityAsync(ITurnContext<IConversationUpdateActivity> turnContext, CancellationToken cancellationToken) =>
        turnContext.Activity.MembersAdded?.Any(m => m.Id == turnContext.Activity.Recipient?.Id) == true
            ? RunTurnAsync(turnContext, new ConversationStarted(), cancellationToken)
            : Task.CompletedTask;

    private async Task RunTurnAsync(ITurnContext turnContext, ConversationInput? input, CancellationToken cancellationToken)
    {
        if (input is null)
            return;

        var loaded = await states.LoadAsync(turnContext, cancellationToken);
        var result = await runner.RunAsync(loaded.Data, input, inputs.FactsOf(turnContext), cancellationToken);
        await states.SaveAsync(loaded, result.State, cancellationToken);
        if (result.Replies.Count > 0)
            await turnContext.SendActivitiesAsync(replies.Render(result.Replies), cancellationToken);
    }
}
