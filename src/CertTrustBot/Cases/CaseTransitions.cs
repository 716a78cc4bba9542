namespace CertTrustBot.Cases;

/// <summary>
/// Which event may happen to a case in which status, and the status it leaves the case in: the one table of case
/// status rules. The case desk applies it to every event it records; the staff rules ask it before offering a change.
/// </summary>
public static class CaseTransitions
{
    /// <summary>One row: <paramref name="Kind"/> is allowed from the <paramref name="From"/> statuses.</summary>
    /// <param name="To">The status after the event, from the case before it and the environments it installs.</param>
    public sealed record Row(CaseEventKind Kind, IReadOnlyList<CaseStatus> From, Func<SupportCase, IReadOnlyCollection<string>, CaseStatus> To);

    private static readonly CaseStatus[] Open = [CaseStatus.Submitted, CaseStatus.InProgress, CaseStatus.NeedsInformation];

    public static readonly IReadOnlyList<Row> Table =
    [
        new(CaseEventKind.Started, [CaseStatus.Submitted, CaseStatus.NeedsInformation], (_, _) => CaseStatus.InProgress),
        new(CaseEventKind.QuestionAsked, Open, (_, _) => CaseStatus.NeedsInformation),
        new(CaseEventKind.Answered, [CaseStatus.NeedsInformation], (current, _) => StatusBeforeQuestion(current)),
        new(CaseEventKind.Installed, Open, (current, installing) => Remaining(current, installing).Count == 0 ? CaseStatus.Installed : CaseStatus.InProgress),
        new(CaseEventKind.Rejected, Open, (_, _) => CaseStatus.Rejected),
    ];

    /// <summary>Whether <paramref name="kind"/> may happen to <paramref name="current"/> now.</summary>
    public static bool Allows(SupportCase current, CaseEventKind kind)
    {
        ArgumentNullException.ThrowIfNull(current);
        return Table.Any(r => r.Kind == kind && r.From.Contains(current.Status));
    }

    /// <summary>
    /// The status <paramref name="current"/> is in after <paramref name="kind"/> (installing
    /// <paramref name="installing"/>), or null when the table does not allow that event in its status.
    /// </summary>
    public static CaseStatus? After(SupportCase current, CaseEventKind kind, IReadOnlyCollection<string>? installing = null)
    {
        ArgumentNullException.ThrowIfNull(current);
        return Table.FirstOrDefault(r => r.Kind == kind && r.From.Contains(current.Status)) is { } row
            ? row.To(current, installing ?? [])
            : null;
    }

    /// <summary>The environments the case's events installed, in the case's order.</summary>
    public static IReadOnlyList<string> Installed(SupportCase supportCase)
    {
        ArgumentNullException.ThrowIfNull(supportCase);
        var named = supportCase.History.Where(e => e.Kind == CaseEventKind.Installed)
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
