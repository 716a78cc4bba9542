using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using CertTrustBot.Cards;
using CertTrustBot.Cases;
using CertTrustBot.Certificates;
using CertTrustBot.Conversation;
using CertTrustBot.Tests.Conversation;
using Microsoft.Extensions.Time.Testing;

namespace CertTrustBot.Tests.Cards;

/// <summary>
/// Text from outside (a certificate's names, a file name, a person's name, a message) shows literally on the cards as
/// the real templates expand them, and in text messages: no live link, no bold, in the bot's own voice.
/// </summary>
public class LiteralTextTests
{
    public const string EvilSubject = "CN=Root [verify here](https://evil.example/cn), O=**Bold** Corp";
    private const string EvilName = "Eve [click me](https://evil.example/name) **Admin**";
    private const string EvilFile = "**urgent**[x](https://evil.example/f)_.cer";

    private static readonly CardTemplates Templates = CardTemplates.FromDirectory(Path.Combine(AppContext.BaseDirectory, "cards"));

    [Fact]
    public void Literal_escapes_what_starts_markup_and_reads_back_as_the_same_text()
    {
        string[] samples = [EvilSubject, EvilName, EvilFile, "# heading\n- item\n1. first\n> quote", "a\\b `code` ~strike~ <b>", "CN=erp.example.com, O=A-B (C)"];
        foreach (var text in samples)
        {
            var escaped = Markdown.Literal(text);
            Assert.Empty(LiveMarkup(escaped));
            Assert.Equal(text, Unescape(escaped));
        }

        Assert.Equal("CN=erp.example.com, O=A-B (C)", Markdown.Literal("CN=erp.example.com, O=A-B (C)")); // ordinary names unchanged
    }

    [Fact]
    public void A_value_in_the_middle_of_a_line_escapes_no_line_start_marker()
    {
        var template = JsonNode.Parse("""{ "type": "TextBlock", "text": "Chain in the file: ${chain}" }""")!;

        var card = CardTemplates.Expand(template, JsonNode.Parse("""{ "chain": "#2 leaf.example → #1 [Root]" }"""));

        Assert.Equal("Chain in the file: #2 leaf.example → #1 \\[Root\\]", (string?)card!["text"]);
        Assert.Equal("\\#2 leaf", Markdown.Literal("#2 leaf")); // alone, at the start of a line, it would be a heading
        Assert.Equal("#2 leaf", Markdown.Literal("#2 leaf", atLineStart: false));
    }

    [Fact]
    public void A_markdown_subject_shows_literally_on_the_report_card()
    {
        var report = Check(EvilRoot());
        Assert.Contains(report.Findings, f => f.Message.Contains("[verify here]", StringComparison.Ordinal)); // the engine quotes it

        var card = Templates.Render(CardNames.CertificateReport, CardContent.Report(report with { FileName = EvilFile }));

        AssertNoLiveMarkup(card);
        var facts = Facts(card);
        Assert.Contains(facts, f => f.Title == "Subject" && f.Value == Markdown.Literal(EvilSubject));
        Assert.Contains(facts, f => f.Title == "Issuer" && Unescape(f.Value) == EvilSubject);
        Assert.Contains(Texts(card), t => t == "File: " + Markdown.Literal(EvilFile));
    }

    [Fact]
    public void A_markdown_subject_shows_literally_on_the_confirmation_card()
    {
        var report = Check(EvilRoot());
        var data = new ConfirmationCardData("req-1", EvilFile, CardContent.Certificates(report), "Production", true, "[host](https://evil.example/h)",
            "Not checked.", "default", true, CardContent.Warnings(report), "Wednesday 4 March 2026");

        var card = Templates.Render(CardNames.Confirmation, data);

        AssertNoLiveMarkup(card);
        Assert.Contains(Facts(card), f => f.Title == "Subject" && f.Value == Markdown.Literal(EvilSubject));
        Assert.Contains(Facts(card), f => f.Title == "Sent as" && f.Value == Markdown.Literal(EvilFile));
    }

    [Fact]
    public void Names_subjects_and_history_notes_show_literally_on_the_staff_card()
    {
        var c = StaffCase(EvilName,
        [
            new CaseEvent(TestCertificates.Now.AddHours(1), CaseStatus.NeedsInformation, "Grace **Hopper**", "Open [this form](https://evil.example/q) first")
                { Kind = CaseEventKind.QuestionAsked },
            new CaseEvent(TestCertificates.Now.AddHours(2), CaseStatus.Submitted, EvilName, null)
                { Kind = CaseEventKind.Answered, Answer = new CaseAnswer("_see_ [here](https://evil.example/a)", []) },
            new CaseEvent(TestCertificates.Now.AddHours(3), CaseStatus.Rejected, "Grace", "**Wrong** root, get [the right one](https://evil.example/r)")
                { Kind = CaseEventKind.Rejected },
        ]);

        var card = Templates.Render(CardNames.StaffCase, StaffCaseContent.For(c, null, [], TestCertificates.Now, 2, TestCertificates.Now));

        AssertNoLiveMarkup(card);
        var facts = Facts(card);
        Assert.Contains(facts, f => f.Title == "Customer" && f.Value == Markdown.Literal(EvilName));
        Assert.Contains(facts, f => f.Title == "Subject" && f.Value == Markdown.Literal(EvilSubject));
        var history = Texts(card).Select(Unescape).ToList();
        Assert.Contains(history, t => t.EndsWith("asked the customer: Open [this form](https://evil.example/q) first", StringComparison.Ordinal));
        Assert.Contains(history, t => t.EndsWith("answered: _see_ [here](https://evil.example/a)", StringComparison.Ordinal));
        Assert.Contains(history, t => t.EndsWith("rejected the case: **Wrong** root, get [the right one](https://evil.example/r)", StringComparison.Ordinal));
        Assert.Contains(history, t => t.Contains("[verify here](https://evil.example/cn)", StringComparison.Ordinal)); // a finding quoting it
    }

    [Fact]
    public void The_bots_own_markdown_fields_keep_their_markdown_and_only_they_do()
    {
        var data = new ErrorCardData("**title**", "[m](https://evil.example)", true, new MarkdownText("Press **Confirm** again."));
        var texts = Texts(Templates.Render(CardNames.Error, data));
        Assert.Contains("\\*\\*title\\*\\*", texts);
        Assert.Contains("\\[m\\](https://evil.example)", texts);
        Assert.Contains("Press **Confirm** again.", texts);
    }

    [Fact]
    public void A_markdown_file_name_shows_literally_in_text_messages()
    {
        var flow = FlowTestKit.NewFlow(2, "Test", "Production");
        var state = FlowTestKit.AwaitingEnvironments();
        var handled = flow.Handle(state, new FileReceived(EvilFile, FlowTestKit.FileBytes), FlowTestKit.Facts());
        var replaced = flow.Resume(handled.State, new CertificateChecked(FlowTestKit.Accepted() with { FileName = EvilFile },
            Assert.IsType<CheckCertificate>(handled.Effect)), FlowTestKit.Facts());
        var blocked = flow.Resume(handled.State, new CertificateChecked(FlowTestKit.Blocked() with { FileName = EvilFile },
            Assert.IsType<CheckCertificate>(handled.Effect)), FlowTestKit.Facts());
        var unavailable = flow.Handle(state, new FileUnavailable(EvilFile, "it was [gone](https://evil.example/g)"), FlowTestKit.Facts());

        // A blocked file is named on its report card only (said once), literally.
        Assert.Empty(blocked.Replies.OfType<TextReply>());
        var blockedCard = Assert.Single(blocked.Replies.OfType<CardReply>());
        var rendered = Templates.Render(blockedCard.Template, blockedCard.Data);
        var next = Assert.IsType<CertificateReportCardData>(blockedCard.Data).Next.Value; // the bot's own Markdown
        Assert.DoesNotContain(MarkdownStrings(rendered), s => s != next && LiveMarkup(s).Length > 0);
        Assert.Contains(Markdown.Literal("File: " + EvilFile), Texts(rendered));

        foreach (var text in new[] { FlowTestKit.Text(replaced), FlowTestKit.Text(unavailable) })
        {
            Assert.Contains($"**{Markdown.Literal(EvilFile)}**", text, StringComparison.Ordinal);
            Assert.DoesNotContain(EvilFile, text, StringComparison.Ordinal);
            Assert.DoesNotContain("[x](", text, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("[gone](", FlowTestKit.Text(unavailable), StringComparison.Ordinal);
    }

    // ---- Helpers -----------------------------------------------------------------------------------------------

    /// <summary>A self-signed root whose subject is <see cref="EvilSubject"/>.</summary>
    internal static X509Certificate2 EvilRoot()
    {
        using var key = RSA.Create(2048);
        var name = new X500DistinguishedNameBuilder();
        name.AddCommonName("Root [verify here](https://evil.example/cn)");
        name.AddOrganizationName("**Bold** Corp"); // read back in reverse: "CN=…, O=…"
        var request = new CertificateRequest(name.Build(), key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(TestCertificates.Now.AddYears(-1), TestCertificates.Now.AddYears(9));
    }

    internal static CertificateReport Check(params X509Certificate2[] certificates)
    {
        var pem = string.Concat(certificates.Select(TestCertificates.Pem));
        var checker = new CertificateChecker(new FakeTimeProvider(TestCertificates.Now));
        return checker.Check(new CheckRequest(Encoding.ASCII.GetBytes(pem), "bundle.pem"));
    }

    internal static SupportCase StaffCase(string requesterName, IReadOnlyList<CaseEvent> later, IReadOnlyList<CaseCertificate>? certificates = null, IReadOnlyList<CaseFinding>? findings = null)
    {
        using var root = EvilRoot();
        var report = Check(root);
        return new SupportCase
        {
            CaseNumber = "CT-000042",
            RequestId = "req-1",
            Requester = new Requester("29:eve", requesterName, "aad-eve", "tenant-contoso"),
            Environments = ["Test", "Production"],
            Certificates = certificates ?? [new CaseCertificate("CT-000042-1.cer", "Root", root.Subject, root.Issuer, root.NotAfter, "AB", "CD", "CT-000042/0.cer")],
            Findings = findings ?? report.Findings.Select(f => new CaseFinding(f.Code, f.Severity, f.Message)).ToList(),
            CreatedAt = TestCertificates.Now,
            Status = later.Count > 0 ? later[^1].Status : CaseStatus.Submitted,
            ConversationReference = "{}",
            History = [new CaseEvent(TestCertificates.Now, CaseStatus.Submitted, requesterName, null) { Kind = CaseEventKind.Filed }, .. later],
        };
    }

    /// <summary>Every string of the card that Teams renders as Markdown: TextBlock texts and facts.</summary>
    internal static List<string> MarkdownStrings(JsonNode? node)
    {
        var found = new List<string>();
        Walk(node, found);
        return found;

        static void Walk(JsonNode? node, List<string> found)
        {
            switch (node)
            {
                case JsonObject o:
                    if (o["type"]?.GetValue<string>() == "TextBlock" && o["text"] is JsonValue text)
                        found.Add(text.GetValue<string>());
                    if (o["facts"] is JsonArray facts)
                        found.AddRange(facts.SelectMany(f => new[] { f!["title"]!.GetValue<string>(), f["value"]!.GetValue<string>() }));
                    foreach (var (_, value) in o)
                        Walk(value, found);
                    break;
                case JsonArray a:
                    foreach (var item in a)
                        Walk(item, found);
                    break;
            }
        }
    }

    private static List<string> Texts(JsonNode card) =>
        MarkdownStrings(card).Where(s => !Facts(card).Any(f => f.Title == s || f.Value == s)).ToList();

    private static List<(string Title, string Value)> Facts(JsonNode? node)
    {
        var facts = new List<(string, string)>();
        Walk(node);
        return facts;

        void Walk(JsonNode? n)
        {
            if (n is JsonObject o)
            {
                if (o["facts"] is JsonArray list)
                    facts.AddRange(list.Select(f => (f!["title"]!.GetValue<string>(), f["value"]!.GetValue<string>())));
                foreach (var (_, v) in o)
                    Walk(v);
            }
            else if (n is JsonArray a)
            {
                foreach (var item in a)
                    Walk(item);
            }
        }
    }

    private static void AssertNoLiveMarkup(JsonNode card)
    {
        var live = MarkdownStrings(card).Where(s => LiveMarkup(s).Length > 0).ToList();
        Assert.True(live.Count == 0, "Live Markdown on the card:\n" + string.Join("\n", live));
    }

    /// <summary>The markup characters of <paramref name="text"/> that are not backslash-escaped.</summary>
    private static string LiveMarkup(string text)
    {
        var live = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\')
                i++;
            else if (text[i] is '*' or '_' or '[' or ']' or '`' or '<')
                live.Append(text[i]);
        }

        return live.ToString();
    }

    /// <summary>The text a CommonMark reader shows for <paramref name="markdown"/>'s backslash escapes.</summary>
    private static string Unescape(string markdown)
    {
        var text = new StringBuilder();
        for (var i = 0; i < markdown.Length; i++)
        {
            if (markdown[i] == '\\' && i + 1 < markdown.Length && char.IsAscii(markdown[i + 1]) && (char.IsPunctuation(markdown[i + 1]) || char.IsSymbol(markdown[i + 1])))
                i++;
            text.Append(markdown[i]);
        }

        return text.ToString();
    }
}
