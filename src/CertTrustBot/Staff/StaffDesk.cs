using CertTrustBot.Cases;
using CertTrustBot.Conversation;
using CertTrustBot.Storage;
using Microsoft.Extensions.Options;

namespace CertTrustBot.Staff;

/// <summary>What a click on a case card comes to.</summary>
/// <param name="Message">A line for the person who clicked.</param>
/// <param name="Card">The case card as it is now (with a notice when nothing changed), or null for a refusal.</param>
/// <param name="Changed">Whether the case changed.</param>
public sealed record StaffActionResult(string Message, CardReply? Card, bool Changed);

/// <summary>
/// The support staff's side, channel-agnostic: posts each new case to the staff channel, applies the staff's actions
/// to cases (only configured staff members, from the staff tenant and the staff channel; stale cards refused by ETag),
/// and queues what the customer and the staff card must be told in the proactive outbox.
/// </summary>
public sealed partial class StaffDesk(
    CaseDesk caseDesk,
    StaffStore store,
    ProactiveOutbox outbox,
    StaffCards cards,
    IOptions<StaffOptions> options,
    TimeProvider clock,
    ILogger<StaffDesk> logger) : ICaseSubmissionListener
{
    /// <summary>A new case: its card goes to the staff channel (now, or when the staff team becomes known).</summary>
    public async Task CaseSubmittedAsync(SupportCase submitted, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(submitted);
        try
        {
            // Keyed by case number: a retried submit (same case) queues the post once, and a posted card is never posted again.
            await outbox.EnqueueAsync(DeliveryKind.PostCaseCard, submitted.CaseNumber, null, cancellationToken, key: $"post-{submitted.CaseNumber}").ConfigureAwait(false);
        }
        catch (StorageUnavailableException ex)
        {
            // The case itself is filed; the customer has their receipt. Say loudly that staff were not told.
            LogPostNotQueued(logger, ex, submitted.CaseNumber);
        }
    }

    /// <summary>An activity came from a team: if it is the staff team, keep how to reach it, and send what waited for it.</summary>
    public async Task TeamSeenAsync(string? teamId, string teamReference, CancellationToken cancellationToken)
    {
        if (!options.Value.IsStaffTeam(teamId))
            return;
        try
        {
            if (await store.SaveTeamAsync(teamId!.Trim(), teamReference, clock.GetUtcNow(), cancellationToken).ConfigureAwait(false))
            {
                LogTeamLearned(logger, teamId);
                outbox.Nudge();
            }
        }
        catch (StorageUnavailableException ex)
        {
            // The turn itself goes on; the team is learned again from its next activity.
            LogTeamNotSaved(logger, ex, teamId);
        }
    }

    /// <summary>A click on a case card (Action.Execute, or Action.Submit as a fallback).</summary>
    public async Task<StaffActionResult> ActAsync(StaffAction action, Staffer who, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(who);
        var current = await caseDesk.FindAsync(action.CaseNumber, cancellationToken).ConfigureAwait(false);
        var decision = StaffRules.Decide(current, action, who, options.Value);
        switch (decision)
        {
            case Refused refused:
                LogRefused(logger, action.Verb, action.CaseNumber, who.UserId, who.AadObjectId ?? "(none)", who.TenantId ?? "(none)", who.TeamId ?? "(none)", who.ChatKind, refused.Message);
                return new StaffActionResult(refused.Message, null, false);

            case Unchanged unchanged when current is null:
                return new StaffActionResult(unchanged.Message, null, false);

            case Unchanged unchanged:
                return new StaffActionResult(
                    unchanged.Message.Length > 0 ? unchanged.Message : $"{current.CaseNumber} as it is now.",
                    await cards.StaffCardAsync(current, unchanged.Message, cancellationToken).ConfigureAwait(false),
                    false);

            case Apply apply:
                SupportCase? updated;
                try
                {
                    updated = await caseDesk.UpdateStatusAsync(action.CaseNumber, apply.Status, who.DisplayName, apply.Note, action.ETag, cancellationToken).ConfigureAwait(false);
                }
                catch (StorageConflictException)
                {
                    // Someone else changed the case between our read and our write.
                    var now = await caseDesk.FindAsync(action.CaseNumber, cancellationToken).ConfigureAwait(false);
                    var stale = $"{action.CaseNumber} changed since this card was drawn, so nothing was changed. Here is its current state.";
                    return new StaffActionResult(stale, now is null ? null : await cards.StaffCardAsync(now, stale, cancellationToken).ConfigureAwait(false), false);
                }

                if (updated is null)
                    return new StaffActionResult($"Case {action.CaseNumber} no longer exists. Nothing was changed.", null, false);

                var message = apply.Message;
                string? notice = null;
                try
                {
                    if (apply.Status == CaseStatus.NeedsInformation)
                        await store.AwaitAnswerAsync(updated.Requester, new AwaitedAnswer(updated.CaseNumber, apply.Note ?? "", clock.GetUtcNow()), cancellationToken).ConfigureAwait(false);
                    await outbox.EnqueueAsync(DeliveryKind.NotifyCustomer, updated.CaseNumber, StaffCards.CustomerUpdate(updated, apply.Notice), cancellationToken).ConfigureAwait(false);
                    await outbox.EnqueueAsync(DeliveryKind.UpdateCaseCard, updated.CaseNumber, null, cancellationToken).ConfigureAwait(false);
                }
                catch (StorageUnavailableException ex)
                {
                    // The case changed, but the customer will not hear of it from the bot: say so to the one who can act.
                    LogCustomerNotTold(logger, ex, updated.CaseNumber, apply.Status);
                    notice = $"Saved, but storage failed before I could queue the message to the customer: please tell {updated.Requester.Name} yourself.";
                    message += " " + notice;
                }

                return new StaffActionResult(message, await cards.StaffCardAsync(updated, notice, cancellationToken).ConfigureAwait(false), true);

            default:
                throw new InvalidOperationException($"Unknown decision {decision.GetType().Name}.");
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Case {CaseNumber} was filed but its card could not be queued for the staff channel: storage did not answer. Post it by hand.")]
    private static partial void LogPostNotQueued(ILogger logger, Exception exception, string caseNumber);

    [LoggerMessage(Level = LogLevel.Error, Message = "Case {CaseNumber} is now {Status}, but the customer's message could not be queued: storage did not answer. Nobody told the customer.")]
    private static partial void LogCustomerNotTold(ILogger logger, Exception exception, string caseNumber, CaseStatus status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Staff team {TeamId} learned: case cards can be posted")]
    private static partial void LogTeamLearned(ILogger logger, string? teamId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not keep the staff team {TeamId}'s reference: storage did not answer")]
    private static partial void LogTeamNotSaved(ILogger logger, Exception exception, string? teamId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused {Verb} on {CaseNumber} by {UserId} (AAD {AadObjectId}, tenant {TenantId}, team {TeamId}, {ChatKind} chat): {Reason}")]
    private static partial void LogRefused(ILogger logger, StaffVerb verb, string caseNumber, string userId, string aadObjectId, string tenantId, string teamId, ChatKind chatKind, string reason);
}
