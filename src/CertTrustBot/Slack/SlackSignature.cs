using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace CertTrustBot.Slack;

/// <summary>
/// Slack's request signing: <c>X-Slack-Signature</c> is <c>v0=</c> + hex HMAC-SHA256 of <c>v0:{timestamp}:{raw body}</c>
/// with the signing secret, compared in constant time; a <c>X-Slack-Request-Timestamp</c> more than five minutes from
/// now is a replay. Checked on the raw bytes before anything reads them.
/// </summary>
public sealed class SlackSignature(IOptions<SlackOptions> options, TimeProvider clock)
{
    public const string SignatureHeader = "X-Slack-Signature";
    public const string TimestampHeader = "X-Slack-Request-Timestamp";
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    /// <summary>Null when the request is Slack's; else why it is refused (for the log, never for the caller).</summary>
    public string? Refusal(string? timestamp, string? signature, ReadOnlySpan<byte> body)
    {
        var secret = options.Value.SigningSecret;
        if (string.IsNullOrEmpty(secret))
            return "the Slack app has no signing secret";
        if (string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signature))
            return "the request is not signed";
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds > 253402300799)
            return "the request's timestamp is not a number of seconds";
        var age = clock.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(seconds);
        if (age.Duration() > Window)
            return string.Create(CultureInfo.InvariantCulture, $"the request's timestamp is {Math.Round(age.TotalMinutes)} minutes from now (a replay, or a wrong clock)");
        if (!signature.StartsWith("v0=", StringComparison.Ordinal))
            return "the signature is not a v0 signature";

        byte[] given;
        try
        {
            given = Convert.FromHexString(signature.AsSpan(3));
        }
        catch (FormatException)
        {
            return "the signature is not hex";
        }

        var expected = Compute(secret, timestamp, body);
        return CryptographicOperations.FixedTimeEquals(expected, given) ? null : "the signature does not match";
    }

    /// <summary>HMAC-SHA256 of <c>v0:{timestamp}:{body}</c> with the secret.</summary>
    public static byte[] Compute(string secret, string timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentNullException.ThrowIfNull(timestamp);
        var prefix = Encoding.UTF8.GetBytes($"v0:{timestamp}:");
        var message = new byte[prefix.Length + body.Length];
        prefix.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(prefix.Length));
        return HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), message);
    }
}
