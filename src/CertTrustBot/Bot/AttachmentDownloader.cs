using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Options;

namespace CertTrustBot.Bot;

/// <summary>Why a file could not be fetched; the conversation turns it into words for the user.</summary>
public enum DownloadFailure
{
    /// <summary>
    /// The URL's host is not on the allow-list (or not https, or not a plain host name: one that IDN normalisation
    /// changes or cannot turn into a DNS name); nothing was requested.
    /// </summary>
    HostNotAllowed,

    /// <summary>The link answered a web page (a sharing or sign-in page), not the file.</summary>
    WebPage,

    /// <summary>The file is larger than the limit; the download stopped there.</summary>
    TooLarge,

    /// <summary>The host answered an error, or could not be reached.</summary>
    Failed,

    /// <summary>The host was too slow.</summary>
    TimedOut,
}

/// <summary>
/// Where a channel's files may come from and which of those hosts get its token, when not the Teams defaults of
/// <see cref="AttachmentDownloadOptions"/> (the Slack app: Slack's file hosts, with the bot token).
/// </summary>
/// <param name="TokenOrigin">One more origin (scheme, host, port) that gets the token: the channel's own API, which has
/// it already (a loopback "Slack" in tests). Loopback stays allowed only with Attachments:AllowLoopback.</param>
public sealed record DownloadHosts(IReadOnlyList<string> Allowed, IReadOnlyList<string> Token, Uri? TokenOrigin = null)
{
    public bool IsTokenOrigin(Uri url) =>
        TokenOrigin is { } origin && Uri.Compare(origin, url, UriComponents.SchemeAndServer, UriFormat.SafeUnescaped, StringComparison.OrdinalIgnoreCase) == 0;
}

public sealed record DownloadResult(byte[]? Content, DownloadFailure? Failure, string? Detail)
{
    public static DownloadResult Ok(byte[] content) => new(content, null, null);

    public static DownloadResult Fail(DownloadFailure failure, string detail) => new(null, failure, detail);
}

/// <summary>
/// Fetches the files users send, from allow-listed hosts only, over https (loopback http only when allowed),
/// following at most a few redirects (each checked), reading at most MaxBytes. The bot's token goes only to
/// Bot Framework hosts; a pre-authenticated Teams downloadUrl gets none.
/// </summary>
public sealed class AttachmentDownloader(IHttpClientFactory httpClients, IOptions<AttachmentDownloadOptions> options, ILogger<AttachmentDownloader> logger)
{
    /// <summary>Named HttpClient; its handler follows no redirects by itself (each hop is checked here).</summary>
    public const string HttpClientName = "attachments";

    private const int MaxRedirects = 3;
    private readonly AttachmentDownloadOptions _options = options.Value;

    /// <param name="url">Where the channel said the file is.</param>
    /// <param name="authorize">Adds the bot's token to a request; called only for Bot Framework hosts. Null: never.</param>
    public Task<DownloadResult> DownloadAsync(
        Uri url, Func<HttpRequestMessage, CancellationToken, Task>? authorize, CancellationToken cancellationToken) =>
        DownloadAsync(url, authorize, null, cancellationToken);

    /// <param name="url">Where the channel said the file is.</param>
    /// <param name="authorize">Adds the channel's token to a request; called only for its token hosts. Null: never.</param>
    /// <param name="hosts">The channel's own hosts; null: Attachments:AllowedHosts and TokenHosts (Teams).</param>
    public async Task<DownloadResult> DownloadAsync(
        Uri url, Func<HttpRequestMessage, CancellationToken, Task>? authorize, DownloadHosts? hosts, CancellationToken cancellationToken)
    {
        hosts ??= new DownloadHosts(_options.EffectiveAllowedHosts, _options.EffectiveTokenHosts);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.Timeout);
        // A client per download from the factory (pooled handlers), not one kept for the bot's lifetime.
        using var http = httpClients.CreateClient(HttpClientName);
        try
        {
            for (var hop = 0; hop <= MaxRedirects; hop++)
            {
                if (NotAllowed(url, hosts) is { } why)
                {
                    logger.LogWarning("Attachment download refused: {Host} {Reason}", url.Host, why);
                    return DownloadResult.Fail(DownloadFailure.HostNotAllowed, $"{url.Host} {why}");
                }

                using var request = new HttpRequestMessage(HttpMethod.Get, url);
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("*/*"));
                // The host connected to is the IDN host; NotAllowed made sure it is the host that was checked.
                if (authorize is not null && (hosts.IsTokenOrigin(url) || (!IsLoopback(url) && HostPattern.MatchesAny(hosts.Token, url.IdnHost))))
                    await authorize(request, timeout.Token);

                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                if (IsRedirect(response.StatusCode) && response.Headers.Location is { } location)
                {
                    if (!Uri.TryCreate(url, location, out var next))
                        return DownloadResult.Fail(DownloadFailure.Failed, "a redirect to an invalid URL");
                    url = next;
                    continue;
                }

                return await ReadAsync(response, timeout.Token);
            }

            return DownloadResult.Fail(DownloadFailure.Failed, "too many redirects");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return DownloadResult.Fail(DownloadFailure.TimedOut, $"no complete answer within {_options.Timeout.TotalSeconds:0} s");
        }
        catch (HttpRequestException e)
        {
            logger.LogWarning(e, "Attachment download from {Host} failed", url.Host);
            return DownloadResult.Fail(DownloadFailure.Failed, e.HttpRequestError.ToString());
        }
        catch (UriFormatException e)
        {
            // NotAllowed refuses every URL whose host would not parse; should one still fail here, the user gets
            // "couldn't get that file", never a generic error.
            logger.LogWarning("Attachment download from {Host} refused: {Reason}", url.Host, e.Message);
            return DownloadResult.Fail(DownloadFailure.HostNotAllowed, $"{url.Host} is not a valid host name");
        }
    }

    private async Task<DownloadResult> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
            return DownloadResult.Fail(DownloadFailure.Failed, $"HTTP {(int)response.StatusCode}");

        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (string.Equals(mediaType, "text/html", StringComparison.OrdinalIgnoreCase) ||
            string.Equals(mediaType, "application/xhtml+xml", StringComparison.OrdinalIgnoreCase))
            return DownloadResult.Fail(DownloadFailure.WebPage, mediaType ?? "text/html");

        if (response.Content.Headers.ContentLength > _options.MaxBytes)
            return DownloadResult.Fail(DownloadFailure.TooLarge, $"{response.Content.Headers.ContentLength} bytes");

        // The length header may be absent or wrong: count while reading, and stop one byte past the limit.
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var content = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
        {
            if (content.Length + read > _options.MaxBytes)
                return DownloadResult.Fail(DownloadFailure.TooLarge, $"more than {_options.MaxBytes} bytes");
            content.Write(buffer, 0, read);
        }

        var bytes = content.ToArray();
        return LooksLikeWebPage(bytes) ? DownloadResult.Fail(DownloadFailure.WebPage, "HTML content") : DownloadResult.Ok(bytes);
    }

    private string? NotAllowed(Uri url, DownloadHosts hosts)
    {
        if (!url.IsAbsoluteUri)
            return "is not an absolute URL";
        if (IsLoopback(url))
            return _options.AllowLoopback ? null : "is a loopback address, allowed only in Development";
        if (url.Scheme != Uri.UriSchemeHttps)
            return "is not https";
        if (url.UserInfo.Length > 0)
            return "has a user name before the host (a file link never has one)";
        if (ConnectedHost(url) is not { } host)
            return "is not a plain host name (IDN normalisation changes it or cannot make a DNS name of it)";
        return HostPattern.MatchesAny(hosts.Allowed, host) || hosts.IsTokenOrigin(url) ? null : "is not on the allow-list";
    }

    /// <summary>
    /// The host the connection goes to (<see cref="Uri.IdnHost"/>), when it is a DNS name and the same as the host
    /// the URL shows; else null. Full-width "／", "？", "＃", "．" and the like pass as part of a Unicode host but
    /// become other characters (or fail) when the host is normalised for DNS: comparing the Unicode host would check
    /// one name and connect to another.
    /// </summary>
    internal static string? ConnectedHost(Uri url)
    {
        string idnHost;
        try
        {
            idnHost = url.IdnHost;
        }
        catch (UriFormatException)
        {
            return null;
        }

        return Uri.CheckHostName(idnHost) == UriHostNameType.Dns && string.Equals(idnHost, url.Host, StringComparison.OrdinalIgnoreCase)
            ? idnHost
            : null;
    }

    private static bool IsLoopback(Uri url) =>
        (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps) && url.IsLoopback;

    private static bool IsRedirect(HttpStatusCode status) =>
        status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.SeeOther
            or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    // A sharing link can answer HTML labelled as something else; a certificate never starts like a web page.
    private static bool LooksLikeWebPage(byte[] bytes)
    {
        var head = System.Text.Encoding.UTF8.GetString(bytes, 0, Math.Min(bytes.Length, 512)).TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        return head.StartsWith("<!doctype html", StringComparison.OrdinalIgnoreCase) ||
               head.StartsWith("<html", StringComparison.OrdinalIgnoreCase);
    }
}
