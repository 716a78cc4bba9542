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
}

/// <summary>Who filed the case, as the channel identified them.</summary>
public sealed record Requester(string UserId, string Name, string? AadObjectId, string? TenantId);

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

/// <summary>A finding as the customer saw it when confirming.</summary>
public sealed record CaseFinding(string Code, string Severity, string Message);

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
    string ConversationReference);

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

    /// <summary>When the status last changed; null until the support desk first touches the case.</summary>
    public DateTimeOffset? UpdatedAt { get; init; }

    /// <summary>What happened to the case, oldest first: the submission, then each status change.</summary>
    public IReadOnlyList<CaseEvent> History { get; init; } = [];

    /// <summary>
    /// The stored record's ETag when read from storage (not part of the JSON): pass it to
    /// <see cref="CaseDesk.UpdateStatusAsync"/> so that a change made from a stale view is refused.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string? ETag { get; init; }
}

/// <summary>One step in a case's life: who set which status when, and why.</summary>
public sealed record CaseEvent(DateTimeOffset At, CaseStatus Status, string Actor, string? Note);
