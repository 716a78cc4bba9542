namespace CertTrustBot.Cases;

// The case desk's records. No Bot Framework types here: the conversation reference is kept as the opaque JSON the
// channel edge produced, so that a Slack edge (or the Agents SDK) can store its own kind of reference.

public enum CaseStatus
{
    Submitted,
    InProgress,
    Installed,
    NeedsInformation,
    Rejected,

    /// <summary>A removal case is done: the certificate is out of the Trusted Root stores of its environments.</summary>
    Removed,
}

/// <summary>What a case asks the support staff to do.</summary>
public enum CaseKind
{
    /// <summary>Add the certificate to the Trusted Root stores (a new request, or a renewal).</summary>
    Install,

    /// <summary>Take an installed certificate out of the Trusted Root stores (see <see cref="SupportCase.Removes"/>).</summary>
    Removal,
}

/// <summary>Who filed the case, as the channel identified them.</summary>
public sealed record Requester(string UserId, string Name, string? AadObjectId, string? TenantId)
{
    /// <summary>
    /// Who this is, as a hash fit for a blob name: tenant and AAD object id when the channel gives one (Teams), else the
    /// channel user id. The one place that says when two requesters are the same person.
    /// </summary>
    public string Key() => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(
        string.IsNullOrWhiteSpace(AadObjectId)
            ? $"user|{TenantId?.Trim().ToUpperInvariant()}|{UserId}"
            : $"aad|{TenantId?.Trim().ToUpperInvariant()}|{AadObjectId.Trim().ToUpperInvariant()}")));

    /// <summary>The name to show: the display name, else the channel user id.</summary>
    public string DisplayName => string.IsNullOrWhiteSpace(Name) ? UserId : Name.Trim();
}

/// <summary>One certificate of a case; its DER lives in its own blob named from ids the bot made.</summary>
public sealed record CaseCertificate(
    string FileName,
    string Role,
    string Subject,
    string Issuer,
    DateTimeOffset NotAfter,
    string Sha256,
    string Sha1,
    string BlobName);

/// <summary>A finding as the customer saw it when confirming (the severity is stored by name: "Block", "Warn", "Info").</summary>
public sealed record CaseFinding(string Code, CertTrustBot.Certificates.Severity Severity, string Message);

/// <summary>What the conversation hands the case desk on confirm.</summary>
/// <param name="RequestId">Made by the bot when the request started; submitting the same id twice returns the first case.</param>
public sealed record CaseDraft(
    string RequestId,
    Requester Requester,
    IReadOnlyList<string> Environments,
    string? HostName,
    string FileName,
    IReadOnlyList<CaseCertificateContent> Certificates,
    IReadOnlyList<CaseFinding> Findings,
    string ConversationReference)
{
    /// <summary>The key of the customer's conversation state, so that a staff question can wait there for the answer.</summary>
    public string? ConversationKey { get; init; }

    /// <summary>The case this request renews (started from an expiry reminder's Request renewal), if any.</summary>
    public string? Renews { get; init; }
}

/// <summary>What the conversation hands the case desk to file a removal (see <see cref="CaseDesk.FileRemovalAsync"/>).</summary>
/// <param name="Original">The case that installed the certificates.</param>
/// <param name="Environments">Where to remove them from: where they are installed now.</param>
public sealed record RemovalDraft(
    string RequestId,
    Requester Requester,
    SupportCase Original,
    IReadOnlyList<string> Environments,
    string ConversationReference,
    string? ConversationKey);

/// <summary>A certificate to store: its details and normalised DER bytes.</summary>
public sealed record CaseCertificateContent(
    string Role,
    string Subject,
    string Issuer,
    DateTimeOffset NotAfter,
    string Sha256,
    string Sha1,
    byte[] Der);

/// <summary>The case record stored as JSON in blob storage.</summary>
public sealed record SupportCase
{
    public required string CaseNumber { get; init; }
    public required string RequestId { get; init; }
    public required Requester Requester { get; init; }
    public required IReadOnlyList<string> Environments { get; init; }
    public string? HostName { get; init; }
    public required IReadOnlyList<CaseCertificate> Certificates { get; init; }
    public required IReadOnlyList<CaseFinding> Findings { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required CaseStatus Status { get; init; }
    public required string ConversationReference { get; init; }

    /// <summary>The key of the customer's conversation state (null in records filed before it was kept).</summary>
    public string? ConversationKey { get; init; }

    /// <summary>Install (the default, also for records written before removals existed) or Removal.</summary>
    public CaseKind Kind { get; init; }

    /// <summary>For a renewal: the case whose certificate this one replaces (the old one can be removed once this is in).</summary>
    public string? Renews { get; init; }

    /// <summary>For a removal: the case that installed the certificates to take out again.</summary>
    public string? Removes { get; init; }

    /// <summary>When the status last changed; null until the support desk first touches the case.</summary>
    public DateTimeOffset? UpdatedAt { get; init; }

    /// <summary>What happened to the case, oldest first: the submission, then each status change.</summary>
    public IReadOnlyList<CaseEvent> History { get; init; } = [];

    /// <summary>
    /// The stored record's ETag when read from storage (not part of the JSON): pass it to
    /// <see cref="CaseDesk.RecordAsync"/> so that a change made from a stale view is refused.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string? ETag { get; init; }
}

/// <summary>What happened to a case.</summary>
public enum CaseEventKind
{
    /// <summary>The customer filed the case (always the first event).</summary>
    Filed,

    /// <summary>Support staff started working on it.</summary>
    Started,

    /// <summary>Support staff asked the customer something (<see cref="CaseEvent.Note"/> is the question).</summary>
    QuestionAsked,

    /// <summary>The customer answered a question (<see cref="CaseEvent.Answer"/>).</summary>
    Answered,

    /// <summary>Installed in <see cref="CaseEvent.Environments"/> (some or all of the case's environments).</summary>
    Installed,

    /// <summary>Support staff rejected the case (<see cref="CaseEvent.Note"/> is the reason).</summary>
    Rejected,

    /// <summary>A removal case: removed from <see cref="CaseEvent.Environments"/> (some or all of its environments).</summary>
    Removed,

    /// <summary>The requester was reminded that a certificate of this (installed) case expires (<see cref="CaseEvent.Reminder"/>).</summary>
    Reminded,

    /// <summary>The requester asked to be reminded later (<see cref="CaseEvent.Reminder"/> says until when).</summary>
    Snoozed,
}

/// <summary>One step in a case's life: what happened, who did it when, and the status it left the case in.</summary>
/// <param name="Status">The case's status after this event.</param>
/// <param name="Note">The question (<see cref="CaseEventKind.QuestionAsked"/>) or the reason (<see cref="CaseEventKind.Rejected"/>).</param>
public sealed record CaseEvent(DateTimeOffset At, CaseStatus Status, string Actor, string? Note)
{
    public CaseEventKind Kind { get; init; }

    /// <summary>For <see cref="CaseEventKind.Installed"/>: the environments this event installed.</summary>
    public IReadOnlyList<string> Environments { get; init; } = [];

    /// <summary>For <see cref="CaseEventKind.Answered"/>: what the customer sent, after the same checks as any request.</summary>
    public CaseAnswer? Answer { get; init; }

    /// <summary>For <see cref="CaseEventKind.Reminded"/> and <see cref="CaseEventKind.Snoozed"/>: which certificate, which reminder.</summary>
    public ExpiryReminder? Reminder { get; init; }
}

/// <summary>
/// An expiry reminder as recorded on the case that installed the certificate. <paramref name="Key"/> names the
/// (certificate, environment set, reminder day) it stands for: the record holding it is what makes it sent at most once.
/// </summary>
/// <param name="Key">"{SHA-256}|{environments}|{day}", day being "d60", "expired" or "snooze-{until}".</param>
/// <param name="DaysBefore">The reminder day (days before the last day to ask); null for the final notice and after a snooze.</param>
/// <param name="Until">For <see cref="CaseEventKind.Snoozed"/>: when to remind again.</param>
public sealed record ExpiryReminder(
    string Key,
    string Sha256,
    IReadOnlyList<string> Environments,
    DateTimeOffset NotAfter,
    DateTimeOffset LastDayToAsk,
    int? DaysBefore,
    DateTimeOffset? Until = null);

/// <summary>A customer's answer to a staff question: text, and certificates (stored as normalised DER like a case's own).</summary>
public sealed record CaseAnswer(string? Text, IReadOnlyList<CaseCertificate> Certificates)
{
    /// <summary>The id the bot made for the answer (<see cref="CaseAnswerDraft.AnswerId"/>): tells whether a write whose reply was lost landed.</summary>
    public string? Id { get; init; }
}

/// <summary>An event to record on a case (see <see cref="CaseDesk.RecordAsync"/>); the status follows from <see cref="CaseTransitions"/>.</summary>
public sealed record CaseEventDraft(CaseEventKind Kind, string Actor, string? Note = null)
{
    public IReadOnlyList<string> Environments { get; init; } = [];

    public CaseAnswerDraft? Answer { get; init; }

    public ExpiryReminder? Reminder { get; init; }
}

/// <summary>A customer's answer as the conversation checked it: text, and certificates to store (normalised DER).</summary>
/// <param name="AnswerId">Made by the bot for this answer; names the stored certificates.</param>
public sealed record CaseAnswerDraft(string AnswerId, string? Text, string FileName, IReadOnlyList<CaseCertificateContent> Certificates);

public enum CaseEventOutcome
{
    Recorded,
    NoSuchCase,

    /// <summary>The case's status does not allow that event (see <see cref="CaseTransitions"/>); nothing changed.</summary>
    NotAllowed,
}

/// <param name="Case">The case as it is now: after the event when recorded, else as it was.</param>
public sealed record CaseEventResult(CaseEventOutcome Outcome, SupportCase? Case);
