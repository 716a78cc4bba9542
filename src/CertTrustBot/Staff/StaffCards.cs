using Azure.Storage.Blobs;
using Azure.Storage.Sas;
using CertTrustBot.Cards;
using CertTrustBot.Cases;
using CertTrustBot.Conversation;
using CertTrustBot.Storage;
using Microsoft.Extensions.Options;

namespace CertTrustBot.Staff;

/// <summary>
/// Draws the staff case card and the customer's update card from a case. The .cer links are read-only SAS URLs made
/// at drawing time: a service SAS when the storage client holds the account key (Azurite, a key connection string), a
/// user-delegation SAS when it signs in with a token.
/// </summary>
public sealed partial class StaffCards(
    BlobContainers containers,
    IOptions<StaffOptions> staffOptions,
    IOptions<SupportDeskOptions> supportDesk,
    TimeProvider clock,
    ILogger<StaffCards> logger)
{
    public async Task<CardReply> StaffCardAsync(SupportCase supportCase, string? notice, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(supportCase);
        var now = clock.GetUtcNow();
        var expires = now + staffOptions.Value.CertificateLinkLifetime;
        var links = await LinksAsync(supportCase, expires, cancellationToken).ConfigureAwait(false);
        var data = StaffCaseContent.For(supportCase, notice, links, expires, supportDesk.Value.SlaBusinessDays, now);
        return new CardReply(CardNames.StaffCase, data,
            $"{supportCase.CaseNumber}: {CardContent.StatusOf(supportCase.Status).Status}, {string.Join(", ", supportCase.Environments)} for {supportCase.Requester.Name}");
    }

    private async Task<IReadOnlyList<Uri?>> LinksAsync(SupportCase supportCase, DateTimeOffset expires, CancellationToken cancellationToken)
    {
        var links = new List<Uri?>();
        var certificates = StaffCaseContent.AllCertificates(supportCase);
        if (certificates.Count == 0)
            return links;
        try
        {
            var container = await containers.CertificatesAsync(cancellationToken).ConfigureAwait(false);
            Azure.Storage.Blobs.Models.UserDelegationKey? key = null;
            for (var i = 0; i < certificates.Count; i++)
            {
                var blob = container.GetBlobClient(certificates[i].Certificate.BlobName);
                var sas = new BlobSasBuilder(BlobSasPermissions.Read, expires)
                {
                    BlobContainerName = blob.BlobContainerName,
                    BlobName = blob.Name,
                    Resource = "b",
                    StartsOn = clock.GetUtcNow().AddMinutes(-5), // clock skew
                    ContentType = CaseDesk.CertificateContentType,
                    ContentDisposition = $"attachment; filename=\"{supportCase.CaseNumber}-{i + 1}.cer\"",
                    Protocol = blob.Uri.Scheme == Uri.UriSchemeHttps ? SasProtocol.Https : SasProtocol.HttpsAndHttp,
                };
                if (blob.CanGenerateSasUri)
                {
                    links.Add(blob.GenerateSasUri(sas));
                    continue;
                }

                key ??= (await StorageFailures.Guard(
                    () => containers.Service.GetUserDelegationKeyAsync(sas.StartsOn, expires, cancellationToken),
                    "get a user delegation key", cancellationToken).ConfigureAwait(false)).Value;
                links.Add(new BlobUriBuilder(blob.Uri) { Sas = sas.ToSasQueryParameters(key, containers.Service.AccountName) }.ToUri());
            }
        }
        catch (Exception ex) when (ex is StorageUnavailableException or Azure.RequestFailedException)
        {
            // The card still goes out; it says where the certificate is instead.
            LogNoLinks(logger, ex, supportCase.CaseNumber);
        }

        return links;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "No download links for the certificates of case {CaseNumber}")]
    private static partial void LogNoLinks(ILogger logger, Exception exception, string caseNumber);
}
