using System.Security.Cryptography.X509Certificates;
using CertTrustBot.Cards;
using CertTrustBot.Certificates;
using CertTrustBot.Certificates.Endpoints;
using CertTrustBot.Conversation;
using Microsoft.Extensions.Time.Testing;
using static CertTrustBot.Tests.Conversation.FlowTestKit;

namespace CertTrustBot.Tests.Conversation;

/// <summary>"check HOST" and the root-needed rule, as pure transitions: what the flow asks for and what it says.</summary>
public sealed class EndpointFlowTests
{
    private readonly ConversationFlow _flow = NewFlow();

    private static EndpointReport Presented(string host, params X509Certificate2[] certificates) => EndpointReport.Create(
        new EndpointFetch(new EndpointTarget(host, 443, false), EndpointOutcome.Presented, certificates.Select(c => c.RawData).ToList(), null, ""),
        new CertificateChecker(new FakeTimeProvider(TestCertificates.Now)));

    [Theory]
    [InlineData("check api.example.com", "api.example.com", 443)]
    [InlineData("check API.Example.com:8443", "api.example.com", 8443)]
    [InlineData("Check https://api.example.com/orders?id=1", "api.example.com", 443)]
    public void Check_with_a_host_asks_to_look_at_that_server_and_changes_nothing_else(string text, string host, int port)
    {
        var state = AwaitingEnvironments();

        var result = _flow.Handle(state, new TextMessage(text), Facts());

        var effect = Assert.IsType<CheckEndpoint>(result.Effect);
        Assert.Equal(new EndpointTarget(host, port, false), effect.Target);
        Assert.Equal(ConversationStep.AwaitingEnvironments, result.State.Step);
    }

    [Fact]
    public void A_host_that_cannot_be_read_is_answered_with_an_example_and_nothing_is_looked_at()
    {
        var state = new ConversationData();

        var result = _flow.Handle(state, new TextMessage("check ftp://files.example.com"), Facts());

        AssertUnchanged(state, result);
        Assert.Contains("Only https://", Assert.IsType<TextReply>(Assert.Single(result.Replies)).Text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_refused_address_is_answered_in_a_sentence_without_a_report()
    {
        var fetch = new EndpointFetch(new EndpointTarget("10.0.0.5", 443, true), EndpointOutcome.Refused, [], null, "10.0.0.5 is a private network address (10.0.0.0/8), which I may not connect to.");
        var endpoint = EndpointReport.Create(fetch, new CertificateChecker());

        var result = _flow.Resume(new ConversationData(), new EndpointChecked(endpoint, new CheckEndpoint(fetch.Target)), Facts());

        var reply = Assert.IsType<TextReply>(Assert.Single(result.Replies));
        Assert.Contains("private network address", reply.Text, StringComparison.Ordinal);
        Assert.Null(result.State.EndpointCertificate);
    }

    [Fact]
    public void A_request_trust_press_from_an_earlier_check_starts_nothing()
    {
        using var self = TestCertificates.SelfSignedServer("api.example.com");
        var shown = _flow.Resume(new ConversationData(), new EndpointChecked(Presented("api.example.com", self), new CheckEndpoint(new("api.example.com", 443, false))), Facts());
        var card = SingleCard<CertificateReportCardData>(shown, CardNames.CertificateReport);
        Assert.True(card.HasTrustRequest);

        var stale = _flow.Handle(shown.State, Card(CardActions.RequestTrust, (CardActions.HostKey, "api.example.com"), (CardActions.Sha256Key, new string('0', 64))), Facts());
        var pressed = _flow.Handle(shown.State, Card(CardActions.RequestTrust, (CardActions.HostKey, "api.example.com"), (CardActions.Sha256Key, card.TrustSha256)), Facts());

        Assert.Null(stale.Effect);
        Assert.Contains("earlier look", Assert.IsType<TextReply>(Assert.Single(stale.Replies)).Text, StringComparison.Ordinal);
        var check = Assert.IsType<CheckCertificate>(pressed.Effect);
        Assert.Equal(self.RawData, check.Content.ToArray());
        Assert.Equal(CheckPurpose.NewCertificate, check.Purpose);
        Assert.Equal("api.example.com", pressed.State.HostName);
    }

    [Fact]
    public void In_a_channel_the_report_offers_no_request_button()
    {
        using var self = TestCertificates.SelfSignedServer("api.example.com");

        var shown = _flow.Resume(new ConversationData(), new EndpointChecked(Presented("api.example.com", self), new CheckEndpoint(new("api.example.com", 443, false))), Facts(ChatKind.Channel));

        Assert.False(SingleCard<CertificateReportCardData>(shown, CardNames.CertificateReport).HasTrustRequest);
    }

    [Fact]
    public void A_ca_issued_server_certificate_waits_for_its_root_and_a_root_then_continues_the_request()
    {
        using var root = TestCertificates.Root("Flow Root");
        using var leaf = TestCertificates.Leaf(root, "erp.example.com");
        var checker = new CertificateChecker(new FakeTimeProvider(TestCertificates.Now));
        var leafReport = checker.Check(new CheckRequest(leaf.RawData, "server.cer"));

        var held = _flow.Resume(AwaitingCertificate(), new CertificateChecked(leafReport, new CheckCertificate("server.cer", leaf.RawData, null, [], CheckPurpose.NewCertificate)), Facts());

        Assert.Equal(ConversationStep.AwaitingCertificate, held.State.Step);
        Assert.Equal(root.Subject, held.State.MissingRoot);
        Assert.Equal(root.Subject, SingleCard<RootNeededCardData>(held, CardNames.RootNeeded).MissingRoot);
        Assert.DoesNotContain(held.Replies.OfType<CardReply>(), c => c.Template == CardNames.EnvironmentPicker);

        var rootReport = checker.Check(new CheckRequest(root.RawData, "root.cer"));
        var next = _flow.Resume(held.State, new CertificateChecked(rootReport, new CheckCertificate("root.cer", root.RawData, null, [], CheckPurpose.NewCertificate)), Facts());

        Assert.Equal(ConversationStep.AwaitingEnvironments, next.State.Step);
        Assert.Null(next.State.MissingRoot);
        Assert.False(next.State.RootWaived);
        Assert.Equal(RequestId, next.State.RequestId);
    }

    [Fact]
    public void File_anyway_from_another_request_changes_nothing()
    {
        var state = AwaitingCertificate() with { FileName = "server.cer", Certificates = [CertificateDer], MissingRoot = "CN=Root" };

        var other = _flow.Handle(state, Card(CardActions.FileAnyway, (CardActions.RequestIdKey, SecondRequestId)), Facts());
        var mine = _flow.Handle(state, Card(CardActions.FileAnyway, (CardActions.RequestIdKey, RequestId)), Facts());

        AssertUnchanged(state, other);
        Assert.True(mine.State.RootWaived);
        Assert.Equal(ConversationStep.AwaitingEnvironments, mine.State.Step);
    }
}
