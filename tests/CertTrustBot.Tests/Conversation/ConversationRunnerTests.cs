using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using CertTrustBot.Cards;
using CertTrustBot.Cases;
using CertTrustBot.Certificates;
using CertTrustBot.Conversation;
using CertTrustBot.Storage;
using CertTrustBot.Tests.Cards;
using CertTrustBot.Tests.Cases;
using CertTrustBot.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using static CertTrustBot.Tests.Conversation.FlowTestKit;

namespace CertTrustBot.Tests.Conversation;

/// <summary>Whole conversations: the flow, the real certificate engine, and the real case desk over Azurite.</summary>
[Collection("Azurite")]
public class ConversationRunnerTests(AzuriteFixture azurite)
{
    private static readonly X509Certificate2 Root = TestCertificates.Root();
    private static readonly CardTemplates Templates = CardTemplates.FromDirectory(Path.Combine(AppContext.BaseDirectory, "cards"));

    private readonly StorageOptions _storage = azurite.NewStorageOptions();
    private readonly FakeTimeProvider _clock = new(TestCertificates.Now);

    private CaseDesk NewDesk(StorageOptions? options = null) =>
        new(AzuriteFixture.CreateContainers(options ?? _storage), _clock, NullLogger<CaseDesk>.Instance);

    private Chat NewChat(CaseDesk? desk = null, Requester? user = null) =>
        new(new ConversationRunner(NewFlow(), desk ?? NewDesk(), NullLogger<ConversationRunner>.Instance), new TurnFacts(user ?? Alice, ChatKind.Personal, _clock, "{\"ref\":1}", ConversationKey));

    /// <summary>One user's chat: keeps the state between turns as the edge would, and checks every card it gets.</summary>
    private sealed class Chat(ConversationRunner runner, TurnFacts facts)
    {
        public ConversationData State { get; set; } = new();

        public async Task<TurnResult> SendAsync(ConversationInput input)
        {
            var result = await runner.RunAsync(State, input, facts, default);
            foreach (var card in result.Replies.OfType<CardReply>())
            {
                var problems = AdaptiveCardRules.Problems(Templates.Render(card.Template, card.Data));
                Assert.True(problems.Count == 0, string.Join("\n", problems));
            }

            State = result.State;
            return result;
        }

        public Task<TurnResult> SayAsync(string text) => SendAsync(new TextMessage(text));
    }

    private static T Card<T>(TurnResult result, string template) =>
        Assert.IsType<T>(Assert.Single(result.Replies.OfType<CardReply>(), c => c.Template == template).Data);

    private static string Text(TurnResult result) => string.Join("\n", result.Replies.OfType<TextReply>().Select(r => r.Text));

    private static CardAction Confirm(string requestId) => FlowTestKit.Card(CardActions.Confirm, (CardActions.RequestIdKey, requestId));

    // new request → file → picker → confirmation: the chat left waiting for the confirm.
    private static async Task<Chat> UpToConfirmationAsync(Chat chat, X509Certificate2 certificate, string environments = "Production,Test", string host = "")
    {
        await chat.SayAsync("new request");
        await chat.SendAsync(new FileReceived("contoso-root.cer", TestCertificates.Der(certificate)));
        await chat.SendAsync(PickerSubmit(chat.State.RequestId!, environments, host: host));
        Assert.Equal(ConversationStep.AwaitingConfirmation, chat.State.Step);
        return chat;
    }

    [Fact]
    public async Task A_request_from_file_to_receipt_stores_one_case_with_the_certificate()
    {
        var desk = NewDesk();
        var chat = NewChat(desk);

        var started = await chat.SayAsync("new request");
        Assert.Contains("Send me the certificate", Text(started), StringComparison.Ordinal);

        var checkedFile = await chat.SendAsync(new FileReceived("contoso-root.cer", TestCertificates.Der(Root)));
        var report = Card<CertificateReportCardData>(checkedFile, CardNames.CertificateReport);
        Assert.Equal("Accept", report.Verdict);
        Assert.Equal(CardContent_Grouped(Root.Thumbprint), Assert.Single(report.Certificates).Sha1);
        Card<EnvironmentPickerCardData>(checkedFile, CardNames.EnvironmentPicker);
        Assert.Equal(ConversationStep.AwaitingEnvironments, chat.State.Step);

        var confirmation = Card<ConfirmationCardData>(await chat.SendAsync(PickerSubmit(chat.State.RequestId!, "Production;Test")), CardNames.Confirmation);
        Assert.Equal("Test, Production", confirmation.Environments);
        Assert.Equal("Wednesday 4 March 2026", confirmation.ExpectedCompletion);

        var requestId = chat.State.RequestId!;
        var receipt = Card<CaseReceiptCardData>(await chat.SendAsync(Confirm(requestId)), CardNames.CaseReceipt);

        Assert.Equal("CT-000001", receipt.CaseNumber);
        Assert.Equal("Wednesday 4 March 2026", receipt.ExpectedCompletion);
        Assert.Equal(ConversationStep.Idle, chat.State.Step);
        Assert.Equal("CT-000001", chat.State.LastCaseNumber);
        var stored = await desk.FindAsync("CT-000001", default);
        Assert.NotNull(stored);
        Assert.Equal(requestId, stored.RequestId);
        Assert.Equal(["Test", "Production"], stored.Environments);
        Assert.Equal(Root.Thumbprint, Assert.Single(stored.Certificates).Sha1);
        Assert.Equal("{\"ref\":1}", stored.ConversationReference);
    }

    private static string CardContent_Grouped(string hex) =>
        string.Join(' ', Enumerable.Range(0, hex.Length / 4).Select(i => hex.Substring(i * 4, 4)));

    [Fact]
    public async Task A_second_click_on_confirm_makes_no_second_case()
    {
        var desk = NewDesk();
        var chat = await UpToConfirmationAsync(NewChat(desk), Root);
        var requestId = chat.State.RequestId!;

        await chat.SendAsync(Confirm(requestId));
        var second = await chat.SendAsync(Confirm(requestId));

        Assert.Equal("Already submitted as **CT-000001**; no second case was made. Type **status CT-000001** to follow it.", Text(second));
        Assert.Single(await desk.ListForRequesterAsync(Alice, default));
    }

    [Fact]
    public async Task A_retried_confirm_turn_whose_state_was_not_saved_returns_the_same_case()
    {
        var desk = NewDesk();
        var chat = await UpToConfirmationAsync(NewChat(desk), Root);
        var beforeConfirm = chat.State;

        var first = Card<CaseReceiptCardData>(await chat.SendAsync(Confirm(beforeConfirm.RequestId!)), CardNames.CaseReceipt);
        chat.State = beforeConfirm; // the channel redelivers the turn; the first turn's state never got saved
        var retried = Card<CaseReceiptCardData>(await chat.SendAsync(Confirm(beforeConfirm.RequestId!)), CardNames.CaseReceipt);

        Assert.Equal(first.CaseNumber, retried.CaseNumber);
        Assert.Single(await desk.ListForRequesterAsync(Alice, default));
    }

    [Fact]
    public async Task When_storage_is_down_confirm_says_so_keeps_the_confirmation_and_a_retry_later_works()
    {
        var healthy = NewDesk();
        var chat = await UpToConfirmationAsync(NewChat(healthy), Root);
        var beforeConfirm = chat.State;

        var down = new Chat(new ConversationRunner(NewFlow(), NewDesk(_storage.WithConnectionString(ClosedPort())), NullLogger<ConversationRunner>.Instance),
            new TurnFacts(Alice, ChatKind.Personal, _clock, "{}", ConversationKey)) { State = beforeConfirm };
        var failed = await down.SendAsync(Confirm(beforeConfirm.RequestId!));

        var error = Card<ErrorCardData>(failed, CardNames.Error);
        Assert.Equal(ConversationFlow.StorageUnavailableMessage, error.Message);
        Assert.Equal("Not submitted yet", error.Title);
        Assert.Contains("Press **Confirm** again", error.Hint.Value, StringComparison.Ordinal);
        Assert.Equal(Json(beforeConfirm), Json(failed.State));
        Assert.Empty(await healthy.ListForRequesterAsync(Alice, default));

        chat.State = failed.State;
        var receipt = Card<CaseReceiptCardData>(await chat.SendAsync(Confirm(beforeConfirm.RequestId!)), CardNames.CaseReceipt);
        Assert.Equal("CT-000001", receipt.CaseNumber);
    }

    // Storage answers the record's PUT (the case is committed) but the answer never reaches the bot, on every retry:
    // the submit fails after the commit point. The case exists, so the customer gets its receipt, not "nothing was stored".
    [Fact]
    public async Task When_storage_fails_after_the_case_record_is_written_the_customer_gets_the_receipt()
    {
        var healthy = NewDesk();
        var chat = await UpToConfirmationAsync(NewChat(healthy), Root);
        var beforeConfirm = chat.State;
        var logs = new CapturedLogs();
        var lostAnswer = new LostAnswerPolicy(request => request.Method == Azure.Core.RequestMethod.Put && request.Uri.Path.Contains("/records/", StringComparison.Ordinal));
        var failing = new CaseDesk(ContainersWith(lostAnswer), _clock, NullLogger<CaseDesk>.Instance);
        var flaky = new Chat(new ConversationRunner(NewFlow(), failing, new LoggerFactory([logs]).CreateLogger<ConversationRunner>()),
            new TurnFacts(Alice, ChatKind.Personal, _clock, "{}", ConversationKey)) { State = beforeConfirm };

        var result = await flaky.SendAsync(Confirm(beforeConfirm.RequestId!));

        Assert.True(lostAnswer.Sent > 0);
        var stored = Assert.Single(await healthy.ListForRequesterAsync(Alice, default));
        var receipt = Card<CaseReceiptCardData>(result, CardNames.CaseReceipt);
        Assert.Equal(stored.CaseNumber, receipt.CaseNumber);
        Assert.DoesNotContain(result.Replies.OfType<CardReply>(), c => c.Template == CardNames.Error);
        Assert.Equal(stored.CaseNumber, result.State.LastCaseNumber);
        var warning = Assert.Single(logs.All, e => e.Level == LogLevel.Warning);
        Assert.Contains(beforeConfirm.RequestId!, warning.Message, StringComparison.Ordinal);
        Assert.Contains($"case {stored.CaseNumber} was filed", warning.Message, StringComparison.Ordinal);
    }

    // The record's answer is lost and then storage does not answer the lookup either: whether the case exists is
    // unknown, so the customer is not told "nothing was stored"; confirming again then gives the one case's receipt.
    [Fact]
    public async Task When_whether_the_case_was_filed_cannot_be_checked_the_customer_is_told_so_and_a_retry_gives_the_receipt()
    {
        var healthy = NewDesk();
        var chat = await UpToConfirmationAsync(NewChat(healthy), Root);
        var beforeConfirm = chat.State;
        var lostAnswer = new LostAnswerPolicy(request => request.Method == Azure.Core.RequestMethod.Put && request.Uri.Path.Contains("/records/", StringComparison.Ordinal));
        var thenDown = new OutagePolicy(request => lostAnswer.Sent > 0 && request.Method == Azure.Core.RequestMethod.Get);
        var failing = new CaseDesk(ContainersWith(lostAnswer, thenDown), _clock, NullLogger<CaseDesk>.Instance);
        var flaky = new Chat(new ConversationRunner(NewFlow(), failing, NullLogger<ConversationRunner>.Instance),
            new TurnFacts(Alice, ChatKind.Personal, _clock, "{}", ConversationKey)) { State = beforeConfirm };

        var failed = await flaky.SendAsync(Confirm(beforeConfirm.RequestId!));

        var error = Card<ErrorCardData>(failed, CardNames.Error);
        Assert.DoesNotContain("Nothing was stored", error.Hint.Value, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("couldn't check whether your request was stored", error.Hint.Value, StringComparison.Ordinal);
        Assert.Equal(Json(beforeConfirm), Json(failed.State));

        chat.State = failed.State;
        var receipt = Card<CaseReceiptCardData>(await chat.SendAsync(Confirm(beforeConfirm.RequestId!)), CardNames.CaseReceipt);
        Assert.Equal(Assert.Single(await healthy.ListForRequesterAsync(Alice, default)).CaseNumber, receipt.CaseNumber);
    }

    // The answer's record write lands but its reply is lost: the answer is in the case, so the customer is thanked (not
    // asked to send it again, which the case, no longer waiting, would then refuse), and the question stops waiting.
    [Fact]
    public async Task When_storage_fails_after_an_answer_was_added_the_customer_is_thanked_and_it_is_added_once()
    {
        var healthy = NewDesk();
        var filed = await healthy.SubmitAsync(CaseDrafts.Draft(requester: Alice), default);
        await healthy.RecordAsync(filed.CaseNumber, new CaseEventDraft(CaseEventKind.QuestionAsked, "Grace", "Which host?"), null, default);
        var waiting = new ConversationData { Questions = [new PendingQuestion(filed.CaseNumber, 2, "Which host?", _clock.GetUtcNow())] };
        var lostAnswer = new LostAnswerPolicy(request => request.Method == Azure.Core.RequestMethod.Put && request.Uri.Path.Contains("/records/", StringComparison.Ordinal));
        var failing = new CaseDesk(ContainersWith(lostAnswer), _clock, NullLogger<CaseDesk>.Instance);
        var flaky = new Chat(new ConversationRunner(NewFlow(), failing, NullLogger<ConversationRunner>.Instance),
            new TurnFacts(Alice, ChatKind.Personal, _clock, "{}", ConversationKey)) { State = waiting };

        var result = await flaky.SayAsync("erp.contoso.com");

        Assert.True(lostAnswer.Sent > 0);
        Assert.Contains($"added your answer to **{filed.CaseNumber}**", Text(result), StringComparison.Ordinal);
        Assert.Empty(result.State.Questions);
        var found = await healthy.FindAsync(filed.CaseNumber, default);
        Assert.Equal("erp.contoso.com", Assert.Single(found!.History, e => e.Kind == CaseEventKind.Answered).Answer?.Text);
    }

    // The answer's write lands, its reply is lost, and the lookup fails too: whether it was added is unknown, so the
    // customer is not told "nothing was stored", and the question keeps waiting in the chat.
    [Fact]
    public async Task When_whether_an_answer_was_added_cannot_be_checked_the_customer_is_told_so()
    {
        var healthy = NewDesk();
        var filed = await healthy.SubmitAsync(CaseDrafts.Draft(requester: Alice), default);
        await healthy.RecordAsync(filed.CaseNumber, new CaseEventDraft(CaseEventKind.QuestionAsked, "Grace", "Which host?"), null, default);
        var waiting = new ConversationData { Questions = [new PendingQuestion(filed.CaseNumber, 2, "Which host?", _clock.GetUtcNow())] };
        var lostAnswer = new LostAnswerPolicy(request => request.Method == Azure.Core.RequestMethod.Put && request.Uri.Path.Contains("/records/", StringComparison.Ordinal));
        var thenDown = new OutagePolicy(request => lostAnswer.Sent > 0 && request.Method == Azure.Core.RequestMethod.Get);
        var failing = new CaseDesk(ContainersWith(lostAnswer, thenDown), _clock, NullLogger<CaseDesk>.Instance);
        var flaky = new Chat(new ConversationRunner(NewFlow(), failing, NullLogger<ConversationRunner>.Instance),
            new TurnFacts(Alice, ChatKind.Personal, _clock, "{}", ConversationKey)) { State = waiting };

        var result = await flaky.SayAsync("erp.contoso.com");

        var error = Card<ErrorCardData>(result, CardNames.Error);
        Assert.Equal("Your answer may not have been added", error.Title);
        Assert.DoesNotContain("Nothing was stored", error.Hint.Value, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(waiting.Questions, result.State.Questions);
    }

    // Storage goes away before the commit point: no case, and "nothing was stored" is true; the failure is logged.
    [Fact]
    public async Task When_storage_fails_before_the_case_record_is_written_nothing_was_stored_is_said_and_logged()
    {
        var healthy = NewDesk();
        var chat = await UpToConfirmationAsync(NewChat(healthy), Root);
        var beforeConfirm = chat.State;
        var logs = new CapturedLogs();
        var outage = new OutagePolicy(request => request.Method == Azure.Core.RequestMethod.Put && request.Uri.Path.Contains("/records/", StringComparison.Ordinal));
        var failing = new CaseDesk(ContainersWith(outage), _clock, NullLogger<CaseDesk>.Instance);
        var flaky = new Chat(new ConversationRunner(NewFlow(), failing, new LoggerFactory([logs]).CreateLogger<ConversationRunner>()),
            new TurnFacts(Alice, ChatKind.Personal, _clock, "{}", ConversationKey)) { State = beforeConfirm };

        var result = await flaky.SendAsync(Confirm(beforeConfirm.RequestId!));

        var error = Card<ErrorCardData>(result, CardNames.Error);
        Assert.Equal("Not submitted yet", error.Title);
        Assert.Contains("Nothing was stored", error.Hint.Value, StringComparison.Ordinal);
        Assert.Empty(await healthy.ListForRequesterAsync(Alice, default));
        var warning = Assert.Single(logs.All, e => e.Level == LogLevel.Warning);
        Assert.Contains(beforeConfirm.RequestId!, warning.Message, StringComparison.Ordinal);
        Assert.Contains("no case was filed", warning.Message, StringComparison.Ordinal);
        Assert.Null(warning.Exception);
    }

    private BlobContainers ContainersWith(params Azure.Core.Pipeline.HttpPipelinePolicy[] policies)
    {
        var options = new Azure.Storage.Blobs.BlobClientOptions { Retry = { MaxRetries = 1, Delay = TimeSpan.FromMilliseconds(10), NetworkTimeout = TimeSpan.FromSeconds(5) } };
        foreach (var policy in policies)
            options.AddPolicy(policy, Azure.Core.HttpPipelinePosition.PerRetry);
        return new BlobContainers(new Azure.Storage.Blobs.BlobServiceClient(_storage.ConnectionString, options), Microsoft.Extensions.Options.Options.Create(_storage));
    }

    [Fact]
    public async Task A_certificate_already_requested_for_an_environment_is_flagged_on_the_confirmation()
    {
        var desk = NewDesk();
        var first = await UpToConfirmationAsync(NewChat(desk), Root, "Production");
        await first.SendAsync(Confirm(first.State.RequestId!));

        var colleague = NewChat(desk, Bob);
        await colleague.SayAsync("new request");
        await colleague.SendAsync(new FileReceived("root.cer", TestCertificates.Der(Root)));
        var confirmation = Card<ConfirmationCardData>(
            await colleague.SendAsync(PickerSubmit(colleague.State.RequestId!, "Production,Test")), CardNames.Confirmation);

        var warning = Assert.Single(confirmation.Warnings, w => w.Code == FindingCodes.CertAlreadyRequested);
        Assert.Contains("CT-000001", warning.Message, StringComparison.Ordinal);
    }

    private static async Task<TurnResult> PickAsync(Chat chat, X509Certificate2 certificate, string environments, string host)
    {
        await chat.SendAsync(new FileReceived("server.cer", TestCertificates.Der(certificate)));
        return await chat.SendAsync(PickerSubmit(chat.State.RequestId!, environments, host: host));
    }

    [Fact]
    public async Task The_host_name_is_checked_against_the_certificates_names_on_the_confirmation()
    {
        var server = TestCertificates.SelfSignedServer("erp.example.com");

        var matching = Card<ConfirmationCardData>(
            await PickAsync(NewChat(), server, "Production", "ERP.example.com"), CardNames.Confirmation);
        Assert.Equal("erp.example.com", matching.HostName);
        Assert.Equal("good", matching.HostResultColor);

        var other = Card<ConfirmationCardData>(
            await PickAsync(NewChat(), server, "Production", "crm.example.com"), CardNames.Confirmation);
        Assert.Equal("warning", other.HostResultColor);
        Assert.Contains("crm.example.com", other.HostResult, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_expired_certificate_is_blocked_with_its_reason_and_nothing_is_kept()
    {
        var chat = NewChat();
        var result = await chat.SendAsync(new FileReceived("old-root.cer", TestCertificates.Der(TestCertificates.ExpiredRoot())));

        var report = Card<CertificateReportCardData>(result, CardNames.CertificateReport);
        Assert.Equal("Block", report.Verdict);
        Assert.Equal("⛔ Blocked: certificate has expired", report.VerdictText); // "Blocked" once, in the heading
        Assert.False(report.HasHeadline);
        Assert.Contains(report.Findings, f => f.Code == FindingCodes.CertExpired && f.Label == "⛔ Stops the request");
        Assert.Equal("File: old-root.cer", report.Source);
        Assert.Empty(result.Replies.OfType<TextReply>());
        // Sent with no request open: a blocked file leaves none open.
        Assert.Equal(ConversationStep.Idle, chat.State.Step);
        Assert.Empty(chat.State.Certificates);
    }

    [Fact]
    public async Task A_certificate_and_key_pasted_without_line_breaks_are_blocked_and_nothing_is_kept()
    {
        // What the Agents Playground sends for a paste: the line breaks dropped, END and BEGIN joined into ten dashes.
        var chat = NewChat();
        var glued = (TestCertificates.Pem(Root) + TestCertificates.PrivateKeyPem()).Replace("\n", "", StringComparison.Ordinal);

        var result = await chat.SayAsync(glued);

        var report = Card<CertificateReportCardData>(result, CardNames.CertificateReport);
        Assert.Equal("Block", report.Verdict);
        Assert.Contains(report.Findings, f => f.Code == FindingCodes.FilePrivateKey);
        Assert.DoesNotContain(result.Replies, r => r is CardReply { Template: CardNames.EnvironmentPicker });
        Assert.Equal(ConversationStep.Idle, chat.State.Step);
        Assert.Empty(chat.State.Certificates);
    }

    [Fact]
    public async Task A_pasted_private_key_is_blocked_like_a_file_and_nothing_is_kept()
    {
        var chat = NewChat();
        await chat.SayAsync("new request");
        var pasted = "<p>" + (TestCertificates.Pem(Root) + TestCertificates.PrivateKeyPem()).Replace("\n", "<br>", StringComparison.Ordinal) + "</p>";

        var result = await chat.SayAsync(pasted);

        var report = Card<CertificateReportCardData>(result, CardNames.CertificateReport);
        Assert.Contains(report.Findings, f => f.Code == FindingCodes.FilePrivateKey);
        Assert.Equal(ConversationStep.AwaitingCertificate, chat.State.Step);
        Assert.Empty(chat.State.Certificates);
    }

    [Fact]
    public async Task Pasted_pem_goes_on_to_the_environment_picker()
    {
        var chat = NewChat();
        var result = await chat.SayAsync("<p>" + TestCertificates.Pem(Root).Replace('\n', ' ') + "</p>");

        Card<EnvironmentPickerCardData>(result, CardNames.EnvironmentPicker);
        Assert.Equal(ConversationFlow.PastedFileName, chat.State.FileName);
    }

    [Fact]
    public async Task A_certificate_expiring_before_the_expected_completion_is_warned_about()
    {
        var server = TestCertificates.SelfSignedServer("erp.example.com", notAfter: TestCertificates.Now.AddDays(1));
        var chat = NewChat();
        var result = await chat.SendAsync(new FileReceived("soon.cer", TestCertificates.Der(server)));

        var report = Card<CertificateReportCardData>(result, CardNames.CertificateReport);
        Assert.Contains(report.Findings, f => f.Code == FindingCodes.CertExpiresBeforeCompletion);
    }

    // ---- What the state keeps of the certificate --------------------------------------------------------------

    private const string Preamble = "Hello support, here is the root of our ERP (exported by Contoso IT, ticket 4711).";
    private const string Closing = "Regards, Contoso IT: call +1 555 0100 if anything is unclear.";

    /// <summary>The state as the store writes it, read back as the raw JSON of its blob.</summary>
    private async Task<string> StoredJsonAsync(ConversationData state)
    {
        var containers = AzuriteFixture.CreateContainers(_storage);
        var store = new ConversationStateStore(containers);
        var key = $"{ConversationKey}/{Guid.NewGuid():N}";
        await store.SaveAsync(await store.LoadAsync(key, default), state, default);
        var blob = (await containers.StateAsync(default)).GetBlobClient(ConversationStateStore.BlobNameFor(key));
        return (await blob.DownloadContentAsync()).Value.Content.ToString();
    }

    private async Task<byte[]> FiledDerAsync(CaseCertificate certificate)
    {
        var blob = (await AzuriteFixture.CreateContainers(_storage).CertificatesAsync(default)).GetBlobClient(certificate.BlobName);
        return (await blob.DownloadContentAsync()).Value.Content.ToArray();
    }

    private static string Sha256(X509Certificate2 certificate) => Convert.ToHexString(SHA256.HashData(TestCertificates.Der(certificate)));

    [Fact]
    public async Task A_file_with_text_and_an_ignored_block_around_the_certificate_is_kept_as_the_certificate_alone()
    {
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var publicKeyBlock = other.ExportSubjectPublicKeyInfoPem();
        var file = Encoding.ASCII.GetBytes($"{Preamble}\n\n{TestCertificates.Pem(Root)}\nTheir key, in case you need it:\n{publicKeyBlock}\n{Closing}\n");
        var desk = NewDesk();
        var chat = NewChat(desk);
        await chat.SayAsync("new request");

        var arrived = await chat.SendAsync(new FileReceived("contoso-root.txt", file));

        var report = Card<CertificateReportCardData>(arrived, CardNames.CertificateReport);
        Assert.Equal("Accept", report.Verdict);
        Assert.Contains(report.Details, f => f.Code == FindingCodes.FileIgnoredBlock); // the check tolerated the block
        Assert.Equal(ConversationStep.AwaitingEnvironments, chat.State.Step);
        Assert.Equal("contoso-root.txt", chat.State.FileName);
        Assert.Equal([TestCertificates.Der(Root)], chat.State.Certificates);
        var json = await StoredJsonAsync(chat.State);
        Assert.Contains(Convert.ToBase64String(TestCertificates.Der(Root)), json, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(file), json, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(other.ExportSubjectPublicKeyInfo()), json, StringComparison.Ordinal);
        foreach (var fragment in new[] { Preamble, Closing, publicKeyBlock, "Their key", "4711", "PUBLIC KEY" })
        {
            Assert.DoesNotContain(fragment, json, StringComparison.Ordinal);
            Assert.DoesNotContain(Convert.ToBase64String(Encoding.ASCII.GetBytes(fragment)), json, StringComparison.Ordinal);
        }

        var confirmation = Card<ConfirmationCardData>(await chat.SendAsync(PickerSubmit(chat.State.RequestId!, "Production")), CardNames.Confirmation);
        Assert.Equal(report.Certificates.Select(c => (c.Role, c.Sha256)), confirmation.Certificates.Select(c => (c.Role, c.Sha256)));
        var receipt = Card<CaseReceiptCardData>(await chat.SendAsync(Confirm(chat.State.RequestId!)), CardNames.CaseReceipt);

        var filed = Assert.Single((await desk.FindAsync(receipt.CaseNumber, default))!.Certificates);
        Assert.Equal(Sha256(Root), filed.Sha256);
        Assert.Equal("contoso-root.txt", filed.FileName);
        Assert.Equal(TestCertificates.Der(Root), await FiledDerAsync(filed));
    }

    [Fact]
    public async Task A_bundle_of_a_root_and_its_server_certificate_keeps_both_and_files_both_with_the_same_roles_chain_and_warnings()
    {
        var root = TestCertificates.Root("Contoso Bundle Root CA");
        var leaf = TestCertificates.Leaf(root, "erp.example.com", notAfter: TestCertificates.Now.AddDays(20)); // expires soon: a warning to carry
        var file = Encoding.ASCII.GetBytes("Our chain:\r\n" + TestCertificates.Pem(leaf).Replace("\n", "\r\n", StringComparison.Ordinal) + TestCertificates.Pem(root));
        var desk = NewDesk();
        var chat = NewChat(desk);
        await chat.SayAsync("new request");

        var arrived = await chat.SendAsync(new FileReceived("chain.pem", file));

        var report = Card<CertificateReportCardData>(arrived, CardNames.CertificateReport);
        Assert.Equal("Warn", report.Verdict);
        Assert.Equal(["Server certificate", "Root CA"], report.Certificates.Select(c => c.Role));
        Assert.Contains(report.Findings, f => f.Code == FindingCodes.CertExpiresSoon);
        Assert.Equal([TestCertificates.Der(leaf), TestCertificates.Der(root)], chat.State.Certificates);

        var confirmed = await chat.SendAsync(PickerSubmit(chat.State.RequestId!, "Production", host: "erp.example.com"));
        var confirmation = Card<ConfirmationCardData>(confirmed, CardNames.Confirmation);
        Assert.Equal(report.Certificates.Select(c => (c.Role, c.Store, c.Sha256)), confirmation.Certificates.Select(c => (c.Role, c.Store, c.Sha256)));
        Assert.Equal(report.Findings.Select(f => (f.Code, f.Message)), confirmation.Warnings.Select(f => (f.Code, f.Message)));
        Assert.Equal("good", confirmation.HostResultColor);

        var receipt = Card<CaseReceiptCardData>(await chat.SendAsync(Confirm(chat.State.RequestId!)), CardNames.CaseReceipt);

        var filed = (await desk.FindAsync(receipt.CaseNumber, default))!;
        Assert.Equal([("Leaf", Sha256(leaf)), ("Root", Sha256(root))], filed.Certificates.Select(c => (c.Role, c.Sha256)));
        Assert.Equal(TestCertificates.Der(leaf), await FiledDerAsync(filed.Certificates[0]));
        Assert.Equal(TestCertificates.Der(root), await FiledDerAsync(filed.Certificates[1]));
        Assert.Equal(report.Findings.Select(f => f.Code), filed.Findings.Select(f => f.Code));
        Assert.Empty(chat.State.Certificates); // the request ended: nothing of it is kept
    }

    [Fact]
    public async Task Check_gives_a_report_and_stores_nothing()
    {
        var desk = NewDesk();
        var chat = NewChat(desk);
        await chat.SayAsync("check");
        var result = await chat.SendAsync(new FileReceived("root.cer", TestCertificates.Der(Root)));

        Card<CertificateReportCardData>(result, CardNames.CertificateReport);
        Assert.Contains("This was a check only", Card<CertificateReportCardData>(result, CardNames.CertificateReport).Next.Value, StringComparison.Ordinal);
        Assert.Equal(ConversationStep.Idle, chat.State.Step);
        Assert.Empty(await desk.ListForRequesterAsync(Alice, default));
    }

    [Fact]
    public async Task Status_lists_the_users_cases_and_one_case_only_for_its_tenant()
    {
        var desk = NewDesk();
        var chat = await UpToConfirmationAsync(NewChat(desk), Root);
        await chat.SendAsync(Confirm(chat.State.RequestId!));

        var list = Card<StatusCardData>(await chat.SayAsync("status"), CardNames.Status);
        Assert.Equal("CT-000001", Assert.Single(list.Cases).CaseNumber);
        Assert.Equal("Submitted", list.Cases[0].Status);

        var colleague = Card<StatusCardData>(await NewChat(desk, Bob).SayAsync("status CT-000001"), CardNames.Status);
        Assert.Equal("CT-000001", Assert.Single(colleague.Cases).CaseNumber);

        var stranger = await NewChat(desk, Mallory).SayAsync("status CT-000001");
        Assert.Equal("I couldn't find **CT-000001** among your cases. Type **status** to see all of them.", Text(stranger));
    }

    [Fact]
    public async Task Status_when_storage_is_down_says_to_try_again()
    {
        var chat = NewChat(NewDesk(_storage.WithConnectionString(ClosedPort())));
        var result = await chat.SayAsync("status");
        Assert.Equal(ConversationFlow.StorageUnavailableMessage, Card<ErrorCardData>(result, CardNames.Error).Message);
    }

    private static string ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"DefaultEndpointsProtocol=http;AccountName={AzuriteFixture.AccountName};AccountKey={AzuriteFixture.AccountKey};BlobEndpoint=http://127.0.0.1:{port}/{AzuriteFixture.AccountName};";
    }
}
