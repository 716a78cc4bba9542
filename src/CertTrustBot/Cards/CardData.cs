namespace CertTrustBot.Cards;

// The data each card template is filled with. Serialised with camelCase names, so `${fileName}` in a template reads
// FileName. Everything a card shows is pre-formatted text here (dates, colours, labels), so templates stay free of
// logic beyond `$when` on booleans, and a Slack edge can render the same records as Block Kit.
// Every string here is shown literally (the templates escape it where Markdown renders); a MarkdownText is the bot's
// own Markdown, with any outside value in it put through Markdown.Literal.

/// <summary>The names of the templates in <c>cards/</c>.</summary>
public static class CardNames
{
    public const string Welcome = "welcome";
    public const string CertificateReport = "certificate-report";
    public const string EnvironmentPicker = "environment-picker";
    public const string Confirmation = "confirmation";
    public const string CaseReceipt = "case-receipt";
    public const string Status = "status";
    public const string Error = "error";
    public const string StaffCase = "staff-case";
    public const string CaseUpdate = "case-update";
    public const string ExpiryReminder = "expiry-reminder";
    public const string CertificateList = "certificate-list";
    public const string RootNeeded = "root-needed";
    public const string Finished = "finished";

    public static IReadOnlyList<string> All { get; } =
        [Welcome, CertificateReport, EnvironmentPicker, Confirmation, CaseReceipt, Status, Error, StaffCase, CaseUpdate, RootNeeded, Finished, ExpiryReminder, CertificateList];
}

/// <summary>The <c>action</c> values the cards' submit buttons carry, and the ids of the picker's inputs.</summary>
public static class CardActions
{
    public const string Key = "action";
    public const string RequestIdKey = "requestId";

    public const string NewRequest = "newRequest";
    public const string Check = "check";
    public const string Status = "status";
    public const string Environments = "environments";
    public const string Confirm = "confirm";
    public const string Cancel = "cancel";

    /// <summary>"Request trust for this certificate" on the report of a server ("check HOST").</summary>
    public const string RequestTrust = "requestTrust";

    /// <summary>"I understand, file it anyway": a request for certificates without a root goes on, recorded on the case.</summary>
    public const string FileAnyway = "fileAnyway";

    /// <summary>Keys of <see cref="RequestTrust"/>'s data.</summary>
    public const string HostKey = "host";

    /// <summary>The expiry reminder's buttons; they carry <see cref="CaseNumberKey"/> (and the snooze <see cref="Sha256Key"/>).</summary>
    public const string Renew = "expiry.renew";
    public const string Remove = "expiry.remove";
    public const string Snooze = "expiry.snooze";
    public const string CaseNumberKey = "caseNumber";
    public const string Sha256Key = "sha256";

    /// <summary>Input ids of the environment picker.</summary>
    public const string EnvironmentsInput = "environments";
    public const string OtherEnvironmentInput = "otherEnvironment";
    public const string HostNameInput = "hostName";
}

public sealed record CommandItem(string Command, MarkdownText Description);

/// <param name="InProgress">A note on the request in progress, or empty.</param>
public sealed record WelcomeCardData(
    string Title,
    string Intro,
    MarkdownText WhatToSend,
    IReadOnlyList<CommandItem> Commands,
    bool HasInProgress,
    MarkdownText InProgress,
    bool CanRequest);

/// <summary>One certificate as the report and confirmation cards show it.</summary>
public sealed record CertificateItem(
    int Number,
    string Role,
    string Store,
    string Subject,
    string Issuer,
    string ValidFrom,
    string ValidUntil,
    string DaysLeft,
    string DaysLeftColor,
    string Key,
    string SignatureAlgorithm,
    string Sha1,
    string Sha256,
    bool HasSans,
    string Sans);

/// <param name="Severity">"Block", "Warn" or "Info".</param>
/// <param name="Color">Adaptive Card colour: attention, warning or default.</param>
public sealed record FindingItem(
    string Severity,
    string Label,
    string Color,
    string Message,
    bool HasAdvice,
    string Advice,
    string Code,
    string Concerns);

/// <param name="Verdict">"Accept", "Warn" or "Block".</param>
/// <param name="VerdictColor">good, warning or attention.</param>
public sealed record CertificateReportCardData(
    string FileName,
    string Verdict,
    string VerdictText,
    string VerdictColor,
    string Headline,
    bool HasChain,
    string Chain,
    IReadOnlyList<CertificateItem> Certificates,
    bool HasFindings,
    IReadOnlyList<FindingItem> Findings,
    bool HasDetails,
    IReadOnlyList<FindingItem> Details)
{
    /// <summary>A large bundle: <see cref="Summary"/> counts its certificates by role and verdict.</summary>
    public bool HasSummary { get; init; }

    public string Summary { get; init; } = "";

    /// <summary>"… and N more certificates" when some are not shown.</summary>
    public bool HasMore { get; init; }

    public string More { get; init; } = "";

    /// <summary>What happens now (nothing was kept, send another...), said once, on the card.</summary>
    public bool HasNext => !string.IsNullOrEmpty(Next.Value);

    public MarkdownText Next { get; init; } = MarkdownText.Empty;

    /// <summary>A blocked report says "Blocked" once, in its heading; the headline line then stays empty.</summary>
    public bool HasHeadline => Headline.Length > 0;

    private readonly string? _source;

    /// <summary>Where the certificates came from: "File: root.cer", "The certificate you pasted", or for a live
    /// server's report "Server: api.example.com:443".</summary>
    public string Source
    {
        get => _source ?? CardContent.Source(FileName);
        init => _source = value;
    }

    /// <summary>The server sent what the Trusted Root store needs: the card offers "Request trust for this certificate".</summary>
    public bool HasTrustRequest { get; init; }

    public string TrustHost { get; init; } = "";

    /// <summary>SHA-256 of the certificate the button requests, so a press on an old card is recognised.</summary>
    public string TrustSha256 { get; init; } = "";
}

/// <summary>Certificates without a root: the root CA is what is needed. The request waits for it, or for the customer's explicit override.</summary>
public sealed record RootNeededCardData(string RequestId, string FileName, string MissingRoot, MarkdownText Message, MarkdownText HowToGetIt);

public sealed record ChoiceItem(string Title, string Value);

/// <param name="Selected">The environments to show as selected, comma-joined (Input.ChoiceSet's value).</param>
public sealed record EnvironmentPickerCardData(
    string RequestId,
    string FileName,
    IReadOnlyList<ChoiceItem> Choices,
    string Selected,
    string OtherEnvironment,
    int OtherMaxLength,
    string HostName,
    bool HasError,
    MarkdownText Error);

/// <param name="HostResultColor">good when the host is among the certificate's names, warning otherwise.</param>
public sealed record ConfirmationCardData(
    string RequestId,
    string FileName,
    IReadOnlyList<CertificateItem> Certificates,
    string Environments,
    bool HasHost,
    string HostName,
    string HostResult,
    string HostResultColor,
    bool HasWarnings,
    IReadOnlyList<FindingItem> Warnings,
    string ExpectedCompletion)
{
    /// <summary>"… and N more certificates" when a large bundle's are not all shown.</summary>
    public bool HasMore { get; init; }

    public string More { get; init; } = "";

    /// <summary>"root.cer", or "Pasted as text".</summary>
    public string SentAs => CardContent.SentAs(FileName);
}

public sealed record NextStepItem(MarkdownText Text);

public sealed record CaseReceiptCardData(
    string CaseNumber,
    string FileName,
    string Certificates,
    string Environments,
    bool HasHost,
    string HostName,
    string Submitted,
    string ExpectedCompletion,
    IReadOnlyList<NextStepItem> NextSteps)
{
    /// <summary>"root.cer", or "Pasted as text".</summary>
    public string SentAs => CardContent.SentAs(FileName);
}

/// <param name="ShowNumber">False on the card of one case, whose heading names it already.</param>
/// <param name="Environments">Each environment, with "✓ installed" after those done.</param>
/// <param name="Expected">The expected installation date while the case is open; empty once it is closed.</param>
/// <param name="Question">The staff's question that waits for the customer's answer, or empty.</param>
/// <param name="History">The case's events (on the card of one case), the latest last; empty in a list.</param>
public sealed record StatusItem(
    string CaseNumber,
    bool ShowNumber,
    string Status,
    string StatusColor,
    string Environments,
    string Certificates,
    string Created,
    bool HasHost,
    string HostName,
    bool HasExpected,
    string Expected,
    bool HasQuestion,
    string Question,
    bool HasHistory,
    IReadOnlyList<HistoryItem> History);

public sealed record StatusCardData(
    string Title,
    bool HasCases,
    IReadOnlyList<StatusItem> Cases,
    MarkdownText Note);

public sealed record FactItem(string Title, string Value);

/// <summary>
/// A used card's finished state (what was chosen, no buttons), which replaces it where the channel allows (see
/// <see cref="Conversation.ReplaceUsedCard"/>).
/// </summary>
/// <param name="Color">good, attention or default.</param>
public sealed record FinishedCardData(string Title, string Color, IReadOnlyList<FactItem> Facts, MarkdownText Note)
{
    public bool HasFacts => Facts.Count > 0;

    public bool HasNote => !string.IsNullOrEmpty(Note.Value);
}

public sealed record ErrorCardData(string Title, string Message, bool HasHint, MarkdownText Hint);

/// <summary>One certificate of a case as the staff card shows it, with a short-lived read-only link to its .cer.</summary>
public sealed record StaffCertificateItem(
    int Number,
    string Role,
    string Subject,
    string Issuer,
    string Expires,
    string ExpiresColor,
    string Sha1,
    string Sha256,
    bool HasLink,
    string Link,
    string FileName);

public sealed record StaffFindingItem(string Label, string Color, string Message);

/// <summary>One event of a case's history: when, who, what.</summary>
public sealed record HistoryItem(string At, string Actor, string What);

/// <summary>The case card in the staff channel. Its actions carry <see cref="ETag"/>, so a click on a stale card is refused.</summary>
/// <param name="Notice">Shown above the case to the person who clicked (refusals, "changed since"); empty otherwise.</param>
/// <param name="InstallChoices">The environments not installed yet; <see cref="InstallSelected"/> pre-selects them all.</param>
public sealed record StaffCaseCardData(
    string CaseNumber,
    string ETag,
    string Status,
    string StatusColor,
    string Tenant,
    string Requester,
    string Environments,
    bool HasInstalled,
    string Installed,
    bool HasHost,
    string HostName,
    string Submitted,
    string ExpectedCompletion,
    IReadOnlyList<StaffCertificateItem> Certificates,
    string LinksValidUntil,
    bool HasFindings,
    IReadOnlyList<StaffFindingItem> Findings,
    IReadOnlyList<HistoryItem> History,
    bool HasNotice,
    string Notice,
    bool IsOpen,
    bool CanStart,
    bool CanInstall,
    IReadOnlyList<ChoiceItem> InstallChoices,
    string InstallSelected)
{
    /// <summary>A large bundle: "… and N more certificates" that the card does not show.</summary>
    public bool HasMoreCertificates { get; init; }

    public string MoreCertificates { get; init; } = "";

    /// <summary>A long history: "… N earlier events" above the latest ones.</summary>
    public bool HasEarlier { get; init; }

    public string Earlier { get; init; } = "";

    /// <summary>A removal ("remove … from …"), or a renewal ("renews CT-…: the old one can be removed once this is in").</summary>
    public bool HasTask { get; init; }

    public string Task { get; init; } = "";

    /// <summary>"Mark installed", or "Mark removed" for a removal case; the label of its environment choice; the fact's title.</summary>
    public string InstallTitle { get; init; } = "Mark installed";

    public string InstallLabel { get; init; } = "Installed on every front-end server of";

    public string InstalledTitle { get; init; } = "Installed in";
}

/// <summary>What the customer is told in their chat when staff change their case.</summary>
/// <param name="Color">good, warning, attention or accent.</param>
public sealed record CaseUpdateCardData(
    string CaseNumber,
    string Headline,
    string Color,
    string Message,
    bool HasDetail,
    string DetailTitle,
    string Detail,
    string Status,
    string Environments,
    string Certificates,
    MarkdownText Hint);

/// <summary>
/// An expiry reminder in the requester's chat: which certificate, where, when it expires, the last day to ask, and
/// what to do (Request renewal, No longer needed, Remind me later).
/// </summary>
/// <param name="Color">warning, or attention once expired or past the last day to ask.</param>
public sealed record ExpiryReminderCardData(
    string CaseNumber,
    string Headline,
    string Color,
    string Message,
    string Subject,
    string Environments,
    string Expires,
    string DaysLeft,
    string LastDayToAsk,
    string Sha1,
    string Sha256,
    bool CanSnooze);

/// <summary>One installed certificate in a list (the customer's <c>my certificates</c>, the staff's <c>expiring</c> and digest).</summary>
public sealed record CertificateListItem(
    string CaseNumber,
    string Subject,
    string Environments,
    string Expires,
    string DaysLeft,
    string DaysLeftColor,
    string LastDayToAsk,
    bool HasCustomer,
    string Customer,
    bool HasNote,
    string Note);

public sealed record CertificateListCardData(
    string Title,
    bool HasItems,
    IReadOnlyList<CertificateListItem> Items,
    MarkdownText Note);
