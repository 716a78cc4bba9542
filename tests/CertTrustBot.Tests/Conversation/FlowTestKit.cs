using System.Text.Json;
using CertTrustBot.Cards;
using CertTrustBot.Cases;
using CertTrustBot.Certificates;
using CertTrustBot.Conversation;
using Microsoft.Extensions.Time.Testing;

namespace CertTrustBot.Tests.Conversation;

/// <summary>Builders for the flow's inputs, facts and the engine's reports, so each test reads as its scenario.</summary>
internal static class FlowTestKit
{
    public const string RequestId = "req-1";
    public const string SecondRequestId = "req-2";
    public const string ConversationKey = "msteams/conversations/a:1";

    public static readonly Requester Alice = new("29:alice", "Alice Example", "aad-alice", "tenant-contoso");
    public static readonly Requester Bob = new("29:bob", "Bob Example", "aad-bob", "tenant-contoso");
    public static readonly Requester Mallory = new("29:mallory", "Mallory", "aad-mallory", "tenant-fabrikam");

    public static ConversationFlow NewFlow(int slaBusinessDays = 2, params string[] environments)
    {
        var ids = new Queue<string>([RequestId, SecondRequestId, "req-3", "req-4"]);
        return new ConversationFlow(
            new EnvironmentCatalog { Names = [.. environments] },
            new SupportDeskOptions { SlaBusinessDays = slaBusinessDays },
            ids.Dequeue);
    }

    public static TurnFacts Facts(ChatKind kind = ChatKind.Personal, Requester? user = null, DateTimeOffset? now = null) =>
        new(user ?? Alice, kind, new FakeTimeProvider(now ?? TestCertificates.Now), "{\"conversation\":{\"id\":\"a:1\"}}", ConversationKey);

    public static CardAction Card(string action, params (string Key, string Value)[] values)
    {
        var dictionary = new Dictionary<string, string>(StringComparer.Ordinal) { [CardActions.Key] = action };
        foreach (var (key, value) in values)
            dictionary[key] = value;
        return new CardAction(dictionary);
    }

    public static CardAction PickerSubmit(string requestId = RequestId, string environments = "Production", string other = "", string host = "") =>
        Card(CardActions.Environments,
            (CardActions.RequestIdKey, requestId),
            (CardActions.EnvironmentsInput, environments),
            (CardActions.OtherEnvironmentInput, other),
            (CardActions.HostNameInput, host));

    /// <summary>The file as the customer sent it; never the same bytes as the certificate the check takes out of it.</summary>
    public static readonly byte[] FileBytes = [0x30, 0x82, 0x01, 0x00, 0x42];

    /// <summary>The normalised DER of <see cref="Details"/>' certificate, as the check reports it.</summary>
    public static byte[] CertificateDer => [0x30, 0x03, 0x02, 0x01, 0x01];

    public static ConversationData AwaitingCertificate() =>
        new() { Step = ConversationStep.AwaitingCertificate, Mode = ConversationMode.Request, RequestId = RequestId };

    public static ConversationData AwaitingEnvironments() =>
        AwaitingCertificate() with { Step = ConversationStep.AwaitingEnvironments, FileName = "root.cer", Certificates = [CertificateDer] };

    public static ConversationData AwaitingConfirmation(string? host = null) =>
        AwaitingEnvironments() with { Step = ConversationStep.AwaitingConfirmation, Environments = ["Test", "Production"], HostName = host };

    public static ConversationData AfterSubmission() =>
        new() { LastRequestId = RequestId, LastCaseNumber = "CT-000042" };

    public static CertificateDetails Details(int index = 0, CertificateRole role = CertificateRole.Root, int daysLeft = 3000) => new()
    {
        Index = index,
        Role = role,
        Subject = "CN=Contoso Root CA, O=Contoso",
        Issuer = "CN=Contoso Root CA, O=Contoso",
        SerialNumber = "01",
        NotBefore = TestCertificates.Now.AddYears(-1),
        NotAfter = TestCertificates.Now.AddDays(daysLeft),
        DaysLeft = daysLeft,
        KeyAlgorithm = "RSA",
        KeySize = 2048,
        SignatureAlgorithm = "SHA256withRSA",
        SubjectAlternativeNames = [],
        Sha256 = new string('A', 64),
        Sha1 = new string('B', 40),
        Version = 3,
        IsSelfSigned = role == CertificateRole.Root,
        IsCertificateAuthority = role != CertificateRole.Leaf,
        KeyUsages = ["KeyCertSign"],
        Der = CertificateDer,
    };

    public static CertificateReport Report(Verdict verdict, params Finding[] findings) => new()
    {
        FileName = "root.cer",
        Format = CertificateFormat.Der,
        Verdict = verdict,
        Headline = $"{verdict}: Root CA · RSA 2048",
        Certificates = verdict == Verdict.Block && findings.Any(f => f.Code.StartsWith("file.", StringComparison.Ordinal)) ? [] : [Details()],
        Chain = [0],
        TrustedRootIndex = 0,
        Findings = findings,
    };

    public static CertificateReport Accepted() => Report(Verdict.Accept, new Finding(FindingCodes.CertRole, Severity.Info, "Root CA: goes to the Trusted Root store.", "", 0));

    public static CertificateReport Warned() => Report(Verdict.Warn,
        new Finding(FindingCodes.CertExpiresSoon, Severity.Warn, "The certificate expires in 20 days.", "Ask for the renewed certificate.", 0));

    public static CertificateReport Blocked() => Report(Verdict.Block,
        new Finding(FindingCodes.FilePrivateKey, Severity.Block, "The file contains a private key.", "Rotate the key and send only the certificate."));

    public static CertificateChecked Checked(CertificateReport report, CheckPurpose purpose, string? host = null, params string[] environments) =>
        new(report, new CheckCertificate("root.cer", FileBytes, host, environments, purpose));

    public static SupportCase Case(string number = "CT-000042", Requester? requester = null, string requestId = RequestId) => new()
    {
        CaseNumber = number,
        RequestId = requestId,
        Requester = requester ?? Alice,
        Environments = ["Test", "Production"],
        HostName = null,
        Certificates = [new CaseCertificate("root.cer", "Root", "CN=Contoso Root CA, O=Contoso", "CN=Contoso Root CA, O=Contoso",
            TestCertificates.Now.AddYears(9), new string('A', 64), new string('B', 40), "blob-1")],
        Findings = [],
        CreatedAt = TestCertificates.Now,
        Status = CaseStatus.Submitted,
        ConversationReference = "{}",
    };

    /// <summary>The certificates in content the flow had checked: one DER as it is, else the DER of each PEM block,
    /// after checking that the content is nothing but CERTIFICATE blocks.</summary>
    public static IReadOnlyList<byte[]> CertificateBlocks(ReadOnlyMemory<byte> content)
    {
        if (content.Span is [0x30, ..])
            return [content.ToArray()]; // one certificate goes to the engine as its DER
        var text = System.Text.Encoding.ASCII.GetString(content.Span);
        var blocks = new List<byte[]>();
        var rest = text.AsSpan();
        while (System.Security.Cryptography.PemEncoding.TryFind(rest, out var fields))
        {
            Assert.True(rest[..fields.Location.Start].IsWhiteSpace(), "Something other than a PEM block is in the content.");
            Assert.Equal("CERTIFICATE", rest[fields.Label].ToString());
            blocks.Add(Convert.FromBase64String(rest[fields.Base64Data].ToString()));
            rest = rest[fields.Location.End..];
        }
        Assert.True(rest.IsWhiteSpace(), "Something other than a PEM block is in the content.");
        return blocks;
    }

    public static string Text(FlowResult result) => string.Join("\n", result.Replies.OfType<TextReply>().Select(r => r.Text));

    /// <summary>What the report card says happens now (said once, on the card).</summary>
    public static string Next(FlowResult result) =>
        Assert.IsType<CertificateReportCardData>(Assert.Single(result.Replies.OfType<CardReply>(), c => c.Template == CardNames.CertificateReport).Data).Next.Value;

    /// <summary>The finished state (or new state) of the card that was used in this turn.</summary>
    public static ReplaceUsedCard Replaced(FlowResult result) => Assert.Single(result.Replies.OfType<ReplaceUsedCard>());

    public static string Json(ConversationData state) => JsonSerializer.Serialize(state);

    /// <summary>State equality by content (records compare lists and byte arrays by reference).</summary>
    public static void AssertUnchanged(ConversationData before, FlowResult result)
    {
        Assert.Equal(Json(before), Json(result.State));
        Assert.Null(result.Effect);
    }

    public static T SingleCard<T>(FlowResult result, string template)
    {
        var card = Assert.Single(result.Replies.OfType<CardReply>(), c => c.Template == template);
        return Assert.IsType<T>(card.Data);
    }
}
