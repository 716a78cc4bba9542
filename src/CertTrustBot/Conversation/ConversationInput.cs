using CertTrustBot.Cases;

namespace CertTrustBot.Conversation;

/// <summary>What a user did, as the channel edge translated it. Channel-agnostic: no Bot Framework types.</summary>
public abstract record ConversationInput;

/// <summary>A text message, as typed or pasted (HTML from Teams is fine: pasted PEM is read out of the markup).</summary>
public sealed record TextMessage(string Text) : ConversationInput
{
    /// <summary>
    /// The longest text read (UTF-16 characters, markup included). A longer message is refused before anything reads
    /// it (no mention, tag or PEM search), with a message that says so. A pasted bundle of a few dozen certificates
    /// fits easily; Teams itself sends far shorter messages.
    /// </summary>
    public const int MaxLength = 256 * 1024;
}

/// <summary>An Adaptive Card submit: the action's data merged with the card's inputs, including the <c>action</c> key.</summary>
public sealed record CardAction(IReadOnlyDictionary<string, string> Values) : ConversationInput
{
    public string? Action => Values.TryGetValue("action", out var action) ? action : null;
}

/// <summary>A file the edge downloaded at once (Teams download URLs expire within minutes).</summary>
public sealed record FileReceived(string FileName, ReadOnlyMemory<byte> Content) : ConversationInput;

/// <summary>A file the user sent that the edge could not obtain, with the reason in the user's words ("too large").</summary>
public sealed record FileUnavailable(string FileName, string Reason) : ConversationInput;

/// <summary>The bot was installed, or the user joined the conversation.</summary>
public sealed record ConversationStarted : ConversationInput;

/// <summary>The kind of chat the turn happened in; files reach a bot only in personal (1:1) chats.</summary>
public enum ChatKind
{
    Personal,
    Channel,
    Group,
}

/// <summary>The facts of one turn that are not the user's input.</summary>
/// <param name="User">Who is talking, as the channel identified them.</param>
/// <param name="ChatKind">Personal, channel or group chat.</param>
/// <param name="Clock">The clock of this turn (expiry, SLA dates).</param>
/// <param name="ConversationReference">The edge's opaque conversation reference, stored with a case for proactive replies.</param>
/// <param name="ConversationKey">This conversation's key in <see cref="ConversationStateStore"/>, for work outside the
/// turn that must change its state later (a staff question waiting for the answer).</param>
public sealed record TurnFacts(Requester User, ChatKind ChatKind, TimeProvider Clock, string ConversationReference, string ConversationKey);
