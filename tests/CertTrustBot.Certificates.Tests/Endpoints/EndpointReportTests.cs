using System.Security.Cryptography.X509Certificates;
using CertTrustBot.Certificates.Endpoints;

namespace CertTrustBot.Certificates.Tests.Endpoints;

/// <summary>The endpoint findings over a presented chain, in the orders servers send (no network: the chain is given).</summary>
public sealed class EndpointReportTests
{
    private static readonly EndpointTarget Target = new("api.example.com", 443, false);

    private static EndpointReport Report(params X509Certificate2[] presented) =>
        EndpointReport.Create(new EndpointFetch(Target, EndpointOutcome.Presented, presented.Select(c => c.RawData).ToList(), null, ""), TestPki.Checker());

    [Fact]
    public void A_server_that_sends_its_root_offers_that_root_and_is_in_order()
    {
        using var root = TestPki.Root();
        using var intermediate = TestPki.Intermediate(root);
        using var leaf = TestPki.Leaf(intermediate);

        var endpoint = Report(leaf, intermediate, root);

        Assert.Equal(2, endpoint.TrustAnchorIndex);
        Assert.Equal(root.RawData, endpoint.TrustAnchor);
        Assert.Equal(2, endpoint.Report.Single(FindingCodes.EndpointRootSent).CertificateIndex);
        Assert.False(endpoint.Report.Has(FindingCodes.EndpointOrder));
        Assert.False(endpoint.Report.Has(FindingCodes.EndpointRootNotSent));
        Assert.Equal("api.example.com:443", endpoint.Report.FileName);
    }

    [Fact]
    public void Certificates_sent_out_of_order_are_reported_and_the_report_keeps_the_servers_order()
    {
        using var root = TestPki.Root();
        using var intermediate = TestPki.Intermediate(root);
        using var leaf = TestPki.Leaf(intermediate);

        var endpoint = Report(leaf, root, intermediate);

        Assert.Equal(Severity.Warn, endpoint.Report.Single(FindingCodes.EndpointOrder).Severity);
        Assert.Equal([leaf.Thumbprint, root.Thumbprint, intermediate.Thumbprint], endpoint.Report.Certificates.Select(c => c.Sha1));
        Assert.Equal(1, endpoint.TrustAnchorIndex);
    }

    [Fact]
    public void A_leaf_alone_names_its_issuer_as_the_root_to_ask_for()
    {
        using var root = TestPki.Root();
        using var leaf = TestPki.Leaf(root);

        var endpoint = Report(leaf);

        Assert.Null(endpoint.TrustAnchorIndex);
        Assert.Equal(root.Subject, endpoint.MissingRoot);
        Assert.Equal(Verdict.Warn, endpoint.Report.Verdict);
        Assert.Contains($"'{root.Subject}'", endpoint.Report.Single(FindingCodes.EndpointRootNotSent).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_self_signed_server_certificate_is_the_trust_anchor()
    {
        using var self = TestPki.SelfSignedLeaf();

        var endpoint = Report(self);

        Assert.Equal(0, endpoint.TrustAnchorIndex);
        Assert.True(endpoint.Report.Has(FindingCodes.EndpointSelfSigned));
        Assert.True(endpoint.Report.Has(FindingCodes.HostMatch));
    }

    [Theory]
    [InlineData(EndpointOutcome.Timeout, FindingCodes.EndpointTimeout)]
    [InlineData(EndpointOutcome.NotTls, FindingCodes.EndpointNotTls)]
    [InlineData(EndpointOutcome.Unreachable, FindingCodes.EndpointUnreachable)]
    [InlineData(EndpointOutcome.HandshakeFailed, FindingCodes.EndpointHandshakeFailed)]
    public void A_failed_connection_is_a_blocked_report_with_its_reason(EndpointOutcome outcome, string code)
    {
        var endpoint = EndpointReport.Create(new EndpointFetch(Target, outcome, [], null, "What happened."), TestPki.Checker());

        Assert.False(endpoint.Connected);
        Assert.Equal(Verdict.Block, endpoint.Report.Verdict);
        Assert.Equal("What happened.", endpoint.Report.Single(code).Message);
    }
}
