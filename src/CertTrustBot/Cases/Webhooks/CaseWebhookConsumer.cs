using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CertTrustBot.Cases.Events;
using CertTrustBot.Storage;
using Microsoft.Extensions.Options;

namespace CertTrustBot.Cases.Webhooks;

/// <summary>
/// The external case desk as a consumer of the case-event pipeline: each case event is POSTed, signed, to
/// <c>CaseWebhook:Url</c>. Delivery is at least once: a receiver drops repeats by the <c>Idempotency-Key</c>
/// (= <c>webhook-id</c>). The payload is a pure function of the committed record and the event's sequence, so every
/// attempt and every instance sends the same bytes.
/// </summary>
/// <remarks>
/// Outcomes: 2xx, delivered. 408, 429, 5xx, timeout, refused connection: retried with the pipeline's backoff, or the
/// receiver's Retry-After if longer (capped at BackoffMax). Any other status (a 4xx: the receiver will never accept this
/// request as it is; a 3xx: the URL is wrong): a dead letter at once.
/// </remarks>
public sealed class CaseWebhookConsumer(
    IHttpClientFactory httpClients,
    IOptions<CaseWebhookOptions> options,
    TimeProvider timeProvider) : ICaseEventConsumer
{
    public const string HttpClientName = "CaseWebhook";
    public const string ConsumerName = "webhook";
    private const int MaxErrorBodyChars = 300;
    private readonly CaseWebhookOptions _options = options.Value;

    public string Name => ConsumerName;

    public bool Enabled => _options.Enabled;

    public DeliveryPolicy Policy => new(_options.ClaimDuration, _options.MaxAttempts, _options.GiveUpAfter, _options.BackoffBase, _options.BackoffMax, _options.PollInterval);

    /// <summary>Every event of a case's life.</summary>
    public bool Wants(SupportCase record, CaseEvent happened) => true;

    public Task<DeliveryResult> DeliverAsync(SupportCase record, int sequence, CancellationToken cancellationToken) =>
        SendAsync(CaseWebhookEvent.From(record, sequence), cancellationToken);

        private async Task<DeliveryResult> SendAsync(CaseWebhookEvent payload, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(payload, BlobJson.Options);
        var timestamp = timeProvider.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, _options.Url.Trim());
        request.Content = new ByteArrayContent(body);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add(CaseWebhookSignature.IdHeader, payload.Id);
        request.Headers.Add(CaseWebhookSignature.TimestampHeader, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add(CaseWebhookSignature.SignatureHeader, CaseWebhookSignature.Sign(_options.SigningKey(), payload.Id, timestamp, body));
        request.Headers.Add(CaseWebhookSignature.IdempotencyKeyHeader, payload.Id);
        request.Headers.Add(CaseWebhookSignature.EventHeader, payload.Type);
        foreach (var (name, value) in _options.Headers)
            request.Headers.TryAddWithoutValidation(name, value);

        var client = httpClients.CreateClient(HttpClientName);
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            var description = $"HTTP {status} {response.ReasonPhrase}".TrimEnd();
            if (response.IsSuccessStatusCode)
                return DeliveryResult.Delivered(description);

            var detail = await ReadSomeAsync(response, cancellationToken).ConfigureAwait(false);
            if (detail.Length > 0)
                description += $": {detail}";
            var transient = status is 408 or 429 or >= 500;
            TimeSpan? retryAfter = response.Headers.RetryAfter switch
            {
                { Delta: { } delta } => delta,
                { Date: { } date } => date - timeProvider.GetUtcNow(),
                _ => null,
            };
            return new DeliveryResult(transient ? DeliveryOutcome.Retry : DeliveryOutcome.Permanent, description, retryAfter);
        }
        catch (HttpRequestException ex)
        {
            return new DeliveryResult(DeliveryOutcome.Retry, $"could not reach the receiver: {ex.Message}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new DeliveryResult(DeliveryOutcome.Retry, $"no answer within {_options.RequestTimeout.TotalSeconds:0.#} s");
        }
    }

    /// <summary>The start of an error answer, for the log and the outbox entry (receivers often say what they disliked).</summary>
    private static async Task<string> ReadSomeAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                var buffer = new byte[MaxErrorBodyChars];
                var read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
                var text = Encoding.UTF8.GetString(buffer, 0, read);
                return new string(text.Where(c => !char.IsControl(c)).ToArray()).Trim();
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException)
        {
            return "";
        }
    }
}
