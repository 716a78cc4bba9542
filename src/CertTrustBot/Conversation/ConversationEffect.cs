using CertTrustBot.Cases;
using CertTrustBot.Certificates;
using CertTrustBot.Certificates.Endpoints;

namespace CertTrustBot.Conversation;

/// <summary>Work the pure flow asks the runner to do (I/O or the certificate engine); its outcome is fed back.</summary>
public abstract record ConversationEffect;

/// <summary>Why a certificate is checked, which decides what the flow does with the report.</summary>
public enum CheckPurpose
{
    /// <summary>A certificate just arrived: show the report, then ask for environments (or stop if blocked).</summary>
    NewCertificate,

    /// <summary>"check": show the report only; nothing is kept.</summary>
    ReportOnly,

    /// <summary>Environments and host chosen: re-check with them and show the confirmation.</summary>
    Confirmation,

    /// <summary>Confirmed: re-check and turn the report into the case draft.</summary>
    Submission,

    /// <summary>The answer to a staff question (a file, pasted PEM or text): checked like a request's file before anything is kept.</summary>
    Answer,
}

/// <summary>Check a file with the engine; the runner adds earlier requests for the environments and the expected completion.</summary>
public sealed record CheckCertificate(
    string FileName,
    ReadOnlyMemory<byte> Content,
    string? HostName,
    IReadOnlyList<string> Environments,
    CheckPurpose Purpose) : ConversationEffect
{
    /// <summary>For <see cref="CheckPurpose.Answer"/> with typed text: the text as the customer wrote it (markup removed).</summary>
    public string? AnswerText { get; init; }

    /// <summary>
    /// For <see cref="CheckPurpose.NewCertificate"/>: the certificate arrived with no request open (the customer did not
    /// ask for one first). A blocked one then leaves no request open either.
    /// </summary>
    public bool OpensRequest { get; init; }
}

/// <summary>File the case (idempotent on the draft's RequestId).</summary>
public sealed record SubmitCase(CaseDraft Draft) : ConversationEffect;

/// <summary>Look up the requester's cases, or one case by number.</summary>
public sealed record ShowStatus(Requester Requester, string? CaseNumber) : ConversationEffect;

/// <summary>What the customer asked of their installed certificates.</summary>
public enum InventoryPurpose
{
    /// <summary>"my certificates": list them.</summary>
    List,

    /// <summary>"Request renewal" on a reminder: start a request prefilled from the case.</summary>
    Renew,

    /// <summary>"No longer needed" or "remove CT-…": file a removal case.</summary>
    Remove,

    /// <summary>"Remind me later" on a reminder.</summary>
    Snooze,
}

/// <summary>Read the cases of the requester's tenant (the inventory is derived from them) for <paramref name="Purpose"/>.</summary>
public sealed record LookUpInventory(Requester Requester, InventoryPurpose Purpose, string? CaseNumber = null, string? Sha256 = null) : ConversationEffect;

/// <summary>File a removal case.</summary>
public sealed record FileRemoval(RemovalDraft Draft) : ConversationEffect;

/// <summary>Record "remind me later" on the installing case.</summary>
public sealed record RecordSnooze(string CaseNumber, ExpiryReminder Snooze, string Actor) : ConversationEffect;

/// <summary>Add the customer's checked answer to the case whose question it answers.</summary>
public sealed record AnswerQuestion(PendingQuestion Question, CaseAnswerDraft Answer) : ConversationEffect;

/// <summary>Look at a server's certificates ("check HOST"); the runner does it through its guarded probe.</summary>
public sealed record CheckEndpoint(EndpointTarget Target) : ConversationEffect;

/// <summary>What came of an effect, fed back to <see cref="ConversationFlow.Resume"/>.</summary>
public abstract record EffectOutcome;

public sealed record CertificateChecked(CertificateReport Report, CheckCertificate Check) : EffectOutcome;

public sealed record CaseSubmitted(SupportCase Case) : EffectOutcome;

/// <summary>What the server presented, checked (or why nothing came back).</summary>
public sealed record EndpointChecked(EndpointReport Endpoint, CheckEndpoint Check) : EffectOutcome;

/// <summary>The cases found: the requester's list, or the one case asked for (empty when not found).</summary>
public sealed record CasesFound(IReadOnlyList<SupportCase> Cases, string? CaseNumber) : EffectOutcome;

/// <summary>What the case desk did with an answer (recorded, or the case no longer waits for one).</summary>
public sealed record QuestionAnswered(CaseEventResult Result, AnswerQuestion Effect) : EffectOutcome;

/// <summary>The cases of the requester's tenant, for <see cref="LookUpInventory"/>.</summary>
public sealed record InventoryFound(IReadOnlyList<SupportCase> Cases, LookUpInventory Effect) : EffectOutcome;

/// <summary>The removal case filed (or the one filed before for the same request).</summary>
public sealed record RemovalFiled(SupportCase Case) : EffectOutcome;

/// <summary>What the case desk did with "remind me later".</summary>
public sealed record SnoozeRecorded(CaseEventResult Result, RecordSnooze Effect) : EffectOutcome;

/// <summary>Storage did not answer; the effect had no visible result and may be retried.</summary>
public sealed record StorageUnavailable(ConversationEffect Effect) : EffectOutcome
{
    /// <summary>
    /// A write failed and storage did not answer the check whether it was committed either: it may have been. A
    /// retry is still safe (writes are idempotent), but "nothing was stored" would not be known to be true.
    /// </summary>
    public bool OutcomeUnknown { get; init; }
}

/// <summary>One step of the flow: the new state, what to say, and at most one effect to run next.</summary>
public sealed record FlowResult(ConversationData State, IReadOnlyList<Reply> Replies, ConversationEffect? Effect = null);

/// <summary>The end of a turn: the state to save and the replies to send, in order.</summary>
public sealed record TurnResult(ConversationData State, IReadOnlyList<Reply> Replies);
