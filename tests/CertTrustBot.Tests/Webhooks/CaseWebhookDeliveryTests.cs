using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using CertTrustBot.Cases;
using CertTrustBot.Cases.Events;
using CertTrustBot.Cases.Webhooks;
using CertTrustBot.Storage;
using CertTrustBot.Tests.Cases;
using CertTrustBot.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CertTrustBot.Tests.Webhooks;

/// <summary>
/// The case desk, the blob outbox and the dispatcher as the app wires them (AddCaseWebhook), against Azurite and a real
/// HTTP receiver on loopback. The dispatcher is driven pass by pass (RunOnceAsync) on a fake clock: no background loop.
/// </summary>
[Collection("Azurite")]
public sealed class CaseWebhookDeliveryTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private static readonly TimeSpan BackoffMax = TimeSpan.FromMinutes(5);
    private static readonly DateTimeOffset Start = new(2026, 11, 29, 9, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(Start);
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);
    private readonly IReadOnlyDictionary<string, string?> _storage = azurite.NewConfiguration();
    private readonly List<ServiceProvider> _instances = [];
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await WebhookReceiver.StartAsync();

    public async Task DisposeAsync()
    {
        foreach (var instance in _instances)
            await instance.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    [Fact]
    public async Task A_submitted_case_is_delivered_once_signed_with_the_shared_secret()
    {
        var bot = NewInstance();
        var submitted = await bot.Desk.SubmitAsync(CaseDrafts.Draft(), default);

        var pass = await bot.Dispatcher.RunOnceAsync(default);
        var again = await bot.Dispatcher.RunOnceAsync(default);

        Assert.Equal(1, pass.Delivered);
        Assert.Equal(new CaseEventPass(), again);
        var received = Assert.Single(_receiver.Received);
        var id = $"{submitted.CaseNumber}:1";
        Assert.Equal(id, received.Header("Idempotency-Key"));
        Assert.Equal(id, received.Header("webhook-id"));
        Assert.Equal("case.created", received.Header("X-CertTrust-Event"));
        Assert.StartsWith("application/json", received.Header("Content-Type"), StringComparison.Ordinal);
        Assert.Equal(_clock.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), received.Header("webhook-timestamp"));
        Assert.Equal(ExpectedSignature(received), received.Header("webhook-signature"));
        Assert.Empty(await OutboxNames());
    }

    [Fact]
    public async Task Configured_headers_such_as_the_receivers_own_credentials_are_sent_too()
    {
        var bot = NewInstance(new() { ["CaseWebhook:Headers:Authorization"] = "Basic Y2VydHRydXN0OnMzY3JldA==" });
        await bot.Desk.SubmitAsync(CaseDrafts.Draft(), default);

        await bot.Dispatcher.RunOnceAsync(default);

        Assert.Equal("Basic Y2VydHRydXN0OnMzY3JldA==", Assert.Single(_receiver.Received).Header("Authorization"));
    }

    [Fact]
    public async Task The_payload_describes_the_case_without_certificate_bytes_or_conversation_reference()
    {
        var bot = NewInstance();
        var draft = CaseDrafts.Draft(environments: ["Production", "Test"]);
        var submitted = await bot.Desk.SubmitAsync(draft, default);

        await bot.Dispatcher.RunOnceAsync(default);

        var body = Assert.Single(_receiver.Received).Body;
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        Assert.Equal($"{submitted.CaseNumber}:1", root.GetProperty("id").GetString());
        Assert.Equal("case.created", root.GetProperty("type").GetString());
        Assert.Equal(submitted.CreatedAt, root.GetProperty("occurredAt").GetDateTimeOffset());
        var @case = root.GetProperty("case");
        Assert.Equal(submitted.CaseNumber, @case.GetProperty("caseNumber").GetString());
        Assert.Equal("Submitted", @case.GetProperty("status").GetString());
        Assert.Equal(draft.Requester.Name, @case.GetProperty("requester").GetProperty("name").GetString());
        Assert.Equal(draft.Requester.AadObjectId, @case.GetProperty("requester").GetProperty("aadObjectId").GetString());
        Assert.Equal(draft.Requester.TenantId, @case.GetProperty("requester").GetProperty("tenantId").GetString());
        Assert.Equal(["Production", "Test"], @case.GetProperty("environments").EnumerateArray().Select(e => e.GetString()));
        // The severity is an enum in the record and goes out by name, as the webhook contract has always said.
        Assert.Equal("Info", @case.GetProperty("findings")[0].GetProperty("severity").GetString());
        Assert.Equal("Filed", json.RootElement.GetProperty("event").GetProperty("kind").GetString());
        Assert.Equal("api.contoso.example", @case.GetProperty("hostName").GetString());
        var certificate = Assert.Single(@case.GetProperty("certificates").EnumerateArray());
        Assert.Equal(draft.Certificates[0].Sha256, certificate.GetProperty("sha256").GetString());
        Assert.Equal(draft.Certificates[0].Sha1, certificate.GetProperty("sha1").GetString());
        Assert.Equal(draft.Certificates[0].Subject, certificate.GetProperty("subject").GetString());
        Assert.Equal("Root", certificate.GetProperty("role").GetString());
        Assert.Equal("cert.self_signed", Assert.Single(@case.GetProperty("findings").EnumerateArray()).GetProperty("code").GetString());
        Assert.Equal(draft.Requester.Name, root.GetProperty("event").GetProperty("actor").GetString());
        var text = Encoding.UTF8.GetString(body);
        Assert.DoesNotContain("conversation", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("serviceUrl", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Convert.ToBase64String(draft.Certificates[0].Der)[..40], text, StringComparison.Ordinal);
        Assert.DoesNotContain(draft.Requester.UserId, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_status_change_is_delivered_after_the_creation_with_its_actor_and_note()
    {
        var bot = NewInstance();
        var submitted = await bot.Desk.SubmitAsync(CaseDrafts.Draft(), default);
        _clock.Advance(TimeSpan.FromMinutes(30));
        await bot.Desk.RecordAsync(submitted.CaseNumber, new CaseEventDraft(CaseEventKind.Installed, "staff:jo", "Installed on all front-ends") { Environments = submitted.Environments }, submitted.ETag, default);

        var pass = await bot.Dispatcher.RunOnceAsync(default);

        Assert.Equal(2, pass.Delivered);
        Assert.Equal([$"{submitted.CaseNumber}:1", $"{submitted.CaseNumber}:2"], _receiver.Received.Select(r => r.Id));
        var change = _receiver.Received.Last();
        Assert.Equal("case.status_changed", change.Header("X-CertTrust-Event"));
        Assert.Equal(ExpectedSignature(change), change.Header("webhook-signature"));
        using var json = JsonDocument.Parse(change.Body);
        var @event = json.RootElement.GetProperty("event");
        Assert.Equal(2, @event.GetProperty("sequence").GetInt32());
        Assert.Equal("Installed", @event.GetProperty("status").GetString());
        Assert.Equal("staff:jo", @event.GetProperty("actor").GetString());
        Assert.Equal("Installed on all front-ends", @event.GetProperty("note").GetString());
        Assert.Equal(_clock.GetUtcNow(), @event.GetProperty("at").GetDateTimeOffset());
        Assert.Equal("Installed", json.RootElement.GetProperty("case").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Nothing_is_lost_while_the_receiver_is_down_and_the_event_is_delivered_when_it_comes_back()
    {
        var bot = NewInstance();
        await _receiver.StopAsync();
        var submitted = await bot.Desk.SubmitAsync(CaseDrafts.Draft(), default);

        var whileDown = await bot.Dispatcher.RunOnceAsync(default);
        var (entry, _) = await bot.Outbox.ReadAsync(CaseEventOutbox.BlobName(CaseWebhookConsumer.ConsumerName, submitted.CaseNumber, 1), default);
        _clock.Advance(TimeSpan.FromSeconds(4)); // less than half the first backoff: not due yet
        var tooSoon = await bot.Dispatcher.RunOnceAsync(default);
        await _receiver.RestartAsync();
        _clock.Advance(BackoffMax);
        var afterwards = await NewInstance().Dispatcher.RunOnceAsync(default); // a restarted bot finds it in storage

        Assert.Equal(new CaseEventPass(Retrying: 1), whileDown);
        Assert.NotNull(entry);
        Assert.Equal(1, entry.Attempts);
        Assert.Contains("could not reach the receiver", entry.LastError, StringComparison.Ordinal);
        Assert.InRange(entry.NextAttemptAt, Start + TimeSpan.FromSeconds(5), Start + TimeSpan.FromSeconds(10));
        Assert.Equal(new CaseEventPass(Waiting: 1), tooSoon);
        Assert.Equal(1, afterwards.Delivered);
        Assert.Equal([$"{submitted.CaseNumber}:1"], _receiver.Received.Select(r => r.Id));
        Assert.Empty(await OutboxNames());
    }

    [Fact]
    public async Task A_receiver_answering_503_gets_the_same_event_again_later_with_the_same_id_and_body()
    {
        var bot = NewInstance();
        _receiver.Answer = HttpStatusCode.ServiceUnavailable;
        await bot.Desk.SubmitAsync(CaseDrafts.Draft(), default);

        var refused = await bot.Dispatcher.RunOnceAsync(default);
        _receiver.Answer = HttpStatusCode.Accepted;
        _clock.Advance(BackoffMax);
        var accepted = await bot.Dispatcher.RunOnceAsync(default);

        Assert.Equal(1, refused.Retrying);
        Assert.Equal(1, accepted.Delivered);
        var (first, second) = (_receiver.Received.First(), _receiver.Received.Last());
        Assert.Equal([503, 202], _receiver.Received.Select(r => r.AnsweredWith));
        Assert.Equal(first.Id, second.Id);
        Assert.Equal(first.Body, second.Body);
        Assert.NotEqual(first.Header("webhook-timestamp"), second.Header("webhook-timestamp"));
        Assert.Equal(ExpectedSignature(second), second.Header("webhook-signature"));
        Assert.Empty(await OutboxNames());
    }

    [Fact]
    public async Task Events_of_one_case_wait_behind_an_earlier_event_that_is_being_retried()
    {
        var bot = NewInstance();
        _receiver.Answer = HttpStatusCode.InternalServerError;
        var submitted = await bot.Desk.SubmitAsync(CaseDrafts.Draft(), default);
        await bot.Desk.RecordAsync(submitted.CaseNumber, new CaseEventDraft(CaseEventKind.Started, "staff:jo"), null, default);

        var failing = await bot.Dispatcher.RunOnceAsync(default);
        _receiver.Answer = HttpStatusCode.OK;
        _clock.Advance(BackoffMax);
        var recovered = await bot.Dispatcher.RunOnceAsync(default);

        Assert.Equal(new CaseEventPass(Retrying: 1, Waiting: 1), failing);
        Assert.Equal(2, recovered.Delivered);
        Assert.Equal([$"{submitted.CaseNumber}:1", $"{submitted.CaseNumber}:1", $"{submitted.CaseNumber}:2"], _receiver.Received.Select(r => r.Id));
    }

    [Fact]
    public async Task A_receiver_refusing_with_400_leaves_a_dead_letter_that_is_not_retried_until_requeued()
    {
        var bot = NewInstance();
        _receiver.Answer = HttpStatusCode.BadRequest;
        var submitted = await bot.Desk.SubmitAsync(CaseDrafts.Draft(), default);

        var refused = await bot.Dispatcher.RunOnceAsync(default);
        _clock.Advance(TimeSpan.FromDays(1));
        var dayLater = await bot.Dispatcher.RunOnceAsync(default);
        var (entry, _) = await bot.Outbox.ReadAsync(CaseEventOutbox.BlobName(CaseWebhookConsumer.ConsumerName, submitted.CaseNumber, 1), default);
        _receiver.Answer = HttpStatusCode.OK;
        var requeued = await bot.Outbox.RequeueDeadLettersAsync(CaseWebhookConsumer.ConsumerName, default);
        var delivered = await bot.Dispatcher.RunOnceAsync(default);

        Assert.Equal(new CaseEventPass(DeadLetters: 1), refused);
        Assert.Equal(new CaseEventPass(DeadLetters: 1), dayLater);
        Assert.NotNull(entry?.DeadLetteredAt);
        Assert.StartsWith("HTTP 400", entry.LastError, StringComparison.Ordinal);
        Assert.Equal(1, requeued);
        Assert.Equal(1, delivered.Delivered);
        Assert.Equal([400, 200], _receiver.Received.Select(r => r.AnsweredWith));
    }

    [Fact]
    public async Task An_event_still_failing_after_MaxAttempts_is_kept_as_a_dead_letter()
    {
        var bot = NewInstance(new() { ["CaseWebhook:MaxAttempts"] = "3" });
        _receiver.Answer = HttpStatusCode.BadGateway;
        await bot.Desk.SubmitAsync(CaseDrafts.Draft(), default);

        var passes = new List<CaseEventPass>();
        for (var i = 0; i < 4; i++)
        {
            passes.Add(await bot.Dispatcher.RunOnceAsync(default));
            _clock.Advance(BackoffMax);
        }

        Assert.Equal([1, 1, 0, 0], passes.Select(p => p.Retrying));
        Assert.Equal([0, 0, 1, 1], passes.Select(p => p.DeadLetters));
        Assert.Equal(3, _receiver.Received.Count);
        Assert.Single(await OutboxNames());
    }

    [Fact]
    public async Task Two_dispatchers_on_the_same_storage_deliver_each_event_once()
    {
        var (one, two) = (NewInstance(), NewInstance());
        var cases = new List<SupportCase>();
        for (var i = 0; i < 12; i++)
            cases.Add(await (i % 2 == 0 ? one : two).Desk.SubmitAsync(CaseDrafts.Draft(), default));

        for (var round = 0; round < 3; round++)
        {
            await Task.WhenAll(
                Task.Run(() => one.Dispatcher.RunOnceAsync(default)),
                Task.Run(() => two.Dispatcher.RunOnceAsync(default)),
                Task.Run(() => two.Dispatcher.RunOnceAsync(default)));
        }

        var ids = _receiver.Received.Select(r => r.Id).ToList();
        Assert.Equal(cases.Select(c => $"{c.CaseNumber}:1").Order(StringComparer.Ordinal), ids.Order(StringComparer.Ordinal));
        Assert.Empty(await OutboxNames());
    }

    [Fact]
    public async Task A_case_whose_record_was_never_written_is_not_sent_until_a_retry_commits_it()
    {
        var bot = NewInstance();
        var draft = CaseDrafts.Draft();
        var failingContainers = new BlobContainers(ClientFailingOn(r => r.Method == RequestMethod.Put && r.Uri.Path.Contains("/records/", StringComparison.Ordinal)), Options.Create(bot.StorageOptions));
        var failing = new CaseDesk(
            failingContainers,
            new CaseNumberCounter(failingContainers),
            _clock,
            NullLogger<CaseDesk>.Instance,
            [bot.Outbox]);

        // Storage goes away right before the commit point: the event is staged, the case record is not written.
        await Assert.ThrowsAsync<StorageUnavailableException>(() => failing.SubmitAsync(draft, default));
        var uncommitted = await bot.Dispatcher.RunOnceAsync(default);
        _clock.Advance(TimeSpan.FromMinutes(2));
        var retried = await bot.Desk.SubmitAsync(draft, default);
        var committed = await bot.Dispatcher.RunOnceAsync(default);

        Assert.Equal(new CaseEventPass(Waiting: 1), uncommitted);
        Assert.Equal(1, committed.Delivered);
        var received = Assert.Single(_receiver.Received);
        using var json = JsonDocument.Parse(received.Body);
        // The record is the truth: the payload carries the retry's creation time, not the failed attempt's.
        Assert.Equal(retried.CreatedAt, json.RootElement.GetProperty("case").GetProperty("createdAt").GetDateTimeOffset());
        Assert.Equal(retried.CreatedAt, json.RootElement.GetProperty("occurredAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task A_staged_event_that_never_commits_is_dropped_after_GiveUpAfter_and_nothing_is_sent()
    {
        var bot = NewInstance();
        var submitted = await bot.Desk.SubmitAsync(CaseDrafts.Draft(), default);
        await bot.Dispatcher.RunOnceAsync(default);
        var staleView = submitted with { History = [.. submitted.History, new CaseEvent(_clock.GetUtcNow(), CaseStatus.Rejected, "staff:kim", null) { Kind = CaseEventKind.Rejected }] };
        await bot.Outbox.StageAsync(staleView, default); // as an update whose conditional write then failed

        var young = await bot.Dispatcher.RunOnceAsync(default);
        _clock.Advance(TimeSpan.FromDays(3) + TimeSpan.FromMinutes(1));
        var old = await bot.Dispatcher.RunOnceAsync(default);

        Assert.Equal(new CaseEventPass(Waiting: 1), young);
        Assert.Equal(new CaseEventPass(), old);
        Assert.Single(_receiver.Received);
        Assert.Empty(await OutboxNames());
    }

    [Fact]
    public async Task An_event_staged_by_an_update_that_lost_its_race_is_sent_as_the_record_says()
    {
        var bot = NewInstance();
        var submitted = await bot.Desk.SubmitAsync(CaseDrafts.Draft(), default);
        // A losing attempt staged "Rejected" as event 2, then the winner committed "Installed" as event 2.
        var loser = submitted with { History = [.. submitted.History, new CaseEvent(_clock.GetUtcNow(), CaseStatus.Rejected, "staff:kim", null) { Kind = CaseEventKind.Rejected }] };
        await bot.Outbox.StageAsync(loser, default);
        await bot.Desk.RecordAsync(submitted.CaseNumber, new CaseEventDraft(CaseEventKind.Installed, "staff:jo") { Environments = submitted.Environments }, submitted.ETag, default);

        await bot.Dispatcher.RunOnceAsync(default);

        Assert.Equal(2, _receiver.Received.Count);
        using var json = JsonDocument.Parse(_receiver.Received.Last().Body);
        Assert.Equal("Installed", json.RootElement.GetProperty("event").GetProperty("status").GetString());
        Assert.Equal("staff:jo", json.RootElement.GetProperty("event").GetProperty("actor").GetString());
    }

    [Fact]
    public async Task An_unreadable_outbox_entry_is_left_in_place_and_does_not_stop_other_deliveries()
    {
        var bot = NewInstance();
        var submitted = await bot.Desk.SubmitAsync(CaseDrafts.Draft(), default);
        var cases = azurite.CreateServiceClient().GetBlobContainerClient(_storage["Storage:CasesContainer"]);
        await cases.GetBlobClient("events/webhook/CT-999999/000001.json").UploadAsync(BinaryData.FromString("{ not json"));

        var pass = await bot.Dispatcher.RunOnceAsync(default);

        Assert.Equal(1, pass.Delivered);
        Assert.Equal([$"{submitted.CaseNumber}:1"], _receiver.Received.Select(r => r.Id));
        Assert.Equal(["events/webhook/CT-999999/000001.json"], await OutboxNames());
    }

    [Fact]
    public async Task The_running_app_delivers_a_new_case_at_once_without_waiting_for_the_next_poll()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(_storage).AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["CaseWebhook:Url"] = _receiver.Url,
            ["CaseWebhook:Secret"] = "whsec_" + Convert.ToBase64String(_key),
            ["CaseEvents:PollInterval"] = "01:00:00", // only the nudge after the commit can make it quick
        });
        builder.Services.AddBlobStorage(builder.Configuration);
        builder.Services.AddCaseDesk();
        builder.Services.AddCaseEvents();
        builder.Services.AddCaseWebhook(builder.Configuration);
        using var host = builder.Build();
        await host.StartAsync();

        var submitted = await host.Services.GetRequiredService<CaseDesk>().SubmitAsync(CaseDrafts.Draft(), default);
        // A bound on the wait so a broken nudge fails the test instead of hanging it; not a timing assertion.
        var received = await _receiver.FirstReceived.WaitAsync(TimeSpan.FromSeconds(30));
        await host.StopAsync();

        Assert.Equal($"{submitted.CaseNumber}:1", received.Id);
        Assert.Equal(ExpectedSignature(received), received.Header("webhook-signature"));
    }

    [Fact]
    public async Task With_no_url_webhooks_are_off_and_cases_are_filed_as_before()
    {
        var bot = NewInstance(new() { ["CaseWebhook:Url"] = "", ["CaseWebhook:Secret"] = "" });

        var submitted = await bot.Desk.SubmitAsync(CaseDrafts.Draft(), default);
        var pass = await bot.Dispatcher.RunOnceAsync(default);

        Assert.NotNull(await bot.Desk.FindAsync(submitted.CaseNumber, default));
        Assert.Equal(new CaseEventPass(), pass);
        Assert.Empty(await OutboxNames());
        Assert.Empty(_receiver.Received);
    }

    // ---- helpers ----

    private sealed record Instance(CaseDesk Desk, CaseEventOutbox Outbox, WebhookPasses Dispatcher, StorageOptions StorageOptions);

    /// <summary>The pipeline's dispatcher, driven for the webhook consumer alone.</summary>
    private sealed class WebhookPasses(CaseEventDispatcher dispatcher, ICaseEventConsumer webhook)
    {
        public Task<CaseEventPass> RunOnceAsync(CancellationToken cancellationToken) => dispatcher.RunOnceAsync(webhook, cancellationToken);
    }

    /// <summary>One bot instance as the app composes it, on this test's storage and receiver.</summary>
    private Instance NewInstance(Dictionary<string, string?>? overrides = null)
    {
        var settings = new Dictionary<string, string?>(_storage)
        {
            ["CaseWebhook:Url"] = _receiver.Url,
            ["CaseWebhook:Secret"] = "whsec_" + Convert.ToBase64String(_key),
            ["CaseWebhook:BackoffBase"] = "00:00:10",
            ["CaseWebhook:BackoffMax"] = BackoffMax.ToString(),
            ["CaseWebhook:RequestTimeout"] = "00:00:05",
        };
        foreach (var (key, value) in overrides ?? [])
            settings[key] = value;
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(_clock);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddBlobStorage(configuration);
        services.AddCaseDesk();
        services.AddCaseEvents();
        services.AddCaseWebhook(configuration);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        _instances.Add(provider);
        return new Instance(
            provider.GetRequiredService<CaseDesk>(),
            provider.GetRequiredService<CaseEventOutbox>(),
            new WebhookPasses(provider.GetRequiredService<CaseEventDispatcher>(), provider.GetServices<ICaseEventConsumer>().Single(c => c.Name == CaseWebhookConsumer.ConsumerName)),
            provider.GetRequiredService<IOptions<StorageOptions>>().Value);
    }

    /// <summary>The Standard Webhooks signature, computed here from the spec rather than with the product's code.</summary>
    private string ExpectedSignature(ReceivedWebhook received)
    {
        var signed = Encoding.UTF8.GetBytes($"{received.Header("webhook-id")}.{received.Header("webhook-timestamp")}.").Concat(received.Body).ToArray();
        using var hmac = new HMACSHA256(_key);
        return "v1," + Convert.ToBase64String(hmac.ComputeHash(signed));
    }

    private async Task<List<string>> OutboxNames()
    {
        var container = azurite.CreateServiceClient().GetBlobContainerClient(_storage["Storage:CasesContainer"]);
        var names = new List<string>();
        await foreach (var blob in container.GetBlobsAsync(new GetBlobsOptions { Prefix = "events/webhook/" }))
            names.Add(blob.Name);
        return names;
    }

    private BlobServiceClient ClientFailingOn(Func<Request, bool> affects)
    {
        var options = new BlobClientOptions { Retry = { MaxRetries = 0, NetworkTimeout = TimeSpan.FromSeconds(5) } };
        options.AddPolicy(new OutagePolicy(affects), HttpPipelinePosition.PerRetry);
        return new BlobServiceClient(_storage["ConnectionStrings:Storage"], options);
    }
}
