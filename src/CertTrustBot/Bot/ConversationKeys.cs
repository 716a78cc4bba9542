using Microsoft.Bot.Builder;

namespace CertTrustBot.Bot;

/// <summary>How the Teams edge names a conversation for the state store.</summary>
public static class ConversationKeys
{
    /// <summary>
    /// One state per channel conversation: <c>{channelId}/conversations/{conversationId}</c>, the key Bot Framework's
    /// ConversationState used, so the same conversation keeps the same key.
    /// </summary>
    public static string KeyFor(ITurnContext turnContext)
    {
        ArgumentNullException.ThrowIfNull(turnContext);
        var activity = turnContext.Activity;
        var conversationId = activity.Conversation?.Id;
        if (string.IsNullOrEmpty(activity.ChannelId) || string.IsNullOrEmpty(conversationId))
            throw new InvalidOperationException("The activity has no channelId or conversation.id, so it has no conversation state.");
        return $"{activity.ChannelId}/conversations/{conversationId}";
    }
}
