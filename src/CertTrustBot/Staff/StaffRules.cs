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

/// <summary>Set the case's status, with a note for its history, and tell the customer.</summary>
/// <param name="Notice">What the customer is told in their chat.</param>
public sealed record Apply(CaseStatus Status, string? Note, CustomerNotice Notice, string Message) : StaffDecision(Message);

/// <summary>What the customer reads about a change of their case.</summary>
/// <param name="Kind">installed, partly-installed, needs-information, rejected, in-progress.</param>
public sealed record CustomerNotice(string Kind, string Headline, string Message, string? DetailTitle, string? Detail, string Hint);

/// <summary>
/// The staff rules as a pure function: who may act, which changes each status allows, and what the customer is told.
/// Installed environments are kept in the case's history, as events whose note starts with <see cref="InstalledPrefix"/>.
/// </summary>
public static class StaffRules
{
    public const string InstalledPrefix = "Installed in: ";
    public const int MaxTextLength = 1000;

    public static StaffDecision Decide(SupportCase? current, StaffAction action, Staffer who, StaffOptions options)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(who);
        ArgumentNullException.ThrowIfNull(options);

        if (Authorize(who, options) is { } refused)
            return refused;
        if (current is null)
            return new Unchanged($"Case {action.CaseNumber} no longer exists. Nothing was changed.");
        if (action.Verb == StaffVerb.Refresh)
            return new Unchanged("");

        var closed = current.Status is CaseStatus.Installed or CaseStatus.Rejected;
        var installed = InstalledEnvironments(current);
        var remaining = current.Environments.Where(e => !installed.Contains(e, StringComparer.OrdinalIgnoreCase)).ToList();
        switch (action.Verb)
        {
            case StaffVerb.Start when current.Status == CaseStatus.InProgress:
                return new Unchanged($"{current.CaseNumber} is already in progress. Nothing was changed.");
            case StaffVerb.Install when current.Status == CaseStatus.Installed:
                return new Unchanged($"{current.CaseNumber} is already installed in {Join(current.Environments)}. Nothing was changed.");
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
                return new Unchanged($"{Join(unknown)} is not an environment of {current.CaseNumber}. Nothing was changed.");
            chosen = action.Environments.Count == 0
                ? [.. remaining]
                : current.Environments.Where(e => action.Environments.Contains(e, StringComparer.OrdinalIgnoreCase) && !installed.Contains(e, StringComparer.OrdinalIgnoreCase)).ToList();
            if (chosen.Count == 0)
                return new Unchanged($"{current.CaseNumber} is already installed in {Join(action.Environments)}. Nothing was changed.");
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
        var statusHint = $"Type **status {number}** at any time to see where it stands.";
        switch (action.Verb)
        {
            case StaffVerb.Start:
                return new Apply(CaseStatus.InProgress, null,
                    new CustomerNotice("in-progress", $"{number} is in progress",
                        $"Support staff ({who.DisplayName}) have started installing your certificate in {Join(remaining)}.", null, null, statusHint),
                    $"{who.DisplayName} started {number}.");

            case StaffVerb.Install:
                var left = remaining.Where(e => !chosen.Contains(e, StringComparer.OrdinalIgnoreCase)).ToList();
                var note = InstalledPrefix + string.Join(", ", chosen);
                if (left.Count == 0)
                {
                    return new Apply(CaseStatus.Installed, note,
                        new CustomerNotice("installed", $"{number}: installed",
                            $"Your certificate is now trusted by every front-end server of {Join(chosen)}." +
                            (installed.Count > 0 ? $" (It already was in {Join(installed)}.)" : "") +
                            " Calls from those environments to the external system should now succeed.",
                            null, null, statusHint), // the card's facts list the environments already
                        $"{who.DisplayName} marked {number} installed in {Join(chosen)}; the case is done.");
                }

                return new Apply(CaseStatus.InProgress, note,
                    new CustomerNotice("partly-installed", $"{number}: installed in {Join(chosen)}",
                        $"Your certificate is now trusted by every front-end server of {Join(chosen)}. Still to do: {Join(left)}; I'll tell you when that's done too.",
                        "Environments done", Join([.. installed, .. chosen]), statusHint),
                    $"{who.DisplayName} marked {number} installed in {Join(chosen)}; still to do: {Join(left)}.");

            case StaffVerb.AskInformation:
                return new Apply(CaseStatus.NeedsInformation, action.Text,
                    new CustomerNotice("needs-information", $"{number}: the support desk needs information",
                        $"Before they can install your certificate, support staff ({who.DisplayName}) ask:", "Question", action.Text,
                        "Reply here with your answer (a message, or a file): I'll add your next message to the case."),
                    $"{who.DisplayName} asked the customer: {action.Text}");

            case StaffVerb.Reject:
                return new Apply(CaseStatus.Rejected, action.Text,
                    new CustomerNotice("rejected", $"{number} was rejected",
                        $"Support staff ({who.DisplayName}) could not install your certificate.", "Reason", action.Text,
                        "Send **new request** with the right certificate when you have it."),
                    $"{who.DisplayName} rejected {number}: {action.Text}");

            default:
                throw new ArgumentOutOfRangeException(nameof(action), action.Verb, "Unknown staff verb.");
        }
    }

    /// <summary>
    /// Who may act at all: a configured staff member, signed in to the staff tenant, clicking in a channel of the staff
    /// team. Null when they may; else the refusal, which names no configured value.
    /// </summary>
    public static Refused? Authorize(Staffer who, StaffOptions options)
    {
        ArgumentNullException.ThrowIfNull(who);
        ArgumentNullException.ThrowIfNull(options);
        if (!options.IsStaffMember(who.AadObjectId))
            return new Refused($"Only the support staff can act on cases, and {who.DisplayName} is not among them. Nothing was changed.");
        if (!options.IsStaffTenant(who.TenantId))
            return new Refused(string.IsNullOrWhiteSpace(who.TenantId)
                ? "This click came without a tenant, and cases can be acted on only from the support desk's own organisation. Nothing was changed."
                : "This click came from another organisation (tenant) than the support desk's, and cases can be acted on only from its own. Nothing was changed.");
        if (who.ChatKind != ChatKind.Channel)
            return new Refused($"Cases can be acted on only from their card in the staff channel, not from a {(who.ChatKind == ChatKind.Group ? "group" : "personal")} chat. Nothing was changed.");
        if (!options.IsStaffTeam(who.TeamId))
            return new Refused("Cases can be acted on only from their card in the staff channel, and this click came from another team's channel. Nothing was changed.");
        return null;
    }

    /// <summary>The environments the history says are installed, in the case's order.</summary>
    public static IReadOnlyList<string> InstalledEnvironments(SupportCase supportCase)
    {
        ArgumentNullException.ThrowIfNull(supportCase);
        var named = supportCase.History
            .Where(e => e.Note?.StartsWith(InstalledPrefix, StringComparison.Ordinal) == true)
            .SelectMany(e => e.Note![InstalledPrefix.Length..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        return supportCase.Environments.Where(named.Contains).ToList();
    }

    /// <summary>"Production", "Test and Production", "Development, Test and Production".</summary>
    public static string Join(IReadOnlyList<string> items) =>
        items.Count <= 1 ? string.Concat(items) : $"{string.Join(", ", items.Take(items.Count - 1))} and {items[^1]}";
}
