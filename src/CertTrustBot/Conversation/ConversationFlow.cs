namespace CertTrustBot.Conversation;

/// <summary>
/// The request conversation as a pure transition: (state, input, facts) → (state, replies, effect?). No I/O: the
/// runner executes the effect and feeds its outcome back through <see cref="Resume"/>.
/// </summary>
public sealed class ConversationFlow
{
    private readonly EnvironmentCatalog _environments;
    private readonly SupportDeskOptions _supportDesk;
    private readonly Func<string> _newRequestId;

    /// <param name="newRequestId">Makes the RequestId of a new request; a random GUID by default (tests pass their own).</param>
    public ConversationFlow(EnvironmentCatalog environments, SupportDeskOptions supportDesk, Func<string>? newRequestId = null)
    {
        _environments = environments;
        _supportDesk = supportDesk;
        _newRequestId = newRequestId ?? (() => Guid.NewGuid().ToString("N"));
    }

    /// <summary>One user input.</summary>
    public FlowResult Handle(ConversationData state, ConversationInput input, TurnFacts facts) =>
        throw new NotImplementedException();

    /// <summary>The outcome of the effect the previous step asked for.</summary>
    public FlowResult Resume(ConversationData state, EffectOutcome outcome, TurnFacts facts) =>
        throw new NotImplementedException();
}
