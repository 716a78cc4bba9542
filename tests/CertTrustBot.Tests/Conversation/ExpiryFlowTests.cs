using CertTrustBot.Cards;
using CertTrustBot.Cases;
using CertTrustBot.Conversation;
using static CertTrustBot.Tests.Conversation.FlowTestKit;

namespace CertTrustBot.Tests.Conversation;

/// <summary>The conversation's side of the expiry watch: my certificates, renewal, removal, remind me later, and every refusal.</summary>
public class ExpiryFlowTests
{
    private readonly ConversationFlow _flow = NewFlow();
    private static readonly DateTimeOffset NotAfter = TestCertificates.Now.AddDays(40);

    internal static SupportCase Installed(string number = "CT-000007", Requester? requester = null, CaseStatus status = CaseStatus.Installed) => new()
    {
        CaseNumber = number,
        RequestId = "r-" + number,
        Requester = requester ?? Alice,
        Environments = ["Production", "Test"],
        HostName = "erp.contoso.example",
        Certificates = [new CaseCertificate("root.cer", "Root", "CN=Contoso Root CA, O=Contoso", "CN=Contoso Root CA, O=Contoso", NotAfter, new string('A', 64), new string('B', 40), $"{number}/0.cer")],
        Findings = [],
        CreatedAt = TestCertificates.Now.AddYears(-1),
        Status = status,
        ConversationReference = "{}",
        History =
        [
            new CaseEvent(TestCertificates.Now.AddYears(-1), CaseStatus.Submitted, "Alice", null) { Kind = CaseEventKind.Filed },
            .. status == CaseStatus.Installed
                ? new[] { new CaseEvent(TestCertificates.Now.AddYears(-1), CaseStatus.Installed, "Grace", null) { Kind = CaseEventKind.Installed, Environments = ["Production", "Test"] } }
                : [],
        ],
    };

    private FlowResult Found(InventoryPurpose purpose, string? number, params SupportCase[] cases) =>
        _flow.Resume(new ConversationData(), new InventoryFound(cases, new LookUpInventory(Alice, purpose, number, new string('A', 64))), Facts());

    [Theory]
    [InlineData("my certificates")]
    [InlineData("Certificates")]
    [InlineData("<at>CertTrustBot</at> my certificates")]
    public void My_certificates_reads_the_tenant_s_cases(string text)
    {
        var result = _flow.Handle(new ConversationData(), new TextMessage(text), Facts());

        Assert.Equal(new LookUpInventory(Alice, InventoryPurpose.List), result.Effect);
    }

    [Fact]
    public void My_certificates_lists_only_what_the_customer_may_see_soonest_first()
    {
        var later = Installed("CT-000008") with { Certificates = [Installed().Certificates[0] with { NotAfter = NotAfter.AddDays(300), Sha256 = new string('C', 64) }] };
        var stranger = Installed("CT-000009", Mallory);

        var result = Found(InventoryPurpose.List, null, later, Installed(), stranger);

        var card = Assert.IsType<CertificateListCardData>(Assert.IsType<CardReply>(Assert.Single(result.Replies)).Data);
        Assert.Equal(["CT-000007", "CT-000008"], card.Items.Select(i => i.CaseNumber));
        Assert.Equal("40 days", card.Items[0].DaysLeft);
        Assert.False(card.Items[0].HasCustomer);
    }

    [Fact]
    public void My_certificates_in_a_group_chat_is_refused_so_they_are_not_shown_to_others()
    {
        var result = _flow.Handle(new ConversationData(), new TextMessage("my certificates"), Facts(ChatKind.Group));

        Assert.Null(result.Effect);
        Assert.Contains("1:1 chat", Text(result), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("remove everything", "“everything” is not a case number")]
    [InlineData("remove", "“” is not a case number")]
    public void Remove_without_a_case_number_is_refused_with_what_to_write(string text, string expected)
    {
        var result = _flow.Handle(new ConversationData(), new TextMessage(text), Facts());

        Assert.Null(result.Effect);
        Assert.Contains(expected, Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public void Remove_files_a_removal_for_where_the_certificate_is_installed_now()
    {
        var asked = _flow.Handle(new ConversationData(), new TextMessage("remove ct-000007"), Facts());
        Assert.Equal(new LookUpInventory(Alice, InventoryPurpose.Remove, "CT-000007"), asked.Effect);

        var result = Found(InventoryPurpose.Remove, "CT-000007", Installed());

        var draft = Assert.IsType<FileRemoval>(result.Effect).Draft;
        Assert.Equal("CT-000007", draft.Original.CaseNumber);
        Assert.Equal(["Production", "Test"], draft.Environments);
        Assert.Equal(Alice, draft.Requester);
    }

    [Fact]
    public void Remove_or_renew_of_a_case_that_is_not_the_customer_s_or_not_installed_is_refused()
    {
        Assert.Contains("couldn't find **CT-000009**", Text(Found(InventoryPurpose.Remove, "CT-000009", Installed("CT-000009", Mallory))), StringComparison.Ordinal);
        Assert.Contains("not installed anywhere now", Text(Found(InventoryPurpose.Renew, "CT-000007", Installed(status: CaseStatus.Submitted))), StringComparison.Ordinal);
        Assert.Null(Found(InventoryPurpose.Remove, "CT-000007", Installed(status: CaseStatus.Submitted)).Effect);
    }

    [Fact]
    public void A_second_removal_or_renewal_names_the_one_requested_already()
    {
        var removal = Installed("CT-000010") with { Kind = CaseKind.Removal, Removes = "CT-000007", Status = CaseStatus.Submitted, History = [Installed().History[0]] };
        var renewal = Installed("CT-000011") with { Renews = "CT-000007", Status = CaseStatus.Submitted, History = [Installed().History[0]] };

        Assert.Contains("requested already: **CT-000010**", Text(Found(InventoryPurpose.Remove, "CT-000007", Installed(), removal)), StringComparison.Ordinal);
        Assert.Contains("requested already: **CT-000011**", Text(Found(InventoryPurpose.Renew, "CT-000007", Installed(), renewal)), StringComparison.Ordinal);
    }

    [Fact]
    public void Request_renewal_starts_a_request_with_the_old_case_s_environments_and_host_and_skips_the_picker()
    {
        var started = Found(InventoryPurpose.Renew, "CT-000007", Installed());

        Assert.Equal(ConversationStep.AwaitingCertificate, started.State.Step);
        Assert.Equal("CT-000007", started.State.Renews);
        Assert.Equal(["Production", "Test"], started.State.Environments);
        Assert.Equal("erp.contoso.example", started.State.HostName);

        var sent = _flow.Handle(started.State, new FileReceived("new-root.cer", FileBytes), Facts());
        var check = Assert.IsType<CheckCertificate>(sent.Effect);
        var checkedNew = _flow.Resume(sent.State, new CertificateChecked(Accepted(), check), Facts());

        var confirmation = Assert.IsType<CheckCertificate>(checkedNew.Effect);
        Assert.Equal(CheckPurpose.Confirmation, confirmation.Purpose);
        Assert.Equal(["Production", "Test"], confirmation.Environments);
        Assert.Equal("erp.contoso.example", confirmation.HostName);
        Assert.DoesNotContain(checkedNew.Replies, r => r is CardReply { Template: CardNames.EnvironmentPicker });
    }

    [Fact]
    public void A_reminder_button_without_a_case_number_is_refused_and_does_nothing()
    {
        var result = _flow.Handle(new ConversationData(), Card(CardActions.Renew, (CardActions.CaseNumberKey, "../../etc")), Facts());

        Assert.Null(result.Effect);
        Assert.Contains("carries no case number", Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public void Remind_me_later_records_a_snooze_and_an_expired_certificate_cannot_be_snoozed()
    {
        var snoozed = Found(InventoryPurpose.Snooze, "CT-000007", Installed());
        var snooze = Assert.IsType<RecordSnooze>(snoozed.Effect);
        Assert.Equal(TestCertificates.Now.AddDays(7), snooze.Snooze.Until);

        var expired = Installed() with { Certificates = [Installed().Certificates[0] with { NotAfter = TestCertificates.Now.AddDays(-1) }] };
        var refused = Found(InventoryPurpose.Snooze, "CT-000007", expired);
        Assert.Null(refused.Effect);
        Assert.Contains("has expired already", Text(refused), StringComparison.Ordinal);
    }
}

public class ExpiryRemovalRequestIdTests
{
    [Fact]
    public void A_removal_asked_again_after_a_rejected_one_is_a_new_request_but_otherwise_the_same_one()
    {
        var flow = FlowTestKit.NewFlow();
        var installed = ExpiryFlowTests.Installed();
        var rejected = installed with { CaseNumber = "CT-000010", Kind = CaseKind.Removal, Removes = installed.CaseNumber, Status = CaseStatus.Rejected };
        FileRemoval File(params SupportCase[] cases) => Assert.IsType<FileRemoval>(flow.Resume(new ConversationData(),
            new InventoryFound(cases, new LookUpInventory(FlowTestKit.Alice, InventoryPurpose.Remove, installed.CaseNumber)), FlowTestKit.Facts()).Effect);

        Assert.Equal(File(installed).Draft.RequestId, File(installed).Draft.RequestId);
        Assert.NotEqual(File(installed).Draft.RequestId, File(installed, rejected).Draft.RequestId);
    }
}
