using System.Text.RegularExpressions;
using Azure;
using CertTrustBot.Conversation;
using CertTrustBot.Storage;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Builder.Integration.AspNet.Core;
using Microsoft.Bot.Connector.Authentication;

namespace CertTrustBot.Bot;

/// <summary>
/// The CloudAdapter with the bot's error policy. One constructor, so the container can build it (CloudAdapter's own
/// two public constructors are ambiguous to it).
/// </summary>
public sealed class TeamsBotAdapter : CloudAdapter
{
    public TeamsBotAdapter(BotFrameworkAuthentication authentication, ConversationStateStore states, ILogger<TeamsBotAdapter> logger)
        : base(authentication, logger)
    {
        OnTurnError = (turnContext, exception) => HandleTurnErrorAsync(turnContext, exception, states, logger);
    }

    /// <summary>Logs, deletes a state that cannot be read, and tells the user something short and true.</summary>
    public static async Task HandleTurnErrorAsync(ITurnContext turnContext, Exception exception, ConversationStateStore states, ILogger logger)
    {
        logger.LogError(exception, "Turn failed: {Type} activity {ActivityId} in conversation {ConversationId}",
            turnContext.Activity.Type, turnContext.Activity.Id, turnContext.Activity.Conversation?.Id);

        var message = UserMessageFor(exception);
        if (exception is ConversationStateUnreadableException)
        {
            // A state that cannot be read would fail every later turn the same way: start the conversation afresh.
            try
            {
                await states.DeleteAsync(ConversationKeys.KeyFor(turnContext), CancellationToken.None);
            }
            catch (Exception deleteError) when (deleteError is not OperationCanceledException)
            {
                logger.LogError(deleteError, "Could not delete the unreadable conversation state");
            }
        }

        try
        {
            await turnContext.SendActivityAsync(message);
        }
        catch (Exception sendError) when (sendError is not OperationCanceledException)
        {
            logger.LogError(sendError, "Could not tell the user about the failed turn");
        }
    }

    /// <summary>What the user is told when a turn fails.</summary>
    public static string UserMessageFor(Exception exception) => exception switch
    {
        ConversationStateUnreadableException =>
            "Sorry, I lost track of our conversation, so we start again: send me the certificate (a file, or its PEM text).",
        StorageConflictException =>
            "Another message in this conversation was being handled at the same moment, so I did not act on this one. Please send it again.",
        // A RegexMatchTimeoutException is a TimeoutException, which IsStorageOutage would take for storage.
        RegexMatchTimeoutException =>
            "That message took me too long to read, so I did not act on it. If it holds a certificate, attach the certificate as a file instead.",
        _ when IsStorageOutage(exception) =>
            "My storage is temporarily unavailable, so I could not save anything. Please try again in a few minutes.",
        _ => "Sorry, something went wrong on my side and I could not handle that message. Please try again; if it keeps happening, contact the support desk.",
    };

    internal static bool IsStorageOutage(Exception exception) => exception switch
    {
        StorageUnavailableException => true,
        RequestFailedException { Status: 0 or >= 500 } => true,
        RegexMatchTimeoutException => false, // reading a message, not storage
        HttpRequestException or TimeoutException => true,
        AggregateException aggregate => aggregate.InnerExceptions.Any(IsStorageOutage),
        _ => exception.InnerException is { } inner && IsStorageOutage(inner),
    };
}
