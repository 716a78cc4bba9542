using System.Globalization;
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
        var data = StaffCardData(supportCase, notice, links, expires, supportDesk.Value.SlaBusinessDays, now);
        return new CardReply(CardNames.StaffCase, data,
            $"{supportCase.CaseNumber}: {CardContent.Status(supportCase).Status}, {string.Join(", ", supportCase.Environments)} for {supportCase.Requester.Name}");
    }

    /// <summary>The card's data; pure (links made beforehand), for the unit tests.</summary>
    public static StaffCaseCardData StaffCardData(
        SupportCase c, string? notice, IReadOnlyList<Uri?> links, DateTimeOffset linksExpire, int slaBusinessDays, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(links);
        var status = CardContent.Status(c);
        var installed = CaseTransitions.Installed(c);
        var remaining = c.Environments.Where(e => !installed.Contains(e, StringComparer.OrdinalIgnoreCase)).ToList();
        var open = c.Status is not (CaseStatus.Installed or CaseStatus.Rejected);
        var certificates = c.Certificates.Select((cert, i) =>
        {
            var daysLeft = (cert.NotAfter - now).TotalDays;
            var link = i < links.Count ? links[i] : null;
            return new StaffCertificateItem(
                i + 1,
                CardContent.Role(cert.Role),
                cert.Subject.Length > 0 ? cert.Subject : "(no subject)",
                cert.Issuer.Length > 0 ? cert.Issuer : "(no issuer)",
                CardContent.DateTime(cert.NotAfter) + (daysLeft < 0
                    ? " (expired)"
                    : string.Create(CultureInfo.InvariantCulture, $" ({Math.Floor(daysLeft):N0} days left)")),
                daysLeft < 30 ? "warning" : "default",
                CardContent.Grouped(cert.Sha1),
                CardContent.Grouped(cert.Sha256),
                link is not null,
                link?.ToString() ?? "",
                $"{c.CaseNumber}-{i + 1}.cer");
        }).ToList();
        var findings = c.Findings.Select(f => f.Severity switch
        {
            Certificates.Severity.Block => new StaffFindingItem("⛔ Blocked", "attention", f.Message),
            Certificates.Severity.Warn => new StaffFindingItem("⚠️ Warning", "warning", f.Message),
            _ => new StaffFindingItem("ℹ️ Note", "default", f.Message),
        }).ToList();
        var history = c.History.Select(e => new HistoryItem(CardContent.DateTime(e.At), e.Actor, Describe(e))).ToList();
        return new StaffCaseCardData(
            c.CaseNumber,
            c.ETag ?? "",
            status.Status == "Needs information from you" ? "Waiting for the customer" : status.Status,
            status.StatusColor,
            string.IsNullOrWhiteSpace(c.Requester.TenantId) ? "(no tenant)" : c.Requester.TenantId,
            string.IsNullOrWhiteSpace(c.Requester.Name) ? c.Requester.UserId : c.Requester.Name,
            string.Join(", ", c.Environments),
            installed.Count > 0,
            string.Join(", ", installed),
            c.HostName is not null,
            c.HostName ?? "",
            CardContent.DateTime(c.CreatedAt),
            CardContent.LongDate(ServiceLevel.AddBusinessDays(c.CreatedAt, slaBusinessDays)),
            certificates,
            links.Any(l => l is not null)
                ? $"The download links are read-only and work until {CardContent.DateTime(linksExpire)}; press Refresh for new ones."
                : "Press Refresh for new download links.",
            findings.Count > 0,
            findings,
            history,
            !string.IsNullOrWhiteSpace(notice),
            notice ?? "",
            open,
            c.Status is CaseStatus.Submitted or CaseStatus.NeedsInformation,
            open && remaining.Count > 0,
            remaining.Select(e => new ChoiceItem(e, e)).ToList(),
            string.Join(",", remaining));
    }

    private static string Describe(CaseEvent e) => e.Kind switch
    {
        CaseEventKind.Filed => "submitted the case",
        CaseEventKind.Started => "started the work",
        CaseEventKind.QuestionAsked => $"asked the customer: {e.Note}",
        CaseEventKind.Answered => Answered(e.Answer),
        CaseEventKind.Installed => $"installed in {Words.Join(e.Environments)}",
        CaseEventKind.Rejected => $"rejected the case: {e.Note}",
        _ => $"set the status to {CaseDesk.Describe(e.Status)}",
    };

    private static string Answered(CaseAnswer? answer) => answer switch
    {
        { Certificates.Count: > 0 } a => $"answered with {a.Certificates.Count} certificate(s): {string.Join("; ", a.Certificates.Select(c => c.Subject))}" +
            (string.IsNullOrWhiteSpace(a.Text) ? "" : $" and: {a.Text}"),
        { Text: { } text } => $"answered: {text}",
        _ => "answered",
    };

    private async Task<IReadOnlyList<Uri?>> LinksAsync(SupportCase supportCase, DateTimeOffset expires, CancellationToken cancellationToken)
    {
        var links = new List<Uri?>();
        if (supportCase.Certificates.Count == 0)
            return links;
        try
        {
            var container = await containers.CertificatesAsync(cancellationToken).ConfigureAwait(false);
            Azure.Storage.Blobs.Models.UserDelegationKey? key = null;
            for (var i = 0; i < supportCase.Certificates.Count; i++)
            {
                var blob = container.GetBlobClient(supportCase.Certificates[i].BlobName);
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
