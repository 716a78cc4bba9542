namespace CertTrustBot.Cases.Webhooks;

/// <summary>
/// What the external case desk receives: one event of a case's life and the case as it stood then. No certificate
/// bytes and no conversation reference: the receiver gets thumbprints and can ask support staff for the file.
/// </summary>
/// <param name="Id">The idempotency key, stable per event: <c>{caseNumber}:{sequence}</c> (<c>CT-000042:1</c>).</param>
/// <param name="Type"><see cref="CaseCreated"/> or <see cref="StatusChanged"/>.</param>
public sealed record CaseWebhookEvent(string Id, string Type, DateTimeOffset OccurredAt, CaseWebhookCase Case, CaseWebhookEventDetails Event)
{
    public const string CaseCreated = "case.created";
    public const string StatusChanged = "case.status_changed";
    public const string RenewalRequested = "case.renewal_requested";
    public const string RemovalRequested = "case.removal_requested";
    public const string CertificateExpiring = "certificate.expiring";
    public const string CertificateRemoved = "certificate.removed";
    public const string ReminderSnoozed = "certificate.reminder_snoozed";

    /// <summary>The type of event number <paramref name="sequence"/>: what a receiver routes on.</summary>
    public static string TypeOf(SupportCase record, int sequence)
    {
        ArgumentNullException.ThrowIfNull(record);
        var happened = record.History[sequence - 1];
        return (sequence, happened.Kind) switch
        {
            (1, _) when record.Renews is not null => RenewalRequested,
            (1, _) when record.Kind == CaseKind.Removal => RemovalRequested,
            (1, _) => CaseCreated,
            (_, CaseEventKind.Reminded) => CertificateExpiring,
            (_, CaseEventKind.Snoozed) => ReminderSnoozed,
            (_, CaseEventKind.Removed) => CertificateRemoved,
            _ => StatusChanged,
        };
    }

    public static string IdOf(string caseNumber, int sequence) =>
        $"{caseNumber}:{sequence.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    /// <summary>
    /// The event number <paramref name="sequence"/> (1-based position in <see cref="SupportCase.History"/>) of the case.
    /// A pure function of the record, so that every instance and every retry builds the same payload.
    /// </summary>
    public static CaseWebhookEvent From(SupportCase record, int sequence)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentOutOfRangeException.ThrowIfLessThan(sequence, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(sequence, record.History.Count);
        var happened = record.History[sequence - 1];
        return new CaseWebhookEvent(
            IdOf(record.CaseNumber, sequence),
            TypeOf(record, sequence),
            happened.At,
            new CaseWebhookCase(
                record.CaseNumber,
                happened.Status, // as of this event, not as of now: a later change is a later event
                new CaseWebhookRequester(record.Requester.Name, record.Requester.AadObjectId, record.Requester.TenantId),
                record.Environments,
                record.HostName,
                record.Certificates.Select(c => new CaseWebhookCertificate(c.Subject, c.Issuer, c.Role, c.NotAfter, c.Sha256, c.Sha1)).ToList(),
                record.Findings,
                record.CreatedAt)
            {
                Kind = record.Kind,
                Renews = record.Renews,
                Removes = record.Removes,
            },
            new CaseWebhookEventDetails(sequence, happened.Kind, happened.Status, happened.Actor, happened.Note, happened.At)
            {
                Environments = happened.Kind is CaseEventKind.Installed or CaseEventKind.Removed ? happened.Environments : null,
                Reminder = happened.Reminder,
                Answer = happened.Answer is { } answer ? new CaseWebhookAnswer(answer.Text, answer.Certificates.Select(c => new CaseWebhookCertificate(c.Subject, c.Issuer, c.Role, c.NotAfter, c.Sha256, c.Sha1)).ToList()) : null,
            });
    }
}

public sealed record CaseWebhookCase(
    string CaseNumber,
    CaseStatus Status,
    CaseWebhookRequester Requester,
    IReadOnlyList<string> Environments,
    string? HostName,
    IReadOnlyList<CaseWebhookCertificate> Certificates,
    IReadOnlyList<CaseFinding> Findings,
    DateTimeOffset CreatedAt)
{
    /// <summary>Install (a request or a renewal) or Removal.</summary>
    public CaseKind Kind { get; init; }

    /// <summary>For a renewal: the case it renews.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? Renews { get; init; }

    /// <summary>For a removal: the case that installed what it removes.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? Removes { get; init; }
}

public sealed record CaseWebhookRequester(string Name, string? AadObjectId, string? TenantId);

public sealed record CaseWebhookCertificate(string Subject, string Issuer, string Role, DateTimeOffset NotAfter, string Sha256, string Sha1);

/// <param name="Sequence">1 for the creation, then 2, 3... for each later event.</param>
/// <param name="Kind">What happened: Filed, Started, QuestionAsked, Answered, Installed, Rejected.</param>
/// <param name="Status">The case's status after the event.</param>
public sealed record CaseWebhookEventDetails(int Sequence, CaseEventKind Kind, CaseStatus Status, string Actor, string? Note, DateTimeOffset At)
{
    /// <summary>For Installed: the environments this event installed.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Environments { get; init; }

    /// <summary>For Reminded (<c>certificate.expiring</c>) and Snoozed: which certificate, where, its expiry, the last day to ask.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public ExpiryReminder? Reminder { get; init; }

    /// <summary>For Answered: the customer's answer (checked like any request: never key material).</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public CaseWebhookAnswer? Answer { get; init; }
}

public sealed record CaseWebhookAnswer(string? Text, IReadOnlyList<CaseWebhookCertificate> Certificates);
