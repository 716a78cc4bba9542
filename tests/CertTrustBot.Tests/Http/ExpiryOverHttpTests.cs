using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CertTrustBot.Cases;
using CertTrustBot.Expiry;
using CertTrustBot.Staff;
using Microsoft.Extensions.DependencyInjection;
using Newtonsoft.Json.Linq;

namespace CertTrustBot.Tests.Http;

// The expiry watch over HTTP: two instances on one storage, the real CloudAdapter, the loopback channel (same fixture
// and helpers as the staff tests, hence the same class).
public sealed partial class StaffOverHttpTests
{
    private Dictionary<string, string?> ExpirySettings(StaffTeam staff)
    {
        var settings = staff.Settings(_storage);
        // Every reminder day of a root with years left is long past: the most urgent one is due at once.
        settings["Expiry:ReminderDays:0"] = "4000";
        settings["Expiry:ScanInterval"] = "00:00:00.200";
        return settings;
    }

    private BotApp StartExpiryBot(StaffTeam staff)
    {
        var app = new BotApp(ExpirySettings(staff));
        _apps.Add(app);
        return app;
    }

    private static int Passes(BotApp bot) => bot.Services.GetRequiredService<ExpiryScanner>().Passes;

    /// <summary>Waits until each instance has scanned <paramref name="more"/> more times than now.</summary>
    private async Task MoreScansAsync(int more, params BotApp[] bots)
    {
        var targets = bots.Select(b => (Bot: b, Target: Passes(b) + more)).ToList();
        await UntilAsync(() => targets.All(t => Passes(t.Bot) >= t.Target), $"{more} more expiry scans on each instance");
    }

    private List<LoopbackChannel.CapturedActivity> Reminders(TeamsChat customer) =>
        _channel.For(customer.ConversationId).Where(r => HasSubmit(r, "expiry.renew")).ToList();

    // A root with ten years left, as the "done when" has it.
    private static readonly Lazy<byte[]> TenYearRoot = new(() => NewRootDer("CN=Contoso Ten Year Root CA, O=Contoso"));

    private async Task<(StaffTeam Staff, BotApp One, BotApp Two, TeamsChat Customer, string CaseNumber)> InstalledCaseOnTwoInstancesAsync()
    {
        var staff = new StaffTeam(_channel);
        var (one, two) = (StartExpiryBot(staff), StartExpiryBot(staff));
        await PostAsync(one, staff.BotInstalled());
        var customer = new TeamsChat(_channel);
        var caseNumber = await FileCaseAsync(one, customer, "Production,Test", TenYearRoot.Value);
        var thread = await CaseThreadAsync(staff, caseNumber);
        await InvokeAsync(two, staff.Execute(thread, thread.Message.Cards.Single(), "staff.install", staff.Member,
            new Dictionary<string, string> { [StaffAction.EnvironmentsInput] = "Production,Test" }));
        return (staff, one, two, customer, caseNumber);
    }

    [Fact]
    public async Task An_installed_root_brings_exactly_one_reminder_from_two_instances_also_after_both_restart()
    {
        var (staff, one, two, customer, caseNumber) = await InstalledCaseOnTwoInstancesAsync();

        var reminder = await EventuallyAsync(() => Reminders(customer) is { Count: > 0 } r ? r : null, "the expiry reminder in the customer's chat");
        await MoreScansAsync(5, one, two);
        await UntilAsync(async () => (await OutboxAsync(CertTrustBot.Conversation.CustomerChatConsumer.ConsumerName)).Count == 0, "the customer's outbox emptied");

        Assert.Single(Reminders(customer));
        var text = AllText(reminder);
        Assert.Contains("CN=Contoso Ten Year Root CA", text, StringComparison.Ordinal);
        Assert.Matches("(Production and Test|Test and Production)", text);
        Assert.Contains("Last day to ask", text, StringComparison.Ordinal);
        Assert.True(HasSubmit(reminder[0], "expiry.remove"));
        Assert.True(HasSubmit(reminder[0], "expiry.snooze"));
        var recorded = (await CaseAsync(one, caseNumber)).History.Where(e => e.Kind == CaseEventKind.Reminded).ToList();
        Assert.Equal("d4000", Assert.Single(recorded).Reminder!.Key.Split('|')[^1]);

        await one.DisposeAsync();
        await two.DisposeAsync();
        var (three, four) = (StartExpiryBot(staff), StartExpiryBot(staff));
        await MoreScansAsync(5, three, four);

        Assert.Single(Reminders(customer));
        Assert.Single((await CaseAsync(three, caseNumber)).History, e => e.Kind == CaseEventKind.Reminded);
    }

    [Fact]
    public async Task My_certificates_lists_the_installed_root_with_its_days_left_and_the_last_day_to_ask()
    {
        var (_, one, _, customer, caseNumber) = await InstalledCaseOnTwoInstancesAsync();
        customer.NewReplies();

        var listed = await SendAsync(one, customer, customer.Message("my certificates"));

        var text = AllText(listed);
        Assert.Contains("Your installed certificates", text, StringComparison.Ordinal);
        Assert.Contains(caseNumber, text, StringComparison.Ordinal);
        Assert.Contains("Contoso Ten Year Root CA", text, StringComparison.Ordinal);
        // The root was made to expire ten years from now; its days left are counted from the real clock here.
        var expected = (long)Math.Floor((X509CertificateLoader.LoadCertificate(TenYearRoot.Value).NotAfter.ToUniversalTime() - DateTime.UtcNow).TotalDays);
        Assert.InRange(expected, 3650, 3654);
        Assert.True(text.Contains($"{expected:N0} days", StringComparison.Ordinal) || text.Contains($"{expected - 1:N0} days", StringComparison.Ordinal), text);
        Assert.Contains("Last day to ask", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_renewal_a_new_certificate_and_confirm_file_a_case_that_names_the_old_one_and_keeps_its_environments()
    {
        var (staff, one, two, customer, caseNumber) = await InstalledCaseOnTwoInstancesAsync();
        var reminder = await EventuallyAsync(() => Reminders(customer) is { Count: > 0 } r ? r : null, "the expiry reminder");
        customer.NewReplies();

        var started = await SendAsync(two, customer, customer.Submit(reminder[0], "expiry.renew"));
        Assert.Contains($"renew the certificate of **{caseNumber}**", AllText(started), StringComparison.Ordinal);
        var replies = await SendAsync(one, customer, customer.File("contoso-root-2.cer", _files.Serve(NewRootDer("CN=Contoso Test Root CA 2, O=Contoso"))));
        var confirmation = replies.Single(r => HasSubmit(r, "confirm"));
        Assert.DoesNotContain(replies, r => HasSubmit(r, "environments")); // no picker: the old case's environments are kept
        var receipt = await SendAsync(two, customer, customer.Submit(confirmation, "confirm"));

        var number = CaseNumbers().Matches(AllText(receipt)).Select(m => m.Value).First(n => n != caseNumber);
        var renewal = await CaseAsync(one, number);
        Assert.Equal(caseNumber, renewal.Renews);
        Assert.Equal(["Production", "Test"], renewal.Environments.Order());
        Assert.Contains("CN=Contoso Test Root CA 2", renewal.Certificates.Single().Subject, StringComparison.Ordinal);
        var card = await CaseThreadAsync(staff, number);
        Assert.Contains($"Renews {caseNumber}", AllText(card.Message.Cards.Single()), StringComparison.Ordinal);
        Assert.Contains("old certificate can be removed", AllText(card.Message.Cards.Single()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_longer_needed_files_a_removal_that_staff_mark_removed_and_the_customer_is_told()
    {
        var (staff, one, two, customer, caseNumber) = await InstalledCaseOnTwoInstancesAsync();
        var reminder = await EventuallyAsync(() => Reminders(customer) is { Count: > 0 } r ? r : null, "the expiry reminder");
        customer.NewReplies();

        var filed = await SendAsync(one, customer, customer.Submit(reminder[0], "expiry.remove"));
        var again = await SendAsync(two, customer, customer.Message($"remove {caseNumber}"));

        var number = CaseNumbers().Matches(AllText(filed)).Select(m => m.Value).First(n => n != caseNumber);
        Assert.Contains("Removal requested", AllText(filed), StringComparison.Ordinal);
        Assert.Contains($"requested already: **{number}**", AllText(again), StringComparison.Ordinal);
        var removal = await CaseAsync(one, number);
        Assert.Equal(CaseKind.Removal, removal.Kind);
        Assert.Equal(caseNumber, removal.Removes);
        var thread = await CaseThreadAsync(staff, number);
        var card = thread.Message.Cards.Single();
        var sha1 = removal.Certificates.Single().Sha1;
        Assert.Contains(string.Join(' ', Enumerable.Range(0, sha1.Length / 4).Select(i => sha1.Substring(i * 4, 4))), AllText(card), StringComparison.Ordinal);
        Assert.Contains("Trusted Root store", AllText(card), StringComparison.Ordinal);
        Assert.Contains("Mark removed", AllText(card), StringComparison.Ordinal);

        await InvokeAsync(one, staff.Execute(thread, card, "staff.install", staff.Member,
            new Dictionary<string, string> { [StaffAction.EnvironmentsInput] = "Production,Test" }));

        Assert.Equal(CaseStatus.Removed, (await CaseAsync(two, number)).Status);
        var told = await EventuallyAsync(() => customer.NewReplies() is { Count: > 0 } r ? r : null, "the customer told of the removal");
        Assert.Contains($"{number}: removed", AllText(told), StringComparison.Ordinal);
        var listed = await SendAsync(one, customer, customer.Message("my certificates"));
        Assert.DoesNotContain(caseNumber, AllText(listed), StringComparison.Ordinal);
        Assert.Contains("no installed certificates", AllText(listed), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Remind_me_later_is_noted_on_the_case_once_and_says_when()
    {
        var (_, one, two, customer, caseNumber) = await InstalledCaseOnTwoInstancesAsync();
        var reminder = await EventuallyAsync(() => Reminders(customer) is { Count: > 0 } r ? r : null, "the expiry reminder");
        customer.NewReplies();

        var answer = await SendAsync(two, customer, customer.Submit(reminder[0], "expiry.snooze"));

        Assert.Contains($"remind you again about **{caseNumber}** on", AllText(answer), StringComparison.Ordinal);
        var snoozed = Assert.Single((await CaseAsync(one, caseNumber)).History, e => e.Kind == CaseEventKind.Snoozed);
        Assert.Equal("Ada Lovelace", snoozed.Actor);
        Assert.InRange(snoozed.Reminder!.Until!.Value - snoozed.At, TimeSpan.FromDays(7) - TimeSpan.FromMinutes(1), TimeSpan.FromDays(7));
        await MoreScansAsync(3, one, two);
        Assert.Single(Reminders(customer)); // the week has not passed: nothing more
    }

    [Fact]
    public async Task Expiring_in_the_staff_channel_lists_what_expires_for_staff_and_refuses_others()
    {
        var staff = new StaffTeam(_channel);
        var settings = ExpirySettings(staff);
        settings["Expiry:StaffWindowDays"] = "3650"; // the test root expires in five years
        var bot = new BotApp(settings);
        _apps.Add(bot);
        await PostAsync(bot, staff.BotInstalled());
        var customer = new TeamsChat(_channel);
        var caseNumber = await FileCaseAsync(bot, customer, "Production");
        var thread = await CaseThreadAsync(staff, caseNumber);
        await InvokeAsync(bot, staff.Execute(thread, thread.Message.Cards.Single(), "staff.install", staff.Member));

        var asked = staff.Mention(staff.Member, "expiring");
        await PostAsync(bot, asked);
        var refusedAsk = staff.Mention(staff.Outsider, "expiring");
        await PostAsync(bot, refusedAsk);

        var conversation = (string)asked["conversation"]!["id"]!;
        var list = await EventuallyAsync(() => _channel.For(conversation) is { Count: > 0 } r ? r : null, "the expiring list");
        Assert.Contains("Certificates expiring in the next 3650 days", AllText(list), StringComparison.Ordinal);
        Assert.Contains(caseNumber, AllText(list), StringComparison.Ordinal);
        Assert.Contains("Ada Lovelace", AllText(list), StringComparison.Ordinal);
        var refusal = await EventuallyAsync(() => _channel.For((string)refusedAsk["conversation"]!["id"]!) is { Count: > 0 } r ? r : null, "the refusal");
        Assert.Contains("Only the support staff can use staff commands", AllText(refusal), StringComparison.Ordinal);
        Assert.DoesNotContain(caseNumber, AllText(refusal), StringComparison.Ordinal);
    }

    private static byte[] NewRootDer(string subject)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(10));
        return certificate.RawData;
    }
}
