namespace CertTrustBot.Cases;

/// <summary>
/// Files support cases in Azure Blob Storage: certificates (one blob each), the case record, and the indexes that
/// let a customer list their cases and the bot spot a certificate requested before.
/// CONTRACT STUB: the public surface the conversation codes against; the implementation is in progress.
/// </summary>
public sealed class CaseDesk
{
    /// <summary>Stores the certificates and the case record. Idempotent on <see cref="CaseDraft.RequestId"/>.</summary>
    /// <exception cref="StorageUnavailableException">Storage did not answer; nothing of the case is visible.</exception>
    public Task<SupportCase> SubmitAsync(CaseDraft draft, CancellationToken cancellationToken) =>
        throw new NotImplementedException();

    public Task<SupportCase?> FindAsync(string caseNumber, CancellationToken cancellationToken) =>
        throw new NotImplementedException();

    /// <summary>The requester's cases (matched on tenant and AAD object id, else on channel user id), newest first.</summary>
    public Task<IReadOnlyList<SupportCase>> ListForRequesterAsync(Requester requester, CancellationToken cancellationToken) =>
        throw new NotImplementedException();

    /// <summary>
    /// For each given SHA-256 already requested by this tenant for any of the given environments: a short description
    /// ("CT-000042 for Production, Submitted"), as <c>CheckRequest.AlreadyRequested</c> takes it.
    /// </summary>
    public Task<IReadOnlyDictionary<string, string>> FindPreviousRequestsAsync(
        string? tenantId, IReadOnlyCollection<string> sha256, IReadOnlyCollection<string> environments, CancellationToken cancellationToken) =>
        throw new NotImplementedException();
}

/// <summary>Storage did not answer (or refused); the operation had no visible effect and may be retried.</summary>
public sealed class StorageUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
