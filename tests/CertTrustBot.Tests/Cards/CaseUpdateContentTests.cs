using CertTrustBot.Cards;
using CertTrustBot.Cases;

namespace CertTrustBot.Tests.Cards;

/// <summary>What the customer reads about each event of their case, drawn from the typed event alone.</summary>
public class CaseUpdateContentTests
{
    private static readonly DateTimeOffset Filed = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Installing_every_environment_says_which_and_that_calls_should_now_succeed()
    {
        var c = Case(Event(CaseEventKind.Installed, CaseStatus.Installed, environments: ["Test", "Production"]));

        var data = Data(c, 2);

        Assert.Equal("CT-000042: installed", data.Headline);
        Assert.Equal("good", data.Color);
        Assert.Contains("every front-end server of Test and Production", data.Message, StringComparison.Ordinal);
        Assert.Contains("should now succeed", data.Message, StringComparison.Ordinal);
        Assert.Equal("Installed", data.Status);
    }

    [Fact]
    public void An_installed_renewal_says_the_old_certificate_is_replaced_and_how_to_have_it_removed()
    {
        var c = Case(Event(CaseEventKind.Installed, CaseStatus.Installed, environments: ["Test", "Production"])) with { Renews = "CT-000007" };

        var data = Data(c, 2);

        Assert.Contains("It replaces the certificate of CT-000007", data.Message, StringComparison.Ordinal);
        Assert.Contains("remove CT-000007", data.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("replaces", Data(c with { Renews = null }, 2).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_finished_removal_says_the_certificate_is_no_longer_trusted_there()
    {
        var c = Case(Event(CaseEventKind.Removed, CaseStatus.Removed, environments: ["Test", "Production"])) with { Kind = CaseKind.Removal, Removes = "CT-000007" };

        var data = Data(c, 2);

        Assert.Equal("CT-000042: removed", data.Headline);
        Assert.Contains("installed by CT-000007 is no longer trusted by the front-end servers of Test and Production", data.Message, StringComparison.Ordinal);
        Assert.Equal("Removed", data.Status);
    }

    [Fact]
    public void Installing_some_environments_says_what_is_left()
    {
        var c = Case(Event(CaseEventKind.Installed, CaseStatus.InProgress, environments: ["Production"]));

        var data = Data(c, 2);

        Assert.Equal("CT-000042: installed in Production", data.Headline);
        Assert.Contains("Still to do: Test", data.Message, StringComparison.Ordinal);
        Assert.Equal("Production", data.Detail);
    }

    [Fact]
    public void The_last_environment_after_an_earlier_one_says_it_already_was_in_the_first()
    {
        var c = Case(
            Event(CaseEventKind.Installed, CaseStatus.InProgress, environments: ["Production"]),
            Event(CaseEventKind.Installed, CaseStatus.Installed, environments: ["Test"]));

        var data = Data(c, 3);

        Assert.Equal("CT-000042: installed", data.Headline);
        Assert.Contains("(It already was in Production.)", data.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_question_is_shown_with_who_asked_and_how_to_answer()
    {
        var c = Case(Event(CaseEventKind.QuestionAsked, CaseStatus.NeedsInformation, note: "Which host calls it?"));

        var data = Data(c, 2);

        Assert.Equal("warning", data.Color);
        Assert.Contains("support staff (Grace Hopper) ask", data.Message, StringComparison.Ordinal);
        Assert.Equal("Question", data.DetailTitle);
        Assert.Equal("Which host calls it?", data.Detail);
        Assert.Contains("next message", data.Hint.Value, StringComparison.Ordinal);
    }

    [Fact]
    public void A_rejection_gives_the_reason_and_what_to_do()
    {
        var c = Case(Event(CaseEventKind.Rejected, CaseStatus.Rejected, note: "This is the server's own certificate."));

        var data = Data(c, 2);

        Assert.Equal("CT-000042 was rejected", data.Headline);
        Assert.Equal("This is the server's own certificate.", data.Detail);
        Assert.Contains("new request", data.Hint.Value, StringComparison.Ordinal);
    }

    [Fact]
    public void The_status_shown_is_the_one_after_that_event_not_the_latest()
    {
        var c = Case(
            Event(CaseEventKind.Started, CaseStatus.InProgress),
            Event(CaseEventKind.Rejected, CaseStatus.Rejected, note: "no"));

        var data = Data(c, 2);

        Assert.Equal("CT-000042 is in progress", data.Headline);
        Assert.Equal("In progress", data.Status);
        Assert.Contains("in Test and Production", data.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(CaseEventKind.Filed)]
    [InlineData(CaseEventKind.Answered)]
    public void The_customers_own_filing_and_answers_are_not_news_to_them(CaseEventKind kind)
    {
        var c = Case(Event(kind, CaseStatus.Submitted));

        Assert.Null(CaseUpdateContent.For(c, 2));
        Assert.False(CaseUpdateContent.IsNews(c.History[1]));
    }

    private static CaseUpdateCardData Data(SupportCase c, int sequence)
    {
        var card = CaseUpdateContent.For(c, sequence);
        Assert.NotNull(card);
        Assert.Equal(CardNames.CaseUpdate, card.Template);
        return Assert.IsType<CaseUpdateCardData>(card.Data);
    }

    private static CaseEvent Event(CaseEventKind kind, CaseStatus status, string? note = null, string[]? environments = null) =>
        new(Filed.AddHours(1), status, "Grace Hopper", note) { Kind = kind, Environments = environments ?? [] };

    private static SupportCase Case(params CaseEvent[] later) => new()
    {
        CaseNumber = "CT-000042",
        RequestId = "r1",
        Requester = new Requester("29:ada", "Ada Lovelace", "aad-ada", "tenant-1"),
        Environments = ["Test", "Production"],
        Certificates = [new CaseCertificate("root.cer", "Root", "CN=Root", "CN=Root", Filed.AddYears(5), "AB", "CD", "CT-000042/0.cer")],
        Findings = [],
        CreatedAt = Filed,
        Status = later.Length > 0 ? later[^1].Status : CaseStatus.Submitted,
        ConversationReference = "{}",
        History = [new CaseEvent(Filed, CaseStatus.Submitted, "Ada Lovelace", null) { Kind = CaseEventKind.Filed }, .. later],
    };
}
