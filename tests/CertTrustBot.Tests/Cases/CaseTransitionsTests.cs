using CertTrustBot.Cases;

namespace CertTrustBot.Tests.Cases;

/// <summary>The case status table, row by row: what each event may do in each status.</summary>
public class CaseTransitionsTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);

    [Theory]
    // Started: from Submitted or Needs information, to In progress.
    [InlineData(CaseEventKind.Started, CaseStatus.Submitted, CaseStatus.InProgress)]
    [InlineData(CaseEventKind.Started, CaseStatus.NeedsInformation, CaseStatus.InProgress)]
    [InlineData(CaseEventKind.Started, CaseStatus.InProgress, null)]
    [InlineData(CaseEventKind.Started, CaseStatus.Installed, null)]
    [InlineData(CaseEventKind.Started, CaseStatus.Rejected, null)]
    // QuestionAsked: from any open status, to Needs information.
    [InlineData(CaseEventKind.QuestionAsked, CaseStatus.Submitted, CaseStatus.NeedsInformation)]
    [InlineData(CaseEventKind.QuestionAsked, CaseStatus.InProgress, CaseStatus.NeedsInformation)]
    [InlineData(CaseEventKind.QuestionAsked, CaseStatus.NeedsInformation, CaseStatus.NeedsInformation)]
    [InlineData(CaseEventKind.QuestionAsked, CaseStatus.Installed, null)]
    [InlineData(CaseEventKind.QuestionAsked, CaseStatus.Rejected, null)]
    // Rejected: from any open status.
    [InlineData(CaseEventKind.Rejected, CaseStatus.Submitted, CaseStatus.Rejected)]
    [InlineData(CaseEventKind.Rejected, CaseStatus.InProgress, CaseStatus.Rejected)]
    [InlineData(CaseEventKind.Rejected, CaseStatus.NeedsInformation, CaseStatus.Rejected)]
    [InlineData(CaseEventKind.Rejected, CaseStatus.Installed, null)]
    [InlineData(CaseEventKind.Rejected, CaseStatus.Rejected, null)]
    // Answered: only while a question waits.
    [InlineData(CaseEventKind.Answered, CaseStatus.Submitted, null)]
    [InlineData(CaseEventKind.Answered, CaseStatus.InProgress, null)]
    [InlineData(CaseEventKind.Answered, CaseStatus.Installed, null)]
    [InlineData(CaseEventKind.Answered, CaseStatus.Rejected, null)]
    // Installing every environment, from any open status: Installed; from a closed one: nothing.
    [InlineData(CaseEventKind.Installed, CaseStatus.Submitted, CaseStatus.Installed)]
    [InlineData(CaseEventKind.Installed, CaseStatus.InProgress, CaseStatus.Installed)]
    [InlineData(CaseEventKind.Installed, CaseStatus.NeedsInformation, CaseStatus.Installed)]
    [InlineData(CaseEventKind.Installed, CaseStatus.Installed, null)]
    [InlineData(CaseEventKind.Installed, CaseStatus.Rejected, null)]
    public void Each_event_is_allowed_only_from_its_statuses(CaseEventKind kind, CaseStatus from, CaseStatus? expected)
    {
        var current = Case(from, ["Production"]);

        Assert.Equal(expected, CaseTransitions.After(current, kind, ["Production"]));
        Assert.Equal(expected is not null, CaseTransitions.Allows(current, kind));
    }

    [Fact]
    public void Installing_some_environments_leaves_the_case_in_progress()
    {
        var current = Case(CaseStatus.Submitted, ["Production", "Test"]);

        Assert.Equal(CaseStatus.InProgress, CaseTransitions.After(current, CaseEventKind.Installed, ["Test"]));
        Assert.Equal(["Production"], CaseTransitions.Remaining(current, ["Test"]));
    }

    [Fact]
    public void Installing_the_last_environment_after_an_earlier_one_installs_the_case()
    {
        var current = Case(CaseStatus.InProgress, ["Production", "Test"],
            new CaseEvent(At, CaseStatus.InProgress, "Jo", null) { Kind = CaseEventKind.Installed, Environments = ["Test"] });

        Assert.Equal(CaseStatus.Installed, CaseTransitions.After(current, CaseEventKind.Installed, ["Production"]));
        Assert.Equal(["Test"], CaseTransitions.Installed(current));
    }

    [Theory]
    [InlineData(CaseStatus.Submitted)]
    [InlineData(CaseStatus.InProgress)]
    public void An_answer_returns_the_case_to_the_status_it_had_before_the_question(CaseStatus before)
    {
        var current = Case(CaseStatus.NeedsInformation, ["Production"],
            new CaseEvent(At, before, "Jo", null) { Kind = before == CaseStatus.Submitted ? CaseEventKind.Filed : CaseEventKind.Started },
            new CaseEvent(At, CaseStatus.NeedsInformation, "Jo", "Which host?") { Kind = CaseEventKind.QuestionAsked });

        Assert.Equal(before, CaseTransitions.After(current, CaseEventKind.Answered));
    }

    [Fact]
    public void An_answer_after_two_questions_returns_to_the_status_before_the_first()
    {
        var current = Case(CaseStatus.NeedsInformation, ["Production"],
            new CaseEvent(At, CaseStatus.InProgress, "Jo", null) { Kind = CaseEventKind.Started },
            new CaseEvent(At, CaseStatus.NeedsInformation, "Jo", "Which host?") { Kind = CaseEventKind.QuestionAsked },
            new CaseEvent(At, CaseStatus.NeedsInformation, "Kim", "And the port?") { Kind = CaseEventKind.QuestionAsked });

        Assert.Equal(CaseStatus.InProgress, CaseTransitions.After(current, CaseEventKind.Answered));
    }

    [Fact]
    public void The_table_has_a_row_for_every_event_but_the_filing()
    {
        var kinds = CaseTransitions.Table.Select(r => r.Kind).Order().ToList();

        Assert.Equal([CaseEventKind.Started, CaseEventKind.QuestionAsked, CaseEventKind.Answered, CaseEventKind.Installed, CaseEventKind.Rejected,
            CaseEventKind.Removed, CaseEventKind.Reminded, CaseEventKind.Snoozed], kinds);
    }

    private static SupportCase Case(CaseStatus status, IReadOnlyList<string> environments, params CaseEvent[] later) => new()
    {
        CaseNumber = "CT-000042",
        RequestId = "r1",
        Requester = new Requester("u1", "Alice", null, "tenant"),
        Environments = environments,
        Certificates = [],
        Findings = [],
        CreatedAt = At,
        Status = status,
        ConversationReference = "{}",
        History = [new CaseEvent(At, CaseStatus.Submitted, "Alice", null) { Kind = CaseEventKind.Filed }, .. later],
    };
}
