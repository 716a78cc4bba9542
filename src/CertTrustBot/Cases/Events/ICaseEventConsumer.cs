namespace CertTrustBot.Cases.Events;

/// <summary>
/// A party that must hear of case events: the staff channel, the customer's chat, the external case desk's webhook.
/// The pipeline (<see cref="CaseEventOutbox"/>, <see cref="CaseEventDispatcher"/>) stages each wanted event for it
/// before the case record commits, and hands it each committed event once, in order per case, across any number of
/// instances: an event is claimed with an ETag before <see cref="DeliverAsync"/> runs.
/// </summary>
public interface ICaseEventConsumer
{
    /// <summary>Lower-case letters and hyphens: part of the outbox's blob names (<c>events/{Name}/…</c>).</summary>
    string Name { get; }

    /// <summary>Off: nothing is staged for it (a webhook without a URL).</summary>
    bool Enabled { get; }

    DeliveryPolicy Policy { get; }

    /// <summary>Whether this consumer acts on <paramref name="happened"/> at all; events it does not want are not staged.</summary>
    bool Wants(SupportCase record, CaseEvent happened);

    /// <summary>
    /// Acts on event number <paramref name="sequence"/> (1-based, in <see cref="SupportCase.History"/>) of the committed
    /// record. Throwing counts as a transient failure (retried with backoff).
    /// </summary>
    Task<DeliveryResult> DeliverAsync(SupportCase record, int sequence, CancellationToken cancellationToken);
}

/// <summary>How a consumer's deliveries are claimed, retried and given up on.</summary>
/// <param name="ClaimDuration">How long a claimed event is left to its claimant before another instance may take it.</param>
/// <param name="MaxAttempts">Failed attempts after which the event becomes a dead letter.</param>
/// <param name="GiveUpAfter">Age after which a failing (or never committed) event is given up on.</param>
/// <param name="BackoffBase">Wait after the first failure; doubled at each failure (with jitter) up to <paramref name="BackoffMax"/>.</param>
/// <param name="WaitingPoll">When a delivery is <see cref="DeliveryOutcome.Waiting"/>, how long until it is looked at again.</param>
public sealed record DeliveryPolicy(
    TimeSpan ClaimDuration, int MaxAttempts, TimeSpan GiveUpAfter, TimeSpan BackoffBase, TimeSpan BackoffMax, TimeSpan WaitingPoll);

public enum DeliveryOutcome
{
    Delivered,

    /// <summary>Not possible yet (the staff team is not known): looked at again later; no attempt is counted.</summary>
    Waiting,

    /// <summary>Failed, may work later: retried with backoff.</summary>
    Retry,

    /// <summary>Will never work as it is (the receiver refused it): kept as a dead letter at once.</summary>
    Permanent,
}

/// <param name="Description">What happened, for the log and the outbox entry ("HTTP 503", "the staff team is not known yet").</param>
/// <param name="RetryAfter">How long the receiver asked to wait, if it did.</param>
public sealed record DeliveryResult(DeliveryOutcome Outcome, string Description, TimeSpan? RetryAfter = null)
{
    public static DeliveryResult Delivered(string description = "delivered") => new(DeliveryOutcome.Delivered, description);

    public static DeliveryResult Waiting(string why) => new(DeliveryOutcome.Waiting, why);
}
