namespace CertTrustBot.Cases;

/// <summary>
/// Hears of every case event (a new case, a status change) that <see cref="CaseDesk"/> is about to commit, so that
/// something outside the case desk (the external case-desk webhook) can act on it without ever missing one.
/// </summary>
/// <remarks>
/// The case record is the truth and its write is the commit point. <see cref="StageAsync"/> is called BEFORE that write,
/// and a failure there fails the operation with nothing committed: an event can never be committed without having been
/// staged. The other way round is allowed: a staged event whose write then fails (or loses an ETag race) is never
/// committed, so an implementation must check the record before acting on a staged event.
/// </remarks>
public interface ICaseEventOutbox
{
    /// <summary>
    /// Durably records the event that <paramref name="record"/> is about to commit: its last <see cref="SupportCase.History"/>
    /// entry, whose sequence number is <c>History.Count</c> (1 = the case was created). Idempotent per case number and
    /// sequence: retries and racing attempts stage the same sequence again.
    /// </summary>
    Task StageAsync(SupportCase record, CancellationToken cancellationToken);

    /// <summary>The record was written: a hint to act now. It may be lost (a crash); staged events are acted on anyway.</summary>
    void Committed(SupportCase record);
}
