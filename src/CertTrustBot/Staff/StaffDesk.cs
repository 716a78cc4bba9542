using CertTrustBot.Cases;
using CertTrustBot.Cases.Events;
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
/// The support staff's side, channel-agnostic: learns the staff team, and applies the staff's actions to cases (only
/// configured staff members, from the staff tenant and the staff channel; stale cards refused by ETag) as case events, which the case-event pipeline then takes to
/// the staff channel, the customer's chat and the webhook.
/// </summary>
public sealed partial class StaffDesk(
    CaseDesk caseDesk,
    StaffStore store,
    CaseEventOutbox pipeline,
    StaffCards cards,
    IOptions<StaffOptions> options,
    TimeProvider clock,
    ILogger<StaffDesk> logger)
{
    /// <summary>
    /// An activity came from a team: if it is the staff team, in the staff tenant, keep how to reach it, and send what
    /// waited for it. (An activity naming the staff team from another tenant could otherwise redirect the case cards.)
    /// </summary>
    public async Task TeamSeenAsync(string? teamId, string? tenantId, string teamReference, CancellationToken cancellationToken)
    {
        if (!IsStaffTeam(teamId, tenantId))
            return;
        try
        {
            if (await store.SaveTeamAsync(teamId!.Trim(), teamReference, clock.GetUtcNow(), cancellationToken).ConfigureAwait(false))
            {
                LogTeamLearned(logger, teamId);
                pipeline.Nudge(); // the case cards that waited for the team go out now
            }
        }
        catch (StorageUnavailableException ex)
        {
            // The turn itself goes on; the team is learned again from its next activity.
            LogTeamNotSaved(logger, ex, teamId);
        }
    }

    /// <summary>Whether an activity from <paramref name="teamId"/> in <paramref name="tenantId"/> comes from the staff team (the team <see cref="TeamSeenAsync"/> learns).</summary>
    public bool IsStaffTeam(string? teamId, string? tenantId) => options.Value.IsStaffTeam(teamId) && options.Value.IsStaffTenant(tenantId);

    /// <summary>A click on a case card (Action.Execute, or Action.Submit as a fallback).</summary>
    public Task<StaffActionResult> ActAsync(StaffAction action, Staffer who, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(who);
        return ActAsync(action, who, StaffRules.Authorize(who, options.Value), cancellationToken);
    }

    /// <summary>
    /// A click whose clicker the channel's own staff rules authorized (<paramref name="refusal"/> null) or refused
    /// (the Slack app: its staff users, workspace and channel).
    /// </summary>
    public async Task<StaffActionResult> ActAsync(StaffAction action, Staffer who, Refused? refusal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(who);
        var current = await caseDesk.FindAsync(action.CaseNumber, cancellationToken).ConfigureAwait(false);
        var decision = StaffRules.Decide(current, action, who, refusal);
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
                CaseEventResult result;
                try
                {
                    result = await caseDesk.RecordAsync(action.CaseNumber, apply.Event, action.ETag, cancellationToken).ConfigureAwait(false);
                }
                catch (StorageConflictException)
                {
                    // Someone else changed the case between our read and our write.
                    var now = await caseDesk.FindAsync(action.CaseNumber, cancellationToken).ConfigureAwait(false);
                    var stale = $"{action.CaseNumber} changed since this card was drawn, so nothing was changed. Here is its current state.";
                    return new StaffActionResult(stale, now is null ? null : await cards.StaffCardAsync(now, stale, cancellationToken).ConfigureAwait(false), false);
                }

                switch (result)
                {
                    case { Outcome: CaseEventOutcome.Recorded, Case: { } updated }:
                        // The customer and the card in the channel hear of it through the case-event pipeline.
                        return new StaffActionResult(apply.Message, await cards.StaffCardAsync(updated, null, cancellationToken).ConfigureAwait(false), true);
                    case { Case: { } unchanged }:
                        var notNow = $"{unchanged.CaseNumber} is {CaseDesk.Describe(unchanged.Status)} now, which does not allow that. Nothing was changed.";
                        return new StaffActionResult(notNow, await cards.StaffCardAsync(unchanged, notNow, cancellationToken).ConfigureAwait(false), false);
                    default:
                        return new StaffActionResult($"Case {action.CaseNumber} no longer exists. Nothing was changed.", null, false);
                }

            default:
                throw new InvalidOperationException($"Unknown decision {decision.GetType().Name}.");
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Staff team {TeamId} learned: case cards can be posted")]
    private static partial void LogTeamLearned(ILogger logger, string? teamId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not keep the staff team {TeamId}'s reference: storage did not answer")]
    private static partial void LogTeamNotSaved(ILogger logger, Exception exception, string? teamId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused {Verb} on {CaseNumber} by {UserId} (AAD {AadObjectId}, tenant {TenantId}, team {TeamId}, {ChatKind} chat): {Reason}")]
    private static partial void LogRefused(ILogger logger, StaffVerb verb, string caseNumber, string userId, string aadObjectId, string tenantId, string teamId, ChatKind chatKind, string reason);
}
