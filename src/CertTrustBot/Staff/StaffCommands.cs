using CertTrustBot.Cards;
using CertTrustBot.Cases;
using CertTrustBot.Certificates;
using CertTrustBot.Conversation;
using CertTrustBot.Messaging;
using CertTrustBot.Storage;
using Microsoft.Extensions.Options;

namespace CertTrustBot.Staff;

/// <summary>
/// The staff's typed commands in the staff channel (Teams delivers a channel message to the bot when it is
/// @mentioned): one table, <see cref="Table"/>, where a command is a name, its usage and what it does. A channel
/// message that is not one of them goes on to the conversation. Only staff may use them (<see cref="StaffRules.Authorize"/>);
/// a refusal is logged and shows nothing.
/// </summary>
public sealed partial class StaffCommands(
    CaseDesk caseDesk,
    StaffStore store,
    StaffCards cards,
    IChannelMessenger messenger,
    IOptions<StaffOptions> options,
    ILogger<StaffCommands> logger,
    Expiry.StaffExpiryCommand? expiring = null)
{
    /// <summary>The most cases <c>cases</c> lists; the rest are counted.</summary>
    public const int MaxListed = 20;

    // A command answers with text (Markdown, outside text escaped) or a card.
    private sealed record Command(string Name, string Usage, Func<StaffCommands, string, CancellationToken, Task<Reply>> Run);

    // Add a command here: its name (the first word typed), its usage, and what it does with the rest of the text.
    private static readonly IReadOnlyList<Command> Table =
    [
        new("cases", "**cases**: the open cases, newest first, with their status", async (c, _, ct) => new TextReply(await c.CasesAsync(ct).ConfigureAwait(false))),
        new("show", "**show CT-000042**: posts that case's card again as a new thread, as it is now; that card is the one kept up to date from then on", async (c, argument, ct) => new TextReply(await c.ShowAsync(argument, ct).ConfigureAwait(false))),
        new("expiring", "**expiring**: the installed certificates that expire soon (`Expiry:StaffWindowDays`), all customers, soonest first", (c, _, ct) => c.ExpiringAsync(ct)),
    ];

    /// <summary>The commands' usage lines, for help texts.</summary>
    public static IReadOnlyList<string> Usage { get; } = [.. Table.Select(c => c.Usage)];

    /// <summary>
    /// What the staff channel is told when the bot is installed in the staff team, instead of the customers' welcome:
    /// what the channel is for, and the staff commands (from <see cref="Table"/>).
    /// </summary>
    public static TextReply Welcome { get; } = new(
        "**Certificate trust requests: the support staff channel**\n\n" +
        "Each new case arrives here as a card in a thread of its own, and that card is kept up to date as the case moves on. " +
        "Act on a case with the buttons on its card; only the support staff can.\n\n" +
        "Staff commands: @mention me, then the command:\n\n" +
        string.Join("\n", Usage.Select(u => $"- {u}")));

    /// <summary>The command a channel message names (mention and markup removed), and the rest of its text; null when none.</summary>
    public static (string Name, string Argument)? Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > TextMessage.MaxLength)
            return null;
        var words = PastedPem.ToPlainText(ConversationFlow.Mention.Replace(text, " "))
            .Trim().TrimEnd('.', '!', '?').Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0)
            return null;
        var name = words[0].ToLowerInvariant();
        return Table.Any(c => c.Name == name) ? (name, string.Join(' ', words[1..])) : null;
    }

    /// <summary>
    /// Runs the staff command in <paramref name="text"/> for <paramref name="who"/>: the answer to post where it was
    /// typed (Markdown, outside text escaped), or null when the text is no staff command.
    /// </summary>
    public Task<Reply?> TryRunAsync(string text, Staffer who, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(who);
        return TryRunAsync(text, who, StaffRules.Authorize(who, options.Value, command: true), cancellationToken);
    }

    /// <summary>The same, for a staffer the channel's own staff rules authorized (<paramref name="refusal"/> null) or refused (Slack).</summary>
    public async Task<Reply?> TryRunAsync(string text, Staffer who, Refused? refusal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(who);
        if (Parse(text) is not var (name, argument))
            return null;
        if (refusal is { } refused)
        {
            LogRefused(logger, name, who.UserId, who.AadObjectId ?? "(none)", who.TenantId ?? "(none)", who.TeamId ?? "(none)", who.ChatKind, refused.Message);
            return new TextReply(Markdown.Literal(refused.Message));
        }

        try
        {
            return await Table.First(c => c.Name == name).Run(this, argument, cancellationToken).ConfigureAwait(false);
        }
        catch (StorageUnavailableException)
        {
            return new TextReply($"{ConversationFlow.StorageUnavailableMessage} Nothing was shown or changed.");
        }
    }

    private async Task<Reply> ExpiringAsync(CancellationToken cancellationToken) => expiring is null
        ? new TextReply("The expiry watch is not running in this instance, so I can't list what expires.")
        : await expiring.ListAsync(cancellationToken).ConfigureAwait(false);

    private async Task<string> CasesAsync(CancellationToken cancellationToken)
    {
        var open = await caseDesk.ListOpenAsync(cancellationToken).ConfigureAwait(false);
        if (open.Count == 0)
            return "No case is open.";
        var lines = open.Take(MaxListed).Select(c =>
            $"- **{c.CaseNumber}** · {CardContent.StatusOf(c.Status).Status.Replace(" from you", "", StringComparison.Ordinal)} · " +
            $"{Markdown.Literal(string.Join(", ", c.Environments))} · {Markdown.Literal(c.Requester.DisplayName)} · filed {CardContent.Date(c.CreatedAt)}");
        var more = open.Count > MaxListed ? $"\n\n{CardContent.More(open.Count - MaxListed, "open case")}." : "";
        return $"**{Numbers.Count(open.Count, "open case")}**, newest first:\n\n{string.Join("\n", lines)}{more}\n\n" +
            "Type **show CT-…** to post a case's card again.";
    }

    private async Task<string> ShowAsync(string argument, CancellationToken cancellationToken)
    {
        if (argument.Length == 0)
            return "Which case? Type **show** and its number, e.g. **show CT-000042**.";
        if (!CaseNumber.TryNormalize(argument, out var number))
            return $"“{Markdown.Literal(argument)}” is not a case number. Case numbers look like **CT-000042**; type **cases** to see the open ones.";
        if (await caseDesk.FindAsync(number, cancellationToken).ConfigureAwait(false) is not { } found)
            return $"There is no case **{number}**. Type **cases** to see the open ones.";

        var posted = await messenger.PostToStaffAsync(await cards.StaffCardAsync(found, null, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        if (posted is null)
            return "I can't post in the staff channel yet: I learn it when the bot is installed in the staff team. Nothing was changed.";
        await store.ReplaceCardAsync(number, posted, cancellationToken).ConfigureAwait(false);
        LogShown(logger, number);

        // A staff action between drawing the new card and recording it went to the old card: draw this one again.
        if (await caseDesk.FindAsync(number, cancellationToken).ConfigureAwait(false) is { } now && now.ETag != found.ETag)
            await messenger.UpdatePostAsync(posted, await cards.StaffCardAsync(now, null, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        return $"I posted **{number}**'s card again as a new thread in the staff channel, as the case is now. That card is the one kept up to date from now on.";
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused the staff command {Command} by {UserId} (AAD {AadObjectId}, tenant {TenantId}, team {TeamId}, {ChatKind} chat): {Reason}")]
    private static partial void LogRefused(ILogger logger, string command, string userId, string aadObjectId, string tenantId, string teamId, ChatKind chatKind, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Case {CaseNumber}'s card was posted again; it is the one kept up to date now")]
    private static partial void LogShown(ILogger logger, string caseNumber);
}
