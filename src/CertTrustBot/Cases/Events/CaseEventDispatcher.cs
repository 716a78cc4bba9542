using CertTrustBot.Hosting;
using Microsoft.Extensions.Options;

namespace CertTrustBot.Cases.Events;

/// <summary>How often the case-event pipeline looks at its outbox when nothing nudges it (section <c>CaseEvents</c>).</summary>
public sealed class CaseEventOptions
{
    public const string Section = "CaseEvents";

    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>
/// Hands each committed case event to each consumer once, across any number of instances: a due event is claimed (an
/// ETag-conditional write that pushes its next attempt past the claim duration, so no other instance takes it
/// meanwhile), then the consumer acts, then the entry is deleted, or rescheduled with exponential backoff and jitter,
/// or kept as a dead letter (logged as an error, never deleted) after the policy's attempts or age. Events of one case
/// reach a consumer in order: while an earlier one waits, later ones wait too (a dead letter does not hold them back).
/// Wakes at once when nudged (a case committed on this instance), else every <see cref="CaseEventOptions.PollInterval"/>.
/// </summary>
public sealed partial class CaseEventDispatcher(
    CaseEventOutbox outbox,
    CaseDesk desk,
    IOptions<CaseEventOptions> options,
    TimeProvider timeProvider,
    ILogger<CaseEventDispatcher> logger) : BackgroundService
{
    // The outbox is intact after a failed pass: the next poll (or nudge) tries again.
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        PassLoop.RunAsync(RunOnceAsync, t => outbox.WaitForNudgeAsync(options.Value.PollInterval, t), ex => LogPassFailed(logger, ex), stoppingToken);

    /// <summary>One pass over every consumer's outbox; what it did, by consumer name.</summary>
    public async Task<IReadOnlyDictionary<string, CaseEventPass>> RunOnceAsync(CancellationToken cancellationToken)
    {
        var passes = new Dictionary<string, CaseEventPass>(StringComparer.Ordinal);
        foreach (var consumer in outbox.Consumers.Where(c => c.Enabled))
            passes[consumer.Name] = await RunOnceAsync(consumer, cancellationToken).ConfigureAwait(false);
        return passes;
    }

    /// <summary>One pass over one consumer's outbox: acts on every event that is due, in case and sequence order.</summary>
    public async Task<CaseEventPass> RunOnceAsync(ICaseEventConsumer consumer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(consumer);
        var pass = new CaseEventPass();
        var held = new HashSet<string>(StringComparer.Ordinal); // cases with an earlier event still waiting
        await foreach (var item in outbox.ListAsync(consumer.Name, cancellationToken).ConfigureAwait(false))
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
                outcome = await DispatchAsync(consumer, item.BlobName, cancellationToken).ConfigureAwait(false);
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

    private async Task<Outcome> DispatchAsync(ICaseEventConsumer consumer, string blobName, CancellationToken cancellationToken)
    {
        var policy = consumer.Policy;
        var (entry, etag) = await outbox.ReadAsync(blobName, cancellationToken).ConfigureAwait(false);
        if (entry is null || etag is null)
            return Outcome.Gone; // delivered by another instance since the listing
        if (entry.DeadLetteredAt is not null)
            return Outcome.DeadLettered;
        var now = timeProvider.GetUtcNow();
        if (entry.NextAttemptAt > now)
            return Outcome.Waiting; // claimed by another instance, or rescheduled since the listing

        // Only the record says whether (and how) the event happened: a staged event whose write failed never did.
        var record = await desk.FindAsync(entry.CaseNumber, cancellationToken).ConfigureAwait(false);
        if (record is null || record.History.Count < entry.Sequence)
        {
            if (entry.Committed)
            {
                LogCaseGone(logger, consumer.Name, entry.CaseNumber, entry.Sequence);
                return await outbox.TryDeleteAsync(blobName, etag.Value, cancellationToken).ConfigureAwait(false) ? Outcome.Gone : Outcome.Waiting;
            }
            if (now - entry.EnqueuedAt < policy.GiveUpAfter)
                return Outcome.Waiting; // the write may be on its way, or a retry of the request will commit it
            if (await outbox.TryDeleteAsync(blobName, etag.Value, cancellationToken).ConfigureAwait(false))
                LogNeverCommitted(logger, consumer.Name, entry.CaseNumber, entry.Sequence, entry.EnqueuedAt);
            return Outcome.Gone;
        }

        var claimed = entry with { Committed = true, LastAttemptAt = now, NextAttemptAt = now + policy.ClaimDuration };
        // Not cancelled by shutdown: a claim whose write landed while its answer was cut off would hold the event back
        // for the whole claim duration, with nobody left to give it back.
        if (await outbox.TryReplaceAsync(blobName, claimed, etag.Value, CancellationToken.None).ConfigureAwait(false) is not { } claim)
            return Outcome.Waiting; // another instance claimed it first

        DeliveryResult result;
        try
        {
            result = await consumer.DeliverAsync(record, entry.Sequence, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down mid-delivery: give the claim back, so that another instance (or the next start) takes the
            // event now rather than after the claim runs out. The delivery may have happened; at least once, as ever.
            await outbox.TryReplaceAsync(blobName, entry with { Committed = true }, claim, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
        catch (Exception ex)
        {
            result = new DeliveryResult(DeliveryOutcome.Retry, $"{ex.GetType().Name}: {ex.Message}");
        }

        // The outcome is recorded even when shutdown began meanwhile: the side effect happened (or failed) already,
        // and an entry left claimed would hold the event back for the whole claim duration.
        cancellationToken = CancellationToken.None;

        now = timeProvider.GetUtcNow();
        switch (result.Outcome)
        {
            case DeliveryOutcome.Delivered:
                LogDelivered(logger, consumer.Name, entry.CaseNumber, entry.Sequence, claimed.Attempts + 1, result.Description);
                if (!await outbox.TryDeleteAsync(blobName, claim, cancellationToken).ConfigureAwait(false))
                    LogClaimLost(logger, consumer.Name, entry.CaseNumber, entry.Sequence);
                return Outcome.Delivered;

            case DeliveryOutcome.Waiting:
                // Said once per event (the entry remembers it), not at every poll.
                if (entry.LastError != result.Description)
                    LogWaiting(logger, consumer.Name, entry.CaseNumber, entry.Sequence, result.Description);
                await ReplaceAsync(blobName, claimed with { NextAttemptAt = now + policy.WaitingPoll, LastError = result.Description }, claim, consumer.Name, entry, cancellationToken).ConfigureAwait(false);
                return Outcome.Waiting;
        }

        var failed = claimed with { Attempts = claimed.Attempts + 1, LastError = result.Description };
        var age = now - failed.EnqueuedAt;
        if (result.Outcome == DeliveryOutcome.Permanent || failed.Attempts >= policy.MaxAttempts || age >= policy.GiveUpAfter)
        {
            var reason = result.Outcome == DeliveryOutcome.Permanent ? "it was refused" : $"{failed.Attempts} attempts over {age.TotalHours:0.#} h";
            await ReplaceAsync(blobName, failed with { NextAttemptAt = now, DeadLetteredAt = now }, claim, consumer.Name, entry, cancellationToken).ConfigureAwait(false);
            LogDeadLettered(logger, consumer.Name, entry.CaseNumber, entry.Sequence, reason, result.Description, blobName);
            return Outcome.DeadLettered;
        }

        var delay = Backoff(policy, failed.Attempts, result.RetryAfter);
        await ReplaceAsync(blobName, failed with { NextAttemptAt = now + delay }, claim, consumer.Name, entry, cancellationToken).ConfigureAwait(false);
        LogRetrying(logger, consumer.Name, entry.CaseNumber, entry.Sequence, failed.Attempts, result.Description, delay);
        return Outcome.Retrying;
    }

    private async Task ReplaceAsync(string blobName, CaseEventDelivery entry, Azure.ETag claim, string consumer, CaseEventDelivery original, CancellationToken cancellationToken)
    {
        if (await outbox.TryReplaceAsync(blobName, entry, claim, cancellationToken).ConfigureAwait(false) is null)
            LogClaimLost(logger, consumer, original.CaseNumber, original.Sequence);
    }

    /// <summary>The wait after the n-th failure: min(max, base × 2^(n-1)) × a random 50-100 %, or the receiver's Retry-After if longer (capped).</summary>
    public static TimeSpan Backoff(DeliveryPolicy policy, int attempts, TimeSpan? retryAfter)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var exponential = policy.BackoffBase * Math.Pow(2, Math.Min(attempts - 1, 30));
        var capped = exponential < policy.BackoffMax ? exponential : policy.BackoffMax;
        // Jitter spreads the retries of many events (and instances) after an outage of the receiver.
        var delay = capped * (0.5 + (Random.Shared.NextDouble() * 0.5));
        if (retryAfter is { } asked && asked > delay)
            delay = asked < policy.BackoffMax ? asked : policy.BackoffMax;
        return delay;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The case-event outbox could not be processed; trying again at the next poll")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "The case-event outbox entry {BlobName} could not be read; it is left in place, undelivered")]
    private static partial void LogUnreadable(ILogger logger, string blobName, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Consumer}: event {Sequence} of case {CaseNumber} delivered at attempt {Attempt}: {Answer}")]
    private static partial void LogDelivered(ILogger logger, string consumer, string caseNumber, int sequence, int attempt, string answer);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Consumer}: event {Sequence} of case {CaseNumber} waits: {Why}")]
    private static partial void LogWaiting(ILogger logger, string consumer, string caseNumber, int sequence, string why);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Consumer}: event {Sequence} of case {CaseNumber} failed at attempt {Attempt} ({Error}); retrying in {Delay}")]
    private static partial void LogRetrying(ILogger logger, string consumer, string caseNumber, int sequence, int attempt, string error, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Consumer}: event {Sequence} of case {CaseNumber} is kept as a dead letter, undelivered, because {Reason} (last: {Error}); it stays in {BlobName} until requeued")]
    private static partial void LogDeadLettered(ILogger logger, string consumer, string caseNumber, int sequence, string reason, string error, string blobName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Consumer}: event {Sequence} of case {CaseNumber}: the claim ran out before the outcome was recorded; another instance may act on it again")]
    private static partial void LogClaimLost(ILogger logger, string consumer, string caseNumber, int sequence);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Consumer}: event {Sequence} of case {CaseNumber}, staged at {StagedAt}, never committed to its case record; dropped")]
    private static partial void LogNeverCommitted(ILogger logger, string consumer, string caseNumber, int sequence, DateTimeOffset stagedAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Consumer}: case {CaseNumber} no longer holds event {Sequence}; dropped")]
    private static partial void LogCaseGone(ILogger logger, string consumer, string caseNumber, int sequence);
}

/// <summary>What one pass over a consumer's outbox did.</summary>
/// <param name="Waiting">Not due yet, held behind an earlier event of the same case, claimed elsewhere, not committed yet, or not possible yet.</param>
/// <param name="DeadLetters">Dead letters seen (already there, or made in this pass).</param>
public sealed record CaseEventPass(int Delivered = 0, int Retrying = 0, int Waiting = 0, int DeadLetters = 0);
