using CertTrustBot.Cases;
using CertTrustBot.Messaging;
using CertTrustBot.Storage;

namespace CertTrustBot.Staff;

/// <summary>The staff team as the bot learned it: its id and the edge's opaque conversation reference.</summary>
public sealed record StaffTeam(string TeamId, string Reference, DateTimeOffset LearnedAt);

/// <summary>
/// What the staff side keeps, as JSON blobs in the cases container under <c>staff/</c>: <c>team.json</c> (the staff
/// team's reference) and <c>cards/{caseNumber}.json</c> (where each case's card was posted: written when it is first
/// posted, create-only, and replaced only by the staff's <c>show</c>, with If-Match). Names are made of case numbers only.
/// </summary>
public sealed class StaffStore(BlobContainers containers)
{
    private const string TeamBlob = "staff/team.json";

    // Only saves writes: the team reference is written again only when it changed (the blob stays the truth).
    private string? _lastTeamWritten;

    public async Task<StaffTeam?> TeamAsync(CancellationToken cancellationToken) =>
        (await ReadAsync<StaffTeam>(TeamBlob, cancellationToken).ConfigureAwait(false)).Value;

    /// <summary>Keeps the team's reference; true when it was new or changed.</summary>
    public async Task<bool> SaveTeamAsync(string teamId, string reference, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var key = teamId + "\n" + reference;
        if (_lastTeamWritten == key)
            return false;
        var cases = await containers.CasesAsync(cancellationToken).ConfigureAwait(false);
        var blob = cases.GetBlobClient(TeamBlob);
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            var (current, etag) = await BlobJson.ReadAsync<StaffTeam>(blob, BlobJson.Options, "read the staff team", cancellationToken).ConfigureAwait(false);
            if (current is not null && current.TeamId == teamId && current.Reference == reference)
            {
                _lastTeamWritten = key;
                return false;
            }

            if (await BlobJson.TryWriteAsync(blob, new StaffTeam(teamId, reference, now), BlobJson.Options, etag, "keep the staff team", cancellationToken).ConfigureAwait(false) is not null)
            {
                _lastTeamWritten = key;
                return true;
            }
        }
        return false; // another instance kept writing it: it learned the team too
    }

    public async Task<PostedMessage?> CardOfAsync(string caseNumber, CancellationToken cancellationToken) =>
        (await ReadAsync<PostedMessage>(CardBlob(caseNumber), cancellationToken).ConfigureAwait(false)).Value;

    /// <summary>Keeps where a case card was posted; false when a card of that case was recorded already (it stays).</summary>
    public async Task<bool> SaveCardAsync(string caseNumber, PostedMessage posted, CancellationToken cancellationToken)
    {
        var cases = await containers.CasesAsync(cancellationToken).ConfigureAwait(false);
        return await BlobJson.TryWriteAsync(cases.GetBlobClient(CardBlob(caseNumber)), posted, BlobJson.Options, null, "record the posted case card", cancellationToken).ConfigureAwait(false) is not null;
    }

    /// <summary>
    /// Makes <paramref name="posted"/> the case's card, the one updated from now on (the staff's <c>show</c>): replaces
    /// the record with If-Match on the ETag it read (If-None-Match when there was none), reading again when another
    /// writer came between, so a concurrent first post or replacement is never overwritten unseen.
    /// </summary>
    public async Task ReplaceCardAsync(string caseNumber, PostedMessage posted, CancellationToken cancellationToken)
    {
        var cases = await containers.CasesAsync(cancellationToken).ConfigureAwait(false);
        var blob = cases.GetBlobClient(CardBlob(caseNumber));
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            var (_, etag) = await BlobJson.ReadAsync<PostedMessage>(blob, BlobJson.Options, "read the posted case card", cancellationToken).ConfigureAwait(false);
            if (await BlobJson.TryWriteAsync(blob, posted, BlobJson.Options, etag, "record the case card shown again", cancellationToken).ConfigureAwait(false) is not null)
                return;
        }
        throw new StorageConflictException($"The card record of {caseNumber} kept changing while it was replaced.");
    }

    private static string CardBlob(string caseNumber) =>
        CaseNumber.TryNormalize(caseNumber, out var normalized) ? $"staff/cards/{normalized}.json" : throw new ArgumentException($"'{caseNumber}' is not a case number.", nameof(caseNumber));

    private async Task<(T? Value, Azure.ETag? ETag)> ReadAsync<T>(string name, CancellationToken cancellationToken) where T : class
    {
        var cases = await containers.CasesAsync(cancellationToken).ConfigureAwait(false);
        return await BlobJson.ReadAsync<T>(cases.GetBlobClient(name), BlobJson.Options, "read the staff records", cancellationToken).ConfigureAwait(false);
    }
}
