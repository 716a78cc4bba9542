using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using CertTrustBot.Cards;
using CertTrustBot.Cases;
using CertTrustBot.Certificates;
using CertTrustBot.Certificates.Endpoints;

namespace CertTrustBot.Conversation;

/// <summary>
/// The request conversation as a pure transition: (state, input, facts) → (state, replies, effect?). No I/O: the
/// runner executes the effect and feeds its outcome back through <see cref="Resume"/>. The state passed in is
/// never changed; every result carries a copy.
/// </summary>
public sealed partial class ConversationFlow
{
    /// <summary>What pasted text is called where a file's name would go: it has none ("the certificate you pasted").</summary>
    public const string PastedFileName = CardContent.PastedCertificate;

    /// <summary>On a case: the customer filed certificates without a root after being told the root is needed.</summary>
    public const string RootWaivedCode = "request.filed-without-root";

    public const string StorageUnavailableMessage = "Storage is temporarily unavailable, please try again in a minute.";

    /// <summary>The longest typed answer to a staff question.</summary>
    public const int MaxAnswerLength = 2000;

    private readonly EnvironmentCatalog _environments;
    private readonly SupportDeskOptions _supportDesk;
    private readonly Func<string> _newRequestId;
    private readonly Expiry.ExpiryWatch _expiry;

    /// <param name="newRequestId">Makes the RequestId of a new request; a random GUID by default (tests pass their own).</param>
    /// <param name="expiry">The expiry watch's settings (reminder days, margin, snooze); the defaults when null.</param>
    public ConversationFlow(EnvironmentCatalog environments, SupportDeskOptions supportDesk, Func<string>? newRequestId = null, Expiry.ExpiryOptions? expiry = null)
    {
        _environments = environments ?? throw new ArgumentNullException(nameof(environments));
        _supportDesk = supportDesk ?? throw new ArgumentNullException(nameof(supportDesk));
        _newRequestId = newRequestId ?? (() => Guid.NewGuid().ToString("N"));
        _expiry = new Expiry.ExpiryWatch(expiry ?? new Expiry.ExpiryOptions(), supportDesk);
    }

    /// <summary>When the support desk expects to have installed a certificate requested at <paramref name="requestedAt"/>.</summary>
    public DateTimeOffset ExpectedCompletion(DateTimeOffset requestedAt) =>
        ServiceLevel.AddBusinessDays(requestedAt, _supportDesk.SlaBusinessDays);

    /// <summary>One user input.</summary>
    public FlowResult Handle(ConversationData state, ConversationInput input, TurnFacts facts)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(facts);
        return input switch
        {
            // Installing the bot while its picker or confirmation is already on screen (the first message was a
            // certificate, and Teams' install event came after it): the card on screen says what to do next, and a
            // welcome after it would only push it up.
            ConversationStarted when state.Step is ConversationStep.AwaitingEnvironments or ConversationStep.AwaitingConfirmation =>
                new FlowResult(state, []),
            ConversationStarted => Welcome(state, facts),
            TextMessage text => OnText(state, text.Text, facts),
            CardAction action => OnCardAction(state, action, facts),
            FileReceived file when AwaitsAnswer(state, facts) => OnAnswer(state, file.FileName, file.Content, null),
            FileReceived file => OnCertificate(state, file.FileName, file.Content, facts),
            FileUnavailable missing => Say(state,
                (string.IsNullOrWhiteSpace(missing.FileName) ? "I couldn't get that file" : $"I couldn't get **{Markdown.Literal(missing.FileName)}**") +
                $": {Markdown.Literal(missing.Reason.TrimEnd('.'))}. " +
                (facts.ChatKind == ChatKind.Personal
                    ? "Attach the .cer file again, or paste its PEM text into a message."
                    : "Send the file in our 1:1 chat, or paste its PEM text into a message.")),
            _ => throw new ArgumentException($"Unknown input {input.GetType().Name}.", nameof(input)),
        };
    }

    /// <summary>The outcome of the effect the previous step asked for.</summary>
    public FlowResult Resume(ConversationData state, EffectOutcome outcome, TurnFacts facts)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(outcome);
        ArgumentNullException.ThrowIfNull(facts);
        return outcome switch
        {
            CertificateChecked checkedOutcome => OnChecked(state, checkedOutcome.Report, checkedOutcome.Check, facts),
            CaseSubmitted submitted => OnSubmitted(state, submitted.Case),
            QuestionAnswered answered => OnAnswered(state, answered),
            EndpointChecked endpoint => OnEndpointChecked(state, endpoint.Endpoint, facts),
            CasesFound found => OnCasesFound(state, found, facts),
            InventoryFound inventory => OnInventory(state, inventory, facts),
            RemovalFiled removal => OnRemovalFiled(state, removal.Case),
            SnoozeRecorded snoozed => OnSnoozed(state, snoozed),
            StorageUnavailable unavailable => OnStorageUnavailable(state, unavailable),
            _ => throw new ArgumentException($"Unknown outcome {outcome.GetType().Name}.", nameof(outcome)),
        };
    }

    // ---- Text and commands -------------------------------------------------------------------------------------

    private enum Command
    {
        None,
        Help,
        NewRequest,
        Check,
        CheckHost,
        Status,
        Cancel,
        Certificates,
        Remove,
    }

    // Both run on message text, so both are linear in it: the non-backtracking engine (see PastedPem). A backtracking
    // "<at\b[^>]*>.*?</at>" scanned to the end of the text from every "<at", quadratic in a message of "<at " repeated.
    internal static readonly Regex Mention = new(@"<at\b[^>]*>.*?</at>",
        RegexOptions.IgnoreCase | RegexOptions.Singleline | PastedPem.Linear, TimeSpan.FromSeconds(1));

    internal static readonly Regex CaseNumber = new(@"^CT-\d{1,12}$", RegexOptions.IgnoreCase | PastedPem.Linear, TimeSpan.FromSeconds(1));

    /// <summary>Whether <paramref name="text"/> asks for help (hi, help, ?...), by the same command list as a turn.</summary>
    public static bool IsHelp(string text) => ParseCommand(text).Command == Command.Help;

    private static (Command Command, string Argument) ParseCommand(string text)
    {
        var plain = PastedPem.ToPlainText(Mention.Replace(text, " "));
        var words = plain.ToLowerInvariant().Trim().TrimEnd('.', '!', '?').Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0)
            return (Command.None, "");
        var phrase = string.Join(' ', words);
        return phrase switch
        {
            "hi" or "hello" or "hey" or "help" or "?" or "start" or "menu" => (Command.Help, ""),
            "new request" or "new" or "request" or "new certificate" => (Command.NewRequest, ""),
            "check" or "check certificate" or "check a certificate" => (Command.Check, ""),
            "status" or "my cases" or "cases" => (Command.Status, ""),
            "cancel" or "stop" or "quit" or "abort" => (Command.Cancel, ""),
            "my certificates" or "certificates" or "my certs" or "installed" => (Command.Certificates, ""),
            _ when words[0] == "remove" => (Command.Remove, string.Join(' ', words[1..])),
            _ when words[0] == "status" => (Command.Status, string.Join(' ', words[1..])),
            _ when words[0] == "check" && words.Length == 2 => (Command.CheckHost, words[1]),
            _ when words.Length == 1 && CaseNumber.IsMatch(phrase) => (Command.Status, phrase),
            _ => (Command.None, phrase),
        };
    }

    private FlowResult OnText(ConversationData state, string text, TurnFacts facts)
    {
        // The length first, before anything reads the text (mention, tags, PEM): every step below is linear in the
        // text, and this bounds the text.
        if (text.Length > TextMessage.MaxLength)
        {
            return Say(state,
                $"That message is too long for me to read ({(text.Length + 1023) / 1024} KB; I read up to {TextMessage.MaxLength / 1024} KB): " +
                SendAFileInstead(state, facts));
        }

        try
        {
            return ReadText(state, text, facts);
        }
        catch (RegexMatchTimeoutException)
        {
            // A last guard (the patterns are linear): say what happened, not "storage unavailable" (see TeamsBotAdapter).
            return Say(state, "That message took me too long to read, so I didn't act on it: " + SendAFileInstead(state, facts));
        }
    }

    private static string SendAFileInstead(ConversationData state, TurnFacts facts) =>
        (facts.ChatKind == ChatKind.Personal
            ? "attach the certificate as a file instead."
            : "send the certificate as a file in our 1:1 chat instead.") +
        (AwaitsAnswer(state, facts)
            ? $" I added nothing to **{state.Questions[^1].CaseNumber}**: its question still waits for your answer."
            : "");

    private FlowResult ReadText(ConversationData state, string text, TurnFacts facts)
    {
        // While a staff question waits, the next message is the answer; a command is still a command (one list for both).
        if (AwaitsAnswer(state, facts) && ParseCommand(text).Command == Command.None)
            return OnAnswerText(state, text);

        var pem = PastedPem.Extract(text);
        if (pem.Status == PemExtractionStatus.Found)
            return OnCertificate(state, PastedFileName, pem.ToBytes(), facts);
        if (pem.Status == PemExtractionStatus.Incomplete)
        {
            return Say(state,
                "I see PEM text, but I couldn't read a complete certificate from it: it may have been cut off or changed on the way. " +
                "Paste the whole text, from -----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----, or attach the .cer file in our 1:1 chat.");
        }

        var (command, argument) = ParseCommand(text);
        return command switch
        {
            Command.Help => Welcome(state, facts),
            Command.NewRequest => StartRequest(state, facts),
            Command.Check => StartCheck(state),
            Command.CheckHost => CheckHost(state, argument),
            Command.Status => Status(state, argument, facts),
            Command.Cancel => Cancel(state),
            Command.Certificates => Inventory(state, InventoryPurpose.List, null, null, facts),
            Command.Remove when !CaseNumber.IsMatch(argument) => Say(state,
                $"“{Markdown.Literal(argument)}” is not a case number. Write **remove CT-000042** with the case that installed the certificate; **my certificates** lists them."),
            Command.Remove => Inventory(state, InventoryPurpose.Remove, argument.ToUpperInvariant(), null, facts),
            _ => NotUnderstood(state, facts),
        };
    }

    private FlowResult NotUnderstood(ConversationData state, TurnFacts facts) => state.Step switch
    {
        ConversationStep.AwaitingCertificate => Say(state,
            "I found no certificate in that text. Attach the .cer file, or paste its PEM text, from -----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----. Type **cancel** to stop."),
        ConversationStep.AwaitingEnvironments => new FlowResult(state,
            [new TextReply("Pick the environments on the card and press **Continue**, or type **cancel** to stop."), Picker(state, null, null)]),
        ConversationStep.AwaitingConfirmation => Say(state,
            "Press **Confirm** on the summary card to send the request, or type **cancel** to stop."),
        _ => Say(state, facts.ChatKind == ChatKind.Personal
            ? "I found no certificate in that text, and it isn't one of my commands. Send me a certificate file or paste its PEM text to start a request, or type **help** to see what I can do."
            : "I found no certificate in that text, and it isn't one of my commands. Type **help** to see what I can do."),
    };

    private static FlowResult Welcome(ConversationData state, TurnFacts facts)
    {
        var personal = facts.ChatKind == ChatKind.Personal;
        List<CommandItem> commands =
        [
            new("new request", new(personal ? "Ask for a certificate to be trusted by your cloud servers." : "Ask for a certificate to be trusted (in our 1:1 chat).")),
            new("check", new("Get a report on a certificate; nothing is stored.")),
            new("check api.example.com", new("See which certificate a server presents, and which one your servers need to trust.")),
            new("status", new("See your cases; **status CT-000042** shows one case.")),
            new("my certificates", new("See your installed certificates: where, when they expire, the last day to ask for a new one.")),
            new("cancel", new("Stop the request in progress; nothing is stored.")),
        ];
        var inProgress = InProgress(state);
        var data = new WelcomeCardData(
            "Certificate trust requests",
            "I get a certificate trusted by your cloud servers: I check it, ask which environments need it, and open a support case. " +
            "Support staff add it to the Trusted Root store of every front-end server and I tell you when it's done.",
            new MarkdownText("Send the **root CA certificate** of the external system your servers call (.cer, .crt or .pem, DER or Base64), " +
                "or paste its PEM text. Never send a .pfx or a private key." +
                (personal ? "" : " Files reach me only in our 1:1 chat.")),
            commands,
            inProgress.Length > 0,
            new MarkdownText(inProgress),
            personal);
        return new FlowResult(state, [new CardReply(CardNames.Welcome, data, "What I do, what to send, and the commands: new request, check, status, cancel.")]);
    }

    private static string InProgress(ConversationData state) => (state.Step, state.Mode) switch
    {
        (ConversationStep.Idle, _) when state.Questions.Count > 0 =>
            $"Support staff wait for your answer on **{state.Questions[^1].CaseNumber}**: {Markdown.Literal(state.Questions[^1].Question)}",
        (ConversationStep.Idle, _) => "",
        (ConversationStep.AwaitingCertificate, ConversationMode.CheckOnly) => "You asked for a check: I'm waiting for the certificate.",
        (ConversationStep.AwaitingCertificate, _) => "You have a request in progress: I'm waiting for the certificate.",
        (ConversationStep.AwaitingEnvironments, _) => $"You have a request in progress for **{Markdown.Literal(state.FileName)}**: I'm waiting for the environments.",
        _ => $"You have a request in progress for **{Markdown.Literal(state.FileName)}**: it waits for your confirmation.",
    };

    private FlowResult StartRequest(ConversationData state, TurnFacts facts)
    {
        if (facts.ChatKind != ChatKind.Personal)
        {
            return Say(state,
                "Requests are made in our 1:1 chat, where you can send me the file. Open a chat with me and send **new request**. " +
                "Here I can **check** a certificate whose PEM text you paste.");
        }

        var dropped = Dropped(state);
        var next = NewRequest(state);
        return Say(next,
            dropped +
            "Let's start. Send me the certificate your servers must trust: attach the .cer file, or paste its PEM text. " +
            "It should be the **root CA** certificate of the external system (or a bundle with it), not a .pfx or a private key." +
            QuestionWaits(state));
    }

    /// <summary>A new request, waiting for its certificate, with a new request id; whatever was in progress is dropped.</summary>
    private ConversationData NewRequest(ConversationData state) =>
        Fresh(state) with { Step = ConversationStep.AwaitingCertificate, Mode = ConversationMode.Request, RequestId = _newRequestId() };

    /// <summary>What starting afresh says when a request was in progress.</summary>
    private static string Dropped(ConversationData state) =>
        state.Step != ConversationStep.Idle && state.Mode == ConversationMode.Request
            ? "I dropped the request you had started (nothing of it was stored). "
            : "";

    private static FlowResult StartCheck(ConversationData state)
    {
        var dropped = Dropped(state);
        var next = Fresh(state) with { Step = ConversationStep.AwaitingCertificate, Mode = ConversationMode.CheckOnly };
        return Say(next, dropped + "Send me the certificate to check: attach the file or paste its PEM text. I'll only report on it; nothing is stored." + QuestionWaits(state));
    }

    private static FlowResult Status(ConversationData state, string argument, TurnFacts facts)
    {
        if (facts.ChatKind != ChatKind.Personal)
            return Say(state, "Ask me for **status** in our 1:1 chat, so that your cases aren't shown to others here.");
        if (argument.Length == 0)
            return new FlowResult(state, [], new ShowStatus(facts.User, null));
        if (!CaseNumber.IsMatch(argument))
            return Say(state, $"“{Markdown.Literal(argument)}” is not a case number. Case numbers look like **CT-000042**; type **status** to see all your cases.");
        return new FlowResult(state, [], new ShowStatus(facts.User, argument.ToUpperInvariant()));
    }

    private static FlowResult Cancel(ConversationData state)
    {
        if (state.Step == ConversationStep.Idle)
            return Say(state, "There's no request in progress, so there's nothing to cancel.");
        var what = state.Mode == ConversationMode.CheckOnly ? "the check" : "your request";
        return Say(Fresh(state), $"Cancelled {what}. Nothing was stored. Send **new request** whenever you want to start again.");
    }

    // ---- Certificates ------------------------------------------------------------------------------------------

    private FlowResult OnCertificate(ConversationData state, string fileName, ReadOnlyMemory<byte> content, TurnFacts facts)
    {
        var name = string.IsNullOrWhiteSpace(fileName) ? "certificate" : fileName.Trim();
        if (state.Step == ConversationStep.AwaitingCertificate && state.Mode == ConversationMode.CheckOnly)
            return new FlowResult(state, [], new CheckCertificate(name, content, null, [], CheckPurpose.ReportOnly));

        if (facts.ChatKind != ChatKind.Personal)
        {
            // Outside a 1:1 chat there are no requests: a certificate pasted here gets a report only.
            return new FlowResult(state, [], new CheckCertificate(name, content, null, [], CheckPurpose.ReportOnly));
        }

        // A new certificate in the middle of a request replaces the pending one (once it passes the check, see
        // OnChecked); the request (and its id) goes on.
        var opens = state.Step == ConversationStep.Idle || state.RequestId is null;
        var next = opens
            ? NewRequest(state)
            : state;
        return new FlowResult(next, [], new CheckCertificate(name, content, null, [], CheckPurpose.NewCertificate) { OpensRequest = opens });
    }

    /// <summary>Said when a certificate that passed the check replaces the one a request already had.</summary>
    private static IEnumerable<Reply> Replacing(ConversationData state, string name)
    {
        if (state.Step is not (ConversationStep.AwaitingEnvironments or ConversationStep.AwaitingConfirmation) || state.FileName is null)
            yield break;
        // Pasted text is always "pasted-certificate.pem": "X instead of X" would read as a mistake.
        yield return new TextReply(name == state.FileName
            ? "I'll use this certificate instead of the one you sent before."
            : $"I'll use **{Markdown.Literal(name)}** instead of **{Markdown.Literal(state.FileName)}**.");
    }

    // The report card, with what happens now on it: the card says why (its findings) and what next, once; no text
    // message repeats it.
    private static CardReply ReportCard(CertificateReport report, CheckCertificate check, string? next = null) =>
        new(CardNames.CertificateReport, CardContent.Report(report, next is null ? null : new MarkdownText(next)), $"{check.FileName}: {report.Headline}");

    private FlowResult OnChecked(ConversationData state, CertificateReport report, CheckCertificate check, TurnFacts facts)
    {
        var reportCard = ReportCard(report, check);
        switch (check.Purpose)
        {
            case CheckPurpose.ReportOnly:
                var after = report.Verdict == Verdict.Block
                    ? "This was a check only: nothing was stored."
                    : facts.ChatKind == ChatKind.Personal
                        ? "This was a check only: nothing was stored. To have it installed, send **new request** and then the certificate."
                        : "This was a check only: nothing was stored. To have it installed, send it to me in our 1:1 chat.";
                var idle = state.Mode == ConversationMode.CheckOnly || state.Step == ConversationStep.AwaitingCertificate && state.RequestId is null
                    ? Fresh(state)
                    : state;
                return new FlowResult(idle, [ReportCard(report, check, after)]);

            // A certificate sent with no request open opened one only to carry it: blocked, it leaves none open.
            case CheckPurpose.NewCertificate when report.Verdict == Verdict.Block && check.OpensRequest:
                return new FlowResult(Fresh(state), [ReportCard(report, check, "Nothing of it was kept. Send another certificate whenever you have it.")]);

            case CheckPurpose.NewCertificate when report.Verdict == Verdict.Block:
                return new FlowResult(
                    WithoutCertificate(state),
                    [ReportCard(report, check, "Nothing of it was kept. Send the right certificate when you have it, or type **cancel**.")]);

            case CheckPurpose.NewCertificate when MissingRoot(report) is { } root:
                // Installing a server certificate or an intermediate in Trusted Root fixes nothing: the request waits
                // for the root (or a self-signed certificate), unless the customer explicitly files it anyway.
                var holding = state with
                {
                    Step = ConversationStep.AwaitingCertificate,
                    FileName = check.FileName,
                    Certificates = report.Storable.Select(c => c.Der.ToArray()).ToList(),
                    MissingRoot = root,
                    RootWaived = false,
                };
                return new FlowResult(holding, [.. Replacing(state, check.FileName), reportCard, RootNeededCard(holding, report)]);

            case CheckPurpose.NewCertificate:
                var waiting = state with
                {
                    Step = ConversationStep.AwaitingEnvironments,
                    FileName = check.FileName,
                    // What the check accepted, never the file: the later checks run on these (see PendingBundle).
                    Certificates = report.Storable.Select(c => c.Der.ToArray()).ToList(),
                    MissingRoot = null,
                    RootWaived = false,
                };
                // A renewal knows its environments and host already (the old case's): straight to the confirmation,
                // through the same check with them as any request.
                if (waiting.Renews is not null && waiting.Environments.Count > 0)
                {
                    return new FlowResult(waiting, [.. Replacing(state, check.FileName), reportCard], new CheckCertificate(
                        check.FileName, PendingBundle(waiting), waiting.HostName, waiting.Environments, CheckPurpose.Confirmation));
                }
                return new FlowResult(waiting, [.. Replacing(state, check.FileName), reportCard, Picker(waiting, null, null)]);

            case CheckPurpose.Confirmation or CheckPurpose.Submission when report.Verdict == Verdict.Block:
                return new FlowResult(
                    WithoutCertificate(state),
                    [ReportCard(report, check, "Nothing was submitted. Send another certificate, or type **cancel**.")]);

            case CheckPurpose.Confirmation:
                var confirming = state with
                {
                    Step = ConversationStep.AwaitingConfirmation,
                    Environments = check.Environments,
                    HostName = check.HostName,
                };
                // The picker that was used becomes what was chosen: its Continue is spent.
                return new FlowResult(confirming, [new ReplaceUsedCard(Chosen(confirming)), Confirmation(confirming, report, facts)]);

            case CheckPurpose.Submission:
                return new FlowResult(state, [], new SubmitCase(Draft(state, report, facts)));

            case CheckPurpose.Answer:
                return OnAnswerChecked(state, report, check, reportCard);

            default:
                throw new ArgumentOutOfRangeException(nameof(check), check.Purpose, "Unknown check purpose.");
        }
    }

    /// <summary>
    /// The root CA to ask for when the certificates hold no self-signed one (a CA-issued server certificate, an
    /// intermediate, a chain without its root): the issuer of the top certificate sent. Null when there is one.
    /// </summary>
    private static string? MissingRoot(CertificateReport report)
    {
        if (report.Certificates.Count == 0 || report.Certificates.Any(c => c.IsSelfSigned))
            return null;
        var top = report.Chain.Count > 0 && report.Chain[^1] >= 0 && report.Chain[^1] < report.Certificates.Count
            ? report.Certificates[report.Chain[^1]]
            : report.Certificates[0];
        return top.Issuer.Length > 0 ? top.Issuer : "(the issuer has no name)";
    }

    private static CardReply RootNeededCard(ConversationData state, CertificateReport report)
    {
        var root = state.MissingRoot ?? "";
        var server = report.Certificates.FirstOrDefault(c => c.Role == CertificateRole.Leaf);
        var host = server?.SubjectAlternativeNames.FirstOrDefault(n => !n.StartsWith('*') && EndpointTarget.TryParse(n, out _) is { IsIpAddress: false });
        var what = server is not null
            ? $"**{Markdown.Literal(CardContent.CommonName(server.Subject))}** is the server's own certificate, issued by a CA."
            : "This holds only CA certificates issued by another CA, without the root at the top.";
        var message = new MarkdownText(
            what + $" Your servers trust it only through the root CA **{Markdown.Literal(root)}**, and that root is what support staff " +
            "install in the Trusted Root store: installing this file instead would not fix the connection. Send me the root certificate to go on.");
        var how = new MarkdownText(
            "To get it: ask the system's owner for the root certificate as a .cer file, or open the system's address in a browser, view its " +
            "certificate, select the certificate at the top of the certification path and export it (Base64 .cer)." +
            (host is not null
                ? $" Or give me the host and I'll look at what the server sends: **check {Markdown.Literal(host)}**."
                : " Or give me the host and I'll look at what the server sends: **check** followed by the host name."));
        var data = new RootNeededCardData(state.RequestId ?? "", state.FileName ?? "", root, message, how);
        return new CardReply(CardNames.RootNeeded, data, $"The root CA {root} is needed, not this certificate.");
    }

    // ---- A live server ("check HOST") --------------------------------------------------------------------------

    private static FlowResult CheckHost(ConversationData state, string argument)
    {
        if (EndpointTarget.TryParse(argument, out var error) is not { } target)
        {
            return Say(state,
                $"I can't look at “{Markdown.Literal(argument)}”: {Markdown.Literal(error ?? "")} " +
                "For example: **check api.example.com**, **check api.example.com:8443** or **check https://api.example.com/path**.");
        }
        return new FlowResult(state, [], new CheckEndpoint(target));
    }

    private static FlowResult OnEndpointChecked(ConversationData state, EndpointReport endpoint, TurnFacts facts)
    {
        var fetch = endpoint.Fetch;
        var where = Markdown.Literal(fetch.Target.Display);
        var cleared = state with { EndpointHost = null, EndpointCertificate = null };
        if (fetch.Outcome == EndpointOutcome.Refused)
        {
            return Say(cleared,
                $"I won't look at **{where}**: {Markdown.Literal(fetch.Detail.TrimEnd('.'))}. I only connect to servers on the internet, on the usual TLS ports. " +
                "Ask the system's owner for the root certificate and send it to me as a file instead.");
        }
        if (!endpoint.Connected)
        {
            var finding = endpoint.Report.Findings[0];
            return Say(cleared,
                $"I couldn't get a certificate from **{where}**: {Markdown.Literal(finding.Message.TrimEnd('.'))}. {Markdown.Literal(finding.Advice)}");
        }

        var report = endpoint.Report;
        var personal = facts.ChatKind == ChatKind.Personal;
        var data = CardContent.Report(report) with { Source = $"Server: {report.FileName}" };
        if (endpoint.TrustAnchorIndex is { } anchor)
        {
            var certificate = report.Certificates[anchor];
            var next = cleared with { EndpointHost = fetch.Target.Host, EndpointCertificate = endpoint.TrustAnchor };
            data = data with { HasTrustRequest = personal, TrustHost = fetch.Target.Host, TrustSha256 = certificate.Sha256 };
            var what = anchor == 0 ? "its own self-signed certificate" : "its root CA";
            var after = $"**{where}** sends {what}, **{Markdown.Literal(CardContent.CommonName(certificate.Subject))}** (SHA-1 {certificate.Sha1}): " +
                "that is the certificate your servers need to trust. " +
                (personal
                    ? "Press **Request trust for this certificate** to ask for it; I'll check it like a file and fill in the host name."
                    : "To request trust for it, send **check** with this host in our 1:1 chat.");
            return new FlowResult(next, [new CardReply(CardNames.CertificateReport, data with { Next = new MarkdownText(after) }, $"{fetch.Target.Display}: {report.Headline}")]);
        }

        var root = endpoint.MissingRoot ?? "";
        var ask = $"**{where}** doesn't send the certificate your servers need: the root CA **{Markdown.Literal(root)}**. " +
            "Ask the system's owner for it as a .cer file, or export it: open the address in a browser, view its certificate, " +
            "select the certificate at the top of the certification path and export it (Base64 .cer). Then send it to me" +
            (personal ? " after **new request**." : " in our 1:1 chat.");
        return new FlowResult(cleared, [new CardReply(CardNames.CertificateReport, data with { Next = new MarkdownText(ask) }, $"{fetch.Target.Display}: {report.Headline}")]);
    }

    private FlowResult RequestTrust(ConversationData state, IReadOnlyDictionary<string, string> values, TurnFacts facts)
    {
        if (facts.ChatKind != ChatKind.Personal)
            return Say(state, "Requests are made in our 1:1 chat: send **check** with the host there, then press **Request trust for this certificate**.");
        var sha256 = values.TryGetValue(CardActions.Sha256Key, out var s) ? s : "";
        if (state.EndpointCertificate is not { } der || state.EndpointHost is not { } host
            || !string.Equals(Convert.ToHexString(SHA256.HashData(der)), sha256, StringComparison.OrdinalIgnoreCase))
        {
            return Say(state, "That button belongs to an earlier look at a server. Send **check** with the host again, and press the button on the new report.");
        }

        var dropped = Dropped(state);
        var next = NewRequest(state) with { HostName = host };
        // The same checks as a file the customer sends: the certificate came from a stranger's server.
        var result = new FlowResult(next, [], new CheckCertificate(host + ".cer", der, host, [], CheckPurpose.NewCertificate));
        return dropped.Length == 0 ? result : result with { Replies = [new TextReply(dropped.Trim())] };
    }

    private FlowResult FileAnyway(ConversationData state, string? requestId)
    {
        if (requestId is null || requestId != state.RequestId || state.Step != ConversationStep.AwaitingCertificate
            || state.MissingRoot is null || state.Certificates.Count == 0)
        {
            return Stale(state, "That card", "nothing was changed");
        }
        var next = state with { Step = ConversationStep.AwaitingEnvironments, RootWaived = true };
        return new FlowResult(next,
        [
            new TextReply($"Noted: you'll file **{Markdown.Literal(state.FileName)}** without its root CA **{Markdown.Literal(state.MissingRoot)}**. " +
                "Your choice is recorded on the case, and support staff will see it."),
            Picker(next, null, null),
        ]);
    }

    // ---- Finished states of used cards -------------------------------------------------------------------------

    private static CardReply Finished(string title, string color, IReadOnlyList<FactItem> facts, string note, string summary) =>
        new(CardNames.Finished, new FinishedCardData(title, color, facts, new MarkdownText(note)), summary);

    // The picker once Continue went through: what was chosen.
    private static CardReply Chosen(ConversationData state)
    {
        List<FactItem> facts = [new("Environments", string.Join(", ", state.Environments))];
        if (state.HostName is { } host)
            facts.Add(new("Host", host));
        // The question the picker asked, and the answer: a card that was used, not a new message.
        return Finished("Which environments need this certificate?", "default", facts, "", $"Environments chosen: {string.Join(", ", state.Environments)}.");
    }

    // The confirmation card once confirmed: the receipt that follows names the case and says the rest.
    private static CardReply Confirmed(SupportCase submitted) =>
        Finished("Request confirmed", "good", [], "", $"Confirmed: case {submitted.CaseNumber}.");

    // ---- Answers to staff questions ----------------------------------------------------------------------------

    // Answers are taken in the 1:1 chat only, where the question was sent, and only while no request or check is in
    // progress: what the customer sends during one belongs to it (they asked for it), and the question waits.
    private static bool AwaitsAnswer(ConversationData state, TurnFacts facts) =>
        state.Questions.Count > 0 && facts.ChatKind == ChatKind.Personal && state.Step == ConversationStep.Idle;

    // Said when a request or check starts while a question waits, so the customer knows where their next file goes.
    private static string QuestionWaits(ConversationData state) => state.Questions.Count == 0
        ? ""
        : $" (**{state.Questions[^1].CaseNumber}** still waits for your answer; once this is done or cancelled, your next message goes to it.)";

    // Everything a customer answers goes through the certificate engine first, as a request's file does: a key, a
    // .pfx or a file that is not a certificate is refused with the same words, and nothing of it is kept.
    private static FlowResult OnAnswerText(ConversationData state, string text)
    {
        var pem = PastedPem.Extract(text);
        switch (pem.Status)
        {
            case PemExtractionStatus.Found:
                return OnAnswer(state, "the text you pasted", pem.ToBytes(), null);
            case PemExtractionStatus.Incomplete:
                return Say(state,
                    $"I see PEM text in your answer, but I couldn't read a complete block from it, so I added nothing to **{state.Questions[^1].CaseNumber}**. " +
                    "Paste the whole certificate, from -----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----, or attach the file. Never send a private key.");
        }

        var plain = PastedPem.ToPlainText(text).Trim();
        if (plain.Length == 0)
            return Say(state, $"Your answer was empty, so I added nothing to **{state.Questions[^1].CaseNumber}**.");
        if (plain.Length > MaxAnswerLength)
        {
            return Say(state,
                $"Your answer is {Numbers.Format(plain.Length)} characters long; keep it under {Numbers.Format(MaxAnswerLength)} (attach a file for more). " +
                $"I added nothing to **{state.Questions[^1].CaseNumber}**: its question still waits for your answer.");
        }
        return OnAnswer(state, "your answer", System.Text.Encoding.UTF8.GetBytes(plain), plain);
    }

    private static FlowResult OnAnswer(ConversationData state, string fileName, ReadOnlyMemory<byte> content, string? text) =>
        new(state, [], new CheckCertificate(string.IsNullOrWhiteSpace(fileName) ? "certificate" : fileName.Trim(), content, null, [], CheckPurpose.Answer)
        {
            AnswerText = text,
        });

    private FlowResult OnAnswerChecked(ConversationData state, CertificateReport report, CheckCertificate check, CardReply reportCard)
    {
        var question = state.Questions[^1];
        var blocks = report.Findings.Where(f => f.Severity == Severity.Block).ToList();
        if (check.AnswerText is { } text && blocks.Count > 0 && blocks.All(f => f.Code == FindingCodes.FileText))
            return new FlowResult(state, [], new AnswerQuestion(question, new CaseAnswerDraft(_newRequestId(), text, "", [])));

        if (report.Verdict == Verdict.Block || report.Storable.Count == 0)
        {
            return new FlowResult(state,
                [ReportCard(report, check, $"I added nothing of it to **{question.CaseNumber}**: its question still waits for your answer.")]);
        }

        var certificates = report.Storable.Select(c => new CaseCertificateContent(c.Role.ToString(), c.Subject, c.Issuer, c.NotAfter, c.Sha256, c.Sha1, c.Der.ToArray())).ToList();
        return new FlowResult(state, [reportCard], new AnswerQuestion(question, new CaseAnswerDraft(_newRequestId(), null, check.FileName, certificates)));
    }

    private static FlowResult OnAnswered(ConversationData state, QuestionAnswered answered)
    {
        var number = answered.Effect.Question.CaseNumber;
        // Answered, or the case no longer waits: either way no question of that case waits in this chat any more.
        var next = state with { Questions = state.Questions.Where(q => q.CaseNumber != number).ToList() };
        var still = next.Questions.Count > 0
            ? $" **{next.Questions[^1].CaseNumber}** still waits for your answer to: {Markdown.Literal(next.Questions[^1].Question)}"
            : "";
        return answered.Result switch
        {
            { Outcome: CaseEventOutcome.Recorded } => Say(next,
                $"Thank you: I added your answer to **{number}** and passed it to the support staff. Type **status {number}** at any time to see where it stands." + still),
            { Outcome: CaseEventOutcome.NotAllowed, Case: { } current } => Say(next,
                $"**{number}** no longer waits for an answer (it is {CaseDesk.Describe(current.Status).ToLowerInvariant()} now), so I added nothing to it." + still),
            _ => Say(next, $"I couldn't find **{number}** any more, so I added nothing to it." + still),
        };
    }

    // ---- Card actions ------------------------------------------------------------------------------------------

    private FlowResult OnCardAction(ConversationData state, CardAction action, TurnFacts facts)
    {
        var requestId = action.Values.TryGetValue(CardActions.RequestIdKey, out var id) && id.Length > 0 ? id : null;
        return action.Action switch
        {
            CardActions.NewRequest => StartRequest(state, facts),
            CardActions.Check => StartCheck(state),
            CardActions.Status => Status(state, "", facts),
            CardActions.Cancel when requestId is null => Cancel(state),
            CardActions.Cancel => CancelFromCard(state, requestId),
            CardActions.Environments => OnEnvironments(state, action.Values, requestId, facts),
            CardActions.Confirm => OnConfirm(state, requestId),
            CardActions.Renew or CardActions.Remove or CardActions.Snooze when
                !action.Values.TryGetValue(CardActions.CaseNumberKey, out var number) || !CaseNumber.IsMatch(number) =>
                Say(state, "That button carries no case number; it may be from an older version of a card. Type **my certificates** to see yours."),
            CardActions.Renew => Inventory(state, InventoryPurpose.Renew, action.Values[CardActions.CaseNumberKey].ToUpperInvariant(), null, facts),
            CardActions.Remove => Inventory(state, InventoryPurpose.Remove, action.Values[CardActions.CaseNumberKey].ToUpperInvariant(), null, facts),
            CardActions.Snooze => Inventory(state, InventoryPurpose.Snooze, action.Values[CardActions.CaseNumberKey].ToUpperInvariant(),
                action.Values.GetValueOrDefault(CardActions.Sha256Key), facts),
            CardActions.RequestTrust => RequestTrust(state, action.Values, facts),
            CardActions.FileAnyway => FileAnyway(state, requestId),
            _ => Say(state, "I didn't recognise that button; it may be from an older version of a card. Type **help** to see what I can do."),
        };
    }

    private static FlowResult CancelFromCard(ConversationData state, string requestId)
    {
        if (requestId == state.RequestId && state.Step != ConversationStep.Idle)
        {
            // The card whose Cancel was pressed says so itself, instead of a message under it.
            var what = state.Mode == ConversationMode.CheckOnly ? "Check cancelled" : "Request cancelled";
            var cancelled = Finished(what, "default", [], "Nothing was stored. Send **new request** whenever you want to start again.", $"{what}.");
            return new FlowResult(Fresh(state), [new ReplaceUsedCard(cancelled) { OrSend = true }]);
        }
        if (requestId == state.LastRequestId)
        {
            return Say(state,
                $"That request was already submitted as **{state.LastCaseNumber}**, so it can't be cancelled from this card. " +
                "Ask the support desk if it should be withdrawn.");
        }

        return state.Step == ConversationStep.Idle
            ? Say(state, "That card belongs to a request that has already ended; there's nothing to cancel.")
            : Say(state, "That card belongs to an earlier request; your current request is still open. Type **cancel** to end it.");
    }

    private FlowResult OnEnvironments(ConversationData state, IReadOnlyDictionary<string, string> values, string? requestId, TurnFacts facts)
    {
        var current = requestId is not null && requestId == state.RequestId
            && state.Step is ConversationStep.AwaitingEnvironments or ConversationStep.AwaitingConfirmation;
        if (!current)
            return Stale(state, "That environment card", "nothing was changed");

        if (state.Certificates.Count == 0 || state.FileName is null)
        {
            return Say(WithoutCertificate(state),
                "I no longer have the certificate of this request. Send it again (attach the file or paste its PEM text).");
        }

        var choice = EnvironmentChoice.Read(values, _environments);
        // The picker itself shows what is wrong, with what was chosen kept: said once, on the card that was used.
        if (choice.Error is { } error)
            return new FlowResult(state, [new ReplaceUsedCard(Picker(state, choice, error)) { OrSend = true }]);

        // The state changes only once the certificate has been re-checked with the host name (see OnChecked).
        return new FlowResult(state, [], new CheckCertificate(
            state.FileName, PendingBundle(state), choice.HostName, choice.Environments, CheckPurpose.Confirmation));
    }

    private static FlowResult OnConfirm(ConversationData state, string? requestId)
    {
        if (requestId is not null && requestId == state.LastRequestId && requestId != state.RequestId)
            return Say(state, $"Already submitted as **{state.LastCaseNumber}**; no second case was made. Type **status {state.LastCaseNumber}** to follow it.");

        if (state.Step == ConversationStep.AwaitingConfirmation && requestId is not null && requestId == state.RequestId)
        {
            if (state.Certificates.Count == 0 || state.FileName is null)
            {
                return Say(WithoutCertificate(state),
                    "I no longer have the certificate of this request. Send it again (attach the file or paste its PEM text).");
            }

            // Re-check before submitting: the draft is built from the report, and a certificate may have expired meanwhile.
            return new FlowResult(state, [], new CheckCertificate(
                state.FileName, PendingBundle(state), state.HostName, state.Environments, CheckPurpose.Submission));
        }

        return Stale(state, "That confirmation card", "nothing was submitted");
    }

    // An old card's submit: say so, say what is expected now, change nothing.
    private static FlowResult Stale(ConversationData state, string what, string consequence)
    {
        var now = state.Step switch
        {
            ConversationStep.Idle => "Send **new request** to start again.",
            ConversationStep.AwaitingCertificate => "Right now I'm waiting for a certificate.",
            ConversationStep.AwaitingEnvironments => "Right now I'm waiting for the environments, on the latest card.",
            _ => "Right now your request waits for confirmation on the latest summary card.",
        };
        return Say(state, $"{what} belongs to a request that was cancelled, replaced or already sent, so {consequence}. {now}");
    }

    private CardReply Picker(ConversationData state, EnvironmentChoice? submitted, string? error)
    {
        var data = new EnvironmentPickerCardData(
            state.RequestId ?? "",
            state.FileName ?? "",
            _environments.EffectiveNames.Select(n => new ChoiceItem(n, n)).ToList(),
            string.Join(',', submitted?.SubmittedSelection ?? state.Environments.Where(_environments.EffectiveNames.Contains)),
            submitted?.SubmittedOther ?? string.Join(", ", state.Environments.Where(e => !_environments.EffectiveNames.Contains(e))),
            _environments.OtherMaxLength,
            submitted?.SubmittedHost ?? state.HostName ?? "",
            error is not null,
            new MarkdownText(error ?? "")); // EnvironmentChoice's errors escape what the customer typed
        return new CardReply(CardNames.EnvironmentPicker, data, "Which environments need this certificate?");
    }

    private CardReply Confirmation(ConversationData state, CertificateReport report, TurnFacts facts)
    {
        var (hostResult, hostColor) = HostResult(report);
        var data = new ConfirmationCardData(
            state.RequestId ?? "",
            state.FileName ?? "",
            CardContent.Certificates(report),
            string.Join(", ", state.Environments),
            state.HostName is not null,
            state.HostName ?? "",
            hostResult,
            hostColor,
            report.Verdict == Verdict.Warn,
            CardContent.Warnings(report),
            CardContent.LongDate(ExpectedCompletion(facts.Clock.GetUtcNow())))
        {
            HasMore = CardContent.MoreCertificates(report).Length > 0,
            More = CardContent.MoreCertificates(report),
        };
        return new CardReply(CardNames.Confirmation, data, $"Please confirm: {state.FileName} for {data.Environments}.");
    }

    // What the engine found about the host name against the certificate's names (SANs).
    private static (string Text, string Color) HostResult(CertificateReport report)
    {
        var finding = report.Findings.FirstOrDefault(f => f.Code.StartsWith("host.", StringComparison.Ordinal));
        return finding?.Code switch
        {
            FindingCodes.HostMatch => ($"✅ {finding.Message}", "good"),
            FindingCodes.HostNotInSan or FindingCodes.HostOnlyInCn => ($"⚠️ {finding.Message}", "warning"),
            FindingCodes.HostNotChecked => ($"ℹ️ {finding.Message}", "default"),
            _ when finding is not null => (finding.Message, finding.Severity == Severity.Info ? "default" : "warning"),
            _ => ("Not checked.", "default"),
        };
    }

    private static CaseDraft Draft(ConversationData state, CertificateReport report, TurnFacts facts) => new(
        state.RequestId ?? throw new InvalidOperationException("A request being submitted has no RequestId."),
        facts.User,
        state.Environments,
        state.HostName,
        state.FileName ?? report.FileName,
        report.Storable.Select(c => new CaseCertificateContent(
            c.Role.ToString(), c.Subject, c.Issuer, c.NotAfter, c.Sha256, c.Sha1, c.Der.ToArray())).ToList(),
        [
            .. state.RootWaived
                ? [new CaseFinding(RootWaivedCode, Severity.Warn,
                    $"The customer chose \"I understand, file it anyway\": these certificates have no root, and the Trusted Root store needs the root CA '{state.MissingRoot}'.")]
                : Array.Empty<CaseFinding>(),
            .. report.Findings.Where(f => f.Severity != Severity.Info).Select(f => new CaseFinding(f.Code, f.Severity, f.Message)),
        ],
        facts.ConversationReference)
    {
        ConversationKey = facts.ConversationKey,
        Renews = state.Renews,
    };

    // ---- Case desk outcomes ------------------------------------------------------------------------------------

    private FlowResult OnSubmitted(ConversationData state, SupportCase submitted)
    {
        var next = Fresh(state) with { LastRequestId = submitted.RequestId, LastCaseNumber = submitted.CaseNumber };
        var environments = string.Join(", ", submitted.Environments);
        var expected = ExpectedCompletion(submitted.CreatedAt);
        var data = new CaseReceiptCardData(
            submitted.CaseNumber,
            state.FileName ?? "",
            CardContent.CaseCertificates(submitted.Certificates),
            environments,
            submitted.HostName is not null,
            submitted.HostName ?? "",
            CardContent.DateTime(submitted.CreatedAt),
            CardContent.LongDate(expected),
            [
                new(new("Support staff add the certificate to the Trusted Root store of every front-end server of these environments.")),
                new(new("I'll tell you here when it's installed, or if they need anything from you.")),
                new(new($"Type **status {submitted.CaseNumber}** at any time to see where it stands.")),
                .. submitted.Renews is { } renews
                    ? new[] { new NextStepItem(new($"This renews **{renews}**: once the new certificate is in, I stop reminding you about the old one, and you can ask for its removal with **remove {renews}**.")) }
                    : [],
            ]);
        return new FlowResult(next, [new ReplaceUsedCard(Confirmed(submitted)), new CardReply(CardNames.CaseReceipt, data,
            $"Case {submitted.CaseNumber} opened; expected by {CardContent.Date(expected)}.")]);
    }

    private FlowResult OnCasesFound(ConversationData state, CasesFound found, TurnFacts facts)
    {
        if (found.CaseNumber is { } number)
        {
            var visible = found.Cases.Where(c => IsVisibleTo(c, facts.User)).ToList();
            if (visible.Count == 0)
                return Say(state, $"I couldn't find **{number}** among your cases. Type **status** to see all of them.");
            // The heading names the case; its row does not again.
            var one = new StatusCardData($"Case {number}", true,
                visible.Select(c => CardContent.Status(c, ExpectedCompletion(c.CreatedAt), alone: true)).ToList(), MarkdownText.Empty);
            return new FlowResult(state, [new CardReply(CardNames.Status, one, $"{number}: {one.Cases[0].Status}")]);
        }

        const int shown = 10;
        var cases = found.Cases.Where(c => IsVisibleTo(c, facts.User)).ToList();
        if (cases.Count == 0)
            return Say(state, "You have no cases yet. Send **new request** to ask for a certificate to be trusted.");
        var note = cases.Count > shown
            ? $"The {shown} newest of your {cases.Count} cases. Type **status CT-…** for an older one."
            : "";
        var data = new StatusCardData("Your cases", true,
            cases.Take(shown).Select(c => CardContent.Status(c, ExpectedCompletion(c.CreatedAt), alone: false)).ToList(), new MarkdownText(note));
        return new FlowResult(state, [new CardReply(CardNames.Status, data, $"You have {cases.Count} case(s).")]);
    }

    /// <summary>A case is shown to the person who filed it, and to people of the same tenant.</summary>
    public static bool IsVisibleTo(SupportCase supportCase, Requester requester)
    {
        ArgumentNullException.ThrowIfNull(supportCase);
        ArgumentNullException.ThrowIfNull(requester);
        if (requester.TenantId is { Length: > 0 } tenant
            && string.Equals(supportCase.Requester.TenantId, tenant, StringComparison.OrdinalIgnoreCase))
            return true;
        return supportCase.Requester.UserId == requester.UserId;
    }

    // ---- Installed certificates: my certificates, renewal, removal, remind me later -----------------------------

    private static FlowResult Inventory(ConversationData state, InventoryPurpose purpose, string? caseNumber, string? sha256, TurnFacts facts)
    {
        if (facts.ChatKind != ChatKind.Personal)
            return Say(state, "Ask me about your certificates in our 1:1 chat, so that they aren't shown to others here.");
        return new FlowResult(state, [], new LookUpInventory(facts.User, purpose, caseNumber, sha256));
    }

    private FlowResult OnInventory(ConversationData state, InventoryFound found, TurnFacts facts)
    {
        var visible = found.Cases.Where(c => IsVisibleTo(c, facts.User)).ToList();
        var inventory = Expiry.ExpiryWatch.Inventory(visible);
        var now = facts.Clock.GetUtcNow();
        var effect = found.Effect;
        if (effect.Purpose == InventoryPurpose.List)
        {
            return new FlowResult(state, [ExpiryContent.List("Your installed certificates", inventory, _expiry, now, showCustomer: false,
                "You have no installed certificates yet. Send **new request** to ask for one.")]);
        }

        var number = effect.CaseNumber ?? "";
        var entries = inventory.Where(e => e.Case.CaseNumber == number).ToList();
        if (entries.Count == 0)
        {
            var known = visible.FirstOrDefault(c => c.CaseNumber == number);
            return Say(state, known switch
            {
                null => $"I couldn't find **{number}** among your cases. Type **my certificates** to see your installed certificates.",
                { Kind: CaseKind.Removal } => $"**{number}** is itself a removal; name the case that installed the certificate. Type **my certificates** to see them.",
                _ => $"The certificate of **{number}** is not installed anywhere now ({CaseDesk.Describe(known.Status).ToLowerInvariant()}), so there is nothing to " +
                     (effect.Purpose == InventoryPurpose.Remove ? "remove." : effect.Purpose == InventoryPurpose.Renew ? "renew: send **new request** for a new certificate." : "remind you about."),
            });
        }

        var entry = entries.MinBy(e => e.NotAfter)!;
        switch (effect.Purpose)
        {
            case InventoryPurpose.Remove when entry.RemovalCase is { } removal:
                return Say(state, $"Its removal was requested already: **{removal}**. Type **status {removal}** to see where it stands.");
            case InventoryPurpose.Remove:
                var environments = entry.Environments;
                // One removal per (case, environments): asking again finds the same case, unless the last was rejected.
                var rejected = found.Cases.Count(c => c.Kind == CaseKind.Removal && c.Removes == number && c.Status == CaseStatus.Rejected);
                var draft = new RemovalDraft(
                    $"removal|{number}|{string.Join(",", environments.Select(e => e.ToUpperInvariant()).Order(StringComparer.Ordinal))}|{rejected}",
                    facts.User, entry.Case, environments, facts.ConversationReference, facts.ConversationKey);
                return new FlowResult(state, [], new FileRemoval(draft));

            case InventoryPurpose.Renew when entry is { RenewedBy: { } renewal, Replaced: false }:
                return Say(state, $"Its renewal was requested already: **{renewal}**. Type **status {renewal}** to see where it stands.");
            case InventoryPurpose.Renew:
                return StartRenewal(state, entry, facts);

            default: // Snooze
                var chosen = entries.FirstOrDefault(e => string.Equals(e.Certificate.Sha256, effect.Sha256, StringComparison.OrdinalIgnoreCase)) ?? entry;
                if (!Expiry.ExpiryWatch.Watched(chosen))
                    return Say(state, $"I don't remind you about the certificate of **{number}** any more (it was renewed, replaced, or its removal was requested).");
                if (_expiry.Snooze(chosen, now) is not { } snooze)
                    return Say(state, $"The certificate of **{number}** has expired already, so there is nothing to wait for: request its renewal, or tell me it is **no longer needed**.");
                return new FlowResult(state, [], new RecordSnooze(number, snooze, facts.User.DisplayName));
        }
    }

    private FlowResult StartRenewal(ConversationData state, Expiry.InventoryEntry entry, TurnFacts facts)
    {
        var dropped = Dropped(state);
        var next = NewRequest(state) with
        {
            Environments = entry.Environments,
            HostName = entry.Case.HostName,
            Renews = entry.Case.CaseNumber,
        };
        var host = entry.Case.HostName is { } h ? $" for **{Markdown.Literal(h)}**" : "";
        return Say(next,
            dropped +
            $"Let's renew the certificate of **{entry.Case.CaseNumber}** ({Markdown.Literal(CardContent.CommonName(entry.Certificate.Subject))}, expires {CardContent.Date(entry.NotAfter)}){host}, " +
            $"for {Markdown.Literal(Words.Join(entry.Environments))}. Send me the new certificate: attach the .cer file, or paste its PEM text. " +
            "I'll check it like any other and then show you the summary to confirm." + QuestionWaits(state));
    }

    private static FlowResult OnRemovalFiled(ConversationData state, SupportCase removal)
    {
        if (removal.Status != CaseStatus.Submitted)
            return Say(state, $"Its removal was requested already: **{removal.CaseNumber}** ({CaseDesk.Describe(removal.Status).ToLowerInvariant()}).");
        var names = Markdown.Literal(string.Join("; ", removal.Certificates.Select(c => CardContent.CommonName(c.Subject))));
        return Say(state,
            $"Removal requested: **{removal.CaseNumber}**. Support staff will take {names} (installed by **{removal.Removes}**) out of the Trusted Root store of every " +
            $"front-end server of {Markdown.Literal(Words.Join(removal.Environments))}, and I'll tell you here when it's done. I won't remind you about its expiry any more.");
    }

    private static FlowResult OnSnoozed(ConversationData state, SnoozeRecorded snoozed)
    {
        var number = snoozed.Effect.CaseNumber;
        return snoozed.Result.Outcome == CaseEventOutcome.Recorded
            ? Say(state, $"All right: I'll remind you again about **{number}** on {CardContent.LongDate(snoozed.Effect.Snooze.Until!.Value)}. " +
                $"The last day to ask for its replacement is {CardContent.LongDate(snoozed.Effect.Snooze.LastDayToAsk)}.")
            : Say(state, $"I couldn't note that on **{number}** (it is {(snoozed.Result.Case is { } c ? CaseDesk.Describe(c.Status).ToLowerInvariant() : "gone")} now).");
    }

    private static FlowResult OnStorageUnavailable(ConversationData state, StorageUnavailable unavailable)
    {
        var (title, hint) = unavailable.Effect switch
        {
            // The runner looked for the case and could not tell either: it may exist. Confirming again answers with
            // its receipt if it does, and still makes only one case.
            SubmitCase when unavailable.OutcomeUnknown =>
                ("Not confirmed yet", "I couldn't check whether your request was stored. Press **Confirm** again in a minute: you'll get its receipt, and it will still make only one case."),
            // The runner checked: no case was filed (a filed one is answered with its receipt).
            SubmitCase or CheckCertificate { Purpose: CheckPurpose.Submission } =>
                ("Not submitted yet", "Nothing was stored. Press **Confirm** again in a minute: it will still make only one case."),
            AnswerQuestion when unavailable.OutcomeUnknown =>
                ("Your answer may not have been added", "I couldn't check whether your answer reached the case. Send it again in a minute: if it did, I'll tell you."),
            AnswerQuestion or CheckCertificate { Purpose: CheckPurpose.Answer } =>
                ("Your answer was not added yet", "Nothing was stored. Send it again in a minute: the question still waits for it."),
            CheckCertificate => ("Couldn't look up your earlier requests", "Nothing was changed. Press **Continue** on the environment card again in a minute."),
            FileRemoval or RecordSnooze => ("Not noted yet", "Press the button again in a minute: it will still be noted only once."),
            LookUpInventory => ("Couldn't read your certificates", "Nothing was changed. Try again in a minute."),
            _ => ("Couldn't read your cases", "Type **status** again in a minute."),
        };
        var data = new ErrorCardData(title, StorageUnavailableMessage, true, new MarkdownText(hint));
        return new FlowResult(state, [new CardReply(CardNames.Error, data, StorageUnavailableMessage)]);
    }

    // ---- State helpers -----------------------------------------------------------------------------------------

    // An idle state that remembers only the last submitted case, and the staff questions that wait for an answer.
    private static ConversationData Fresh(ConversationData state) =>
        new() { LastRequestId = state.LastRequestId, LastCaseNumber = state.LastCaseNumber, Questions = state.Questions };

    private static ConversationData WithoutCertificate(ConversationData state) => state with
    {
        Step = ConversationStep.AwaitingCertificate,
        FileName = null,
        Certificates = [],
    };

    /// <summary>
    /// The pending certificates as the engine reads them again: a single certificate as its DER, several as one
    /// CERTIFICATE block each, in the order the check listed them. The engine finds the same certificates, roles, chain
    /// and certificate findings in it as in the file they came from; only remarks about the file's wrapping (its format,
    /// ignored blocks) are gone. (DER for one keeps a certificate near the size cap under it: Base64 adds a third.)
    /// </summary>
    private static byte[] PendingBundle(ConversationData state) => state.Certificates.Count == 1
        ? state.Certificates[0]
        : Encoding.ASCII.GetBytes(string.Concat(state.Certificates.Select(der => new string(PemEncoding.Write("CERTIFICATE", der)) + "\n")));

    private static FlowResult Say(ConversationData state, string text) => new(state, [new TextReply(text)]);
}
