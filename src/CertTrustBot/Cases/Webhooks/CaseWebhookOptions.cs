using System.Net;
using System.Text.RegularExpressions;

namespace CertTrustBot.Cases.Webhooks;

/// <summary>
/// The external case desk (ServiceNow, Zendesk, Jira Service Management...) that hears of each new case and each status
/// change, from the <c>CaseWebhook</c> section. Disabled while <see cref="Url"/> is empty.
/// </summary>
public sealed partial class CaseWebhookOptions
{
    public const string SectionName = "CaseWebhook";

    /// <summary>Shortest accepted plain secret.</summary>
    public const int MinSecretLength = 32;

    /// <summary>Shortest key a <c>whsec_</c> secret may decode to (the Standard Webhooks minimum).</summary>
    public const int MinStandardSecretBytes = 24;

    /// <summary>Where events are POSTed: an absolute https URL (http only to a loopback host). Empty: webhooks are off.</summary>
    public string Url { get; set; } = "";

    /// <summary>
    /// The signing secret shared with the receiver: a Standard Webhooks secret (<c>whsec_</c> + base64 of the key
    /// bytes), or any other text of at least <see cref="MinSecretLength"/> characters (its UTF-8 bytes are the key).
    /// </summary>
    public string Secret { get; set; } = "";

    /// <summary>Delivery attempts before an event is kept as a dead letter.</summary>
    public int MaxAttempts { get; set; } = 50;

    /// <summary>Age after which an undelivered event is kept as a dead letter (and a staged event that never committed is dropped).</summary>
    public TimeSpan GiveUpAfter { get; set; } = TimeSpan.FromDays(3);

    /// <summary>Wait after the first failure; doubled after each further one (with jitter), up to <see cref="BackoffMax"/>.</summary>
    public TimeSpan BackoffBase { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Longest wait between two attempts.</summary>
    public TimeSpan BackoffMax { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Time the receiver has to answer one POST.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How soon a webhook event that waits (not committed yet) is looked at again.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Extra headers sent with every POST, for receivers that also want their own credentials (ServiceNow's
    /// <c>Authorization: Basic ...</c>, Jira automation's <c>X-Automation-Webhook-Token</c>). Values are never logged.
    /// </summary>
    public Dictionary<string, string> Headers { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public bool Enabled => !string.IsNullOrWhiteSpace(Url);

    /// <summary>How long a claimed event is left alone by other instances: the POST's timeout and a margin for storage.</summary>
    public TimeSpan ClaimDuration => RequestTimeout + TimeSpan.FromSeconds(30);

    /// <summary>The HMAC key: the decoded bytes of a <c>whsec_</c> secret, else the secret's UTF-8 bytes.</summary>
    public byte[] SigningKey() => TryDecodeStandardSecret(Secret, out var key) ? key : System.Text.Encoding.UTF8.GetBytes(Secret);

    internal IEnumerable<string> Validate()
    {
        if (!Enabled)
            yield break; // off: nothing else is read

        // Only the scheme and host are ever shown: receivers such as Jira automation put a token in the path or query.
        if (!Uri.TryCreate(Url.Trim(), UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
            yield return $"{SectionName}:Url is not an absolute http(s) URL (its value is not shown: it may hold a token); set the receiver's https URL, or leave it empty to turn webhooks off.";
        else if (url.Scheme == Uri.UriSchemeHttp && !IsLoopback(url))
            yield return $"{SectionName}:Url ({url.Scheme}://{url.Host}) must use https; plain http is accepted only for a loopback host such as 127.0.0.1 or localhost.";
        else if (!string.IsNullOrEmpty(url.UserInfo))
            yield return $"{SectionName}:Url must not carry credentials; put them in {SectionName}:Headers:Authorization.";

        // The secret itself is never shown: it is a key.
        if (string.IsNullOrWhiteSpace(Secret))
            yield return $"{SectionName}:Secret is empty; set a shared signing secret of at least {MinSecretLength} characters (or a Standard Webhooks 'whsec_' secret).";
        else if (Secret.StartsWith("whsec_", StringComparison.Ordinal) && !TryDecodeStandardSecret(Secret, out _))
            yield return $"{SectionName}:Secret starts with 'whsec_' but the rest is not base64 of at least {MinStandardSecretBytes} bytes.";
        else if (!Secret.StartsWith("whsec_", StringComparison.Ordinal) && Secret.Length < MinSecretLength)
            yield return $"{SectionName}:Secret is too short ({Secret.Length} characters); use at least {MinSecretLength}.";

        foreach (var (header, value) in Headers ?? [])
        {
            if (!HeaderName().IsMatch(header) || header.StartsWith("webhook-", StringComparison.OrdinalIgnoreCase) || header.StartsWith("Content-", StringComparison.OrdinalIgnoreCase)
                || ReservedHeaders.Contains(header))
                yield return $"{SectionName}:Headers:{header} cannot be set: not a header name, or one the webhook sets itself.";
            else if (string.IsNullOrEmpty(value) || value.Any(char.IsControl))
                yield return $"{SectionName}:Headers:{header} must have a value on one line.";
        }
        if (MaxAttempts is < 1 or > 1000)
            yield return $"{SectionName}:MaxAttempts must be between 1 and 1000.";
        if (GiveUpAfter <= TimeSpan.Zero)
            yield return $"{SectionName}:GiveUpAfter must be positive.";
        if (BackoffBase <= TimeSpan.Zero)
            yield return $"{SectionName}:BackoffBase must be positive.";
        if (BackoffMax < BackoffBase)
            yield return $"{SectionName}:BackoffMax must be at least BackoffBase ({BackoffBase}).";
        if (RequestTimeout <= TimeSpan.Zero || RequestTimeout > TimeSpan.FromMinutes(2))
            yield return $"{SectionName}:RequestTimeout must be positive and at most 2 minutes.";
        if (PollInterval <= TimeSpan.Zero)
            yield return $"{SectionName}:PollInterval must be positive.";
    }

    private static readonly HashSet<string> ReservedHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Idempotency-Key", "X-CertTrust-Event", "Host", "User-Agent", "Transfer-Encoding", "Connection",
    };

    private static bool IsLoopback(Uri url) =>
        url.IsLoopback || (IPAddress.TryParse(url.DnsSafeHost, out var address) && IPAddress.IsLoopback(address));

    private static bool TryDecodeStandardSecret(string secret, out byte[] key)
    {
        key = [];
        if (secret is null || !secret.StartsWith("whsec_", StringComparison.Ordinal))
            return false;
        try
        {
            key = Convert.FromBase64String(secret["whsec_".Length..]);
        }
        catch (FormatException)
        {
            return false;
        }
        return key.Length >= MinStandardSecretBytes;
    }

    [GeneratedRegex("^[A-Za-z0-9!#$%&'*+.^_`|~-]+$")]
    private static partial Regex HeaderName();
}
