namespace CertTrustBot.Conversation;

/// <summary>Where a conversation stands between two turns.</summary>
public enum ConversationStep
{
    Idle,
    AwaitingCertificate,
    AwaitingEnvironments,
    AwaitingConfirmation,
}

/// <summary>Whether the certificate being asked for leads to a support case or only to a report.</summary>
public enum ConversationMode
{
    Request,
    CheckOnly,
}

/// <summary>
/// The state kept for one conversation between turns, as JSON by <see cref="ConversationStateStore"/>. Deliberately
/// small and plain (public get/set properties, bytes as Base64) so that any serializer round-trips it. Treated as
/// immutable by <see cref="ConversationFlow"/>, which returns copies.
/// </summary>
public sealed record ConversationData
{
    public ConversationStep Step { get; set; }

    public ConversationMode Mode { get; set; }

    /// <summary>Made when a request starts; the case desk's idempotency key, and carried by the request's cards.</summary>
    public string? RequestId { get; set; }

    /// <summary>The name of the pending certificate file, as the user sent it (metadata only, never a path).</summary>
    public string? FileName { get; set; }

    /// <summary>
    /// The pending request's certificates: the normalised DER of each certificate the check accepted (its
    /// <c>Storable</c> list, in the file's order, repeats included), never the file itself, so nothing the check only
    /// tolerated (text around the PEM, ignored blocks, PKCS#7 wrapping) is kept. Empty when no certificate is pending.
    /// Kept as a plain array, like <see cref="Environments"/>.
    /// </summary>
    public IReadOnlyList<byte[]> Certificates
    {
        get => _certificates;
        set => _certificates = value is null ? [] : [.. value];
    }

    private byte[][] _certificates = [];

    /// <summary>The chosen environments (a copy is kept, so a state is never changed through a list it was given).</summary>
    public IReadOnlyList<string> Environments
    {
        get => _environments;
        set => _environments = value is null ? [] : [.. value];
    }

    private string[] _environments = [];

    public string? HostName { get; set; }

    /// <summary>For a renewal (started from an expiry reminder): the case whose certificate the new one replaces.</summary>
    public string? Renews { get; set; }

    /// <summary>The RequestId of the last case submitted from this conversation, so a second confirm is recognised.</summary>
    public string? LastRequestId { get; set; }

    /// <summary>The case number of the last case submitted from this conversation.</summary>
    public string? LastCaseNumber { get; set; }

    /// <summary>
    /// Questions support staff asked in this chat that wait for the customer's answer, oldest first. Added by the case
    /// pipeline (outside any turn) when it delivers the question; taken by the flow when the customer answers.
    /// </summary>
    public IReadOnlyList<PendingQuestion> Questions
    {
        get => _questions;
        set => _questions = value is null ? [] : [.. value];
    }

    private PendingQuestion[] _questions = [];

    /// <summary>The host of the last "check HOST" whose server sent what the Trusted Root store needs.</summary>
    public string? EndpointHost { get; set; }

    /// <summary>That certificate's DER (the server's self-signed certificate, or the root it sends): what
    /// "Request trust for this certificate" starts a request with, through the same checks as a file.</summary>
    public byte[]? EndpointCertificate { get; set; }

    /// <summary>
    /// The pending certificates lack a root (a CA-issued server certificate, an intermediate): the root CA to ask for,
    /// named after the issuer of the top certificate sent. The request waits for a root or a self-signed certificate.
    /// </summary>
    public string? MissingRoot { get; set; }

    /// <summary>The customer chose "I understand, file it anyway" for certificates without a root: recorded on the case.</summary>
    public bool RootWaived { get; set; }
}

/// <summary>A staff question on a case, waiting in the customer's chat for the answer.</summary>
/// <param name="Sequence">The case event that asked it: an answer is accepted only while the case still waits for it.</param>
public sealed record PendingQuestion(string CaseNumber, int Sequence, string Question, DateTimeOffset AskedAt);
