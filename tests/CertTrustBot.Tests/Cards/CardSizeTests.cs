using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using CertTrustBot.Cards;
using CertTrustBot.Cases;
using CertTrustBot.Certificates;
using CertTrustBot.Tests.Conversation;

namespace CertTrustBot.Tests.Cards;

/// <summary>
/// Teams answers 413 to a card over about 28 KB, counted as UTF-16 (string length × 2): the customer then sees
/// "something went wrong" instead of their report. Large bundles and long histories get a summary under it.
/// </summary>
public class CardSizeTests
{
    private const int TeamsLimitBytes = 28_000;

    private static readonly CardTemplates Templates = CardTemplates.FromDirectory(Path.Combine(AppContext.BaseDirectory, "cards"));

    [Fact]
    public void A_50_certificate_bundles_report_and_confirmation_stay_under_the_teams_limit_and_lead_with_what_matters()
    {
        var report = LiteralTextTests.Check(Bundle(50));
        Assert.Equal(50, report.Certificates.Count);

        var data = CardContent.Report(report);
        var card = Templates.Render(CardNames.CertificateReport, data);
        AssertUnderLimit(card);
        Assert.True(data.HasSummary);
        Assert.Contains("50 certificates (1 Root CA, 49 Server certificates)", data.Summary, StringComparison.Ordinal);
        Assert.Equal(CardContent.MaxCertificatesShown, data.Certificates.Count);
        Assert.Equal(1, data.Certificates[0].Number); // the root, which goes to Trusted Root
        Assert.Contains(data.Certificates, c => c.DaysLeftColor == "warning"); // a warned one before the fine ones
        Assert.Contains("… and 46 more certificates", data.More, StringComparison.Ordinal);
        Assert.Empty(AdaptiveCardRules.Problems(card));

        var confirmation = Templates.Render(CardNames.Confirmation, new ConfirmationCardData("req-1", "bundle.pem", CardContent.Certificates(report),
            "Production", false, "", "", "default", true, CardContent.Warnings(report), "Wednesday 4 March 2026")
        { HasMore = true, More = CardContent.MoreCertificates(report) });
        AssertUnderLimit(confirmation);
        Assert.Empty(AdaptiveCardRules.Problems(confirmation));
    }

    [Fact]
    public void A_small_bundle_is_shown_in_full()
    {
        var data = CardContent.Report(LiteralTextTests.Check(Bundle(3)));
        Assert.False(data.HasSummary);
        Assert.False(data.HasMore);
        Assert.Equal(3, data.Certificates.Count);
    }

    [Fact]
    public void A_staff_card_with_50_certificates_and_a_long_history_stays_under_the_teams_limit()
    {
        var certificates = Enumerable.Range(0, 50).Select(i => new CaseCertificate($"CT-000042-{i + 1}.cer", i == 0 ? "Root" : "Leaf",
            $"CN=service-{i:D2}.long-department-name.contoso.example, OU=Platform Engineering, O=Contoso Holdings, C=GB",
            "CN=Contoso Issuing Root CA 2026, OU=Platform Engineering, O=Contoso Holdings, C=GB",
            TestCertificates.Now.AddDays(i * 10), new string('A', 64), new string('B', 40), $"CT-000042/{i}.cer")).ToList();
        var findings = Enumerable.Range(0, 50).Select(i => new CaseFinding("cert.expires-soon", Severity.Warn,
            $"Certificate #{i + 1} (service-{i:D2}.long-department-name.contoso.example) expires in {i * 10} days: ask for the renewed one.")).ToList();
        var longNote = string.Concat(Enumerable.Repeat("Please send the intermediate as well, and the root. ", 40));
        var history = Enumerable.Range(0, 40).Select(i => new CaseEvent(TestCertificates.Now.AddHours(i + 1),
            i % 2 == 0 ? CaseStatus.NeedsInformation : CaseStatus.Submitted, "Grace Hopper of the Platform Support Desk", longNote)
        { Kind = i % 2 == 0 ? CaseEventKind.QuestionAsked : CaseEventKind.Answered, Answer = i % 2 == 0 ? null : new CaseAnswer(longNote, []) }).ToList();
        var c = LiteralTextTests.StaffCase("Alice Martin", history, certificates, findings);
        var links = certificates.Select(x => (Uri?)new Uri($"https://contosocerts.blob.core.windows.net/certificates/{x.BlobName}?sv=2025-01-05&st=2026-03-02T08%3A55%3A00Z&se=2026-03-02T10%3A00%3A00Z&sr=b&sp=r&rsct=application%2Fpkix-cert&rscd=attachment%3B%20filename%3D%22CT-000042-1.cer%22&sig=" + new string('x', 44) + "%3D")).ToList();

        var data = StaffCaseContent.For(c, "CT-000042 changed since this card was drawn.", links, TestCertificates.Now.AddHours(1), 2, TestCertificates.Now);
        var card = Templates.Render(CardNames.StaffCase, data);

        AssertUnderLimit(card);
        Assert.Empty(AdaptiveCardRules.Problems(card));
        Assert.Equal("Root CA", data.Certificates[0].Role);
        Assert.Contains("… and 47 more certificates", data.MoreCertificates, StringComparison.Ordinal);
        Assert.Equal("… 33 earlier events", data.Earlier); // 41 events, the latest 8 shown
        Assert.Equal(StaffCaseContent.MaxHistoryShown, data.History.Count);
    }

    private static void AssertUnderLimit(JsonObject card)
    {
        var json = card.ToJsonString(); // as the edge sends it (non-ASCII escaped: the larger count)
        Assert.True(json.Length * 2 < TeamsLimitBytes, $"The card is {json.Length * 2:N0} bytes as UTF-16; Teams takes at most about {TeamsLimitBytes:N0}.");
    }

    // A root and server certificates it issued, some expiring soon (warned); ECDSA keeps 50 quick to make.
    private static X509Certificate2[] Bundle(int count)
    {
        using var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var rootRequest = new CertificateRequest("CN=Contoso Issuing Root CA 2026, OU=Platform Engineering, O=Contoso Holdings, C=GB", rootKey, HashAlgorithmName.SHA256);
        rootRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        rootRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        rootRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(rootRequest.PublicKey, false));
        var root = rootRequest.CreateSelfSigned(TestCertificates.Now.AddYears(-1), TestCertificates.Now.AddYears(9));
        var all = new List<X509Certificate2> { root };
        for (var i = 1; i < count; i++)
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var host = $"service-{i:D2}.long-department-name.contoso.example";
            var request = new CertificateRequest($"CN={host}, OU=Platform Engineering, O=Contoso Holdings, C=GB", key, HashAlgorithmName.SHA256);
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
            request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(root, true, false));
            var san = new SubjectAlternativeNameBuilder();
            san.AddDnsName(host);
            san.AddDnsName("www." + host);
            request.CertificateExtensions.Add(san.Build());
            var notAfter = i % 7 == 0 ? TestCertificates.Now.AddDays(10) : TestCertificates.Now.AddYears(1);
            all.Add(request.Create(root, TestCertificates.Now.AddDays(-30), notAfter, [0x10, (byte)i]));
        }

        return [.. all];
    }
}
