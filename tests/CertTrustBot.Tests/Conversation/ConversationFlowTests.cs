using System.Text.Json;
using System.Text;
using CertTrustBot.Cards;
using CertTrustBot.Cases;
using CertTrustBot.Certificates;
using CertTrustBot.Conversation;
using static CertTrustBot.Tests.Conversation.FlowTestKit;

namespace CertTrustBot.Tests.Conversation;

public class ConversationFlowTests
{
    private readonly ConversationFlow _flow = NewFlow();

    // ---- Welcome and help -----------------------------------------------------------------------------------

    [Fact]
    public void Installing_the_bot_shows_the_welcome_card_with_the_commands()
    {
        var state = new ConversationData();
        var result = _flow.Handle(state, new ConversationStarted(), Facts());

        var welcome = SingleCard<WelcomeCardData>(result, CardNames.Welcome);
        Assert.Equal(["new request", "check", "check api.example.com", "status", "my certificates", "cancel"], welcome.Commands.Select(c => c.Command));
        Assert.Contains("root CA certificate", welcome.WhatToSend.Value, StringComparison.Ordinal);
        Assert.True(welcome.CanRequest);
        Assert.False(welcome.HasInProgress);
        AssertUnchanged(state, result);
    }

    [Fact]
    public void Installing_the_bot_after_a_certificate_started_the_request_leaves_the_welcome_out()
    {
        // Teams may deliver the install event after the first message: the picker is then already on screen.
        var picking = AwaitingEnvironments();
        var atPicker = _flow.Handle(picking, new ConversationStarted(), Facts());
        Assert.Empty(atPicker.Replies);
        AssertUnchanged(picking, atPicker);

        var confirming = picking with { Step = ConversationStep.AwaitingConfirmation };
        Assert.Empty(_flow.Handle(confirming, new ConversationStarted(), Facts()).Replies);

        // Waiting for a certificate is not "a card on screen": the welcome still says where the request stands.
        var waiting = new ConversationData { Step = ConversationStep.AwaitingCertificate, Mode = ConversationMode.Request };
        Assert.True(SingleCard<WelcomeCardData>(_flow.Handle(waiting, new ConversationStarted(), Facts()), CardNames.Welcome).HasInProgress);
    }

    [Theory]
    [InlineData("hi")]
    [InlineData("Hello!")]
    [InlineData("  HELP ")]
    [InlineData("<p>help</p>")]
    [InlineData("<at>CertTrustBot</at> help")]
    public void Greetings_and_help_show_the_welcome_card(string text)
    {
        var result = _flow.Handle(new ConversationData(), new TextMessage(text), Facts());
        SingleCard<WelcomeCardData>(result, CardNames.Welcome);
    }

    [Fact]
    public void Help_during_a_request_keeps_the_request_and_says_where_it_stands()
    {
        var state = AwaitingEnvironments();
        var result = _flow.Handle(state, new TextMessage("help"), Facts());

        var welcome = SingleCard<WelcomeCardData>(result, CardNames.Welcome);
        Assert.True(welcome.HasInProgress);
        Assert.Contains("waiting for the environments", welcome.InProgress.Value, StringComparison.Ordinal);
        AssertUnchanged(state, result);
    }

    [Fact]
    public void The_welcome_card_in_a_channel_offers_no_request_button()
    {
        var result = _flow.Handle(new ConversationData(), new ConversationStarted(), Facts(ChatKind.Channel));
        var welcome = SingleCard<WelcomeCardData>(result, CardNames.Welcome);
        Assert.False(welcome.CanRequest);
        Assert.Contains("1:1 chat", welcome.WhatToSend.Value, StringComparison.Ordinal);
    }

    [Fact]
    public void Anything_else_when_idle_gets_short_help()
    {
        var state = new ConversationData();
        var result = _flow.Handle(state, new TextMessage("what is the weather"), Facts());
        Assert.Contains("type **help**", Text(result), StringComparison.Ordinal);
        AssertUnchanged(state, result);
    }

    [Fact]
    public void Anything_else_while_waiting_for_a_certificate_says_the_text_held_no_certificate()
    {
        var state = AwaitingCertificate();
        var result = _flow.Handle(state, new TextMessage("ok"), Facts());
        Assert.StartsWith("I found no certificate in that text.", Text(result), StringComparison.Ordinal);
        Assert.Contains("-----BEGIN CERTIFICATE-----", Text(result), StringComparison.Ordinal);
        AssertUnchanged(state, result);
    }

    [Theory]
    [InlineData(ChatKind.Personal, "Send me a certificate file or paste its PEM text")]
    [InlineData(ChatKind.Channel, "Type **help**")]
    public void Text_that_is_neither_a_certificate_nor_a_command_says_the_text_held_no_certificate(ChatKind kind, string then)
    {
        var state = new ConversationData();
        var result = _flow.Handle(state, new TextMessage("Here is the cert for erp.example.com, thanks!"), Facts(kind));
        Assert.StartsWith("I found no certificate in that text, and it isn't one of my commands.", Text(result), StringComparison.Ordinal);
        Assert.Contains(then, Text(result), StringComparison.Ordinal);
        Assert.DoesNotContain("didn't get", Text(result), StringComparison.Ordinal);
        AssertUnchanged(state, result);
    }

    [Fact]
    public void Anything_else_while_waiting_for_environments_shows_the_picker_again()
    {
        var state = AwaitingEnvironments();
        var result = _flow.Handle(state, new TextMessage("production please"), Facts());
        Assert.Contains("Pick the environments", Text(result), StringComparison.Ordinal);
        SingleCard<EnvironmentPickerCardData>(result, CardNames.EnvironmentPicker);
        AssertUnchanged(state, result);
    }

    [Fact]
    public void Anything_else_while_waiting_for_confirmation_points_to_the_confirm_button()
    {
        var state = AwaitingConfirmation();
        var result = _flow.Handle(state, new TextMessage("yes"), Facts());
        Assert.Contains("Press **Confirm**", Text(result), StringComparison.Ordinal);
        AssertUnchanged(state, result);
    }

    [Fact]
    public void An_unknown_card_action_is_answered_and_changes_nothing()
    {
        var state = AwaitingEnvironments();
        var result = _flow.Handle(state, Card("launchRockets"), Facts());
        Assert.Contains("didn't recognise that button", Text(result), StringComparison.Ordinal);
        AssertUnchanged(state, result);
    }

    // ---- Starting ---------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("new request")]
    [InlineData("New Request.")]
    [InlineData("new")]
    public void New_request_waits_for_a_certificate_under_a_new_request_id(string text)
    {
        var result = _flow.Handle(new ConversationData(), new TextMessage(text), Facts());

        Assert.Equal(ConversationStep.AwaitingCertificate, result.State.Step);
        Assert.Equal(ConversationMode.Request, result.State.Mode);
        Assert.Equal(RequestId, result.State.RequestId);
        Assert.Contains("Send me the certificate", Text(result), StringComparison.Ordinal);
        Assert.Null(result.Effect);
    }

    [Fact]
    public void The_new_request_button_of_the_welcome_card_starts_a_request()
    {
        var result = _flow.Handle(new ConversationData(), Card(CardActions.NewRequest), Facts());
        Assert.Equal(ConversationStep.AwaitingCertificate, result.State.Step);
    }

    [Theory]
    [InlineData(ChatKind.Channel)]
    [InlineData(ChatKind.Group)]
    public void New_request_outside_a_personal_chat_points_to_the_personal_chat(ChatKind kind)
    {
        var state = new ConversationData();
        var result = _flow.Handle(state, new TextMessage("new request"), Facts(kind));
        Assert.Contains("our 1:1 chat", Text(result), StringComparison.Ordinal);
        AssertUnchanged(state, result);
    }

    [Fact]
    public void New_request_during_a_request_starts_over_and_says_the_old_one_was_dropped()
    {
        var result = _flow.Handle(AwaitingConfirmation(), new TextMessage("new request"), Facts());

        Assert.Contains("I dropped the request you had started", Text(result), StringComparison.Ordinal);
        Assert.Equal(ConversationStep.AwaitingCertificate, result.State.Step);
        Assert.Equal(RequestId, result.State.RequestId); // the flow's first id; the old request's id was also "req-1" by fixture
        Assert.Empty(result.State.Certificates);
        Assert.Empty(result.State.Environments);
    }

    [Fact]
    public void Check_waits_for_a_certificate_in_check_only_mode_without_a_request_id()
    {
        var result = _flow.Handle(new ConversationData(), new TextMessage("check"), Facts(ChatKind.Channel));

        Assert.Equal(ConversationStep.AwaitingCertificate, result.State.Step);
        Assert.Equal(ConversationMode.CheckOnly, result.State.Mode);
        Assert.Null(result.State.RequestId);
        Assert.Contains("nothing is stored", Text(result), StringComparison.Ordinal);
    }

    // ---- Certificates arrive ----------------------------------------------------------------------------------

    [Fact]
    public void A_file_sent_without_new_request_starts_a_request_and_is_checked()
    {
        var result = _flow.Handle(new ConversationData(), new FileReceived("root.cer", FileBytes), Facts());

        var check = Assert.IsType<CheckCertificate>(result.Effect);
        Assert.Equal(CheckPurpose.NewCertificate, check.Purpose);
        Assert.Equal("root.cer", check.FileName);
        Assert.Equal(FileBytes, check.Content.ToArray());
        Assert.Empty(check.Environments);
        Assert.Equal(ConversationStep.AwaitingCertificate, result.State.Step);
        Assert.Equal(RequestId, result.State.RequestId);
        Assert.Empty(result.State.Certificates); // kept only once the check has not blocked it
    }

    [Fact]
    public void Pasted_pem_text_is_checked_like_a_file()
    {
        var pem = TestCertificates.Pem(TestCertificates.Root());
        var pasted = "<p>" + pem.Replace("\n", " ", StringComparison.Ordinal) + "</p>";
        var result = _flow.Handle(AwaitingCertificate(), new TextMessage(pasted), Facts());

        var check = Assert.IsType<CheckCertificate>(result.Effect);
        Assert.Equal(ConversationFlow.PastedFileName, check.FileName);
        Assert.Equal(PastedPem.Extract(pem).Pem, Encoding.ASCII.GetString(check.Content.Span));
    }

    [Fact]
    public void Pasted_pem_that_was_cut_off_gets_a_specific_message_and_changes_nothing()
    {
        var state = AwaitingCertificate();
        var pem = TestCertificates.Pem(TestCertificates.Root());
        var result = _flow.Handle(state, new TextMessage(pem[..300]), Facts());

        Assert.Contains("couldn't read a complete certificate", Text(result), StringComparison.Ordinal);
        AssertUnchanged(state, result);
    }

    // ---- The length cap: checked before anything reads the text ------------------------------------------

    [Fact]
    public void A_message_just_over_the_cap_is_refused_unread_and_changes_nothing()
    {
        // Read, it would be a certificate: refused, it was not read (no mention, tag or PEM search).
        var pem = "<p>" + TestCertificates.Pem(TestCertificates.Root()).Replace("\n", "<br>", StringComparison.Ordinal) + "</p>";
        var atTheCap = pem + string.Concat(Enumerable.Repeat("&nbsp;", (TextMessage.MaxLength - pem.Length) / 6)).PadRight(TextMessage.MaxLength - pem.Length);
        Assert.Equal(TextMessage.MaxLength, atTheCap.Length);
        Assert.IsType<CheckCertificate>(_flow.Handle(AwaitingCertificate(), new TextMessage(atTheCap), Facts()).Effect);

        var state = AwaitingCertificate();
        var result = _flow.Handle(state, new TextMessage(atTheCap + " "), Facts());

        Assert.Null(result.Effect);
        Assert.Equal(
            "That message is too long for me to read (257 KB; I read up to 256 KB): attach the certificate as a file instead.",
            Text(result));
        AssertUnchanged(state, result);
    }

    [Fact]
    public void Outside_the_1_1_chat_a_message_over_the_cap_is_sent_there_as_a_file()
    {
        var result = _flow.Handle(new ConversationData(), new TextMessage(new string('<', 1024 * 1024)), Facts(ChatKind.Channel));
        Assert.Equal(
            "That message is too long for me to read (1024 KB; I read up to 256 KB): send the certificate as a file in our 1:1 chat instead.",
            Text(result));
    }

    [Fact]
    public void A_staff_question_keeps_waiting_when_the_answer_is_over_the_cap()
    {
        var state = new ConversationData { Questions = [new PendingQuestion("CT-000042", 3, "Which host?", TestCertificates.Now)] };
        var result = _flow.Handle(state, new TextMessage(new string('a', TextMessage.MaxLength + 1)), Facts());

        Assert.Null(result.Effect);
        Assert.EndsWith("I added nothing to **CT-000042**: its question still waits for your answer.", Text(result), StringComparison.Ordinal);
        AssertUnchanged(state, result);
    }

    [Fact]
    public void A_file_that_could_not_be_obtained_is_explained_and_changes_nothing()
    {
        var state = AwaitingCertificate();
        var result = _flow.Handle(state, new FileUnavailable("root.cer", "the link returned a web page, not a file"), Facts());

        Assert.Equal("I couldn't get **root.cer**: the link returned a web page, not a file. Attach the .cer file again, or paste its PEM text into a message.", Text(result));
        AssertUnchanged(state, result);
    }

    [Fact]
    public void A_file_without_a_name_that_could_not_be_obtained_is_called_that_file()
    {
        var result = _flow.Handle(new ConversationData(), new FileUnavailable("", "it is too large."), Facts());
        Assert.StartsWith("I couldn't get that file: it is too large. ", Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_could_not_be_obtained_in_a_channel_points_to_the_personal_chat()
    {
        var result = _flow.Handle(new ConversationData(), new FileUnavailable("root.cer", "files can only be sent in our 1:1 chat"), Facts(ChatKind.Channel));
        Assert.Contains("Send the file in our 1:1 chat", Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public void An_accepted_certificate_gets_its_report_then_the_environment_picker()
    {
        var state = AwaitingCertificate();
        var result = _flow.Resume(state, Checked(Accepted(), CheckPurpose.NewCertificate), Facts());

        Assert.Equal([CardNames.CertificateReport, CardNames.EnvironmentPicker], result.Replies.OfType<CardReply>().Select(c => c.Template));
        Assert.Equal(ConversationStep.AwaitingEnvironments, result.State.Step);
        Assert.Equal("root.cer", result.State.FileName);
        Assert.Equal([CertificateDer], result.State.Certificates);
        var picker = SingleCard<EnvironmentPickerCardData>(result, CardNames.EnvironmentPicker);
        Assert.Equal(["Development", "Test", "Production"], picker.Choices.Select(c => c.Value));
        Assert.Equal(RequestId, picker.RequestId);
        Assert.False(picker.HasError);
    }

    [Fact]
    public void An_accepted_file_is_kept_as_the_DER_of_the_certificates_the_check_accepted_never_as_the_file_itself()
    {
        var rootDer = new byte[] { 0x30, 0x03, 0x02, 0x01, 0x0A };
        var leafDer = new byte[] { 0x30, 0x03, 0x02, 0x01, 0x0B };
        var report = Accepted() with
        {
            Certificates = [Details(0, CertificateRole.Leaf) with { Der = leafDer }, Details(1) with { Der = rootDer }],
            Chain = [0, 1],
            TrustedRootIndex = 1,
        };

        var result = _flow.Resume(AwaitingCertificate(), Checked(report, CheckPurpose.NewCertificate), Facts());

        Assert.Equal(ConversationStep.AwaitingEnvironments, result.State.Step);
        Assert.Equal([leafDer, rootDer], result.State.Certificates); // the report's order
        Assert.DoesNotContain(Convert.ToBase64String(FileBytes), Json(result.State), StringComparison.Ordinal);
    }

    [Fact]
    public void A_certificate_with_warnings_also_goes_on_to_the_environment_picker()
    {
        var result = _flow.Resume(AwaitingCertificate(), Checked(Warned(), CheckPurpose.NewCertificate), Facts());

        var report = SingleCard<CertificateReportCardData>(result, CardNames.CertificateReport);
        Assert.Equal("warning", report.VerdictColor);
        Assert.Equal("Warn", Assert.Single(report.Findings).Severity);
        Assert.Equal(ConversationStep.AwaitingEnvironments, result.State.Step);
    }

    [Fact]
    public void A_blocked_file_gets_the_reason_and_what_to_send_and_is_never_kept()
    {
        var result = _flow.Resume(AwaitingCertificate(), Checked(Blocked(), CheckPurpose.NewCertificate), Facts());

        var report = SingleCard<CertificateReportCardData>(result, CardNames.CertificateReport);
        Assert.Equal("attention", report.VerdictColor);
        // Said once: the card has the reason (its findings) and what now; no text message repeats it.
        Assert.Equal("Nothing of it was kept. Send the right certificate when you have it, or type **cancel**.", report.Next.Value);
        Assert.Empty(result.Replies.OfType<TextReply>());
        Assert.Equal(ConversationStep.AwaitingCertificate, result.State.Step);
        Assert.Null(result.State.FileName);
        Assert.Empty(result.State.Certificates);
        Assert.Null(result.Effect);
    }

    [Fact]
    public void A_blocked_file_replacing_a_pending_one_drops_both()
    {
        var result = _flow.Resume(AwaitingEnvironments(), Checked(Blocked(), CheckPurpose.NewCertificate), Facts());
        Assert.Equal(ConversationStep.AwaitingCertificate, result.State.Step);
        Assert.Empty(result.State.Certificates);
    }

    [Fact]
    public void A_new_file_while_choosing_environments_replaces_the_pending_one_once_it_passes_the_check()
    {
        var handled = _flow.Handle(AwaitingEnvironments(), new FileReceived("other-root.cer", FileBytes), Facts());
        var effect = Assert.IsType<CheckCertificate>(handled.Effect);
        var checkedResult = _flow.Resume(handled.State, new CertificateChecked(Accepted(), effect), Facts());

        Assert.Empty(handled.Replies); // nothing is promised before the check has spoken
        Assert.Equal(CheckPurpose.NewCertificate, effect.Purpose);
        Assert.Equal(RequestId, handled.State.RequestId);
        Assert.Contains("I'll use **other-root.cer** instead of **root.cer**", Text(checkedResult), StringComparison.Ordinal);
        Assert.Equal("other-root.cer", checkedResult.State.FileName);
    }

    [Fact]
    public void A_new_file_with_the_same_name_is_not_announced_as_itself()
    {
        var result = _flow.Resume(AwaitingEnvironments(), Checked(Accepted(), CheckPurpose.NewCertificate), Facts());

        Assert.Contains("I'll use this certificate instead of the one you sent before.", Text(result), StringComparison.Ordinal);
        Assert.DoesNotContain("instead of **root.cer**", Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public void A_blocked_file_replacing_a_pending_one_is_not_announced_as_its_replacement()
    {
        var result = _flow.Resume(AwaitingEnvironments(), Checked(Blocked(), CheckPurpose.NewCertificate), Facts());

        Assert.DoesNotContain("I'll use", Text(result), StringComparison.Ordinal);
        Assert.Contains("Nothing of it was kept", Next(result), StringComparison.Ordinal);
    }

    [Fact]
    public void A_checked_certificate_in_check_mode_gets_a_report_only_and_nothing_is_kept()
    {
        var state = new ConversationData { Step = ConversationStep.AwaitingCertificate, Mode = ConversationMode.CheckOnly, LastCaseNumber = "CT-000001" };
        var handled = _flow.Handle(state, new FileReceived("root.cer", FileBytes), Facts());
        Assert.Equal(CheckPurpose.ReportOnly, Assert.IsType<CheckCertificate>(handled.Effect).Purpose);

        var result = _flow.Resume(handled.State, Checked(Accepted(), CheckPurpose.ReportOnly), Facts());

        SingleCard<CertificateReportCardData>(result, CardNames.CertificateReport);
        Assert.Contains("This was a check only: nothing was stored", Next(result), StringComparison.Ordinal);
        Assert.Empty(result.Replies.OfType<TextReply>());
        Assert.Equal(ConversationStep.Idle, result.State.Step);
        Assert.Empty(result.State.Certificates);
        Assert.Equal("CT-000001", result.State.LastCaseNumber);
        Assert.Null(result.Effect);
    }

    [Fact]
    public void Pem_pasted_in_a_channel_gets_a_report_only()
    {
        var pem = TestCertificates.Pem(TestCertificates.Root());
        var result = _flow.Handle(new ConversationData(), new TextMessage(pem), Facts(ChatKind.Channel));
        Assert.Equal(CheckPurpose.ReportOnly, Assert.IsType<CheckCertificate>(result.Effect).Purpose);
        Assert.Equal(ConversationStep.Idle, result.State.Step);
    }

    // ---- Environments ---------------------------------------------------------------------------------------

    [Fact]
    public void Chosen_environments_and_host_are_rechecked_before_the_confirmation()
    {
        var state = AwaitingEnvironments();
        var result = _flow.Handle(state, PickerSubmit(environments: "Production,Test", host: "ERP.Example.com."), Facts());

        var check = Assert.IsType<CheckCertificate>(result.Effect);
        Assert.Equal(CheckPurpose.Confirmation, check.Purpose);
        Assert.Equal(["Test", "Production"], check.Environments); // catalogue order
        Assert.Equal("erp.example.com", check.HostName);
        Assert.Equal("root.cer", check.FileName);
        Assert.Equal([CertificateDer], CertificateBlocks(check.Content));
        Assert.Equal(Json(state), Json(result.State)); // nothing changes until the check is back
    }

    [Theory]
    [InlineData("Test;Production")]
    [InlineData("Test, Production")]
    [InlineData(" test ; PRODUCTION ;")]
    public void Multi_select_values_joined_by_comma_or_semicolon_are_accepted(string joined)
    {
        var result = _flow.Handle(AwaitingEnvironments(), PickerSubmit(environments: joined), Facts());
        Assert.Equal(["Test", "Production"], Assert.IsType<CheckCertificate>(result.Effect).Environments);
    }

    [Fact]
    public void An_other_environment_is_added_after_the_known_ones()
    {
        var result = _flow.Handle(AwaitingEnvironments(), PickerSubmit(environments: "Production", other: "  UAT   2 "), Facts());
        Assert.Equal(["Production", "UAT 2"], Assert.IsType<CheckCertificate>(result.Effect).Environments);
    }

    [Fact]
    public void An_other_environment_alone_is_enough()
    {
        var result = _flow.Handle(AwaitingEnvironments(), PickerSubmit(environments: "", other: "Pre-Production"), Facts());
        Assert.Equal(["Pre-Production"], Assert.IsType<CheckCertificate>(result.Effect).Environments);
    }

    [Theory]
    [InlineData("Staging", "", "", "“Staging” is not one of the environments I know.")]
    [InlineData("", "", "", "Choose at least one environment")]
    [InlineData("Test", "UAT; DROP TABLE", "", "The other environment “UAT; DROP TABLE” can only have letters, digits, spaces and dashes, at most 40 characters.")]
    [InlineData("Test", "An environment name that is far too long to be real", "", "at most 40 characters")]
    [InlineData("Test", "", "https://erp.example.com/api", "without https:// or a path")]
    [InlineData("Test", "", "erp.example.com:8443", "without a port")]
    [InlineData("Test", "", "10.1.2.3", "not an IP address")]
    [InlineData("Test", "", "*.example.com", "not a wildcard")]
    [InlineData("Test", "", "erp_server.example.com", "is not a valid host name")]
    [InlineData("Test", "", "-erp.example.com", "is not a valid host name")]
    [InlineData("Test", "", "erp..example.com", "is not a valid host name")]
    public void Invalid_picker_input_shows_on_the_picker_that_was_used_with_nothing_changed(
        string environments, string other, string host, string expected)
    {
        var state = AwaitingEnvironments();
        var result = _flow.Handle(state, PickerSubmit(environments: environments, other: other, host: host), Facts());

        // Said once, on the picker itself, which replaces the one that was used (or comes anew where it cannot).
        Assert.Empty(result.Replies.OfType<TextReply>());
        var replaced = Replaced(result);
        Assert.True(replaced.OrSend);
        Assert.Equal(CardNames.EnvironmentPicker, replaced.Card.Template);
        var picker = Assert.IsType<EnvironmentPickerCardData>(replaced.Card.Data);
        Assert.True(picker.HasError);
        Assert.Contains(expected, picker.Error.Value, StringComparison.Ordinal);
        Assert.Equal(host, picker.HostName); // what the user typed stays in the card, to correct it
        AssertUnchanged(state, result);
    }

    [Fact]
    public void The_rechecked_certificate_leads_to_the_confirmation_with_environments_host_and_warnings()
    {
        var report = Report(Verdict.Warn,
            new Finding(FindingCodes.HostNotInSan, Severity.Warn, "erp.example.com is not among the certificate's names (MISMATCH).", "Check the host name.", 0),
            new Finding(FindingCodes.CertExpiresSoon, Severity.Warn, "The certificate expires in 20 days.", "Ask for the renewed one.", 0));
        var result = _flow.Resume(AwaitingEnvironments(), Checked(report, CheckPurpose.Confirmation, "erp.example.com", "Test", "Production"), Facts());

        Assert.Equal(ConversationStep.AwaitingConfirmation, result.State.Step);
        Assert.Equal(["Test", "Production"], result.State.Environments);
        Assert.Equal("erp.example.com", result.State.HostName);
        var confirmation = SingleCard<ConfirmationCardData>(result, CardNames.Confirmation);
        Assert.Equal(RequestId, confirmation.RequestId);
        Assert.Equal("Test, Production", confirmation.Environments);
        Assert.True(confirmation.HasHost);
        Assert.Equal("⚠️ erp.example.com is not among the certificate's names (MISMATCH).", confirmation.HostResult);
        Assert.Equal("warning", confirmation.HostResultColor);
        Assert.True(confirmation.HasWarnings);
        Assert.Equal(2, confirmation.Warnings.Count);
        Assert.Equal("Wednesday 4 March 2026", confirmation.ExpectedCompletion); // Monday + 2 business days
    }

    [Fact]
    public void The_picker_that_was_used_becomes_what_was_chosen_with_no_buttons()
    {
        var result = _flow.Resume(AwaitingEnvironments(), Checked(Accepted(), CheckPurpose.Confirmation, "erp.example.com", "Test", "Production"), Facts());

        var replaced = Replaced(result);
        Assert.False(replaced.OrSend); // a courtesy: the confirmation below says what matters
        Assert.Equal(CardNames.Finished, replaced.Card.Template);
        var finished = Assert.IsType<FinishedCardData>(replaced.Card.Data);
        Assert.Equal("Which environments need this certificate?", finished.Title); // the question, with the answer
        Assert.Equal([new FactItem("Environments", "Test, Production"), new FactItem("Host", "erp.example.com")], finished.Facts);
        Assert.IsType<ReplaceUsedCard>(result.Replies[0]); // before the confirmation, where the picker was
        Assert.Equal(CardNames.Confirmation, Assert.IsType<CardReply>(result.Replies[1]).Template);
    }

    [Fact]
    public void The_confirmation_that_was_used_becomes_confirmed_with_its_case_number()
    {
        var result = _flow.Resume(AwaitingConfirmation(), new CaseSubmitted(Case()), Facts());

        var finished = Assert.IsType<FinishedCardData>(Replaced(result).Card.Data);
        Assert.Equal("Request confirmed", finished.Title);
        Assert.Empty(finished.Facts); // the receipt right after it names the case and says the rest
        Assert.Equal("Confirmed: case CT-000042.", Replaced(result).Card.Summary);
        SingleCard<CaseReceiptCardData>(result, CardNames.CaseReceipt);
    }

    [Fact]
    public void Pasted_text_is_called_the_certificate_you_pasted_not_a_file_name()
    {
        var pasted = _flow.Handle(new ConversationData(), new TextMessage(TestCertificates.Pem(TestCertificates.Root())), Facts());
        var check = Assert.IsType<CheckCertificate>(pasted.Effect);
        Assert.Equal("the certificate you pasted", check.FileName);

        var reported = _flow.Resume(pasted.State, new CertificateChecked(Accepted() with { FileName = check.FileName }, check), Facts());
        var report = SingleCard<CertificateReportCardData>(reported, CardNames.CertificateReport);
        Assert.Equal("The certificate you pasted", report.Source);
        var picker = SingleCard<EnvironmentPickerCardData>(reported, CardNames.EnvironmentPicker);
        Assert.Equal("the certificate you pasted", picker.FileName); // "Support staff will add **the certificate you pasted** to …"

        var confirming = _flow.Resume(reported.State, Checked(Accepted(), CheckPurpose.Confirmation, null, "Test"), Facts());
        Assert.Equal("Pasted as text", SingleCard<ConfirmationCardData>(confirming, CardNames.Confirmation).SentAs);
        var receipt = _flow.Resume(confirming.State, new CaseSubmitted(Case()), Facts());
        Assert.Equal("Pasted as text", SingleCard<CaseReceiptCardData>(receipt, CardNames.CaseReceipt).SentAs);
        Assert.DoesNotContain(".pem", JsonSerializer.Serialize<object>(report) + JsonSerializer.Serialize<object>(picker), StringComparison.Ordinal);
    }

    [Fact]
    public void A_blocked_certificate_sent_with_no_request_open_leaves_none_open()
    {
        var idle = new ConversationData { LastCaseNumber = "CT-000001" };
        var handled = _flow.Handle(idle, new FileReceived("key.pem", FileBytes), Facts());
        var check = Assert.IsType<CheckCertificate>(handled.Effect);
        Assert.True(check.OpensRequest);

        var result = _flow.Resume(handled.State, new CertificateChecked(Blocked(), check), Facts());

        Assert.Equal(ConversationStep.Idle, result.State.Step);
        Assert.Null(result.State.RequestId);
        Assert.Equal("CT-000001", result.State.LastCaseNumber);
        Assert.Equal("Nothing of it was kept. Send another certificate whenever you have it.", Next(result));
        Assert.DoesNotContain("cancel", Next(result), StringComparison.OrdinalIgnoreCase); // nothing is open to cancel
        Assert.Empty(result.Replies.OfType<TextReply>());
    }

    [Fact]
    public void A_blocked_certificate_in_a_request_the_customer_started_keeps_the_request_open()
    {
        var handled = _flow.Handle(AwaitingCertificate(), new FileReceived("key.pem", FileBytes), Facts());
        var check = Assert.IsType<CheckCertificate>(handled.Effect);
        Assert.False(check.OpensRequest);

        var result = _flow.Resume(handled.State, new CertificateChecked(Blocked(), check), Facts());

        Assert.Equal(ConversationStep.AwaitingCertificate, result.State.Step);
        Assert.Equal(RequestId, result.State.RequestId);
    }

    [Fact]
    public void A_matching_host_shows_as_good_on_the_confirmation()
    {
        var report = Report(Verdict.Accept, new Finding(FindingCodes.HostMatch, Severity.Info, "erp.example.com matches the certificate.", "", 0));
        var result = _flow.Resume(AwaitingEnvironments(), Checked(report, CheckPurpose.Confirmation, "erp.example.com", "Test"), Facts());

        var confirmation = SingleCard<ConfirmationCardData>(result, CardNames.Confirmation);
        Assert.Equal("good", confirmation.HostResultColor);
        Assert.False(confirmation.HasWarnings);
    }

    [Fact]
    public void Environments_can_be_changed_from_the_picker_while_waiting_for_confirmation()
    {
        var result = _flow.Handle(AwaitingConfirmation(), PickerSubmit(environments: "Development"), Facts());
        Assert.Equal(["Development"], Assert.IsType<CheckCertificate>(result.Effect).Environments);
    }

    [Fact]
    public void An_environment_submit_after_cancel_is_answered_and_changes_nothing()
    {
        var cancelled = _flow.Handle(AwaitingEnvironments(), new TextMessage("cancel"), Facts()).State;
        var result = _flow.Handle(cancelled, PickerSubmit(), Facts());

        Assert.Contains("That environment card belongs to a request that was cancelled, replaced or already sent, so nothing was changed.", Text(result), StringComparison.Ordinal);
        AssertUnchanged(cancelled, result);
    }

    [Fact]
    public void An_environment_submit_from_an_older_request_card_changes_nothing()
    {
        var state = AwaitingEnvironments() with { RequestId = SecondRequestId };
        var result = _flow.Handle(state, PickerSubmit(requestId: RequestId), Facts());

        Assert.Contains("That environment card belongs to a request", Text(result), StringComparison.Ordinal);
        Assert.Contains("waiting for the environments, on the latest card", Text(result), StringComparison.Ordinal);
        AssertUnchanged(state, result);
    }

    [Fact]
    public void An_environment_submit_while_waiting_for_a_certificate_changes_nothing()
    {
        var state = AwaitingCertificate();
        var result = _flow.Handle(state, PickerSubmit(), Facts());
        Assert.Contains("Right now I'm waiting for a certificate.", Text(result), StringComparison.Ordinal);
        AssertUnchanged(state, result);
    }

    // ---- Confirmation and submission ------------------------------------------------------------------------

    [Fact]
    public void Confirm_rechecks_the_certificate_for_the_submission()
    {
        var state = AwaitingConfirmation("erp.example.com");
        var result = _flow.Handle(state, Card(CardActions.Confirm, (CardActions.RequestIdKey, RequestId)), Facts());

        var check = Assert.IsType<CheckCertificate>(result.Effect);
        Assert.Equal(CheckPurpose.Submission, check.Purpose);
        Assert.Equal(["Test", "Production"], check.Environments);
        Assert.Equal("erp.example.com", check.HostName);
        Assert.Equal("root.cer", check.FileName);
        Assert.Equal([CertificateDer], CertificateBlocks(check.Content));
        Assert.Equal(Json(state), Json(result.State));
    }

    [Fact]
    public void Both_rechecks_are_asked_with_every_pending_certificate_in_its_order_as_one_PEM_bundle()
    {
        byte[][] pending = [[0x30, 0x03, 0x02, 0x01, 0x0B], [0x30, 0x03, 0x02, 0x01, 0x0A], [0x30, 0x03, 0x02, 0x01, 0x0B]];
        var choosing = AwaitingEnvironments() with { Certificates = pending };
        var confirming = AwaitingConfirmation() with { Certificates = pending };

        var confirmation = Assert.IsType<CheckCertificate>(_flow.Handle(choosing, PickerSubmit(), Facts()).Effect);
        var submission = Assert.IsType<CheckCertificate>(_flow.Handle(confirming, Card(CardActions.Confirm, (CardActions.RequestIdKey, RequestId)), Facts()).Effect);

        Assert.Equal(CheckPurpose.Confirmation, confirmation.Purpose);
        Assert.Equal(pending, CertificateBlocks(confirmation.Content)); // a repeated certificate stays repeated, as the check listed it
        Assert.Equal(CheckPurpose.Submission, submission.Purpose);
        Assert.Equal(pending, CertificateBlocks(submission.Content));
    }

    [Theory]
    [InlineData("environments")]
    [InlineData("confirmation")]
    public void A_request_whose_certificates_are_missing_asks_for_the_certificate_again_instead_of_checking_nothing(string step)
    {
        var state = At(step) with { Certificates = [] };
        CardAction submit = step == "environments" ? PickerSubmit() : Card(CardActions.Confirm, (CardActions.RequestIdKey, RequestId));

        var result = _flow.Handle(state, submit, Facts());

        Assert.Null(result.Effect);
        Assert.StartsWith("I no longer have the certificate of this request.", Text(result), StringComparison.Ordinal);
        Assert.Equal(ConversationStep.AwaitingCertificate, result.State.Step);
        Assert.Null(result.State.FileName);
    }

    [Fact]
    public void The_submission_check_becomes_a_case_draft_with_everything_the_desk_needs()
    {
        var state = AwaitingConfirmation("erp.example.com");
        var result = _flow.Resume(state, Checked(Warned(), CheckPurpose.Submission, "erp.example.com", "Test", "Production"), Facts());

        var draft = Assert.IsType<SubmitCase>(result.Effect).Draft;
        Assert.Equal(RequestId, draft.RequestId);
        Assert.Equal(Alice, draft.Requester);
        Assert.Equal(["Test", "Production"], draft.Environments);
        Assert.Equal("erp.example.com", draft.HostName);
        Assert.Equal("root.cer", draft.FileName);
        var certificate = Assert.Single(draft.Certificates);
        Assert.Equal("Root", certificate.Role);
        Assert.Equal(new byte[] { 0x30, 0x03, 0x02, 0x01, 0x01 }, certificate.Der);
        Assert.Equal(FindingCodes.CertExpiresSoon, Assert.Single(draft.Findings).Code);
        Assert.Equal("{\"conversation\":{\"id\":\"a:1\"}}", draft.ConversationReference);
        Assert.Equal(Json(state), Json(result.State));
        Assert.Empty(result.Replies);
    }

    [Fact]
    public void A_certificate_blocked_at_submission_is_not_submitted()
    {
        var result = _flow.Resume(AwaitingConfirmation(), Checked(Blocked(), CheckPurpose.Submission), Facts());

        Assert.Null(result.Effect);
        Assert.Contains("Nothing was submitted", Next(result), StringComparison.Ordinal);
        Assert.Equal(ConversationStep.AwaitingCertificate, result.State.Step);
        Assert.Empty(result.State.Certificates);
    }

    [Fact]
    public void A_submitted_case_gets_the_receipt_and_ends_the_request()
    {
        var result = _flow.Resume(AwaitingConfirmation(), new CaseSubmitted(Case()), Facts());

        var receipt = SingleCard<CaseReceiptCardData>(result, CardNames.CaseReceipt);
        Assert.Equal("CT-000042", receipt.CaseNumber);
        Assert.Equal("Test, Production", receipt.Environments);
        Assert.Equal("Wednesday 4 March 2026", receipt.ExpectedCompletion);
        Assert.Contains(receipt.NextSteps, s => s.Text.Value.Contains("Trusted Root store", StringComparison.Ordinal));
        Assert.Equal(ConversationStep.Idle, result.State.Step);
        Assert.Null(result.State.RequestId);
        Assert.Empty(result.State.Certificates);
        Assert.Equal(RequestId, result.State.LastRequestId);
        Assert.Equal("CT-000042", result.State.LastCaseNumber);
    }

    [Fact]
    public void The_expected_completion_skips_the_weekend()
    {
        var friday = new DateTimeOffset(2026, 3, 6, 16, 0, 0, TimeSpan.Zero);
        var result = _flow.Resume(AwaitingConfirmation(), new CaseSubmitted(Case() with { CreatedAt = friday }), Facts(now: friday));
        Assert.Equal("Tuesday 10 March 2026", SingleCard<CaseReceiptCardData>(result, CardNames.CaseReceipt).ExpectedCompletion);
    }

    [Fact]
    public void A_second_confirm_after_submission_says_already_submitted_and_makes_no_case()
    {
        var state = AfterSubmission();
        var result = _flow.Handle(state, Card(CardActions.Confirm, (CardActions.RequestIdKey, RequestId)), Facts());

        Assert.Equal("Already submitted as **CT-000042**; no second case was made. Type **status CT-000042** to follow it.", Text(result));
        AssertUnchanged(state, result);
    }

    [Fact]
    public void A_confirm_from_an_old_card_while_choosing_environments_submits_nothing()
    {
        var state = AwaitingEnvironments();
        var result = _flow.Handle(state, Card(CardActions.Confirm, (CardActions.RequestIdKey, RequestId)), Facts());

        Assert.Contains("That confirmation card belongs to a request that was cancelled, replaced or already sent, so nothing was submitted.", Text(result), StringComparison.Ordinal);
        AssertUnchanged(state, result);
    }

    [Fact]
    public void A_confirm_for_another_request_than_the_pending_one_submits_nothing()
    {
        var state = AwaitingConfirmation() with { RequestId = SecondRequestId };
        var result = _flow.Handle(state, Card(CardActions.Confirm, (CardActions.RequestIdKey, RequestId)), Facts());
        Assert.Contains("nothing was submitted", Text(result), StringComparison.Ordinal);
        AssertUnchanged(state, result);
    }

    [Fact]
    public void A_confirm_without_a_request_id_submits_nothing()
    {
        var state = AwaitingConfirmation();
        var result = _flow.Handle(state, Card(CardActions.Confirm), Facts());
        Assert.Contains("nothing was submitted", Text(result), StringComparison.Ordinal);
        AssertUnchanged(state, result);
    }

    [Fact]
    public void Storage_unavailable_at_submission_keeps_the_confirmation_so_a_retry_works()
    {
        var state = AwaitingConfirmation();
        var draft = Assert.IsType<SubmitCase>(_flow.Resume(state, Checked(Accepted(), CheckPurpose.Submission, null, "Test"), Facts()).Effect);
        var result = _flow.Resume(state, new StorageUnavailable(draft), Facts());

        var error = SingleCard<ErrorCardData>(result, CardNames.Error);
        Assert.Equal("Storage is temporarily unavailable, please try again in a minute.", error.Message);
        Assert.Contains("Press **Confirm** again", error.Hint.Value, StringComparison.Ordinal);
        AssertUnchanged(state, result);

        var retry = _flow.Handle(result.State, Card(CardActions.Confirm, (CardActions.RequestIdKey, RequestId)), Facts());
        Assert.Equal(CheckPurpose.Submission, Assert.IsType<CheckCertificate>(retry.Effect).Purpose);
    }

    [Fact]
    public void A_submission_whose_outcome_is_unknown_does_not_say_nothing_was_stored()
    {
        var state = AwaitingConfirmation();
        var draft = Assert.IsType<SubmitCase>(_flow.Resume(state, Checked(Accepted(), CheckPurpose.Submission, null, "Test"), Facts()).Effect);

        var known = SingleCard<ErrorCardData>(_flow.Resume(state, new StorageUnavailable(draft), Facts()), CardNames.Error);
        var unknown = _flow.Resume(state, new StorageUnavailable(draft) { OutcomeUnknown = true }, Facts());

        Assert.Contains("Nothing was stored", known.Hint.Value, StringComparison.Ordinal);
        var error = SingleCard<ErrorCardData>(unknown, CardNames.Error);
        Assert.DoesNotContain("Nothing was stored", error.Hint.Value, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Not submitted", error.Title, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("couldn't check whether your request was stored", error.Hint.Value, StringComparison.Ordinal);
        Assert.Contains("Press **Confirm** again", error.Hint.Value, StringComparison.Ordinal);
        AssertUnchanged(state, unknown);
    }

    [Fact]
    public void Storage_unavailable_during_the_submission_check_also_says_to_confirm_again()
    {
        var state = AwaitingConfirmation();
        var check = new CheckCertificate("root.cer", FileBytes, null, ["Test"], CheckPurpose.Submission);
        var result = _flow.Resume(state, new StorageUnavailable(check), Facts());

        Assert.Equal("Not submitted yet", SingleCard<ErrorCardData>(result, CardNames.Error).Title);
        AssertUnchanged(state, result);
    }

    [Fact]
    public void Storage_unavailable_while_looking_up_earlier_requests_keeps_the_picker_step()
    {
        var state = AwaitingEnvironments();
        var check = new CheckCertificate("root.cer", FileBytes, null, ["Test"], CheckPurpose.Confirmation);
        var result = _flow.Resume(state, new StorageUnavailable(check), Facts());

        Assert.Equal(ConversationFlow.StorageUnavailableMessage, SingleCard<ErrorCardData>(result, CardNames.Error).Message);
        AssertUnchanged(state, result);
    }

    // ---- Cancel -------------------------------------------------------------------------------------------------

    public static TheoryData<string> Steps => new() { "certificate", "environments", "confirmation" };

    private static ConversationData At(string step) => step switch
    {
        "certificate" => AwaitingCertificate(),
        "environments" => AwaitingEnvironments(),
        _ => AwaitingConfirmation("erp.example.com"),
    };

    [Theory]
    [MemberData(nameof(Steps))]
    public void Cancel_ends_the_request_at_any_step_and_nothing_is_kept(string step)
    {
        var state = At(step) with { LastRequestId = "req-0", LastCaseNumber = "CT-000007" };
        var result = _flow.Handle(state, new TextMessage("cancel"), Facts());

        Assert.Equal("Cancelled your request. Nothing was stored. Send **new request** whenever you want to start again.", Text(result));
        Assert.Equal(ConversationStep.Idle, result.State.Step);
        Assert.Null(result.State.RequestId);
        Assert.Null(result.State.FileName);
        Assert.Empty(result.State.Certificates);
        Assert.Empty(result.State.Environments);
        Assert.Null(result.State.HostName);
        Assert.Equal("CT-000007", result.State.LastCaseNumber);
        Assert.Null(result.Effect);
    }

    [Theory]
    [MemberData(nameof(Steps))]
    public void The_cancel_button_of_the_current_request_cancels_it(string step)
    {
        var result = _flow.Handle(At(step), Card(CardActions.Cancel, (CardActions.RequestIdKey, RequestId)), Facts());
        Assert.Equal(ConversationStep.Idle, result.State.Step);
        Assert.Null(result.State.RequestId);
        // The card whose Cancel was pressed becomes "Request cancelled" (sent anew where it cannot be replaced); no button left.
        var replaced = Replaced(result);
        Assert.True(replaced.OrSend);
        var finished = Assert.IsType<FinishedCardData>(replaced.Card.Data);
        Assert.Equal("Request cancelled", finished.Title);
        Assert.Contains("Nothing was stored", finished.Note.Value, StringComparison.Ordinal);
        Assert.Single(result.Replies);
    }

    [Fact]
    public void Cancel_with_nothing_in_progress_says_there_is_nothing_to_cancel()
    {
        var state = AfterSubmission();
        var result = _flow.Handle(state, new TextMessage("cancel"), Facts());
        Assert.Equal("There's no request in progress, so there's nothing to cancel.", Text(result));
        AssertUnchanged(state, result);
    }

    [Fact]
    public void The_cancel_button_of_an_older_request_leaves_the_current_one_open()
    {
        var state = AwaitingEnvironments() with { RequestId = SecondRequestId };
        var result = _flow.Handle(state, Card(CardActions.Cancel, (CardActions.RequestIdKey, RequestId)), Facts());
        Assert.Contains("your current request is still open", Text(result), StringComparison.Ordinal);
        AssertUnchanged(state, result);
    }

    [Fact]
    public void The_cancel_button_of_a_submitted_request_says_it_was_already_submitted()
    {
        var state = AfterSubmission();
        var result = _flow.Handle(state, Card(CardActions.Cancel, (CardActions.RequestIdKey, RequestId)), Facts());
        Assert.Contains("already submitted as **CT-000042**", Text(result), StringComparison.Ordinal);
        AssertUnchanged(state, result);
    }

    [Fact]
    public void Cancel_of_a_check_says_the_check_was_cancelled()
    {
        var state = new ConversationData { Step = ConversationStep.AwaitingCertificate, Mode = ConversationMode.CheckOnly };
        Assert.StartsWith("Cancelled the check.", Text(_flow.Handle(state, new TextMessage("stop"), Facts())), StringComparison.Ordinal);
    }

    // ---- Status -------------------------------------------------------------------------------------------------

    [Fact]
    public void Status_asks_for_the_users_cases_and_changes_nothing()
    {
        var state = AwaitingEnvironments();
        var result = _flow.Handle(state, new TextMessage("status"), Facts());
        Assert.Equal(new ShowStatus(Alice, null), result.Effect);
        Assert.Equal(Json(state), Json(result.State));
    }

    [Fact]
    public void Status_with_a_case_number_asks_for_that_case()
    {
        var result = _flow.Handle(new ConversationData(), new TextMessage("status ct-000042"), Facts());
        Assert.Equal(new ShowStatus(Alice, "CT-000042"), result.Effect);
    }

    [Fact]
    public void The_status_of_one_case_names_it_once_and_shows_expected_date_history_question_and_what_is_installed()
    {
        var now = TestCertificates.Now;
        var c = Case() with
        {
            Status = CaseStatus.NeedsInformation,
            History =
            [
                new CaseEvent(now, CaseStatus.Submitted, "Alice Martin", null) { Kind = CaseEventKind.Filed },
                new CaseEvent(now.AddHours(1), CaseStatus.InProgress, "Grace Hopper", null) { Kind = CaseEventKind.Started },
                new CaseEvent(now.AddHours(2), CaseStatus.InProgress, "Grace Hopper", null) { Kind = CaseEventKind.Installed, Environments = ["Test"] },
                new CaseEvent(now.AddHours(3), CaseStatus.NeedsInformation, "Grace Hopper", "Which host do your servers call?") { Kind = CaseEventKind.QuestionAsked },
            ],
        };

        var result = _flow.Resume(new ConversationData(), new CasesFound([c], "CT-000042"), Facts());

        var card = SingleCard<StatusCardData>(result, CardNames.Status);
        Assert.Equal("Case CT-000042", card.Title);
        var item = Assert.Single(card.Cases);
        Assert.False(item.ShowNumber); // the heading names it already
        Assert.Equal("Test ✓ installed, Production", item.Environments);
        Assert.True(item.HasExpected);
        Assert.Equal("Wednesday 4 March 2026", item.Expected); // Monday + 2 business days
        Assert.True(item.HasQuestion);
        Assert.Equal("Which host do your servers call?", item.Question);
        Assert.Equal(4, item.History.Count);
        Assert.Equal("installed in Test", item.History[2].What);

        var list = SingleCard<StatusCardData>(_flow.Resume(new ConversationData(), new CasesFound([c], null), Facts()), CardNames.Status);
        Assert.True(Assert.Single(list.Cases).ShowNumber);
        Assert.False(list.Cases[0].HasHistory); // a list stays short
    }

    [Fact]
    public void A_closed_case_shows_no_expected_date()
    {
        var c = Case() with { Status = CaseStatus.Installed };
        var item = Assert.Single(SingleCard<StatusCardData>(_flow.Resume(new ConversationData(), new CasesFound([c], "CT-000042"), Facts()), CardNames.Status).Cases);
        Assert.False(item.HasExpected);
        Assert.False(item.HasQuestion);
    }

    [Fact]
    public void A_case_number_alone_asks_for_that_case()
    {
        var result = _flow.Handle(new ConversationData(), new TextMessage("CT-000042"), Facts());
        Assert.Equal(new ShowStatus(Alice, "CT-000042"), result.Effect);
    }

    [Fact]
    public void Status_with_something_that_is_not_a_case_number_says_what_one_looks_like()
    {
        var state = new ConversationData();
        var result = _flow.Handle(state, new TextMessage("status of my thing"), Facts());
        Assert.Equal("“of my thing” is not a case number. Case numbers look like **CT-000042**; type **status** to see all your cases.", Text(result));
        AssertUnchanged(state, result);
    }

    [Fact]
    public void Status_in_a_channel_is_refused_so_cases_are_not_shown_to_others()
    {
        var state = new ConversationData();
        var result = _flow.Handle(state, new TextMessage("status"), Facts(ChatKind.Channel));
        Assert.Contains("in our 1:1 chat", Text(result), StringComparison.Ordinal);
        AssertUnchanged(state, result);
    }

    [Fact]
    public void The_users_cases_are_listed_on_the_status_card()
    {
        var cases = new[] { Case("CT-000043") with { Status = CaseStatus.Installed }, Case() };
        var result = _flow.Resume(new ConversationData(), new CasesFound(cases, null), Facts());

        var status = SingleCard<StatusCardData>(result, CardNames.Status);
        Assert.Equal(["CT-000043", "CT-000042"], status.Cases.Select(c => c.CaseNumber));
        Assert.Equal(("Installed", "good"), (status.Cases[0].Status, status.Cases[0].StatusColor));
        Assert.Equal("", status.Note.Value);
    }

    [Fact]
    public void A_long_case_list_shows_the_ten_newest_and_says_so()
    {
        var cases = Enumerable.Range(1, 12).Select(i => Case($"CT-{i:000000}")).ToList();
        var status = SingleCard<StatusCardData>(_flow.Resume(new ConversationData(), new CasesFound(cases, null), Facts()), CardNames.Status);
        Assert.Equal(10, status.Cases.Count);
        Assert.Contains("10 newest of your 12 cases", status.Note.Value, StringComparison.Ordinal);
    }

    [Fact]
    public void No_cases_yet_is_said_in_words()
    {
        var result = _flow.Resume(new ConversationData(), new CasesFound([], null), Facts());
        Assert.StartsWith("You have no cases yet.", Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public void One_case_of_a_colleague_in_the_same_tenant_is_shown()
    {
        var result = _flow.Resume(new ConversationData(), new CasesFound([Case(requester: Bob)], "CT-000042"), Facts());
        Assert.Equal("Case CT-000042", SingleCard<StatusCardData>(result, CardNames.Status).Title);
    }

    [Fact]
    public void One_case_of_another_tenant_is_not_shown_nor_admitted_to_exist()
    {
        var result = _flow.Resume(new ConversationData(), new CasesFound([Case(requester: Mallory)], "CT-000042"), Facts());
        Assert.Equal("I couldn't find **CT-000042** among your cases. Type **status** to see all of them.", Text(result));
        Assert.Empty(result.Replies.OfType<CardReply>());
    }

    [Fact]
    public void Storage_unavailable_for_status_says_to_try_again()
    {
        var result = _flow.Resume(new ConversationData(), new StorageUnavailable(new ShowStatus(Alice, null)), Facts());
        var error = SingleCard<ErrorCardData>(result, CardNames.Error);
        Assert.Equal(ConversationFlow.StorageUnavailableMessage, error.Message);
        Assert.Contains("**status** again", error.Hint.Value, StringComparison.Ordinal);
    }

    // ---- Purity ------------------------------------------------------------------------------------------------

    [Fact]
    public void The_flow_never_changes_the_state_it_is_given()
    {
        var state = AwaitingConfirmation("erp.example.com");
        var before = Json(state);
        _flow.Handle(state, new TextMessage("cancel"), Facts());
        _flow.Handle(state, new TextMessage("new request"), Facts());
        _flow.Resume(state, new CaseSubmitted(Case()), Facts());
        Assert.Equal(before, Json(state));
    }
}
