using CertTrustBot.Cards;
using CertTrustBot.Cases;
using CertTrustBot.Certificates;
using CertTrustBot.Conversation;
using static CertTrustBot.Tests.Conversation.FlowTestKit;

namespace CertTrustBot.Tests.Conversation;

/// <summary>
/// A staff question waiting in the chat is a step of the conversation: the next message or file is the answer, after
/// the same checks as any request's file; commands stay commands.
/// </summary>
public class StaffQuestionFlowTests
{
    private static readonly PendingQuestion Question = new("CT-000042", 3, "Which host do your servers call?", TestCertificates.Now);

    private static ConversationData Waiting(ConversationData? state = null) => (state ?? new ConversationData()) with { Questions = [Question] };

    [Fact]
    public void A_typed_answer_is_checked_by_the_engine_before_anything_is_kept()
    {
        var result = NewFlow().Handle(Waiting(), new TextMessage("It is <b>erp.contoso.com</b>, port 443."), Facts());

        var check = Assert.IsType<CheckCertificate>(result.Effect);
        Assert.Equal(CheckPurpose.Answer, check.Purpose);
        Assert.Equal("It is erp.contoso.com, port 443.", check.AnswerText);
        Assert.Equal("It is erp.contoso.com, port 443."u8.ToArray(), check.Content.ToArray());
        Assert.Empty(result.Replies);
    }

    [Fact]
    public void Text_the_engine_finds_no_certificate_in_becomes_the_answer()
    {
        var flow = NewFlow();
        var check = (CheckCertificate)flow.Handle(Waiting(), new TextMessage("erp.contoso.com"), Facts()).Effect!;
        var textOnly = Report(Verdict.Block, new Finding(FindingCodes.FileText, Severity.Block, "This is text without a certificate in it.", ""));

        var result = flow.Resume(Waiting(), new CertificateChecked(textOnly, check), Facts());

        var answer = Assert.IsType<AnswerQuestion>(result.Effect);
        Assert.Equal(Question, answer.Question);
        Assert.Equal("erp.contoso.com", answer.Answer.Text);
        Assert.Empty(answer.Answer.Certificates);
    }

    [Fact]
    public void A_private_key_pasted_as_the_answer_is_refused_and_nothing_is_kept()
    {
        var flow = NewFlow();
        var pasted = "-----BEGIN PRIVATE KEY-----\nMIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7AgEAAkEA\n-----END PRIVATE KEY-----";
        var check = Assert.IsType<CheckCertificate>(flow.Handle(Waiting(), new TextMessage(pasted), Facts()).Effect);
        Assert.Null(check.AnswerText); // PEM goes to the engine as a file, never as text

        var result = flow.Resume(Waiting(), new CertificateChecked(Blocked(), check), Facts());

        Assert.Null(result.Effect);
        var report = SingleCard<CertificateReportCardData>(result, CardNames.CertificateReport);
        Assert.Contains(report.Findings, f => f.Message.Contains("private key", StringComparison.Ordinal));
        Assert.Equal("I added nothing of it to **CT-000042**: its question still waits for your answer.", report.Next.Value);
        Assert.Empty(result.Replies.OfType<TextReply>());
        Assert.Equal([Question], result.State.Questions); // the question still waits
    }

    [Fact]
    public void A_file_sent_while_a_question_waits_is_the_answer_not_a_new_request()
    {
        var result = NewFlow().Handle(Waiting(), new FileReceived("root.cer", FileBytes), Facts());

        var check = Assert.IsType<CheckCertificate>(result.Effect);
        Assert.Equal(CheckPurpose.Answer, check.Purpose);
        Assert.Equal(ConversationStep.Idle, result.State.Step);
    }

    [Fact]
    public void A_certificate_that_passes_the_check_is_answered_with_its_normalised_DER()
    {
        var flow = NewFlow();
        var check = (CheckCertificate)flow.Handle(Waiting(), new FileReceived("root.cer", FileBytes), Facts()).Effect!;

        var result = flow.Resume(Waiting(), new CertificateChecked(Accepted(), check), Facts());

        var answer = Assert.IsType<AnswerQuestion>(result.Effect);
        var certificate = Assert.Single(answer.Answer.Certificates);
        Assert.Equal(Details().Der.ToArray(), certificate.Der); // the engine's DER, not the file's bytes
        Assert.Null(answer.Answer.Text);
    }

    [Theory]
    [InlineData("status")]
    [InlineData("abort")]
    [InlineData("new certificate")]
    [InlineData("check certificate")]
    [InlineData("help")]
    [InlineData("CT-000042")]
    public void A_command_while_a_question_waits_is_a_command_and_the_question_keeps_waiting(string command)
    {
        var result = NewFlow().Handle(Waiting(), new TextMessage(command), Facts());

        Assert.IsNotType<AnswerQuestion>(result.Effect);
        Assert.False(result.Effect is CheckCertificate { Purpose: CheckPurpose.Answer });
        Assert.Equal([Question], result.State.Questions);
    }

    [Fact]
    public void A_typed_answer_over_the_limit_is_refused_with_its_length()
    {
        var result = NewFlow().Handle(Waiting(), new TextMessage(new string('x', ConversationFlow.MaxAnswerLength + 1)), Facts());

        Assert.Null(result.Effect);
        Assert.Contains("2,001 characters", Text(result), StringComparison.Ordinal);
        Assert.Equal([Question], result.State.Questions);
    }

    [Fact]
    public void Pem_that_was_cut_off_is_refused_as_an_answer_rather_than_kept_as_text()
    {
        var result = NewFlow().Handle(Waiting(), new TextMessage("-----BEGIN PRIVATE KEY-----\nMIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7AgEAAkEA"), Facts());

        Assert.Null(result.Effect);
        Assert.Contains("couldn't read a complete block", Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public void A_recorded_answer_thanks_the_customer_and_the_question_stops_waiting()
    {
        var other = new PendingQuestion("CT-000050", 2, "Which port?", TestCertificates.Now);
        var state = new ConversationData { Questions = [other, Question] };
        var effect = new AnswerQuestion(Question, new CaseAnswerDraft("a1", "erp", "", []));

        var result = NewFlow().Resume(state, new QuestionAnswered(new CaseEventResult(CaseEventOutcome.Recorded, Case()), effect), Facts());

        Assert.Contains("added your answer to **CT-000042**", Text(result), StringComparison.Ordinal);
        Assert.Contains("**CT-000050** still waits for your answer to: Which port?", Text(result), StringComparison.Ordinal);
        Assert.Equal([other], result.State.Questions);
    }

    [Fact]
    public void An_answer_to_a_case_that_moved_on_is_not_added_and_the_question_is_dropped()
    {
        var effect = new AnswerQuestion(Question, new CaseAnswerDraft("a1", "erp", "", []));
        var rejected = Case() with { Status = CaseStatus.Rejected };

        var result = NewFlow().Resume(Waiting(), new QuestionAnswered(new CaseEventResult(CaseEventOutcome.NotAllowed, rejected), effect), Facts());

        Assert.Contains("no longer waits for an answer (it is rejected now)", Text(result), StringComparison.Ordinal);
        Assert.Empty(result.State.Questions);
    }

    [Fact]
    public void Storage_down_while_answering_keeps_the_question_and_says_nothing_was_stored()
    {
        var effect = new AnswerQuestion(Question, new CaseAnswerDraft("a1", "erp", "", []));

        var result = NewFlow().Resume(Waiting(), new StorageUnavailable(effect), Facts());

        Assert.Equal([Question], result.State.Questions);
        Assert.Equal("Your answer was not added yet", SingleCard<CertTrustBot.Cards.ErrorCardData>(result, CertTrustBot.Cards.CardNames.Error).Title);
    }

    [Fact]
    public void Cancelling_a_request_does_not_drop_a_waiting_question()
    {
        var result = NewFlow().Handle(Waiting(AwaitingCertificate()), new TextMessage("cancel"), Facts());

        Assert.Equal(ConversationStep.Idle, result.State.Step);
        Assert.Equal([Question], result.State.Questions);
    }

    [Fact]
    public void A_certificate_sent_after_new_request_goes_to_the_request_and_the_question_keeps_waiting()
    {
        var flow = NewFlow();
        var started = flow.Handle(Waiting(), new TextMessage("new request"), Facts());
        Assert.Contains("**CT-000042** still waits for your answer", Text(started), StringComparison.Ordinal);

        var sent = flow.Handle(started.State, new FileReceived("root.cer", FileBytes), Facts());

        var check = Assert.IsType<CheckCertificate>(sent.Effect);
        Assert.Equal(CheckPurpose.NewCertificate, check.Purpose);
        Assert.Equal([Question], sent.State.Questions);
    }

    [Fact]
    public void Once_the_request_is_cancelled_the_next_message_answers_the_question_again()
    {
        var flow = NewFlow();
        var cancelled = flow.Handle(Waiting(AwaitingCertificate()), new TextMessage("cancel"), Facts());

        var answered = flow.Handle(cancelled.State, new TextMessage("erp.contoso.com"), Facts());

        Assert.Equal(CheckPurpose.Answer, Assert.IsType<CheckCertificate>(answered.Effect).Purpose);
    }

    [Fact]
    public void In_a_channel_a_message_is_never_taken_as_the_answer()
    {
        var result = NewFlow().Handle(Waiting(), new TextMessage("erp.contoso.com"), Facts(ChatKind.Channel));

        Assert.False(result.Effect is CheckCertificate { Purpose: CheckPurpose.Answer });
    }
}
