namespace CertTrustBot.Cases;

/// <summary>
/// Which event may happen to a case in which status, and the status it leaves the case in: the one table of case
/// status rules. The case desk applies it to every event it records; the staff rules ask it before offering a change.
/// </summary>
public static class CaseTransitions
{
    /// <summary>One row: <paramref name="Kind"/> is allowed from the <paramref name="From"/> statuses.</summary>
    /// <param name="To">The status after the event, from the case before it and the environments it installs (or removes).</param>
    /// <param name="Only">The kind of case the event belongs to; null: any.</param>
    public sealed record Row(CaseEventKind Kind, IReadOnlyList<CaseStatus> From, Func<SupportCase, IReadOnlyCollection<string>, CaseStatus> To, CaseKind? Only = null);

    private static readonly CaseStatus[] Open = [CaseStatus.Submitted, CaseStatus.InProgress, CaseStatus.NeedsInformation];

    // A certificate is in some environments: reminders (and "remind me later") keep the status as it is.
    private static readonly CaseStatus[] InUse = [CaseStatus.InProgress, CaseStatus.Installed];

    public static readonly IReadOnlyList<Row> Table =
    [
        new(CaseEventKind.Started, [CaseStatus.Submitted, CaseStatus.NeedsInformation], (_, _) => CaseStatus.InProgress),
        new(CaseEventKind.QuestionAsked, Open, (_, _) => CaseStatus.NeedsInformation),
        new(CaseEventKind.Answered, [CaseStatus.NeedsInformation], (current, _) => StatusBeforeQuestion(current)),
        new(CaseEventKind.Installed, Open, (current, installing) => Remaining(current, installing).Count == 0 ? CaseStatus.Installed : CaseStatus.InProgress, CaseKind.Install),
        new(CaseEventKind.Removed, Open, (current, removing) => Remaining(current, removing).Count == 0 ? CaseStatus.Removed : CaseStatus.InProgress, CaseKind.Removal),
        new(CaseEventKind.Rejected, Open, (_, _) => CaseStatus.Rejected),
        new(CaseEventKind.Reminded, InUse, (current, _) => current.Status, CaseKind.Install),
        new(CaseEventKind.Snoozed, InUse, (current, _) => current.Status, CaseKind.Install),
    ];

    /// <summary>The event that marks an environment done in a case of <paramref name="kind"/>: Installed, or Removed.</summary>
    public static CaseEventKind DoneEvent(CaseKind kind) => kind == CaseKind.Removal ? CaseEventKind.Removed : CaseEventKind.Installed;

    /// <summary>Whether <paramref name="kind"/> may happen to <paramref name="current"/> now.</summary>
    public static bool Allows(SupportCase current, CaseEventKind kind)
    {
        ArgumentNullException.ThrowIfNull(current);
        return Table.Any(r => Applies(r, current, kind));
    }

    /// <summary>
    /// The status <paramref name="current"/> is in after <paramref name="kind"/> (installing
    /// <paramref name="installing"/>), or null when the table does not allow that event in its status.
    /// </summary>
    public static CaseStatus? After(SupportCase current, CaseEventKind kind, IReadOnlyCollection<string>? installing = null)
    {
        ArgumentNullException.ThrowIfNull(current);
        return Table.FirstOrDefault(r => Applies(r, current, kind)) is { } row
            ? row.To(current, installing ?? [])
            : null;
    }

    private static bool Applies(Row row, SupportCase current, CaseEventKind kind) =>
        row.Kind == kind && row.From.Contains(current.Status) && (row.Only is null || row.Only == current.Kind);

    /// <summary>The environments the case's events installed (for a removal case: removed), in the case's order.</summary>
    public static IReadOnlyList<string> Installed(SupportCase supportCase)
    {
        ArgumentNullException.ThrowIfNull(supportCase);
        var done = DoneEvent(supportCase.Kind);
        var named = supportCase.History.Where(e => e.Kind == done)
            .SelectMany(e => e.Environments)
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        return supportCase.Environments.Where(named.Contains).ToList();
    }

    /// <summary>The case's environments not installed yet, leaving out <paramref name="installing"/> too.</summary>
    public static IReadOnlyList<string> Remaining(SupportCase supportCase, IReadOnlyCollection<string> installing)
    {
        ArgumentNullException.ThrowIfNull(supportCase);
        ArgumentNullException.ThrowIfNull(installing);
        var done = Installed(supportCase).Concat(installing).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return supportCase.Environments.Where(e => !done.Contains(e)).ToList();
    }

    // The newest status that was not "needs information": a case asked twice goes back to where it was before the first question.
    private static CaseStatus StatusBeforeQuestion(SupportCase current) =>
        current.History.LastOrDefault(e => e.Status != CaseStatus.NeedsInformation)?.Status ?? CaseStatus.Submitted;
}
