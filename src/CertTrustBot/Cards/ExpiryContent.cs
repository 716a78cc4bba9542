using System.Globalization;
using CertTrustBot.Cases;
using CertTrustBot.Conversation;
using CertTrustBot.Expiry;

namespace CertTrustBot.Cards;

/// <summary>
/// What the expiry watch shows, drawn from case records alone and channel-agnostic (the Teams edge renders it as an
/// Adaptive Card, a Slack edge as Block Kit): the reminder, and the lists of installed certificates.
/// </summary>
public static class ExpiryContent
{
    /// <summary>The reminder card of event number <paramref name="sequence"/> (a <see cref="CaseEventKind.Reminded"/> event).</summary>
    public static CardReply? Reminder(SupportCase supportCase, int sequence)
    {
        ArgumentNullException.ThrowIfNull(supportCase);
        var happened = supportCase.History[sequence - 1];
        if (happened is not { Kind: CaseEventKind.Reminded, Reminder: { } reminder })
            return null;
        var certificate = supportCase.Certificates.FirstOrDefault(c => string.Equals(c.Sha256, reminder.Sha256, StringComparison.OrdinalIgnoreCase));
        var subject = certificate?.Subject is { Length: > 0 } s ? s : "(no subject)";
        var name = CardContent.CommonName(subject);
        var environments = Words.Join(reminder.Environments);
        var at = happened.At;
        var expired = at >= reminder.NotAfter;
        var pastLastDay = at > reminder.LastDayToAsk;
        var (headline, color, message) = (expired, pastLastDay) switch
        {
            (true, _) => ($"{name} has expired", "attention",
                $"The certificate expired on {CardContent.DateTime(reminder.NotAfter)} and is still in the Trusted Root store of {environments}: " +
                "calls from there to the external system fail with \"Could not establish trust relationship\". Request its renewal, " +
                "or tell me it is no longer needed and support staff will remove it. This is the last reminder about it."),
            (false, true) => ($"{name} expires in {DaysLeft(reminder.NotAfter, at)}", "attention",
                $"The last day to ask for its replacement in time ({CardContent.LongDate(reminder.LastDayToAsk)}: the support desk needs a few business days to install it) has passed. " +
                "Request the renewal now: support staff will do what they can before it expires."),
            _ => ($"{name} expires in {DaysLeft(reminder.NotAfter, at)}", "warning",
                $"It is trusted by the servers of {environments}. When it expires, their calls to the external system fail. " +
                $"Ask for its replacement by {CardContent.LongDate(reminder.LastDayToAsk)} so support staff can install the new one in time."),
        };
        var data = new ExpiryReminderCardData(
            supportCase.CaseNumber,
            headline,
            color,
            message,
            subject,
            environments,
            CardContent.DateTime(reminder.NotAfter),
            expired ? "expired" : DaysLeft(reminder.NotAfter, at),
            CardContent.LongDate(reminder.LastDayToAsk),
            certificate is null ? "" : CardContent.Grouped(certificate.Sha1),
            reminder.Sha256,
            !expired);
        return new CardReply(CardNames.ExpiryReminder, data, $"{headline} ({supportCase.CaseNumber}, {environments}); last day to ask: {CardContent.Date(reminder.LastDayToAsk)}.");
    }

    /// <summary>A list of installed certificates, soonest expiry first.</summary>
    /// <param name="showCustomer">For the staff: each entry names its tenant and requester.</param>
    /// <param name="empty">What to say when there is nothing to list: the bot's own Markdown, no outside text in it.</param>
    public static CardReply List(string title, IReadOnlyList<InventoryEntry> entries, ExpiryWatch watch, DateTimeOffset now, bool showCustomer, string empty, int shown = 15)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(watch);
        var items = entries.OrderBy(e => e.NotAfter).Take(shown).Select(e =>
        {
            var days = (e.NotAfter - now).TotalDays;
            var last = watch.LastDayToAsk(e.NotAfter);
            var note = e switch
            {
                { Replaced: true } => $"Replaced by {e.RenewedBy}: the old certificate can be removed.",
                { RenewedBy: { } renewal } => $"Renewal requested: {renewal}.",
                { RemovalCase: { } removal } => $"Removal requested: {removal}.",
                _ when now > last && days >= 0 => "The last day to ask for a replacement in time has passed.",
                _ => "",
            };
            return new CertificateListItem(
                e.Case.CaseNumber,
                CardContent.CommonName(e.Certificate.Subject),
                string.Join(", ", e.Environments),
                CardContent.DateTime(e.NotAfter),
                days < 0 ? "expired" : DaysLeft(e.NotAfter, now),
                days < 0 ? "attention" : days <= 30 ? "warning" : "good",
                CardContent.Date(last),
                showCustomer,
                showCustomer ? $"{e.Case.Requester.DisplayName} ({(string.IsNullOrWhiteSpace(e.Case.Requester.TenantId) ? "no tenant" : e.Case.Requester.TenantId)})" : "",
                note.Length > 0,
                note);
        }).ToList();
        var more = entries.Count > items.Count ? CardContent.More(entries.Count - items.Count, "certificate") + " expiring later." : "";
        var data = new CertificateListCardData(title, items.Count > 0, items, new MarkdownText(items.Count == 0 ? empty : more));
        return new CardReply(CardNames.CertificateList, data, items.Count == 0 ? $"{title}: {empty}" : $"{title}: {items.Count} certificate(s), the first expiring {items[0].Expires}.");
    }

    /// <summary>Whole days from <paramref name="now"/> to <paramref name="notAfter"/>, as "1 day" or "3,650 days".</summary>
    public static string DaysLeft(DateTimeOffset notAfter, DateTimeOffset now)
    {
        var days = (long)Math.Floor((notAfter - now).TotalDays);
        return days == 1 ? "1 day" : string.Create(CultureInfo.InvariantCulture, $"{days:N0} days");
    }
}
