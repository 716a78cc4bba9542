using CertTrustBot.Cases;
using Microsoft.Extensions.Options;

namespace CertTrustBot.Staff;

/// <summary>
/// Sends the outbox's proactive messages: at once when nudged, else every <see cref="StaffOptions.OutboxPollInterval"/>.
/// A failed message is retried with exponential backoff and logged at each failure; after
/// <see cref="StaffOptions.MaxDeliveryAttempts"/> it is set aside under <c>staff/dead/</c> and logged as an error. A case
/// card waits (without counting attempts) until the staff team is known.
/// </summary>
public sealed partial class ProactiveDispatcher(
    ProactiveOutbox outbox,
    StaffStore store,
    StaffCards cards,
    CaseDesk caseDesk,
    IProactiveChannel channel,
    IOptions<StaffOptions> options,
    TimeProvider clock,
    ILogger<ProactiveDispatcher> logger) : BackgroundService
{
    // How long a claimed delivery is left to its claimant before another instance may take it.
    private static readonly TimeSpan ClaimTime = TimeSpan.FromMinutes(2);

    // How often, and how far back, cases are checked for a card that was never queued.
    private static readonly TimeSpan SweepInterval = TimeSpan.FromHours(1);
    private static readonly TimeSpan SweepWindow = TimeSpan.FromDays(7);

    private const string WaitingReason = "waiting: the staff team, or the case card this goes under, is not known yet";

    private readonly StaffOptions _options = options.Value;

    private enum Outcome
    {
        Delivered,
        Waiting,
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var nextSweep = DateTimeOffset.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (clock.GetUtcNow() >= nextSweep)
                {
                    await QueueMissingCardsAsync(stoppingToken).ConfigureAwait(false);
                    nextSweep = clock.GetUtcNow() + SweepInterval;
                }

                await DeliverDueAsync(stoppingToken).ConfigureAwait(false);
                await outbox.WaitForNudgeAsync(_options.OutboxPollInterval, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Storage down, most likely: keep the loop alive and look again later.
                LogLoopFailed(logger, ex);
                try
                {
                    await Task.Delay(_options.OutboxPollInterval, clock, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>
    /// Queues the card of every recent case that has none and none pending (at start, then hourly): a case filed just
    /// before the process stopped, before its card was queued, still reaches the staff channel.
    /// </summary>
    public async Task QueueMissingCardsAsync(CancellationToken cancellationToken)
    {
        foreach (var caseNumber in await outbox.CasesWithoutCardAsync(clock.GetUtcNow() - SweepWindow, cancellationToken).ConfigureAwait(false))
        {
            LogMissingCard(logger, caseNumber);
            await outbox.EnqueueAsync(DeliveryKind.PostCaseCard, caseNumber, null, cancellationToken, key: $"post-{caseNumber}").ConfigureAwait(false);
        }
    }

    /// <summary>One pass over the outbox: sends every delivery that is due, oldest first.</summary>
    public async Task DeliverDueAsync(CancellationToken cancellationToken)
    {
        foreach (var name in await outbox.PendingAsync(cancellationToken).ConfigureAwait(false))
        {
            var (delivery, etag) = await outbox.ReadAsync(name, cancellationToken).ConfigureAwait(false);
            var now = clock.GetUtcNow();
            if (delivery is null || etag is null || delivery.NextAttemptAt > now)
                continue;

            // Claim it, so that another instance does not send it too.
            var claimed = await outbox.ReplaceAsync(name, delivery with { NextAttemptAt = now + ClaimTime }, etag.Value, cancellationToken).ConfigureAwait(false);
            if (claimed is null)
                continue;

            try
            {
                var outcome = await DeliverAsync(delivery, cancellationToken).ConfigureAwait(false);
                if (outcome == Outcome.Delivered)
                {
                    await outbox.RemoveAsync(name, claimed.Value, cancellationToken).ConfigureAwait(false);
                    LogDelivered(logger, delivery.Kind, delivery.CaseNumber, delivery.Attempts + 1);
                }
                else
                {
                    await outbox.ReplaceAsync(name, delivery with { NextAttemptAt = clock.GetUtcNow() + _options.OutboxPollInterval, LastError = WaitingReason }, claimed.Value, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                var failed = delivery with
                {
                    Attempts = delivery.Attempts + 1,
                    NextAttemptAt = clock.GetUtcNow() + Backoff(delivery.Attempts + 1),
                    LastError = $"{ex.GetType().Name}: {ex.Message}",
                };
                if (failed.Attempts >= _options.MaxDeliveryAttempts)
                {
                    LogGivenUp(logger, ex, delivery.Kind, delivery.CaseNumber, failed.Attempts, name);
                    await outbox.SetAsideAsync(name, failed, claimed.Value, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    LogFailed(logger, ex, delivery.Kind, delivery.CaseNumber, failed.Attempts, failed.NextAttemptAt);
                    await outbox.ReplaceAsync(name, failed, claimed.Value, cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>The wait after the n-th failure: base × 2^(n-1), at most the configured maximum.</summary>
    public TimeSpan Backoff(int failures)
    {
        var factor = Math.Pow(2, Math.Min(failures - 1, 30));
        var delay = TimeSpan.FromTicks((long)Math.Min(_options.RetryBaseDelay.Ticks * factor, _options.RetryMaxDelay.Ticks));
        return delay;
    }

    private async Task<Outcome> DeliverAsync(Delivery delivery, CancellationToken cancellationToken)
    {
        switch (delivery.Kind)
        {
            case DeliveryKind.PostCaseCard:
            {
                if (await store.CardOfAsync(delivery.CaseNumber, cancellationToken).ConfigureAwait(false) is not null)
                    return Outcome.Delivered; // posted before (a retried submit, or a crash after posting)
                var team = await store.TeamAsync(cancellationToken).ConfigureAwait(false);
                if (team is null || !_options.IsStaffTeam(team.TeamId) || _options.EffectiveChannelId is not { } channelId)
                {
                    // Said once per case (the delivery remembers it), not at every poll.
                    if (delivery.LastError != WaitingReason)
                        LogWaitingForTeam(logger, delivery.CaseNumber, string.IsNullOrWhiteSpace(_options.StaffTeamId) ? "(SupportDesk:StaffTeamId is not set)" : _options.StaffTeamId);
                    return Outcome.Waiting;
                }

                if (await caseDesk.FindAsync(delivery.CaseNumber, cancellationToken).ConfigureAwait(false) is not { } supportCase)
                {
                    LogCaseGone(logger, delivery.CaseNumber, delivery.Kind);
                    return Outcome.Delivered;
                }

                var posted = await channel.StartThreadAsync(team.Reference, channelId, await cards.StaffCardAsync(supportCase, null, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
                await store.SaveCardAsync(delivery.CaseNumber, posted, cancellationToken).ConfigureAwait(false);
                return Outcome.Delivered;
            }

            case DeliveryKind.UpdateCaseCard:
            {
                var posted = await store.CardOfAsync(delivery.CaseNumber, cancellationToken).ConfigureAwait(false);
                if (posted is null)
                    return Outcome.Delivered; // not posted yet: the post will draw the case as it is then
                if (await caseDesk.FindAsync(delivery.CaseNumber, cancellationToken).ConfigureAwait(false) is not { } supportCase)
                {
                    LogCaseGone(logger, delivery.CaseNumber, delivery.Kind);
                    return Outcome.Delivered;
                }

                await channel.UpdateAsync(posted, await cards.StaffCardAsync(supportCase, null, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
                return Outcome.Delivered;
            }

            case DeliveryKind.NotifyCustomer:
            {
                if (await caseDesk.FindAsync(delivery.CaseNumber, cancellationToken).ConfigureAwait(false) is not { } supportCase || delivery.Message is null)
                {
                    LogCaseGone(logger, delivery.CaseNumber, delivery.Kind);
                    return Outcome.Delivered;
                }

                await channel.SendAsync(supportCase.ConversationReference, delivery.Message.ToReply(), cancellationToken).ConfigureAwait(false);
                return Outcome.Delivered;
            }

            case DeliveryKind.ReplyInCaseThread:
            {
                var posted = await store.CardOfAsync(delivery.CaseNumber, cancellationToken).ConfigureAwait(false);
                if (posted is null)
                    return Outcome.Waiting; // the card comes first; its thread then gets the reply
                if (delivery.Message is null)
                    return Outcome.Delivered;
                await channel.ReplyInThreadAsync(posted, delivery.Message.ToReply(), cancellationToken).ConfigureAwait(false);
                return Outcome.Delivered;
            }

            default:
                throw new InvalidOperationException($"Unknown delivery kind {delivery.Kind}.");
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Kind} for case {CaseNumber} delivered (attempt {Attempt})")]
    private static partial void LogDelivered(ILogger logger, DeliveryKind kind, string caseNumber, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Kind} for case {CaseNumber} failed (attempt {Attempts}); retrying at {NextAttemptAt}")]
    private static partial void LogFailed(ILogger logger, Exception exception, DeliveryKind kind, string caseNumber, int attempts, DateTimeOffset nextAttemptAt);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Kind} for case {CaseNumber} failed {Attempts} times and was set aside as {Name} under staff/dead/: nobody was told")]
    private static partial void LogGivenUp(ILogger logger, Exception exception, DeliveryKind kind, string caseNumber, int attempts, string name);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The card of case {CaseNumber} waits: the staff team {StaffTeamId} is not known yet (install the bot in that team)")]
    private static partial void LogWaitingForTeam(ILogger logger, string caseNumber, string staffTeamId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Case {CaseNumber} no longer exists: {Kind} dropped")]
    private static partial void LogCaseGone(ILogger logger, string caseNumber, DeliveryKind kind);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Case {CaseNumber} has no staff card and none was queued (the process stopped after filing it?): queued now")]
    private static partial void LogMissingCard(ILogger logger, string caseNumber);

    [LoggerMessage(Level = LogLevel.Error, Message = "The proactive outbox could not be read; trying again later")]
    private static partial void LogLoopFailed(ILogger logger, Exception exception);
}
