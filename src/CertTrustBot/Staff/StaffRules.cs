using CertTrustBot.Cases;
using CertTrustBot.Conversation;

namespace CertTrustBot.Staff;

/// <summary>What a staff member can do to a case from its card.</summary>
public enum StaffVerb
{
    /// <summary>Show the card as the case stands now (fresh .cer links); changes nothing.</summary>
    Refresh,
    Start,
    Install,
    AskInformation,
    Reject,
}

/// <summary>One click on a case card, as the edge read it (Action.Execute data or an Action.Submit value).</summary>
/// <param name="ETag">The case's ETag the card was drawn with: a change made from a stale card, or without it, is refused.</param>
/// <param name="Environments">For <see cref="StaffVerb.Install"/>: the environments chosen (empty: all not yet installed).</param>
/// <param name="Text">The question (<see cref="StaffVerb.AskInformation"/>) or the reason (<see cref="StaffVerb.Reject"/>).</param>
public sealed record StaffAction(StaffVerb Verb, string CaseNumber, string? ETag, IReadOnlyList<string> Environments, string? Text)
{
    public const string ActionKey = "action";
    public const string CaseNumberKey = "caseNumber";
    public const string ETagKey = "etag";
    public const string EnvironmentsInput = "installedEnvironments";
    public const string QuestionInput = "question";
    public const string ReasonInput = "reason";

    /// <summary>The card's action names (also the Action.Execute verbs).</summary>
    public static readonly IReadOnlyDictionary<string, StaffVerb> Verbs = new Dictionary<string, StaffVerb>(StringComparer.Ordinal)
    {
        ["staff.refresh"] = StaffVerb.Refresh,
        ["staff.start"] = StaffVerb.Start,
        ["staff.install"] = StaffVerb.Install,
        ["staff.ask"] = StaffVerb.AskInformation,
        ["staff.reject"] = StaffVerb.Reject,
    };

    /// <summary>Whether a card's values (or an Action.Execute verb) are a staff action rather than a customer's.</summary>
    public static bool IsStaffAction(string? action) => action is not null && action.StartsWith("staff.", StringComparison.Ordinal);

    /// <summary>Reads the flat values of a click; null when they are not a staff action with a case number.</summary>
    public static StaffAction? Read(string? verb, IReadOnlyDictionary<string, string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var name = verb ?? (values.TryGetValue(ActionKey, out var a) ? a : null);
        if (name is null || !Verbs.TryGetValue(name, out var staffVerb))
            return null;
        if (!values.TryGetValue(CaseNumberKey, out var number) || !Cases.CaseNumber.TryNormalize(number, out var caseNumber))
            return null;
        var environments = values.TryGetValue(EnvironmentsInput, out var chosen)
            ? chosen.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : [];
        var text = staffVerb switch
        {
            StaffVerb.AskInformation => values.GetValueOrDefault(QuestionInput),
            StaffVerb.Reject => values.GetValueOrDefault(ReasonInput),
            _ => null,
        };
        return new StaffAction(staffVerb, caseNumber, values.GetValueOrDefault(ETagKey), environments, text?.Trim());
    }
}

/// <summary>Who clicked, and where from, as the channel identified them.</summary>
/// <param name="TenantId">The AAD tenant the click came from (null when the channel sent none).</param>
/// <param name="TeamId">The team of the conversation the click came from; null outside a team.</param>
/// <param name="ChatKind">Whether the click came from a channel, a group chat or a personal chat.</param>
public sealed record Staffer(string UserId, string Name, string? AadObjectId, string? TenantId, string? TeamId, ChatKind ChatKind)
{
    public string DisplayName => string.IsNullOrWhiteSpace(Name) ? UserId : Name.Trim();
}

/// <summary>What a click comes to, decided without I/O from the case as it is now.</summary>
public abstract record StaffDecision(string Message);

/// <summary>The clicker may not act (not a staff member, not the staff tenant, not the staff channel): nothing changes
/// and the card is not shown again.</summary>
public sealed record Refused(string Message) : StaffDecision(Message);

/// <summary>Nothing changes; the clicker sees the case as it is now, with the message.</summary>
public sealed record Unchanged(string Message) : StaffDecision(Message);

/// <summary>Record the event on the case (its status follows from <see cref="CaseTransitions"/>); the pipeline tells the customer.</summary>
public sealed record Apply(CaseEventDraft Event, string Message) : StaffDecision(Message);

/// <summary>
/// The staff rules as a pure function: who may act, and which event a click records (what each status allows is
/// <see cref="CaseTransitions"/>; what the customer is told follows from the event, see <see cref="Cards.CaseUpdateContent"/>).
/// </summary>
public static class StaffRules
{
    public const int MaxTextLength = 1000;

    public static StaffDecision Decide(SupportCase? current, StaffAction action, Staffer who, StaffOptions options)
    {
        ArgumentNullException.ThrowIfNull(who);
        ArgumentNullException.ThrowIfNull(options);
        return Decide(current, action, who, Authorize(who, options));
    }

    /// <summary>The same rules, with the clicker already authorized (or refused) by the rules of their channel.</summary>
    public static StaffDecision Decide(SupportCase? current, StaffAction action, Staffer who, Refused? refusal)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(who);

        if (refusal is not null)
            return refusal;
        if (current is null)
            return new Unchanged($"Case {action.CaseNumber} no longer exists. Nothing was changed.");
        if (action.Verb == StaffVerb.Refresh)
            return new Unchanged("");

        var closed = current.Status is CaseStatus.Installed or CaseStatus.Rejected or CaseStatus.Removed;
        var removal = current.Kind == CaseKind.Removal;
        var done = removal ? "removed from" : "installed in";
        var installed = CaseTransitions.Installed(current);
        var remaining = CaseTransitions.Remaining(current, []);
        switch (action.Verb)
        {
            case StaffVerb.Start when current.Status == CaseStatus.InProgress:
                return new Unchanged($"{current.CaseNumber} is already in progress. Nothing was changed.");
            case StaffVerb.Install when current.Status is CaseStatus.Installed or CaseStatus.Removed:
                return new Unchanged($"{current.CaseNumber} is already {done} {Join(current.Environments)}. Nothing was changed.");
            case StaffVerb.Reject when current.Status == CaseStatus.Rejected:
                return new Unchanged($"{current.CaseNumber} is already rejected. Nothing was changed.");
            case not StaffVerb.Refresh when closed:
                return new Unchanged($"{current.CaseNumber} is closed ({CaseDesk.Describe(current.Status)}). Nothing was changed.");
        }

        // What the click asks for must make sense before it is compared with the case's version.
        List<string> chosen = [];
        if (action.Verb == StaffVerb.Install)
        {
            var unknown = action.Environments.Where(e => !current.Environments.Contains(e, StringComparer.OrdinalIgnoreCase)).ToList();
            if (unknown.Count > 0)
                return new Unchanged($"{Cards.Markdown.Literal(Join(unknown))} is not an environment of {current.CaseNumber}. Nothing was changed.");
            chosen = action.Environments.Count == 0
                ? [.. remaining]
                : current.Environments.Where(e => action.Environments.Contains(e, StringComparer.OrdinalIgnoreCase) && !installed.Contains(e, StringComparer.OrdinalIgnoreCase)).ToList();
            if (chosen.Count == 0)
                return new Unchanged($"{current.CaseNumber} is already {done} {Join(action.Environments)}. Nothing was changed.");
        }

        if (action.Verb is StaffVerb.AskInformation or StaffVerb.Reject)
        {
            var what = action.Verb == StaffVerb.AskInformation ? "the question for the customer" : "the reason for the customer";
            if (string.IsNullOrWhiteSpace(action.Text))
                return new Unchanged($"Write {what} first. Nothing was changed.");
            if (action.Text.Length > MaxTextLength)
                return new Unchanged($"Keep {what} under {MaxTextLength} characters. Nothing was changed.");
        }

        // Every change carries the card's version: none (an old or forged card) counts as stale.
        if (string.IsNullOrEmpty(action.ETag) || action.ETag != current.ETag)
            return new Unchanged($"{current.CaseNumber} changed since this card was drawn, so nothing was changed. Here is its current state.");

        var number = current.CaseNumber;
        var actor = who.DisplayName;
        switch (action.Verb)
        {
            case StaffVerb.Start:
                return new Apply(new CaseEventDraft(CaseEventKind.Started, actor), $"{actor} started {number}.");

            case StaffVerb.Install:
                var left = remaining.Where(e => !chosen.Contains(e, StringComparer.OrdinalIgnoreCase)).ToList();
                return new Apply(
                    new CaseEventDraft(CaseTransitions.DoneEvent(current.Kind), actor) { Environments = chosen },
                    left.Count == 0
                        ? $"{actor} marked {number} {done} {Join(chosen)}; the case is done."
                        : $"{actor} marked {number} {done} {Join(chosen)}; still to do: {Join(left)}.");

            case StaffVerb.AskInformation:
                return new Apply(new CaseEventDraft(CaseEventKind.QuestionAsked, actor, action.Text), $"{actor} asked the customer: {action.Text}");

            case StaffVerb.Reject:
                return new Apply(new CaseEventDraft(CaseEventKind.Rejected, actor, action.Text), $"{actor} rejected {number}: {action.Text}");

            default:
                throw new ArgumentOutOfRangeException(nameof(action), action.Verb, "Unknown staff verb.");
        }
    }

    /// <summary>
    /// Who may act at all: a configured staff member, signed in to the staff tenant, clicking (or typing a staff
    /// command, <paramref name="command"/>) in a channel of the staff team. Null when they may; else the refusal, which
    /// names no configured value.
    /// </summary>
    public static Refused? Authorize(Staffer who, StaffOptions options, bool command = false)
    {
        ArgumentNullException.ThrowIfNull(who);
        ArgumentNullException.ThrowIfNull(options);
        var act = command ? "command" : "click";
        var where = command ? "Staff commands work only in the staff channel" : "Cases can be acted on only from their card in the staff channel";
        if (!options.IsStaffMember(who.AadObjectId))
            return new Refused(command
                ? $"Only the support staff can use staff commands, and {who.DisplayName} is not among them. Nothing was shown or changed."
                : $"Only the support staff can act on cases, and {who.DisplayName} is not among them. Nothing was changed.");
        if (!options.IsStaffTenant(who.TenantId))
            return new Refused(string.IsNullOrWhiteSpace(who.TenantId)
                ? $"This {act} came without a tenant, and cases can be acted on only from the support desk's own organisation. Nothing was changed."
                : $"This {act} came from another organisation (tenant) than the support desk's, and cases can be acted on only from its own. Nothing was changed.");
        if (who.ChatKind != ChatKind.Channel)
            return new Refused($"{where}, not from a {(who.ChatKind == ChatKind.Group ? "group" : "personal")} chat. Nothing was changed.");
        if (!options.IsStaffTeam(who.TeamId))
            return new Refused($"{where}, and this {act} came from another team's channel. Nothing was changed.");
        return null;
    }

    public static string Join(IReadOnlyList<string> items) => Words.Join(items);
}
