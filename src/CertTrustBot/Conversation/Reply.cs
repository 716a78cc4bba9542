namespace CertTrustBot.Conversation;

/// <summary>What the bot says back. Channel-agnostic: the Teams edge renders cards as Adaptive Cards, a Slack edge
/// would render the same data as Block Kit.</summary>
public abstract record Reply;

/// <summary>A plain message (light Markdown: <c>**bold**</c> only).</summary>
public sealed record TextReply(string Text) : Reply;

/// <summary>A card: a template in <c>cards/{Template}.json</c> and the data to fill it with.</summary>
/// <param name="Template">One of <see cref="Cards.CardNames"/>.</param>
/// <param name="Data">One of the records in <see cref="Cards"/> (serialised with camelCase names).</param>
/// <param name="Summary">A one-line text for notifications and for channels that cannot show the card.</param>
public sealed record CardReply(string Template, object Data, string Summary) : Reply;

/// <summary>
/// Replaces the card whose button the user pressed in this turn with <paramref name="Card"/>: its finished state (what
/// was chosen, no buttons), so that a used card cannot be used again. Teams updates that message (its id is the
/// action's replyToId); Slack would chat.update it. When the edge does not know which message the card was, it sends
/// <paramref name="Card"/> as a new message if <see cref="OrSend"/> (it says something the user must see), else nothing.
/// </summary>
public sealed record ReplaceUsedCard(CardReply Card) : Reply
{
    public bool OrSend { get; init; }
}
