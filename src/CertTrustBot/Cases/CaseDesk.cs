using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using CertTrustBot.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CertTrustBot.Cases;

/// <summary>
/// Files support cases in Azure Blob Storage: certificates (one blob each), the case record, and the indexes that
/// let a customer list their cases and the bot spot a certificate requested before.
/// </summary>
/// <remarks>
/// Blob layout. Certificates container: <c>{caseNumber}/{index}.cer</c>. Cases container:
/// <list type="bullet">
/// <item><c>records/{caseNumber}.json</c>: the case record, written last and only once: the commit point. A case
/// without its record does not exist for any reader.</item>
/// <item><c>requests/{sha256(requestId)}.json</c>: the claim that ties a request to its case number, created with
/// If-None-Match:* so that one request never gets two cases.</item>
/// <item><c>counters/case-number.json</c>: the last case number handed out (see <see cref="CaseNumberCounter"/>).</item>
/// <item><c>by-requester/{sha256(requester)}/{caseNumber}</c> and
/// <c>by-certificate/{sha256(tenant)}/{SHA256}/{caseNumber}</c>: empty index blobs, written before the record. A
/// by-certificate entry carries the case's kind and environments as metadata (neither changes after filing), so a
/// look-up for previous requests reads only the few newest records that can match (see <see cref="FindPreviousRequestsAsync"/>).</item>
/// </list>
/// Every name is made of ids the bot made, hashes and validated hex: never of user text.
/// </remarks>
public sealed partial class CaseDesk(
    BlobContainers containers, CaseNumberCounter counter, TimeProvider timeProvider, ILogger<CaseDesk> logger, IEnumerable<ICaseEventOutbox> outboxes)
{
    /// <summary>A case desk that stages no events (tests of the desk alone).</summary>
    public CaseDesk(BlobContainers containers, TimeProvider timeProvider, ILogger<CaseDesk> logger)
        : this(containers, new CaseNumberCounter(containers), timeProvider, logger, [])
    {
    }

    // Every case event is staged in these before the record that commits it is written (see ICaseEventOutbox).
    private readonly ICaseEventOutbox[] _outboxes = [.. outboxes];

    public const string CertificateContentType = "application/pkix-cert";
    private const int MaxParallelReads = 8;

    /// <summary>
    /// At most this many records are read per certificate when looking for previous requests: the newest entries that
    /// can match, so a certificate asked for again and again costs the same as one asked for once.
    /// </summary>
    public const int MaxPreviousRequestReads = MaxParallelReads;

    // Metadata of a by-certificate index entry: what a look-up needs to skip a case without reading its record.
    private const string KindMetadata = "kind";
    private const string EnvironmentsMetadata = "environments";

    private static readonly JsonSerializerOptions Json = BlobJson.Options;

    /// <summary>Stores the certificates and the case record. Idempotent on <see cref="CaseDraft.RequestId"/>.</summary>
    /// <exception cref="StorageUnavailableException">Storage did not answer; nothing of the case is visible.</exception>
    /// <exception cref="ArgumentException">The draft is incomplete (no request id, no certificate, a thumbprint that does not match its DER).</exception>
    public async Task<SupportCase> SubmitAsync(CaseDraft draft, CancellationToken cancellationToken)
    {
        Validate(draft);
        try
        {
            var cases = await containers.CasesAsync(cancellationToken).ConfigureAwait(false);
            var certificates = await containers.CertificatesAsync(cancellationToken).ConfigureAwait(false);

            var claim = await ClaimAsync(cases, draft.RequestId, cancellationToken).ConfigureAwait(false);
            var existing = await ReadRecordAsync(cases, claim.CaseNumber, cancellationToken).ConfigureAwait(false);
            if (existing is not null)
                return EnsureSameRequest(existing, draft.RequestId);

            // First attempt, or a retry completing an attempt that crashed (or is still running elsewhere): every step
            // below is idempotent, and only one record can be created.
            var stored = DescribeCertificates($"{claim.CaseNumber}/", draft.FileName, draft.Certificates);
            var now = timeProvider.GetUtcNow();
            var record = new SupportCase
            {
                CaseNumber = claim.CaseNumber,
                RequestId = draft.RequestId,
                Requester = draft.Requester,
                Environments = draft.Environments.Select(e => e.Trim()).Where(e => e.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList(),
                HostName = string.IsNullOrWhiteSpace(draft.HostName) ? null : draft.HostName.Trim(),
                Certificates = stored,
                Findings = draft.Findings,
                CreatedAt = now,
                Status = CaseStatus.Submitted,
                ConversationReference = draft.ConversationReference,
                ConversationKey = draft.ConversationKey,
                Renews = CaseNumber.TryNormalize(draft.Renews ?? "", out var renews) ? renews : null,
                History = [new CaseEvent(now, CaseStatus.Submitted, draft.Requester.Name, null) { Kind = CaseEventKind.Filed }],
            };
            return await CommitAsync(cases, record, "file the case",
                StoreCertificatesAsync(certificates, claim.CaseNumber, stored, draft.Certificates, draft.RequestId, cancellationToken),
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsStorageFailure(ex, cancellationToken))
        {
            throw StorageFailures.Unavailable("submit the case", ex);
        }
    }

    /// <summary>The case, or null when there is none with that number (or the text is not a case number).</summary>
    public async Task<SupportCase?> FindAsync(string caseNumber, CancellationToken cancellationToken)
    {
        if (!CaseNumber.TryNormalize(caseNumber, out var normalized))
            return null;
        try
        {
            var cases = await containers.CasesAsync(cancellationToken).ConfigureAwait(false);
            return await ReadRecordAsync(cases, normalized, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsStorageFailure(ex, cancellationToken))
        {
            throw StorageFailures.Unavailable("read the case", ex);
        }
    }

    /// <summary>
    /// The case filed for a request, or null when it has none (yet): read-only, through the request's claim
    /// (<c>requests/{sha256(requestId)}</c>) and the record it points to. After a failed <see cref="SubmitAsync"/>
    /// it tells whether the failure came after the commit point (the case exists) or before (nothing is visible).
    /// </summary>
    /// <exception cref="StorageUnavailableException">Storage did not answer.</exception>
    public async Task<SupportCase?> FindByRequestAsync(string requestId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(requestId);
        try
        {
            var cases = await containers.CasesAsync(cancellationToken).ConfigureAwait(false);
            var claim = await ReadJsonAsync<RequestClaim>(cases.GetBlobClient(ClaimBlob(requestId)), cancellationToken).ConfigureAwait(false);
            if (claim is null || !string.Equals(claim.RequestId, requestId, StringComparison.Ordinal))
                return null;
            var record = await ReadRecordAsync(cases, claim.CaseNumber, cancellationToken).ConfigureAwait(false);
            return record is not null && string.Equals(record.RequestId, requestId, StringComparison.Ordinal) ? record : null;
        }
        catch (Exception ex) when (IsStorageFailure(ex, cancellationToken))
        {
            throw StorageFailures.Unavailable("look up the request's case", ex);
        }
    }

    /// <summary>
    /// Commits a new case: <paramref name="stored"/> (its certificates), the indexes and the staged event do not depend
    /// on each other, only the record (the commit point) depends on all of them, so they are written at once and a
    /// confirm waits for one round trip, not four. The event is staged before the commit point, so a committed case
    /// always has its event staged; an attempt that fails or loses the race leaves a staged event without a record,
    /// which the outbox checks and skips. Only one record can be created: a loser returns the winner's.
    /// </summary>
    private async Task<SupportCase> CommitAsync(BlobContainerClient cases, SupportCase record, string what, Task stored, CancellationToken cancellationToken)
    {
        await Task.WhenAll(stored, WriteIndexesAsync(cases, record, cancellationToken), StageAsync(record, cancellationToken)).ConfigureAwait(false);

        if (await BlobJson.TryWriteAsync(cases.GetBlobClient(RecordBlob(record.CaseNumber)), record, Json, null, what, cancellationToken).ConfigureAwait(false) is { } etag)
        {
            LogSubmitted(logger, record.CaseNumber, record.RequestId, record.Certificates.Count);
            Committed(record);
            return record with { ETag = etag.ToString() };
        }

        // Another attempt at the same request finished first: its record is the case.
        var winner = await ReadRecordAsync(cases, record.CaseNumber, cancellationToken).ConfigureAwait(false)
            ?? throw new StorageUnavailableException($"The record of case {record.CaseNumber} was reported to exist but could not be read; retry.");
        return EnsureSameRequest(winner, record.RequestId);
    }

    /// <summary>
    /// Files a removal case: take the certificates <paramref name="draft"/>'s case installed out of the Trusted Root
    /// stores of the given environments. No certificate is stored again: the removal case names the same blobs.
    /// Idempotent on <see cref="RemovalDraft.RequestId"/>, like <see cref="SubmitAsync"/>.
    /// </summary>
    /// <exception cref="StorageUnavailableException">Storage did not answer; nothing of the case is visible.</exception>
    public async Task<SupportCase> FileRemovalAsync(RemovalDraft draft, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(draft);
        ArgumentException.ThrowIfNullOrWhiteSpace(draft.RequestId, nameof(draft));
        if (draft.Environments.Count == 0)
            throw new ArgumentException("A removal needs at least one environment.", nameof(draft));
        try
        {
            var cases = await containers.CasesAsync(cancellationToken).ConfigureAwait(false);
            var claim = await ClaimAsync(cases, draft.RequestId, cancellationToken).ConfigureAwait(false);
            var existing = await ReadRecordAsync(cases, claim.CaseNumber, cancellationToken).ConfigureAwait(false);
            if (existing is not null)
                return EnsureSameRequest(existing, draft.RequestId);

            var now = timeProvider.GetUtcNow();
            var original = draft.Original;
            var record = new SupportCase
            {
                CaseNumber = claim.CaseNumber,
                RequestId = draft.RequestId,
                Kind = CaseKind.Removal,
                Removes = original.CaseNumber,
                Requester = draft.Requester,
                Environments = draft.Environments,
                HostName = original.HostName,
                Certificates = original.Certificates,
                Findings = [],
                CreatedAt = now,
                Status = CaseStatus.Submitted,
                ConversationReference = draft.ConversationReference,
                ConversationKey = draft.ConversationKey,
                History = [new CaseEvent(now, CaseStatus.Submitted, draft.Requester.Name, null) { Kind = CaseEventKind.Filed }],
            };
            // The certificates are the installing case's blobs: nothing to store before the record.
            return await CommitAsync(cases, record, "file the removal", Task.CompletedTask, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsStorageFailure(ex, cancellationToken))
        {
            throw StorageFailures.Unavailable("file the removal", ex);
        }
    }

    /// <summary>Every case of the tenant (through the certificate index, which holds each case of the tenant), in case-number order.</summary>
    public async Task<IReadOnlyList<SupportCase>> ListForTenantAsync(string? tenantId, CancellationToken cancellationToken)
    {
        try
        {
            var cases = await containers.CasesAsync(cancellationToken).ConfigureAwait(false);
            var tenant = TenantKey(tenantId);
            var prefix = $"by-certificate/{tenant}/";
            var numbers = new List<string>();
            await StorageFailures.Guard(
                cases.Uri,
                async () =>
                {
                    await foreach (var item in cases.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }, cancellationToken).ConfigureAwait(false))
                    {
                        var slash = item.Name.LastIndexOf('/');
                        if (CaseNumber.TryNormalize(item.Name[(slash + 1)..], out var number))
                            numbers.Add(number);
                    }
                },
                "list the tenant's cases",
                cancellationToken).ConfigureAwait(false);
            var records = await ReadRecordsAsync(cases, numbers, cancellationToken).ConfigureAwait(false);
            return records.Values.Where(r => TenantKey(r.Requester.TenantId) == tenant).OrderBy(r => r.CaseNumber, StringComparer.Ordinal).ToList();
        }
        catch (Exception ex) when (IsStorageFailure(ex, cancellationToken))
        {
            throw StorageFailures.Unavailable("list the tenant's cases", ex);
        }
    }

    /// <summary>Every case record, in case-number order (the expiry watch reads them all at each scan).</summary>
    public async Task<IReadOnlyList<SupportCase>> ListAllAsync(CancellationToken cancellationToken)
    {
        try
        {
            var cases = await containers.CasesAsync(cancellationToken).ConfigureAwait(false);
            var numbers = new List<string>();
            await StorageFailures.Guard(
                cases.Uri,
                async () =>
                {
                    await foreach (var item in cases.GetBlobsAsync(new GetBlobsOptions { Prefix = "records/" }, cancellationToken).ConfigureAwait(false))
                    {
                        if (item.Name.EndsWith(".json", StringComparison.Ordinal) && CaseNumber.TryNormalize(item.Name["records/".Length..^".json".Length], out var number))
                            numbers.Add(number);
                    }
                },
                "list all cases",
                cancellationToken).ConfigureAwait(false);
            var records = await ReadRecordsAsync(cases, numbers, cancellationToken).ConfigureAwait(false);
            return records.Values.OrderBy(r => r.CaseNumber, StringComparer.Ordinal).ToList();
        }
        catch (Exception ex) when (IsStorageFailure(ex, cancellationToken))
        {
            throw StorageFailures.Unavailable("list all cases", ex);
        }
    }

    /// <summary>The requester's cases (matched on tenant and AAD object id, else on channel user id), newest first.</summary>
    public async Task<IReadOnlyList<SupportCase>> ListForRequesterAsync(Requester requester, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        try
        {
            var cases = await containers.CasesAsync(cancellationToken).ConfigureAwait(false);
            var key = requester.Key();
            var numbers = await ListCaseNumbersAsync(cases, $"by-requester/{key}/", cancellationToken).ConfigureAwait(false);
            var records = await ReadRecordsAsync(cases, numbers, cancellationToken).ConfigureAwait(false);
            return records.Values
                .Where(r => r.Requester.Key() == key)
                .OrderByDescending(r => r.CreatedAt)
                .ThenByDescending(r => r.CaseNumber, StringComparer.Ordinal)
                .ToList();
        }
        catch (Exception ex) when (IsStorageFailure(ex, cancellationToken))
        {
            throw StorageFailures.Unavailable("list the requester's cases", ex);
        }
    }

    /// <summary>
    /// The open cases (not installed, not rejected), newest first, for the staff's <c>cases</c> command: every record is
    /// listed and read (a support desk has hundreds of cases, not millions).
    /// </summary>
    /// <exception cref="StorageUnavailableException">Storage did not answer.</exception>
    public async Task<IReadOnlyList<SupportCase>> ListOpenAsync(CancellationToken cancellationToken)
    {
        try
        {
            var cases = await containers.CasesAsync(cancellationToken).ConfigureAwait(false);
            var numbers = await ListCaseNumbersAsync(cases, "records/", cancellationToken, ".json").ConfigureAwait(false);
            var records = await ReadRecordsAsync(cases, numbers, cancellationToken).ConfigureAwait(false);
            return records.Values
                .Where(r => r.Status is not (CaseStatus.Installed or CaseStatus.Rejected))
                .OrderByDescending(r => r.CreatedAt)
                .ThenByDescending(r => r.CaseNumber, StringComparer.Ordinal)
                .ToList();
        }
        catch (Exception ex) when (IsStorageFailure(ex, cancellationToken))
        {
            throw StorageFailures.Unavailable("list the open cases", ex);
        }
    }

    /// <summary>
    /// For each given SHA-256 already requested by this tenant for any of the given environments (any environment when
    /// none is given): a short description ("CT-000042 for Production, Submitted"), as
    /// <c>CheckRequest.AlreadyRequested</c> takes it. Keys are the SHA-256 strings as given; values describe the
    /// newest such case, preferring one that was not rejected.
    /// </summary>
    /// <remarks>
    /// Bounded cost: the index entries are listed with their metadata (kind and environments), entries of removals and
    /// of other environments are skipped, and only the <see cref="MaxPreviousRequestReads"/> newest of the rest are read
    /// (the status changes after filing, so it is read from the record). "Preferring one not rejected" therefore looks
    /// among those newest cases only. An entry without metadata (written before it had any) is read like a match.
    /// </remarks>
    public async Task<IReadOnlyDictionary<string, string>> FindPreviousRequestsAsync(
        string? tenantId, IReadOnlyCollection<string> sha256, IReadOnlyCollection<string> environments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sha256);
        ArgumentNullException.ThrowIfNull(environments);
        var wanted = new HashSet<string>(environments.Where(e => !string.IsNullOrWhiteSpace(e)).Select(e => e.Trim()), StringComparer.OrdinalIgnoreCase);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            var cases = await containers.CasesAsync(cancellationToken).ConfigureAwait(false);
            var tenant = TenantKey(tenantId);
            foreach (var given in sha256.Distinct(StringComparer.Ordinal))
            {
                if (!TryNormalizeThumbprint(given, 64, out var thumbprint))
                    continue;
                var numbers = await ListCandidatesAsync(cases, $"by-certificate/{tenant}/{thumbprint}/", wanted, cancellationToken).ConfigureAwait(false);
                var records = await ReadRecordsAsync(cases, numbers, cancellationToken).ConfigureAwait(false);
                var match = records.Values
                    .Where(r => TenantKey(r.Requester.TenantId) == tenant && r.Kind == CaseKind.Install)
                    .Where(r => r.Certificates.Any(c => string.Equals(c.Sha256, thumbprint, StringComparison.OrdinalIgnoreCase)))
                    .Select(r => (Case: r, Environments: wanted.Count == 0 ? r.Environments : (IReadOnlyList<string>)r.Environments.Where(wanted.Contains).ToList()))
                    .Where(m => m.Environments.Count > 0)
                    .OrderBy(m => m.Case.Status == CaseStatus.Rejected)
                    .ThenByDescending(m => m.Case.CreatedAt)
                    .FirstOrDefault();
                if (match.Case is not null)
                    result[given] = $"{match.Case.CaseNumber} for {Words.Join(match.Environments)}, {Describe(match.Case.Status)}";
            }
            return result;
        }
        catch (Exception ex) when (IsStorageFailure(ex, cancellationToken))
        {
            throw StorageFailures.Unavailable("look up previous requests", ex);
        }
    }

    /// <summary>
    /// Records what happened to a case: the status follows from <see cref="CaseTransitions"/>, and the event is appended
    /// to the history, staged for the case-event pipeline and committed in one conditional write. With
    /// <paramref name="expectedETag"/> (the <see cref="SupportCase.ETag"/> the caller showed to a person), a case changed
    /// since is refused with <see cref="StorageConflictException"/>; without it, concurrent changes are applied in turn.
    /// </summary>
    /// <returns>The outcome, with the case as it is now (null when there is no such case).</returns>
    public async Task<CaseEventResult> RecordAsync(string caseNumber, CaseEventDraft draft, string? expectedETag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(draft);
        ArgumentException.ThrowIfNullOrWhiteSpace(draft.Actor, nameof(draft));
        if (draft.Kind == CaseEventKind.Filed)
            throw new ArgumentException("A case is filed with SubmitAsync.", nameof(draft));
        if (!CaseNumber.TryNormalize(caseNumber, out var normalized))
            return new CaseEventResult(CaseEventOutcome.NoSuchCase, null);
        try
        {
            var cases = await containers.CasesAsync(cancellationToken).ConfigureAwait(false);
            var blob = cases.GetBlobClient(RecordBlob(normalized));
            CaseAnswer? answer = null;
            for (var attempt = 1; ; attempt++)
            {
                var current = await ReadRecordAsync(cases, normalized, cancellationToken).ConfigureAwait(false);
                if (current is null)
                    return new CaseEventResult(CaseEventOutcome.NoSuchCase, null);
                if (expectedETag is not null && expectedETag != current.ETag)
                    throw Conflict(normalized, null);
                if (CaseTransitions.After(current, draft.Kind, draft.Environments) is not { } status)
                    return new CaseEventResult(CaseEventOutcome.NotAllowed, current);

                // An answer's certificates are stored before the event that names them, once, under a name the bot made.
                if (draft.Answer is { } given && answer is null)
                    answer = await StoreAnswerAsync(normalized, given, cancellationToken).ConfigureAwait(false);

                var now = timeProvider.GetUtcNow();
                var happened = new CaseEvent(now, status, draft.Actor.Trim(), string.IsNullOrWhiteSpace(draft.Note) ? null : draft.Note.Trim())
                {
                    Kind = draft.Kind,
                    Environments = draft.Environments,
                    Answer = answer,
                    Reminder = draft.Reminder,
                };
                var updated = current with { Status = status, UpdatedAt = now, History = [.. current.History, happened] };
                // Staged before the conditional write, as in SubmitAsync: an event that commits was always staged.
                await StageAsync(updated, cancellationToken).ConfigureAwait(false);
                if (await BlobJson.TryWriteAsync(blob, updated, Json, new ETag(current.ETag!), "record a case event", cancellationToken).ConfigureAwait(false) is { } etag)
                {
                    LogRecorded(logger, normalized, draft.Kind, status, draft.Actor);
                    Committed(updated);
                    return new CaseEventResult(CaseEventOutcome.Recorded, updated with { ETag = etag.ToString() });
                }

                if (expectedETag is not null || attempt >= 10)
                    throw Conflict(normalized, null);
            }
        }
        catch (Exception ex) when (IsStorageFailure(ex, cancellationToken))
        {
            throw StorageFailures.Unavailable("record a case event", ex);
        }
    }

    private async Task<CaseAnswer> StoreAnswerAsync(string caseNumber, CaseAnswerDraft given, CancellationToken cancellationToken)
    {
        if (given.Certificates.Count == 0)
            return new CaseAnswer(given.Text, []) { Id = given.AnswerId };
        var certificates = await containers.CertificatesAsync(cancellationToken).ConfigureAwait(false);
        var answerId = Sha256Hex($"answer|{caseNumber}|{given.AnswerId}")[..32];
        var stored = DescribeCertificates($"{caseNumber}/answers/{answerId}/", given.FileName, given.Certificates);
        await StoreCertificatesAsync(certificates, caseNumber, stored, given.Certificates, given.AnswerId, cancellationToken).ConfigureAwait(false);
        return new CaseAnswer(given.Text, stored) { Id = given.AnswerId };
    }

    private async Task StageAsync(SupportCase record, CancellationToken cancellationToken)
    {
        foreach (var outbox in _outboxes)
            await outbox.StageAsync(record, cancellationToken).ConfigureAwait(false);
    }

    private void Committed(SupportCase record)
    {
        foreach (var outbox in _outboxes)
            outbox.Committed(record);
    }

    public static string Describe(CaseStatus status) => status switch
    {
        CaseStatus.InProgress => "In progress",
        CaseStatus.NeedsInformation => "Needs information",
        _ => status.ToString(),
    };

    // ---- request claims and case numbers ----

    private sealed record RequestClaim(string RequestId, string CaseNumber, DateTimeOffset ClaimedAt);

    private async Task<RequestClaim> ClaimAsync(BlobContainerClient cases, string requestId, CancellationToken cancellationToken)
    {
        var blob = cases.GetBlobClient(ClaimBlob(requestId));
        var claim = await ReadJsonAsync<RequestClaim>(blob, cancellationToken).ConfigureAwait(false);
        if (claim is null)
        {
            // A number is spent before the claim is made; losing the race to another instance leaves a gap, never a duplicate.
            var number = await counter.NextAsync(cancellationToken).ConfigureAwait(false);
            var mine = new RequestClaim(requestId, number, timeProvider.GetUtcNow());
            if (await BlobJson.TryWriteAsync(blob, mine, Json, null, "claim the request", cancellationToken).ConfigureAwait(false) is not null)
                return mine;
            claim = await ReadJsonAsync<RequestClaim>(blob, cancellationToken).ConfigureAwait(false)
                ?? throw new StorageUnavailableException("The request claim was reported to exist but could not be read; retry.");
        }
        if (!string.Equals(claim.RequestId, requestId, StringComparison.Ordinal))
            throw new InvalidOperationException($"The request claim for '{requestId}' belongs to another request id.");
        return claim;
    }

    private static SupportCase EnsureSameRequest(SupportCase record, string requestId) =>
        string.Equals(record.RequestId, requestId, StringComparison.Ordinal)
            ? record
            : throw new InvalidOperationException(
                $"Case {record.CaseNumber} belongs to request {record.RequestId}, not {requestId}: the case-number counter was reset. Restore {CaseNumberCounter.BlobName} to the highest case number.");

    // ---- certificates and indexes ----

    /// <summary>What is stored of each certificate, and under which blob name: known before anything is written.</summary>
    private static List<CaseCertificate> DescribeCertificates(string prefix, string givenFileName, IReadOnlyList<CaseCertificateContent> contents)
    {
        var fileName = SanitizeFileName(givenFileName);
        var stored = new List<CaseCertificate>(contents.Count);
        for (var index = 0; index < contents.Count; index++)
        {
            var certificate = contents[index];
            var sha256 = Convert.ToHexString(SHA256.HashData(certificate.Der));
            var name = $"{prefix}{index.ToString(CultureInfo.InvariantCulture)}.cer";
            stored.Add(new CaseCertificate(fileName, certificate.Role, certificate.Subject, certificate.Issuer, certificate.NotAfter, sha256, NormalizeThumbprint(certificate.Sha1), name));
        }
        return stored;
    }

    /// <summary>Uploads each certificate under its name, all at once; one already there from an earlier attempt must be the same.</summary>
    private static Task StoreCertificatesAsync(
        BlobContainerClient certificates, string caseNumber, IReadOnlyList<CaseCertificate> stored, IReadOnlyList<CaseCertificateContent> contents, string requestId,
        CancellationToken cancellationToken) =>
        Task.WhenAll(stored.Select(async (described, index) =>
        {
            var blob = certificates.GetBlobClient(described.BlobName);
            var metadata = new Dictionary<string, string>
            {
                ["sha256"] = described.Sha256,
                ["filename"] = EncodeMetadata(described.FileName),
                ["casenumber"] = caseNumber,
            };
            var options = new BlobUploadOptions
            {
                Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
                HttpHeaders = new BlobHttpHeaders { ContentType = CertificateContentType },
                Metadata = metadata,
            };
            try
            {
                await StorageFailures.Guard(certificates.Uri, () => blob.UploadAsync(BinaryData.FromBytes(contents[index].Der), options, cancellationToken), "store a certificate", cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException ex) when (ex.Status == 409)
            {
                // Written by an earlier attempt of the same request: fine if it is the same certificate.
                var properties = await StorageFailures.Guard(certificates.Uri, () => blob.GetPropertiesAsync(cancellationToken: cancellationToken), "check a stored certificate", cancellationToken).ConfigureAwait(false);
                if (!properties.Value.Metadata.TryGetValue("sha256", out var storedSha) || !string.Equals(storedSha, described.Sha256, StringComparison.OrdinalIgnoreCase))
                    throw new InvalidOperationException($"Request {requestId} was submitted before with different certificates; a changed request needs a new request id.", ex);
            }
        }));

    private static async Task WriteIndexesAsync(BlobContainerClient cases, SupportCase record, CancellationToken cancellationToken)
    {
        var tenant = TenantKey(record.Requester.TenantId);
        var byCertificate = new Dictionary<string, string>
        {
            [KindMetadata] = record.Kind.ToString(),
            [EnvironmentsMetadata] = string.Join(',', record.Environments.Select(EncodeMetadata)),
        };
        var names = record.Certificates.Select(c => (Name: $"by-certificate/{tenant}/{c.Sha256}/{record.CaseNumber}", Metadata: byCertificate))
            .Prepend((Name: $"by-requester/{record.Requester.Key()}/{record.CaseNumber}", Metadata: new Dictionary<string, string>()))
            .DistinctBy(entry => entry.Name, StringComparer.Ordinal);
        await Task.WhenAll(names.Select(entry => StorageFailures.Guard(
                cases.Uri,
                () => cases.GetBlobClient(entry.Name).UploadAsync(BinaryData.Empty, new BlobUploadOptions { Metadata = entry.Metadata }, cancellationToken),
                "index the case",
                cancellationToken))).ConfigureAwait(false);
    }

    /// <summary>
    /// The case numbers under a by-certificate prefix that can be an install case for one of <paramref name="wanted"/>
    /// (any environment when empty), judged by each entry's metadata: the <see cref="MaxPreviousRequestReads"/> newest.
    /// </summary>
    private static async Task<List<string>> ListCandidatesAsync(BlobContainerClient cases, string prefix, HashSet<string> wanted, CancellationToken cancellationToken)
    {
        var numbers = new List<(string Number, long Value)>();
        await StorageFailures.Guard(
            cases.Uri,
            async () =>
            {
                await foreach (var item in cases.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix, Traits = BlobTraits.Metadata }, cancellationToken).ConfigureAwait(false))
                {
                    if (CaseNumber.TryNormalize(item.Name[prefix.Length..], out var number) && CanMatch(item.Metadata, wanted))
                        numbers.Add((number, long.Parse(number.AsSpan(CaseNumber.Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture)));
                }
            },
            "list previous requests",
            cancellationToken).ConfigureAwait(false);
        // Case numbers are handed out in order, so the highest are the newest (compared as numbers: CT-1000000 > CT-999999).
        return numbers.OrderByDescending(n => n.Value).Take(MaxPreviousRequestReads).Select(n => n.Number).ToList();
    }

    private static bool CanMatch(IDictionary<string, string>? metadata, HashSet<string> wanted)
    {
        if (metadata is null || !metadata.TryGetValue(KindMetadata, out var kind) || !metadata.TryGetValue(EnvironmentsMetadata, out var environments))
            return true; // written before index entries had metadata: only the record can tell
        if (!string.Equals(kind, nameof(CaseKind.Install), StringComparison.Ordinal))
            return false;
        return wanted.Count == 0 || environments.Split(',', StringSplitOptions.RemoveEmptyEntries).Any(e => wanted.Contains(Uri.UnescapeDataString(e)));
    }

    private static async Task<List<string>> ListCaseNumbersAsync(BlobContainerClient cases, string prefix, CancellationToken cancellationToken, string suffix = "")
    {
        var numbers = new List<string>();
        await StorageFailures.Guard(
            cases.Uri,
            async () =>
            {
                await foreach (var item in cases.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }, cancellationToken).ConfigureAwait(false))
                {
                    var name = item.Name[prefix.Length..];
                    if (suffix.Length > 0 && name.EndsWith(suffix, StringComparison.Ordinal))
                        name = name[..^suffix.Length];
                    if (CaseNumber.TryNormalize(name, out var number))
                        numbers.Add(number);
                }
            },
            "list cases",
            cancellationToken).ConfigureAwait(false);
        return numbers;
    }

    private static async Task<Dictionary<string, SupportCase>> ReadRecordsAsync(BlobContainerClient cases, IEnumerable<string> caseNumbers, CancellationToken cancellationToken)
    {
        var records = new System.Collections.Concurrent.ConcurrentDictionary<string, SupportCase>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(
            caseNumbers.Distinct(StringComparer.Ordinal),
            new ParallelOptions { MaxDegreeOfParallelism = MaxParallelReads, CancellationToken = cancellationToken },
            async (number, ct) =>
            {
                // An index entry without a record is a submission that never committed: not a case.
                if (await ReadRecordAsync(cases, number, ct).ConfigureAwait(false) is { } record)
                    records[number] = record;
            }).ConfigureAwait(false);
        return new Dictionary<string, SupportCase>(records, StringComparer.Ordinal);
    }

    // ---- blobs as JSON ----

    private static string RecordBlob(string caseNumber) => $"records/{caseNumber}.json";

    private static string ClaimBlob(string requestId) => $"requests/{Sha256Hex(requestId)}.json";

    private static async Task<SupportCase?> ReadRecordAsync(BlobContainerClient cases, string caseNumber, CancellationToken cancellationToken)
    {
        var (record, etag) = await ReadJsonWithETagAsync<SupportCase>(cases.GetBlobClient(RecordBlob(caseNumber)), cancellationToken).ConfigureAwait(false);
        return record is null ? null : Upgraded(record) with { ETag = etag.ToString() };
    }

    // Before events were typed, a record kept only each event's status, and installed environments as a note
    // "Installed in: A, B". Such a record is read as typed events here, once, so nothing else parses notes.
    private const string LegacyInstalledPrefix = "Installed in: ";

    private static SupportCase Upgraded(SupportCase record)
    {
        if (record.History.Skip(1).All(e => e.Kind != CaseEventKind.Filed))
            return record;
        var history = record.History.Select((e, i) => i == 0 || e.Kind != CaseEventKind.Filed ? e : e.Status switch
        {
            _ when e.Note?.StartsWith(LegacyInstalledPrefix, StringComparison.Ordinal) == true => e with
            {
                Kind = CaseEventKind.Installed,
                Environments = e.Note[LegacyInstalledPrefix.Length..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                Note = null,
            },
            CaseStatus.Installed => e with { Kind = CaseEventKind.Installed, Environments = record.Environments },
            CaseStatus.NeedsInformation => e with { Kind = CaseEventKind.QuestionAsked },
            CaseStatus.Rejected => e with { Kind = CaseEventKind.Rejected },
            _ when e.Note?.StartsWith("Answer: ", StringComparison.Ordinal) == true => e with { Kind = CaseEventKind.Answered, Answer = new CaseAnswer(e.Note["Answer: ".Length..], []), Note = null },
            _ => e with { Kind = CaseEventKind.Started },
        }).ToList();
        return record with { History = history };
    }

    private static async Task<T?> ReadJsonAsync<T>(BlobClient blob, CancellationToken cancellationToken) where T : class =>
        (await ReadJsonWithETagAsync<T>(blob, cancellationToken).ConfigureAwait(false)).Value;

    private static Task<(T? Value, ETag? ETag)> ReadJsonWithETagAsync<T>(BlobClient blob, CancellationToken cancellationToken) where T : class =>
        BlobJson.ReadAsync<T>(blob, Json, "read from storage", cancellationToken);

    // ---- names and validation ----

    private static string TenantKey(string? tenantId) => Sha256Hex($"tenant|{tenantId?.Trim().ToUpperInvariant()}");

    private static string Sha256Hex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static bool TryNormalizeThumbprint(string? text, int hexLength, out string thumbprint)
    {
        thumbprint = NormalizeThumbprint(text);
        return thumbprint.Length == hexLength && thumbprint.All(char.IsAsciiHexDigit);
    }

    /// <summary>Upper-case hex without separators, as the certificate engine writes thumbprints.</summary>
    private static string NormalizeThumbprint(string? text) =>
        string.Concat((text ?? "").Where(c => c is not (':' or ' ' or '-'))).ToUpperInvariant();

    /// <summary>
    /// The file name as the customer sent it, made harmless for display: last path segment only, no control or
    /// path characters, at most 128 characters. It is only ever metadata and a field of the record, never a blob name.
    /// </summary>
    public static string SanitizeFileName(string? fileName)
    {
        var name = (fileName ?? "").Replace('\\', '/');
        name = name[(name.LastIndexOf('/') + 1)..];
        name = new string(name.Where(c => !char.IsControl(c) && CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.Format && c is not (':' or '*' or '?' or '"' or '<' or '>' or '|')).ToArray());
        name = name.Trim().Trim('.').Trim();
        if (name.Length > 128)
            name = name[..(char.IsHighSurrogate(name[127]) ? 127 : 128)];
        return name.Length == 0 ? "certificate.cer" : name;
    }

    /// <summary>Blob metadata must be ASCII: percent-encoded UTF-8 (read it back with <see cref="Uri.UnescapeDataString(string)"/>).</summary>
    private static string EncodeMetadata(string value) => Uri.EscapeDataString(value);

    private static void Validate(CaseDraft draft)
    {
        ArgumentNullException.ThrowIfNull(draft);
        ArgumentException.ThrowIfNullOrWhiteSpace(draft.RequestId, nameof(draft));
        ArgumentNullException.ThrowIfNull(draft.Requester, nameof(draft));
        if (draft.Certificates is null || draft.Certificates.Count == 0)
            throw new ArgumentException("A case needs at least one certificate.", nameof(draft));
        if (draft.Environments is null || draft.Environments.All(string.IsNullOrWhiteSpace))
            throw new ArgumentException("A case needs at least one environment.", nameof(draft));
        foreach (var certificate in draft.Certificates)
        {
            if (certificate.Der is null || certificate.Der.Length == 0)
                throw new ArgumentException("A certificate of the draft has no DER bytes.", nameof(draft));
            var actual = Convert.ToHexString(SHA256.HashData(certificate.Der));
            if (!string.IsNullOrEmpty(certificate.Sha256) && !string.Equals(NormalizeThumbprint(certificate.Sha256), actual, StringComparison.Ordinal))
                throw new ArgumentException($"The SHA-256 given for '{certificate.Subject}' does not match its DER bytes.", nameof(draft));
        }
    }

    private static StorageConflictException Conflict(string caseNumber, Exception? inner) =>
        new($"Case {caseNumber} changed since it was read; read it again and retry.", inner);

    [LoggerMessage(Level = LogLevel.Information, Message = "Case {CaseNumber} submitted for request {RequestId} with {CertificateCount} certificate(s)")]
    private static partial void LogSubmitted(ILogger logger, string caseNumber, string requestId, int certificateCount);

    [LoggerMessage(Level = LogLevel.Information, Message = "Case {CaseNumber}: {Kind}, now {Status} (by {Actor})")]
    private static partial void LogRecorded(ILogger logger, string caseNumber, CaseEventKind kind, CaseStatus status, string actor);

    private static bool IsStorageFailure(Exception exception, CancellationToken cancellationToken) =>
        exception is RequestFailedException || StorageFailures.IsUnavailable(exception, cancellationToken);
}

public static class CaseDeskServiceCollectionExtensions
{
    /// <summary>The case desk over blob storage (call <c>AddBlobStorage</c> too).</summary>
    public static IServiceCollection AddCaseDesk(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<CaseNumberCounter>();
        services.TryAddSingleton<CaseDesk>();
        return services;
    }
}
