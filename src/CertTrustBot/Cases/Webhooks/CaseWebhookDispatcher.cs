using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CertTrustBot.Storage;
using Microsoft.Extensions.Options;

namespace CertTrustBot.Cases.Webhooks;

/// <summary>
/// Delivers the outbox to the external case desk: each due event is claimed (an ETag-conditional write that pushes its
/// next attempt past the POST's timeout, so no other instance sends it meanwhile), POSTed signed, then deleted on 2xx
/// or rescheduled with exponential backoff and jitter. Delivery is at least once: a receiver drops repeats by the
/// <c>Idempotency-Key</c> (= <c>webhook-id</c>).
/// </summary>
/// <remarks>
/// Outcomes: 2xx, delivered (the blob is deleted). 408, 429, 5xx, timeout, refused connection: retried after
/// <c>min(BackoffMax, BackoffBase * 2^(attempts-1))</c> times a random 50-100 %, or the receiver's Retry-After if longer
/// (capped at BackoffMax). Any other status (a 4xx: the receiver will never accept this request as it is; a 3xx: the URL
/// is wrong) and reaching MaxAttempts or GiveUpAfter: kept in the outbox as a dead letter, logged as an error, never
/// deleted; <see cref="CaseWebhookOutbox.RequeueDeadLettersAsync"/> puts them back in line. Events of one case are sent
/// in order: while an earlier one waits for a retry, later ones wait too (a dead letter does not hold them back).
/// </remarks>
public sealed partial class CaseWebhookDispatcher(
    CaseWebhookOutbox outbox,
    CaseDesk desk,
    IHttpClientFactory httpClients,
    IOptions<CaseWebhookOptions> options,
    TimeProvider timeProvider,
    ILogger<CaseWebhookDispatcher> logger) : BackgroundService
{
    public const string HttpClientName = "CaseWebhook";
    private const int MaxErrorBodyChars = 300;
    private readonly CaseWebhookOptions _options = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled)
        {
            LogDisabled(logger);
            return;
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Storage is down, or something unforeseen: the outbox is intact, so log and try again at the next poll
                // rather than let the exception stop the host (the default for a failing BackgroundService).
                LogPassFailed(logger, ex);
            }
            try
            {
                await outbox.WaitForNudgeAsync(_options.PollInterval, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>One pass over the outbox: sends every event that is due, in case and sequence order.</summary>
    public async Task<CaseWebhookPass> RunOnceAsync(CancellationToken cancellationToken)
    {
        var pass = new CaseWebhookPass();
        if (!_options.Enabled)
            return pass;

        var held = new HashSet<string>(StringComparer.Ordinal); // cases with an earlier event still waiting
        await foreach (var item in outbox.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            if (item.DeadLetter)
            {
                pass = pass with { DeadLetters = pass.DeadLetters + 1 };
                continue;
            }
            if (held.Contains(item.CaseNumber) || item.DueAt > timeProvider.GetUtcNow())
            {
                held.Add(item.CaseNumber);
                pass = pass with { Waiting = pass.Waiting + 1 };
                continue;
            }
            Outcome outcome;
            try
            {
                outcome = await DispatchAsync(item.BlobName, cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidDataException ex)
            {
                // An entry (or its case record) that cannot be read must not stop the other cases' deliveries.
                LogUnreadable(logger, item.BlobName, ex);
                outcome = Outcome.Waiting;
            }
            pass = outcome switch
            {
                Outcome.Delivered => pass with { Delivered = pass.Delivered + 1 },
                Outcome.DeadLettered => pass with { DeadLetters = pass.DeadLetters + 1 },
                Outcome.Retrying => pass with { Retrying = pass.Retrying + 1 },
                Outcome.Waiting => pass with { Waiting = pass.Waiting + 1 },
                _ => pass,
            };
            if (outcome is Outcome.Retrying or Outcome.Waiting)
                held.Add(item.CaseNumber);
        }
        return pass;
    }

    private enum Outcome { Gone, Waiting, Delivered, Retrying, DeadLettered }

    private async Task<Outcome> DispatchAsync(string blobName, CancellationToken cancellationToken)
    {
        var (entry, etag) = await outbox.ReadAsync(blobName, cancellationToken).ConfigureAwait(false);
        if (entry is null || etag is null)
            return Outcome.Gone; // delivered by another instance since the listing
        if (entry.DeadLetteredAt is not null)
            return Outcome.DeadLettered;
        var now = timeProvider.GetUtcNow();
        if (entry.NextAttemptAt > now)
            return Outcome.Waiting; // claimed by another instance, or rescheduled since the listing

        if (!entry.Committed)
        {
            // Staged before the record write: only the record says whether (and how) the event happened.
            var record = await desk.FindAsync(entry.CaseNumber, cancellationToken).ConfigureAwait(false);
            if (record is null || record.History.Count < entry.Sequence)
            {
                if (now - entry.EnqueuedAt < _options.GiveUpAfter)
                    return Outcome.Waiting; // the write may be on its way, or a retry of the request will commit it
                if (await outbox.TryDeleteAsync(blobName, etag.Value, cancellationToken).ConfigureAwait(false))
                    LogNeverCommitted(logger, entry.Payload.Id, entry.EnqueuedAt);
                return Outcome.Gone;
            }
            entry = entry with { Payload = CaseWebhookEvent.From(record, entry.Sequence), Committed = true };
        }

        var claimed = entry with { Attempts = entry.Attempts + 1, LastAttemptAt = now, NextAttemptAt = now + _options.ClaimDuration };
        if (await outbox.TryReplaceAsync(blobName, claimed, etag.Value, cancellationToken).ConfigureAwait(false) is not { } claim)
            return Outcome.Waiting; // another instance claimed it first

        var result = await SendAsync(claimed.Payload, cancellationToken).ConfigureAwait(false);
        now = timeProvider.GetUtcNow();
        if (result.Delivered)
        {
            LogDelivered(logger, claimed.Payload.Id, claimed.Payload.Type, claimed.Attempts, result.Description);
            if (!await outbox.TryDeleteAsync(blobName, claim, cancellationToken).ConfigureAwait(false))
                LogClaimLost(logger, claimed.Payload.Id); // our claim ran out and another instance took it: it may send it again
            return Outcome.Delivered;
        }

        var age = now - claimed.EnqueuedAt;
        if (result.Permanent || claimed.Attempts >= _options.MaxAttempts || age >= _options.GiveUpAfter)
        {
            var reason = result.Permanent ? "the receiver refused it" : $"{claimed.Attempts} attempts over {age.TotalHours:0.#} h";
            var dead = claimed with { NextAttemptAt = now, LastError = result.Description, DeadLetteredAt = now };
            if (await outbox.TryReplaceAsync(blobName, dead, claim, cancellationToken).ConfigureAwait(false) is null)
                LogClaimLost(logger, claimed.Payload.Id);
            LogDeadLettered(logger, claimed.Payload.Id, reason, result.Description, blobName);
            return Outcome.DeadLettered;
        }

        var delay = Backoff(claimed.Attempts, result.RetryAfter);
        var retry = claimed with { NextAttemptAt = now + delay, LastError = result.Description };
        if (await outbox.TryReplaceAsync(blobName, retry, claim, cancellationToken).ConfigureAwait(false) is null)
            LogClaimLost(logger, claimed.Payload.Id);
        LogRetrying(logger, claimed.Payload.Id, claimed.Attempts, result.Description, delay);
        return Outcome.Retrying;
    }

    private sealed record SendResult(bool Delivered, bool Permanent, string Description, TimeSpan? RetryAfter = null);

    private async Task<SendResult> SendAsync(CaseWebhookEvent payload, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(payload, CaseWebhookOutbox.Json);
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
                return new SendResult(true, false, description);

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
            return new SendResult(false, !transient, description, retryAfter);
        }
        catch (HttpRequestException ex)
        {
            return new SendResult(false, false, $"could not reach the receiver: {ex.Message}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new SendResult(false, false, $"no answer within {_options.RequestTimeout.TotalSeconds:0.#} s");
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

    private TimeSpan Backoff(int attempts, TimeSpan? retryAfter)
    {
        var exponential = _options.BackoffBase * Math.Pow(2, Math.Min(attempts - 1, 30));
        var capped = exponential < _options.BackoffMax ? exponential : _options.BackoffMax;
        // Jitter spreads the retries of many events (and instances) after an outage of the receiver.
        var delay = capped * (0.5 + (Random.Shared.NextDouble() * 0.5));
        if (retryAfter is { } asked && asked > delay)
            delay = asked < _options.BackoffMax ? asked : _options.BackoffMax;
        return delay;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Case webhooks are off (CaseWebhook:Url is empty)")]
    private static partial void LogDisabled(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The webhook outbox could not be processed; trying again at the next poll")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "The webhook outbox entry {BlobName} could not be read; it is left in place, undelivered")]
    private static partial void LogUnreadable(ILogger logger, string blobName, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook event {EventId} ({EventType}) delivered at attempt {Attempt}: {Answer}")]
    private static partial void LogDelivered(ILogger logger, string eventId, string eventType, int attempt, string answer);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook event {EventId} failed at attempt {Attempt} ({Error}); retrying in {Delay}")]
    private static partial void LogRetrying(ILogger logger, string eventId, int attempt, string error, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Error, Message = "Webhook event {EventId} is kept as a dead letter, undelivered, because {Reason} (last: {Error}); it stays in {BlobName} until requeued")]
    private static partial void LogDeadLettered(ILogger logger, string eventId, string reason, string error, string blobName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook event {EventId}: the claim ran out before the outcome was recorded; another instance may send it again (the receiver drops repeats by Idempotency-Key)")]
    private static partial void LogClaimLost(ILogger logger, string eventId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook event {EventId}, staged at {StagedAt}, never committed to its case record; dropped")]
    private static partial void LogNeverCommitted(ILogger logger, string eventId, DateTimeOffset stagedAt);
}

/// <summary>What one pass over the outbox did.</summary>
/// <param name="Waiting">Not due yet, held behind an earlier event of the same case, claimed elsewhere, or not committed yet.</param>
/// <param name="DeadLetters">Dead letters seen (already there, or made in this pass).</param>
public sealed record CaseWebhookPass(int Delivered = 0, int Retrying = 0, int Waiting = 0, int DeadLetters = 0);
