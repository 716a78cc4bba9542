using CertTrustBot.Cards;

namespace CertTrustBot.Tests.Cards;

/// <summary>Sample data for every template: a full variant (every optional part shown) and a bare one (none).</summary>
internal static class CardSamples
{
    private static readonly CertificateItem Root = new(
        1, "Root CA", "Trusted Root Certification Authorities", "CN=Contoso \"Test\" Root CA <R1> & Co, O=Contoso",
        "CN=Contoso \"Test\" Root CA <R1> & Co, O=Contoso", "2025-03-02 09:00 UTC", "2035-03-02 09:00 UTC", "3287 days left", "good",
        "RSA 4096 bits", "SHA256withRSA", "B3C1 88A0 0F4E 29D1 6A5B 7C4D 11E2 90AB CDEF 0123",
        "2F1C 77AA 0B3E 9D4C 5E6F 7081 92A3 B4C5 D6E7 F809 1A2B 3C4D 5E6F 7081 92A3 B4C5", true, "erp.example.com, *.erp.example.com");

    private static readonly FindingItem Warning = new("Warn", "⚠️ Warning", "warning", "The certificate expires in 20 days.", true,
        "Ask the system's owner for the renewed certificate.", "cert.expires-soon", "Certificate #1: Contoso Root");

    private static readonly FindingItem Block = new("Block", "⛔ Blocked", "attention", "The file contains a private key.", true,
        "Rotate the key: it has been exposed.", "file.private-key", "The file");

    private static readonly FindingItem Note = new("Info", "ℹ️ Note", "default", "Root CA: goes to the Trusted Root store.", false, "", "cert.role", "Certificate #1");

    public static TheoryData<string, object, string> All => new()
    {
        { CardNames.Welcome, new WelcomeCardData("Certificate trust requests", "I get a certificate trusted.", new("Send the **root CA**."),
            [new("new request", new("Ask.")), new("check", new("Report only.")), new("status", new("Your cases.")), new("cancel", new("Stop."))], true, new("You have a request in progress."), true), "full" },
        { CardNames.Welcome, new WelcomeCardData("Certificate trust requests", "I get a certificate trusted.", new("Send the root CA."), [new("check", new("Report only."))], false, MarkdownText.Empty, false), "bare" },
        { CardNames.CertificateReport, new CertificateReportCardData("bundle.pem", "Block", "⛔ Blocked", "attention", "Blocked: contains a private key",
            true, "#2 erp.example.com → #1 Contoso Root", [Root, Root with { Number = 2, Role = "Server certificate", HasSans = false, Sans = "" }],
            true, [Block, Warning], true, [Note]) { Next = new("Nothing of it was kept. Send another certificate, or type **cancel**.") }, "full" },
        { CardNames.CertificateReport, new CertificateReportCardData("empty.cer", "Block", "⛔ Blocked", "attention", "Blocked: the file is empty",
            false, "", [], false, [], false, []), "bare" },
        { CardNames.EnvironmentPicker, new EnvironmentPickerCardData("req-1", "root.cer",
            [new("Development", "Development"), new("Test", "Test"), new("Production", "Production")], "Test,Production", "UAT", 40, "erp.example.com",
            true, new("“Staging” is not one of the environments I know.")), "full" },
        { CardNames.EnvironmentPicker, new EnvironmentPickerCardData("req-1", "root.cer", [new("Production", "Production")], "", "", 40, "", false, MarkdownText.Empty), "bare" },
        { CardNames.Confirmation, new ConfirmationCardData("req-1", "root.cer", [Root], "Test, Production", true, "erp.example.com",
            "⚠️ erp.example.com is not among the certificate's names (MISMATCH).", "warning", true, [Warning], "Wednesday 4 March 2026"), "full" },
        { CardNames.Confirmation, new ConfirmationCardData("req-1", "root.cer", [Root], "Production", false, "", "Not checked.", "default", false, [], "Wednesday 4 March 2026"), "bare" },
        { CardNames.CaseReceipt, new CaseReceiptCardData("CT-000042", "root.cer", "Root CA Contoso Root (until 2035-03-02)", "Test, Production", true,
            "erp.example.com", "2026-03-02 09:00 UTC", "Wednesday 4 March 2026", [new(new("Support staff add it.")), new(new("I'll tell you here."))]), "full" },
        { CardNames.CaseReceipt, new CaseReceiptCardData("CT-000042", "root.cer", "Root CA Contoso Root (until 2035-03-02)", "Production", false,
            "", "2026-03-02 09:00 UTC", "Wednesday 4 March 2026", []), "bare" },
        { CardNames.Status, new StatusCardData("Your cases", true, [
            new("CT-000043", false, "In progress", "accent", "Production, Test ✓ installed", "Root CA Contoso Root (until 2035-03-02)", "2026-03-01", true, "erp.example.com",
                true, "Wednesday 4 March 2026", true, "Which host do your servers call?", true,
                [new("2026-03-01 09:00 UTC", "Ada Lovelace", "submitted the case"), new("2026-03-02 10:00 UTC", "Grace Hopper", "installed in Test")]),
            new("CT-000042", true, "Needs information from you", "warning", "Test", "Root CA Contoso Root (until 2035-03-02)", "2026-02-27", false, "",
                false, "", false, "", false, [])],
            new("The 10 newest of your 12 cases.")), "full" },
        { CardNames.Status, new StatusCardData("Your cases", false, [], MarkdownText.Empty), "bare" },
        { CardNames.Error, new ErrorCardData("Not submitted yet", "Storage is temporarily unavailable, please try again in a minute.", true, new("Press **Confirm** again.")), "full" },
        { CardNames.Error, new ErrorCardData("Not submitted yet", "Storage is temporarily unavailable.", false, MarkdownText.Empty), "bare" },
        { CardNames.StaffCase, new StaffCaseCardData("CT-000042", "\"0x8DC1\"", "In progress", "accent", "72f988bf-86f1-41af-91ab-2d7cd011db47", "Ada \"Lovelace\" <ada>",
            "Development, Test, Production", true, "Development", true, "erp.example.com", "2026-03-02 09:00 UTC", "Wednesday 4 March 2026",
            [StaffCertificate, StaffCertificate with { Number = 2, HasLink = false, Link = "" }], "The download links work until 2026-03-03 09:00 UTC.",
            true, [new("⚠️ Warning", "warning", "The certificate expires in 20 days.")],
            [new("2026-03-02 09:00 UTC", "Ada Lovelace", "submitted the case"), new("2026-03-02 10:00 UTC", "Grace Hopper", "installed in Development")],
            true, "CT-000042 changed since this card was drawn.", true, true, true,
            [new("Test", "Test"), new("Production", "Production")], "Test,Production"), "full" },
        { CardNames.StaffCase, new StaffCaseCardData("CT-000042", "\"0x8DC1\"", "Rejected", "attention", "(no tenant)", "29:1abc",
            "Production", false, "", false, "", "2026-03-02 09:00 UTC", "Wednesday 4 March 2026",
            [StaffCertificate with { HasLink = false, Link = "" }], "Press Refresh for new download links.", false, [],
            [new("2026-03-02 09:00 UTC", "Ada Lovelace", "submitted the case")], false, "", false, false, false, [], ""), "bare" },
        { CardNames.CaseUpdate, new CaseUpdateCardData("CT-000042", "CT-000042: the support desk needs information", "warning",
            "Before they can install your certificate, support staff ask:", true, "Question", "Which host do your servers call?",
            "Needs information from you", "Production", "Root CA Contoso Root (until 2035-03-02)", new("Reply here with your answer.")), "full" },
        { CardNames.CaseUpdate, new CaseUpdateCardData("CT-000042", "CT-000042 is in progress", "accent", "Support staff have started.", false, "", "",
            "In progress", "Production", "Root CA Contoso Root (until 2035-03-02)", new("Type **status CT-000042**.")), "bare" },
        { CardNames.ExpiryReminder, new ExpiryReminderCardData("CT-000042", "Contoso \"Test\" Root <R1> expires in 30 days", "warning",
            "Ask for its replacement by Monday 1 March 2027.", "CN=Contoso \"Test\" Root CA <R1> & Co, O=Contoso", "Development, Production",
            "2027-03-05 09:00 UTC", "30 days", "Monday 1 March 2027", "B3C1 88A0 0F4E 29D1 6A5B 7C4D 11E2 90AB CDEF 0123", "2F1C77AA", true), "full" },
        { CardNames.ExpiryReminder, new ExpiryReminderCardData("CT-000042", "Contoso Root has expired", "attention",
            "It expired.", "CN=Contoso Root", "Production", "2027-03-05 09:00 UTC", "expired", "Monday 1 March 2027", "", "2F1C77AA", false), "bare" },
        { CardNames.CertificateList, new CertificateListCardData("Your installed certificates", true, [
            new("CT-000042", "Contoso \"Test\" Root <R1>", "Development, Production", "2027-03-05 09:00 UTC", "30 days", "warning", "2027-03-01", true,
                "Ada \"Lovelace\" <ada> (72f988bf-86f1-41af-91ab-2d7cd011db47)", true, "Renewal requested: CT-000050."),
            new("CT-000043", "Fabrikam Root", "Test", "2035-03-05 09:00 UTC", "3,000 days", "good", "2035-03-01", false, "", false, "")],
            new("… and 3 more certificates expiring later.")), "full" },
        { CardNames.CertificateList, new CertificateListCardData("Your installed certificates", false, [], new("You have no installed certificates yet.")), "bare" },
        { CardNames.Finished, new FinishedCardData("Environments chosen", "default", [new("Environments", "Test, Production"), new("Host", "erp.example.com")],
            new("Nothing was stored.")), "full" },
        { CardNames.Finished, new FinishedCardData("Confirmed: case CT-000042", "good", [], MarkdownText.Empty), "bare" },
        { CardNames.RootNeeded, new RootNeededCardData("req-1", "server.cer", "CN=Contoso \"Issuing\" Root <R1> & Co, O=Contoso",
            new("**erp.example.com** is the server's own certificate."), new("Or give me the host: **check erp.example.com**.")), "full" },
        { CardNames.RootNeeded, new RootNeededCardData("req-1", "server.cer", "CN=Root", new("A server certificate."), new("Ask for the root.")), "bare" },
        { CardNames.CertificateReport, new CertificateReportCardData("api.example.com:443", "Accept", "✅ Accepted", "good", "Self-signed server certificate",
            false, "", [Root], false, [], false, [])
            { Source = "Server: api.example.com:443", HasTrustRequest = true, TrustHost = "api.example.com", TrustSha256 = "2F1C77AA" }, "server" },
    };

    private static readonly StaffCertificateItem StaffCertificate = new(1, "Root CA", "CN=Contoso Root, O=Contoso", "CN=Contoso Root, O=Contoso",
        "2035-03-02 09:00 UTC", "default", "B3C1 88A0", "2F1C 77AA 0B3E", true, "https://account.blob.core.windows.net/certificates/CT-000042/0.cer?sp=r&sig=x", "CT-000042-1.cer");
}
