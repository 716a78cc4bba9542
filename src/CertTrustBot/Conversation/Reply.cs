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
