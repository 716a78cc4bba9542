using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using CertTrustBot.Cases;
using CertTrustBot.Storage;

namespace CertTrustBot.Staff;

/// <summary>The staff team as the bot learned it: its id and the edge's opaque conversation reference.</summary>
public sealed record StaffTeam(string TeamId, string Reference, DateTimeOffset LearnedAt);

/// <summary>Where a case card was posted: the thread's opaque reference and the card message's id (to update it).</summary>
public sealed record PostedMessage(string ThreadReference, string MessageId);

/// <summary>A question put to a customer whose next message goes to the case.</summary>
public sealed record AwaitedAnswer(string CaseNumber, string Question, DateTimeOffset AskedAt);

/// <summary>
/// What the staff side keeps, as JSON blobs in the cases container under <c>staff/</c>: <c>team.json</c> (the staff
/// team's reference), <c>cards/{caseNumber}.json</c> (where each case card was posted) and
/// <c>awaiting-answer/{sha256(requester)}.json</c> (the question a customer's next message answers). Names are made of
/// case numbers and hashes only.
/// </summary>
public sealed class StaffStore(BlobContainers containers)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };
    private static readonly BlobHttpHeaders JsonHeaders = new() { ContentType = "application/json; charset=utf-8" };

    // Only saves writes: the team reference is written again only when it changed (the blob stays the truth).
    private string? _lastTeamWritten;

    public async Task<StaffTeam?> TeamAsync(CancellationToken cancellationToken) =>
        (await ReadAsync<StaffTeam>("staff/team.json", cancellationToken).ConfigureAwait(false)).Value;

    /// <summary>Keeps the team's reference; true when it was new or changed.</summary>
    public async Task<bool> SaveTeamAsync(string teamId, string reference, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var key = teamId + "\n" + reference;
        if (_lastTeamWritten == key)
            return false;
        var current = await TeamAsync(cancellationToken).ConfigureAwait(false);
        if (current is not null && current.TeamId == teamId && current.Reference == reference)
        {
            _lastTeamWritten = key;
            return false;
        }

        await WriteAsync("staff/team.json", new StaffTeam(teamId, reference, now), null, cancellationToken).ConfigureAwait(false);
        _lastTeamWritten = key;
        return true;
    }

    public async Task<PostedMessage?> CardOfAsync(string caseNumber, CancellationToken cancellationToken) =>
        (await ReadAsync<PostedMessage>(CardBlob(caseNumber), cancellationToken).ConfigureAwait(false)).Value;

    public Task SaveCardAsync(string caseNumber, PostedMessage posted, CancellationToken cancellationToken) =>
        WriteAsync(CardBlob(caseNumber), posted, null, cancellationToken);

    public async Task<AwaitedAnswer?> AwaitedAnswerAsync(Requester customer, CancellationToken cancellationToken) =>
        (await ReadAsync<AwaitedAnswer>(AnswerBlob(customer), cancellationToken).ConfigureAwait(false)).Value;

    public Task AwaitAnswerAsync(Requester customer, AwaitedAnswer awaited, CancellationToken cancellationToken) =>
        WriteAsync(AnswerBlob(customer), awaited, null, cancellationToken);

    /// <summary>Forgets the awaited answer if it is still about <paramref name="caseNumber"/>; false when another turn took it.</summary>
    public async Task<bool> TakeAnswerAsync(Requester customer, string caseNumber, CancellationToken cancellationToken)
    {
        var cases = await containers.CasesAsync(cancellationToken).ConfigureAwait(false);
        var blob = cases.GetBlobClient(AnswerBlob(customer));
        var (awaited, etag) = await ReadAsync<AwaitedAnswer>(AnswerBlob(customer), cancellationToken).ConfigureAwait(false);
        if (awaited is null || awaited.CaseNumber != caseNumber || etag is null)
            return false;
        try
        {
            await StorageFailures.Guard(
                () => blob.DeleteAsync(DeleteSnapshotsOption.None, new BlobRequestConditions { IfMatch = etag }, cancellationToken),
                "take the awaited answer", cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            return false;
        }
    }

    /// <summary>Who asked, as a blob name: tenant and AAD object id when known, else the channel user id.</summary>
    public static string CustomerKey(Requester customer)
    {
        ArgumentNullException.ThrowIfNull(customer);
        var text = string.IsNullOrWhiteSpace(customer.AadObjectId)
            ? $"user|{customer.TenantId?.Trim().ToUpperInvariant()}|{customer.UserId}"
            : $"aad|{customer.TenantId?.Trim().ToUpperInvariant()}|{customer.AadObjectId.Trim().ToUpperInvariant()}";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    private static string CardBlob(string caseNumber) =>
        CaseNumber.TryNormalize(caseNumber, out var normalized) ? $"staff/cards/{normalized}.json" : throw new ArgumentException($"'{caseNumber}' is not a case number.", nameof(caseNumber));

    private static string AnswerBlob(Requester customer) => $"staff/awaiting-answer/{CustomerKey(customer)}.json";

    internal async Task<(T? Value, ETag? ETag)> ReadAsync<T>(string name, CancellationToken cancellationToken) where T : class
    {
        var cases = await containers.CasesAsync(cancellationToken).ConfigureAwait(false);
        return await BlobJson.ReadAsync<T>(cases.GetBlobClient(name), Json, "read the staff records", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes the blob (only if it still has <paramref name="ifMatch"/>, when given); its new ETag.</summary>
    internal async Task<ETag> WriteAsync<T>(string name, T value, ETag? ifMatch, CancellationToken cancellationToken)
    {
        var cases = await containers.CasesAsync(cancellationToken).ConfigureAwait(false);
        var blob = cases.GetBlobClient(name);
        var options = new BlobUploadOptions
        {
            HttpHeaders = JsonHeaders,
            Conditions = ifMatch is { } etag ? new BlobRequestConditions { IfMatch = etag } : null,
        };
        var response = await StorageFailures.Guard(
            () => blob.UploadAsync(BinaryData.FromObjectAsJson(value, Json), options, cancellationToken),
            "write the staff records", cancellationToken).ConfigureAwait(false);
        return response.Value.ETag;
    }
}
