using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace CertTrustBot.Cases.Webhooks;

/// <summary>
/// Signs a delivery as the Standard Webhooks specification does (https://www.standardwebhooks.com), so receivers can
/// use its libraries: <c>webhook-signature: v1,{base64(HMAC-SHA256(key, "{webhook-id}.{webhook-timestamp}.{body}"))}</c>,
/// where the timestamp is Unix seconds and the body is the exact bytes sent.
/// </summary>
public static class CaseWebhookSignature
{
    public const string IdHeader = "webhook-id";
    public const string TimestampHeader = "webhook-timestamp";
    public const string SignatureHeader = "webhook-signature";
    public const string IdempotencyKeyHeader = "Idempotency-Key";
    public const string EventHeader = "X-CertTrust-Event";

    /// <summary>The <c>webhook-signature</c> value: <c>v1,</c> and the base64 HMAC-SHA256 of <c>{id}.{timestamp}.{body}</c>.</summary>
    public static string Sign(ReadOnlySpan<byte> key, string id, long timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        var prefix = Encoding.UTF8.GetBytes($"{id}.{timestamp.ToString(CultureInfo.InvariantCulture)}.");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, signed));
    }
}
