using CertTrustBot.Cases;
using CertTrustBot.Cases.Webhooks;
using CertTrustBot.Conversation;
using CertTrustBot.Expiry;

namespace CertTrustBot.Tests.Expiry;

/// <summary>The expiry rules as pure functions: the SLA arithmetic over weekends, and which reminder is due.</summary>
public class ExpiryWatchTests
{
    [Fact]
    public void The_last_day_to_ask_is_the_latest_day_from_which_the_sla_still_ends_by_expiry_weekends_included()
    {
        // Every start hour of four weeks (so every weekday and weekend), every SLA from 0 to 8 business days: compared
        // with a search that tries each earlier day with the receipt's own AddBusinessDays.
        var start = new DateTimeOffset(2027, 3, 1, 0, 0, 0, TimeSpan.Zero);
        for (var hour = 0; hour < 28 * 24; hour += 5)
        {
            var end = start.AddHours(hour);
            for (var days = 0; days <= 8; days++)
            {
                var latest = Enumerable.Range(0, 30).Select(k => end.AddDays(-k))
                    .First(candidate => candidate.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && ServiceLevel.AddBusinessDays(candidate, days) <= end);

                Assert.Equal(latest, ServiceLevel.SubtractBusinessDays(end, days));
            }
        }
    }

    [Fact]
    public void A_certificate_expiring_on_a_sunday_with_two_days_sla_and_two_days_margin_must_be_asked_for_by_the_monday_before()
    {
        var watch = new ExpiryWatch(new ExpiryOptions { MarginBusinessDays = 2 }, new SupportDeskOptions { SlaBusinessDays = 2 });

        // Sunday 7 March 2027: Friday 5 is the last working day; four working days before it is Monday 1 March.
        Assert.Equal(new DateTimeOffset(2027, 3, 1, 12, 0, 0, TimeSpan.Zero), watch.LastDayToAsk(new DateTimeOffset(2027, 3, 7, 12, 0, 0, TimeSpan.Zero)));
        // Wednesday 10 March: Thursday 4 (Fri 5, Mon 8, Tue 9, Wed 10 are the four days of work).
        Assert.Equal(new DateTimeOffset(2027, 3, 4, 12, 0, 0, TimeSpan.Zero), watch.LastDayToAsk(new DateTimeOffset(2027, 3, 10, 12, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void Only_the_most_urgent_reminder_day_that_has_come_is_due_and_none_once_it_was_sent()
    {
        var watch = new ExpiryWatch(new ExpiryOptions { ReminderDays = [60, 30, 14], MarginBusinessDays = 0 }, new SupportDeskOptions { SlaBusinessDays = 0 });
        var notAfter = new DateTimeOffset(2027, 6, 30, 12, 0, 0, TimeSpan.Zero); // a Wednesday: the last day to ask is the expiry itself
        var entry = Entry(notAfter);

        Assert.Null(watch.Due(entry, notAfter.AddDays(-61)));
        Assert.EndsWith("|d60", watch.Due(entry, notAfter.AddDays(-60))!.Key, StringComparison.Ordinal);
        // A bot that was down from day 60 to day 20 sends the 30-day reminder only, not the 60-day one on top.
        var late = watch.Due(entry, notAfter.AddDays(-20))!;
        Assert.EndsWith("|d30", late.Key, StringComparison.Ordinal);
        Assert.Equal(30, late.DaysBefore);

        var sent = entry with { Case = entry.Case with { History = [.. entry.Case.History, new CaseEvent(notAfter.AddDays(-20), CaseStatus.Installed, "bot", null) { Kind = CaseEventKind.Reminded, Reminder = late }] } };
        Assert.Null(watch.Due(sent, notAfter.AddDays(-19)));
        Assert.EndsWith("|d14", watch.Due(sent, notAfter.AddDays(-14))!.Key, StringComparison.Ordinal);
        Assert.EndsWith("|expired", watch.Due(sent, notAfter)!.Key, StringComparison.Ordinal);
    }

    [Fact]
    public void A_renewal_or_a_removal_stops_the_reminders()
    {
        var watch = new ExpiryWatch(new ExpiryOptions(), new SupportDeskOptions());
        var notAfter = new DateTimeOffset(2027, 6, 30, 12, 0, 0, TimeSpan.Zero);
        var entry = Entry(notAfter);

        Assert.NotNull(watch.Due(entry, notAfter.AddDays(-10)));
        Assert.Null(watch.Due(entry with { RenewedBy = "CT-000002", RenewalStatus = CaseStatus.Submitted }, notAfter.AddDays(-10)));
        Assert.Null(watch.Due(entry with { RenewedBy = "CT-000002", RenewalStatus = CaseStatus.Installed }, notAfter.AddDays(1)));
        Assert.Null(watch.Due(entry with { RemovalCase = "CT-000003" }, notAfter.AddDays(-10)));
    }

    [Fact]
    public void Remind_me_later_waits_a_week_but_never_past_the_last_day_to_ask_and_a_day_at_most_after_it()
    {
        var watch = new ExpiryWatch(new ExpiryOptions { SnoozeDays = 7, MarginBusinessDays = 0 }, new SupportDeskOptions { SlaBusinessDays = 0 });
        var notAfter = new DateTimeOffset(2027, 6, 30, 12, 0, 0, TimeSpan.Zero);
        var entry = Entry(notAfter);

        Assert.Equal(notAfter.AddDays(-23), watch.Snooze(entry, notAfter.AddDays(-30))!.Until);
        Assert.Equal(notAfter, watch.Snooze(entry, notAfter.AddDays(-3))!.Until); // the last day to ask is the expiry here
        Assert.Null(watch.Snooze(entry, notAfter.AddHours(1)));
    }

    internal static InventoryEntry Entry(DateTimeOffset notAfter)
    {
        var certificate = new CaseCertificate("root.cer", "Root", "CN=Contoso Root", "CN=Contoso Root", notAfter, new string('A', 64), new string('B', 40), "CT-000001/0.cer");
        var supportCase = new SupportCase
        {
            CaseNumber = "CT-000001",
            RequestId = "r1",
            Requester = new Requester("29:ada", "Ada", null, "tenant"),
            Environments = ["Production"],
            Certificates = [certificate],
            Findings = [],
            CreatedAt = notAfter.AddYears(-1),
            Status = CaseStatus.Installed,
            ConversationReference = "{}",
            History =
            [
                new CaseEvent(notAfter.AddYears(-1), CaseStatus.Submitted, "Ada", null) { Kind = CaseEventKind.Filed },
                new CaseEvent(notAfter.AddYears(-1), CaseStatus.Installed, "Grace", null) { Kind = CaseEventKind.Installed, Environments = ["Production"] },
            ],
        };
        return Assert.Single(ExpiryWatch.Inventory([supportCase]));
    }
}

public class ExpiryWebhookTests
{
    [Fact]
    public void Reminders_renewals_and_removals_reach_the_webhook_with_their_own_event_types()
    {
        var installed = ExpiryWatchTests.Entry(new DateTimeOffset(2027, 6, 30, 12, 0, 0, TimeSpan.Zero)).Case;
        var reminder = new ExpiryReminder("K|PRODUCTION|d30", installed.Certificates[0].Sha256, ["Production"], installed.Certificates[0].NotAfter, installed.Certificates[0].NotAfter.AddDays(-4), 30);
        var reminded = installed with { History = [.. installed.History, new CaseEvent(DateTimeOffset.UnixEpoch, CaseStatus.Installed, "CertTrustBot", null) { Kind = CaseEventKind.Reminded, Reminder = reminder }] };
        var renewal = installed with { CaseNumber = "CT-000002", Renews = "CT-000001" };
        var removal = installed with { CaseNumber = "CT-000003", Kind = CaseKind.Removal, Removes = "CT-000001",
            History = [installed.History[0], new CaseEvent(DateTimeOffset.UnixEpoch, CaseStatus.Removed, "Grace", null) { Kind = CaseEventKind.Removed, Environments = ["Production"] }] };

        var expiring = CaseWebhookEvent.From(reminded, 3);
        Assert.Equal("certificate.expiring", expiring.Type);
        Assert.Equal(reminder, expiring.Event.Reminder);
        Assert.Equal("case.created", CaseWebhookEvent.From(installed, 1).Type);
        Assert.Equal("case.status_changed", CaseWebhookEvent.From(installed, 2).Type);
        Assert.Equal("case.renewal_requested", CaseWebhookEvent.From(renewal, 1).Type);
        Assert.Equal("CT-000001", CaseWebhookEvent.From(renewal, 1).Case.Renews);
        Assert.Equal("case.removal_requested", CaseWebhookEvent.From(removal, 1).Type);
        Assert.Equal("certificate.removed", CaseWebhookEvent.From(removal, 2).Type);
        Assert.Equal(["Production"], CaseWebhookEvent.From(removal, 2).Event.Environments);
    }
}
