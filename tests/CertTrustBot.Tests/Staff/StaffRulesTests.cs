using CertTrustBot.Cards;
using CertTrustBot.Cases;
using CertTrustBot.Conversation;
using CertTrustBot.Staff;

namespace CertTrustBot.Tests.Staff;

public class StaffRulesTests
{
    private static readonly string StaffId = "6f1d7b1e-3c2a-4d0e-9b8f-1a2b3c4d5e6f";
    private const string StaffTenant = "8a5c2e10-7d3b-4f6a-9e21-0c4b5d6e7f80";
    private const string StaffTeam = "19:team@thread.tacv2";
    private static readonly Staffer Grace = new("29:grace", "Grace Hopper", StaffId, StaffTenant, StaffTeam, ChatKind.Channel);
    private static readonly Staffer Mallory = Grace with { UserId = "29:mallory", Name = "Mallory", AadObjectId = "0a0a0a0a-0000-4000-8000-000000000001" };
    private static readonly StaffOptions Options = new() { StaffTeamId = StaffTeam, StaffTenantId = StaffTenant, StaffMembers = [StaffId] };
    private static readonly DateTimeOffset Filed = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private static SupportCase Case(CaseStatus status = CaseStatus.Submitted, string etag = "\"e1\"", params CaseEvent[] more) => new()
    {
        CaseNumber = "CT-000042",
        RequestId = "r1",
        Requester = new Requester("29:ada", "Ada Lovelace", "aad-ada", "tenant-1"),
        Environments = ["Test", "Production"],
        Certificates = [new CaseCertificate("root.cer", "Root", "CN=Root", "CN=Root", Filed.AddYears(5), "AB", "CD", "CT-000042/0.cer")],
        Findings = [],
        CreatedAt = Filed,
        Status = status,
        ConversationReference = "{}",
        History = [new CaseEvent(Filed, CaseStatus.Submitted, "Ada Lovelace", null) { Kind = CaseEventKind.Filed }, .. more],
        ETag = etag,
    };

    private static CaseEvent Installed(params string[] environments) =>
        new(Filed.AddHours(1), CaseStatus.InProgress, "Grace Hopper", null) { Kind = CaseEventKind.Installed, Environments = environments };

    private static StaffAction Action(StaffVerb verb, string? etag = "\"e1\"", string? text = null, params string[] environments) =>
        new(verb, "CT-000042", etag, environments, text);

    [Fact]
    public void Someone_not_listed_as_staff_is_refused()
    {
        var decision = StaffRules.Decide(Case(), Action(StaffVerb.Install), Mallory, Options);

        var refused = Assert.IsType<Refused>(decision);
        Assert.Contains("Only the support staff", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Someone_without_an_aad_object_id_is_refused()
    {
        Assert.IsType<Refused>(StaffRules.Decide(Case(), Action(StaffVerb.Start), Grace with { AadObjectId = null }, Options));
    }

    [Fact]
    public void A_staff_member_s_object_id_from_another_tenant_is_refused()
    {
        var decision = StaffRules.Decide(Case(), Action(StaffVerb.Start), Grace with { TenantId = "0b1c2d3e-0000-4000-8000-00000000beef" }, Options);

        var refused = Assert.IsType<Refused>(decision);
        Assert.Contains("another organisation (tenant)", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(StaffTenant, refused.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_click_without_a_tenant_is_refused()
    {
        var decision = StaffRules.Decide(Case(), Action(StaffVerb.Start), Grace with { TenantId = null }, Options);

        Assert.Contains("came without a tenant", Assert.IsType<Refused>(decision).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_staff_tenant_is_recognised_whatever_the_case_of_its_guid()
    {
        var decision = StaffRules.Decide(Case(), Action(StaffVerb.Start), Grace with { TenantId = StaffTenant.ToUpperInvariant() }, Options);

        Assert.IsType<Apply>(decision);
    }

    [Theory]
    [InlineData(ChatKind.Personal, "not from a personal chat")]
    [InlineData(ChatKind.Group, "not from a group chat")]
    public void A_staff_member_acting_outside_a_channel_is_refused(ChatKind chat, string why)
    {
        var decision = StaffRules.Decide(Case(), Action(StaffVerb.Start), Grace with { TeamId = null, ChatKind = chat }, Options);

        Assert.Contains(why, Assert.IsType<Refused>(decision).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_staff_member_acting_from_a_personal_chat_is_refused_even_if_it_claims_the_staff_team()
    {
        var decision = StaffRules.Decide(Case(), Action(StaffVerb.Start), Grace with { ChatKind = ChatKind.Personal }, Options);

        Assert.Contains("not from a personal chat", Assert.IsType<Refused>(decision).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_staff_member_acting_from_another_team_s_channel_is_refused()
    {
        var decision = StaffRules.Decide(Case(), Action(StaffVerb.Start), Grace with { TeamId = "19:other@thread.tacv2" }, Options);

        var refused = Assert.IsType<Refused>(decision);
        Assert.Contains("another team's channel", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(StaffTeam, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Someone_in_the_staff_channel_of_the_staff_tenant_who_is_not_a_staff_member_is_refused()
    {
        var decision = StaffRules.Decide(Case(), Action(StaffVerb.Start), Mallory, Options);

        Assert.Contains("Mallory is not among them", Assert.IsType<Refused>(decision).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_configured_staff_tenant_nobody_may_act()
    {
        var noTenant = new StaffOptions { StaffTeamId = StaffTeam, StaffMembers = [StaffId] };

        Assert.IsType<Refused>(StaffRules.Decide(Case(), Action(StaffVerb.Start), Grace, noTenant));
    }

    [Fact]
    public void Even_a_refresh_is_refused_to_someone_who_may_not_act()
    {
        Assert.IsType<Refused>(StaffRules.Decide(Case(), Action(StaffVerb.Refresh, etag: null), Grace with { TeamId = null, ChatKind = ChatKind.Personal }, Options));
    }

    [Fact]
    public void An_action_on_a_case_that_no_longer_exists_changes_nothing()
    {
        var decision = StaffRules.Decide(null, Action(StaffVerb.Start), Grace, Options);

        Assert.Contains("no longer exists", Assert.IsType<Unchanged>(decision).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Marking_every_environment_installed_closes_the_case_and_tells_the_customer_which()
    {
        var apply = Assert.IsType<Apply>(StaffRules.Decide(Case(), Action(StaffVerb.Install), Grace, Options));

        Assert.Equal(CaseEventKind.Installed, apply.Event.Kind);
        Assert.Equal(["Test", "Production"], apply.Event.Environments);
        Assert.Equal(CaseStatus.Installed, CaseTransitions.After(Case(), apply.Event.Kind, apply.Event.Environments));
        Assert.Contains("the case is done", apply.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Marking_a_subset_installed_keeps_the_case_open_and_says_what_is_left()
    {
        var apply = Assert.IsType<Apply>(StaffRules.Decide(Case(), Action(StaffVerb.Install, environments: "production"), Grace, Options));

        Assert.Equal(CaseEventKind.Installed, apply.Event.Kind);
        Assert.Equal(["Production"], apply.Event.Environments);
        Assert.Equal(CaseStatus.InProgress, CaseTransitions.After(Case(), apply.Event.Kind, apply.Event.Environments));
        Assert.Contains("still to do: Test", apply.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Installing_the_rest_after_a_subset_closes_the_case()
    {
        var partly = Case(CaseStatus.InProgress, "\"e2\"", Installed("Production"));

        var apply = Assert.IsType<Apply>(StaffRules.Decide(partly, Action(StaffVerb.Install, "\"e2\""), Grace, Options));

        Assert.Equal(["Test"], apply.Event.Environments);
        Assert.Equal(CaseStatus.Installed, CaseTransitions.After(partly, apply.Event.Kind, apply.Event.Environments));
        Assert.Equal(["Production"], CaseTransitions.Installed(partly));
    }

    [Fact]
    public void Installing_an_installed_case_again_changes_nothing()
    {
        var installed = Case(CaseStatus.Installed, "\"e2\"", Installed("Test", "Production") with { Status = CaseStatus.Installed });

        var decision = StaffRules.Decide(installed, Action(StaffVerb.Install, "\"e1\""), Grace, Options);

        Assert.Contains("already installed", Assert.IsType<Unchanged>(decision).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_environment_the_case_does_not_have_is_refused()
    {
        var decision = StaffRules.Decide(Case(), Action(StaffVerb.Install, environments: "Staging"), Grace, Options);

        Assert.Contains("Staging is not an environment", Assert.IsType<Unchanged>(decision).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(StaffVerb.AskInformation, "question")]
    [InlineData(StaffVerb.Reject, "reason")]
    public void A_question_or_a_rejection_needs_its_text(StaffVerb verb, string what)
    {
        var decision = StaffRules.Decide(Case(), Action(verb, text: "  "), Grace, Options);

        Assert.Contains(what, Assert.IsType<Unchanged>(decision).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_click_on_a_card_drawn_before_the_last_change_is_refused_as_stale()
    {
        var decision = StaffRules.Decide(Case(etag: "\"e9\""), Action(StaffVerb.Reject, "\"e1\"", "Wrong file"), Grace, Options);

        Assert.Contains("changed since this card was drawn", Assert.IsType<Unchanged>(decision).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(StaffVerb.Start, null)]
    [InlineData(StaffVerb.Start, "")]
    [InlineData(StaffVerb.Install, null)]
    [InlineData(StaffVerb.Install, "")]
    [InlineData(StaffVerb.AskInformation, null)]
    [InlineData(StaffVerb.AskInformation, "")]
    [InlineData(StaffVerb.Reject, null)]
    [InlineData(StaffVerb.Reject, "")]
    public void A_change_without_the_card_s_version_is_treated_as_stale_and_changes_nothing(StaffVerb verb, string? etag)
    {
        var decision = StaffRules.Decide(Case(), Action(verb, etag, "Which host?"), Grace, Options);

        Assert.Contains("changed since this card was drawn", Assert.IsType<Unchanged>(decision).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_refresh_needs_no_card_version()
    {
        var decision = StaffRules.Decide(Case(), Action(StaffVerb.Refresh, etag: null), Grace, Options);

        Assert.Equal("", Assert.IsType<Unchanged>(decision).Message);
    }

    [Fact]
    public void A_rejected_case_is_closed_to_every_action()
    {
        var rejected = Case(CaseStatus.Rejected);

        Assert.All(new[] { StaffVerb.Start, StaffVerb.Install, StaffVerb.AskInformation },
            verb => Assert.IsType<Unchanged>(StaffRules.Decide(rejected, Action(verb, text: "x"), Grace, Options)));
    }

    [Fact]
    public void Asking_for_information_puts_the_question_to_the_customer()
    {
        var apply = Assert.IsType<Apply>(StaffRules.Decide(Case(), Action(StaffVerb.AskInformation, text: "Which host?"), Grace, Options));

        Assert.Equal(CaseEventKind.QuestionAsked, apply.Event.Kind);
        Assert.Equal("Which host?", apply.Event.Note);
    }

    [Fact]
    public void A_submitted_multi_select_is_read_with_commas_or_semicolons()
    {
        var action = StaffAction.Read(null, new Dictionary<string, string>
        {
            ["action"] = "staff.install",
            ["caseNumber"] = "ct-42",
            ["etag"] = "\"e1\"",
            [StaffAction.EnvironmentsInput] = "Test;Production",
        });

        Assert.NotNull(action);
        Assert.Equal("CT-000042", action.CaseNumber);
        Assert.Equal(["Test", "Production"], action.Environments);
        Assert.Null(StaffAction.Read(null, new Dictionary<string, string> { ["action"] = "staff.install", ["caseNumber"] = "../x" }));
        Assert.Null(StaffAction.Read(null, new Dictionary<string, string> { ["action"] = "confirm", ["caseNumber"] = "CT-1" }));
    }

    [Fact]
    public void The_staff_card_offers_only_the_environments_not_installed_yet_and_no_actions_once_closed()
    {
        var partly = Case(CaseStatus.InProgress, "\"e2\"", Installed("Production"));

        var open = StaffCaseContent.For(partly, null, [null], Filed.AddDays(1), 2, Filed);
        var closed = StaffCaseContent.For(Case(CaseStatus.Installed), null, [null], Filed.AddDays(1), 2, Filed);

        Assert.Equal([new ChoiceItem("Test", "Test")], open.InstallChoices);
        Assert.Equal("Production", open.Installed);
        Assert.False(open.CanStart);
        Assert.True(open.CanInstall);
        Assert.Equal("Wednesday 4 March 2026", open.ExpectedCompletion);
        Assert.False(closed.IsOpen);
        Assert.False(closed.CanInstall);
        Assert.Equal("installed in Production", open.History[^1].What);
    }

    [Fact]
    public void A_staff_member_list_must_hold_aad_object_ids_and_is_needed_with_a_staff_team()
    {
        var validation = new StaffOptionsValidation();

        var bad = validation.Validate(null, new StaffOptions { StaffTeamId = StaffTeam, StaffTenantId = StaffTenant, StaffMembers = ["grace@contoso.com"] });
        var none = validation.Validate(null, new StaffOptions { StaffTeamId = StaffTeam, StaffTenantId = StaffTenant });
        var off = validation.Validate(null, new StaffOptions());

        Assert.Contains("SupportDesk:StaffMembers:0 'grace@contoso.com'", bad.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("SupportDesk:StaffMembers is empty", none.FailureMessage, StringComparison.Ordinal);
        Assert.True(off.Succeeded);
    }

    [Fact]
    public void A_staff_team_needs_the_staff_tenant_and_the_tenant_must_be_a_directory_id()
    {
        var validation = new StaffOptionsValidation();

        var missing = validation.Validate(null, new StaffOptions { StaffTeamId = StaffTeam, StaffMembers = [StaffId] });
        var bad = validation.Validate(null, new StaffOptions { StaffTeamId = StaffTeam, StaffTenantId = "contoso.onmicrosoft.com", StaffMembers = [StaffId] });
        var good = validation.Validate(null, Options);

        Assert.Contains("SupportDesk:StaffTenantId is empty while SupportDesk:StaffTeamId is set", missing.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("SupportDesk:StaffTenantId 'contoso.onmicrosoft.com' is not a directory (tenant) id", bad.FailureMessage, StringComparison.Ordinal);
        Assert.True(good.Succeeded, good.FailureMessage);
    }

    [Fact]
    public void The_staff_card_says_how_long_each_certificate_has_left_and_flags_the_last_month()
    {
        var soon = Case() with
        {
            Certificates = [new CaseCertificate("root.cer", "Root", "CN=Root", "CN=Root", Filed.AddDays(10.5), "AB", "CD", "CT-000042/0.cer")],
        };

        var later = StaffCaseContent.For(Case(), null, [null], Filed.AddDays(1), 2, Filed).Certificates[0];
        var shortly = StaffCaseContent.For(soon, null, [null], Filed.AddDays(1), 2, Filed).Certificates[0];

        Assert.EndsWith("(1,826 days left)", later.Expires, StringComparison.Ordinal); // 5 years from 2026-03-02, one leap day (2028)
        Assert.Equal("default", later.ExpiresColor);
        Assert.EndsWith("(10 days left)", shortly.Expires, StringComparison.Ordinal);
        Assert.Equal("warning", shortly.ExpiresColor);
    }
}
