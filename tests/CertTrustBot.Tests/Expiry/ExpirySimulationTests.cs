using CertTrustBot.Cases;
using CertTrustBot.Conversation;
using CertTrustBot.Expiry;
using CertTrustBot.Storage;
using CertTrustBot.Tests.Cases;
using CertTrustBot.Tests.Infrastructure;
using CertTrustBot.Tests.Pipeline;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CertTrustBot.Tests.Expiry;

/// <summary>
/// Months of the expiry watch on a fake clock, against Azurite: two scanners (two instances) on the same storage scan
/// every twelve hours, and each reminder is recorded once, on its day.
/// </summary>
[Collection("Azurite")]
public class ExpirySimulationTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset Start = new(2027, 1, 4, 9, 0, 0, TimeSpan.Zero); // a Monday
    private static readonly DateTimeOffset Expiry = new(2027, 4, 30, 12, 0, 0, TimeSpan.Zero); // a Friday
    // Friday 30 April less two business days of SLA and two of margin: Thursday 29, Wednesday 28, Tuesday 27, Monday 26.
    private static readonly DateTimeOffset LastDayToAsk = new(2027, 4, 26, 12, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _clock = new(Start);
    private readonly RecordingMessenger _messenger = new() { StaffReachable = true };
    private readonly StorageOptions _storage = azurite.NewStorageOptions();

    private (CaseDesk Desk, ExpiryScanner One, ExpiryScanner Two, ExpiryWatch Watch) NewWatch(params int[] reminderDays)
    {
        var options = new ExpiryOptions { ReminderDays = reminderDays.Length > 0 ? [.. reminderDays] : null, MarginBusinessDays = 2, SnoozeDays = 7 };
        var watch = new ExpiryWatch(options, new SupportDeskOptions { SlaBusinessDays = 2 });
        ExpiryScanner Scanner()
        {
            var containers = new BlobContainers(StorageServiceCollectionExtensions.CreateServiceClient(_storage), Options.Create(_storage));
            var desk = new CaseDesk(containers, _clock, NullLogger<CaseDesk>.Instance);
            return new ExpiryScanner(desk, watch, new StaffDigest(containers, _messenger, watch, NullLogger<StaffDigest>.Instance), _clock, NullLogger<ExpiryScanner>.Instance);
        }
        var storage = new BlobContainers(StorageServiceCollectionExtensions.CreateServiceClient(_storage), Options.Create(_storage));
        return (new CaseDesk(storage, _clock, NullLogger<CaseDesk>.Instance), Scanner(), Scanner(), watch);
    }

    private static async Task<SupportCase> InstalledAsync(CaseDesk desk, DateTimeOffset notAfter, string subject = "Contoso Root")
    {
        var draft = CaseDrafts.Draft(certificates: [CaseDrafts.Certificate(subject) with { NotAfter = notAfter }], environments: ["Production", "Test"]);
        var filed = await desk.SubmitAsync(draft, default);
        return (await desk.RecordAsync(filed.CaseNumber, new CaseEventDraft(CaseEventKind.Installed, "Grace") { Environments = ["Production", "Test"] }, null, default)).Case!;
    }

    /// <summary>Both instances scan every twelve hours (09:00 and 21:00 UTC) until <paramref name="until"/>; <paramref name="at"/> runs first when its time comes.</summary>
    private async Task RunUntilAsync(ExpiryScanner one, ExpiryScanner two, DateTimeOffset until, params (DateTimeOffset When, Func<Task> What)[] at)
    {
        var pending = at.OrderBy(a => a.When).ToList();
        while (_clock.GetUtcNow() < until)
        {
            _clock.Advance(TimeSpan.FromHours(12));
            while (pending.Count > 0 && pending[0].When <= _clock.GetUtcNow())
            {
                await pending[0].What();
                pending.RemoveAt(0);
            }
            await Task.WhenAll(one.RunOnceAsync(default), two.RunOnceAsync(default));
        }
    }

    private static async Task<List<(DateTimeOffset At, string Day)>> RemindersAsync(CaseDesk desk, string caseNumber) =>
        (await desk.FindAsync(caseNumber, default))!.History
            .Where(e => e.Kind == CaseEventKind.Reminded)
            .Select(e => (e.At, e.Reminder!.Key.Split('|')[^1]))
            .ToList();

    private static DateTimeOffset Evening(int month, int day) => new(2027, month, day, 21, 0, 0, TimeSpan.Zero);

    private static DateTimeOffset Morning(int month, int day) => new(2027, month, day, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Each_reminder_day_is_sent_once_on_its_day_by_two_instances_then_one_final_notice()
    {
        var (desk, one, two, _) = NewWatch();
        var installed = await InstalledAsync(desk, Expiry);

        await RunUntilAsync(one, two, new DateTimeOffset(2027, 5, 20, 0, 0, 0, TimeSpan.Zero));

        // Each day is due at noon on (last day to ask − N days); the first scan after it is that evening's.
        Assert.Equal(
            [
                (Evening(2, 25), "d60"), // 26 April − 60 days
                (Evening(3, 27), "d30"),
                (Evening(4, 12), "d14"),
                (Evening(4, 19), "d7"),
                (Evening(4, 25), "d1"),
                (Evening(4, 30), "expired"),
            ],
            await RemindersAsync(desk, installed.CaseNumber));
        var first = (await desk.FindAsync(installed.CaseNumber, default))!.History.First(e => e.Kind == CaseEventKind.Reminded).Reminder!;
        Assert.Equal(LastDayToAsk, first.LastDayToAsk);
        Assert.Equal(["Production", "Test"], first.Environments);
    }

    [Fact]
    public async Task Remind_me_later_moves_the_next_reminder_a_week_on_and_skips_the_days_in_between()
    {
        var (desk, one, two, watch) = NewWatch(30, 14, 7);
        var installed = await InstalledAsync(desk, Expiry);
        async Task SnoozeAsync()
        {
            var entry = Assert.Single(ExpiryWatch.Inventory([(await desk.FindAsync(installed.CaseNumber, default))!]));
            var snooze = watch.Snooze(entry, _clock.GetUtcNow())!;
            await desk.RecordAsync(installed.CaseNumber, new CaseEventDraft(CaseEventKind.Snoozed, "Ada") { Reminder = snooze }, null, default);
        }

        await RunUntilAsync(one, two, new DateTimeOffset(2027, 5, 20, 0, 0, 0, TimeSpan.Zero),
            (Morning(3, 28), SnoozeAsync),  // after the 30-day reminder: back on 4 April
            (Morning(4, 27), SnoozeAsync)); // after the last day to ask: back a day later, before expiry

        var reminders = await RemindersAsync(desk, installed.CaseNumber);
        Assert.Equal(
            [(Evening(3, 27), "d30"), (Morning(4, 4), "snooze"), (Evening(4, 12), "d14"), (Evening(4, 19), "d7"), (Morning(4, 28), "snooze"), (Evening(4, 30), "expired")],
            reminders.Select(r => (r.At, r.Day.StartsWith("snooze-", StringComparison.Ordinal) ? "snooze" : r.Day)));
    }

    [Fact]
    public async Task A_certificate_replaced_by_an_installed_renewal_gets_no_more_reminders()
    {
        var (desk, one, two, _) = NewWatch(30, 14, 7, 1);
        var old = await InstalledAsync(desk, Expiry);
        SupportCase? renewal = null;
        async Task RenewAsync()
        {
            var draft = CaseDrafts.Draft(certificates: [CaseDrafts.Certificate("Contoso Root 2") with { NotAfter = Expiry.AddYears(3) }], environments: ["Production", "Test"]) with { Renews = old.CaseNumber };
            renewal = await desk.SubmitAsync(draft, default);
        }
        async Task InstallAsync() =>
            await desk.RecordAsync(renewal!.CaseNumber, new CaseEventDraft(CaseEventKind.Installed, "Grace") { Environments = ["Production", "Test"] }, null, default);

        await RunUntilAsync(one, two, new DateTimeOffset(2027, 5, 20, 0, 0, 0, TimeSpan.Zero), (Morning(3, 29), RenewAsync), (Morning(4, 2), InstallAsync));

        Assert.Equal([(Evening(3, 27), "d30")], await RemindersAsync(desk, old.CaseNumber));
        Assert.Empty(await RemindersAsync(desk, renewal!.CaseNumber));
        var inventory = ExpiryWatch.Inventory(await desk.ListAllAsync(default));
        Assert.True(inventory.Single(e => e.Case.CaseNumber == old.CaseNumber).Replaced);
        Assert.Equal(renewal.CaseNumber, inventory.Single(e => e.Case.CaseNumber == old.CaseNumber).RenewedBy);
    }

    [Fact]
    public async Task A_removed_certificate_leaves_the_inventory_and_gets_no_more_reminders_not_even_the_final_notice()
    {
        var (desk, one, two, _) = NewWatch(30, 14, 7, 1);
        var installed = await InstalledAsync(desk, Expiry);
        SupportCase? removal = null;
        async Task RemoveAsync() => removal = await desk.FileRemovalAsync(
            new RemovalDraft("removal-1", CaseDrafts.Alice, installed, ["Production", "Test"], "{}", null), default);
        async Task DoneAsync()
        {
            Assert.Equal(CaseEventOutcome.NotAllowed, (await desk.RecordAsync(removal!.CaseNumber, new CaseEventDraft(CaseEventKind.Installed, "Grace") { Environments = ["Test"] }, null, default)).Outcome);
            await desk.RecordAsync(removal.CaseNumber, new CaseEventDraft(CaseEventKind.Removed, "Grace") { Environments = ["Test"] }, null, default);
            await desk.RecordAsync(removal.CaseNumber, new CaseEventDraft(CaseEventKind.Removed, "Grace") { Environments = ["Production"] }, null, default);
        }

        await RunUntilAsync(one, two, new DateTimeOffset(2027, 5, 20, 0, 0, 0, TimeSpan.Zero), (Morning(3, 29), RemoveAsync), (Morning(4, 20), DoneAsync));

        Assert.Equal([(Evening(3, 27), "d30")], await RemindersAsync(desk, installed.CaseNumber));
        Assert.Equal(CaseStatus.Removed, (await desk.FindAsync(removal!.CaseNumber, default))!.Status);
        Assert.Equal(installed.Certificates, removal.Certificates); // the same blobs, nothing stored again
        Assert.DoesNotContain(ExpiryWatch.Inventory(await desk.ListAllAsync(default)), e => e.Case.CaseNumber == installed.CaseNumber);
    }

    [Fact]
    public async Task The_staff_digest_is_posted_once_a_week_on_its_day_by_two_instances()
    {
        var (desk, one, two, _) = NewWatch();
        await InstalledAsync(desk, Expiry);
        var end = new DateTimeOffset(2027, 2, 28, 12, 0, 0, TimeSpan.Zero); // the last scan is on Sunday evening
        // Mondays from 4 January (the first scan is that evening) to 28 February 2027, counted on the calendar.
        var mondays = Enumerable.Range(0, (int)(end - Start).TotalDays + 1).Select(d => Start.AddDays(d)).Count(d => d < end && d.DayOfWeek == DayOfWeek.Monday);

        await RunUntilAsync(one, two, end);

        Assert.Equal(mondays, _messenger.Posts.Count);
        Assert.Equal(8, mondays);
        Assert.All(_messenger.Posts, p => Assert.Equal(CertTrustBot.Cards.CardNames.CertificateList, ((CardReply)p.Card).Template));
    }
}
