using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using CertTrustBot.Cases;
using CertTrustBot.Storage;
using CertTrustBot.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CertTrustBot.Tests.Cases;

[Collection("Azurite")]
public class CaseDeskTests(AzuriteFixture azurite)
{
    private readonly StorageOptions _options = azurite.NewStorageOptions();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 29, 9, 0, 0, TimeSpan.Zero));

    private CaseDesk NewDesk(BlobServiceClient? client = null) => new(
        new BlobContainers(client ?? StorageServiceCollectionExtensions.CreateServiceClient(_options), Options.Create(_options)),
        _clock,
        NullLogger<CaseDesk>.Instance);

    [Fact]
    public async Task A_submitted_case_is_stored_with_its_certificate_blobs_and_its_record()
    {
        var root = CaseDrafts.Certificate("Contoso Root");
        var leaf = CaseDrafts.Certificate("api.contoso.example", "Leaf");
        var draft = CaseDrafts.Draft(certificates: [root, leaf], environments: ["Production", "Test"]);

        var submitted = await NewDesk().SubmitAsync(draft, default);

        Assert.Matches("^CT-[0-9]{6}$", submitted.CaseNumber);
        Assert.Equal(CaseStatus.Submitted, submitted.Status);
        Assert.Equal(_clock.GetUtcNow(), submitted.CreatedAt);
        for (var i = 0; i < 2; i++)
        {
            var given = draft.Certificates[i];
            var stored = submitted.Certificates[i];
            Assert.Equal($"{submitted.CaseNumber}/{i}.cer", stored.BlobName);
            var blob = Certificates().GetBlobClient(stored.BlobName);
            Assert.Equal(given.Der, (await blob.DownloadContentAsync()).Value.Content.ToArray());
            var properties = (await blob.GetPropertiesAsync()).Value;
            Assert.Equal("application/pkix-cert", properties.ContentType);
            Assert.Equal(given.Sha256, properties.Metadata["sha256"]);
            Assert.Equal("contoso-root.cer", Uri.UnescapeDataString(properties.Metadata["filename"]));
        }

        // What any reader (another instance) sees.
        var found = await NewDesk().FindAsync(submitted.CaseNumber.ToLowerInvariant(), default);
        Assert.NotNull(found);
        Assert.Equal(draft.RequestId, found.RequestId);
        Assert.Equal(draft.Requester, found.Requester);
        Assert.Equal(["Production", "Test"], found.Environments);
        Assert.Equal("api.contoso.example", found.HostName);
        Assert.Equal([root.Sha256, leaf.Sha256], found.Certificates.Select(c => c.Sha256));
        Assert.Equal(["Root", "Leaf"], found.Certificates.Select(c => c.Role));
        Assert.Equal(root.NotAfter, found.Certificates[0].NotAfter);
        Assert.Equal(draft.Findings, found.Findings);
        Assert.Equal(draft.ConversationReference, found.ConversationReference);
        Assert.Equal(_clock.GetUtcNow(), found.CreatedAt);
        Assert.Equal(CaseStatus.Submitted, found.Status);
        Assert.NotNull(found.ETag);
    }

    [Fact]
    public async Task Finding_a_case_that_does_not_exist_or_is_not_a_case_number_returns_null()
    {
        var desk = NewDesk();

        Assert.Null(await desk.FindAsync("CT-999999", default));
        Assert.Null(await desk.FindAsync("../records/CT-000001", default));
    }

    [Fact]
    public async Task Submitting_the_same_request_twice_makes_one_case_and_one_set_of_blobs()
    {
        var draft = CaseDrafts.Draft(certificates: [CaseDrafts.Certificate("Root"), CaseDrafts.Certificate("Leaf", "Leaf")]);
        var first = await NewDesk().SubmitAsync(draft, default);

        // A double click and a channel retry, racing each other on two instances.
        var again = await Task.WhenAll(NewDesk().SubmitAsync(draft, default), NewDesk().SubmitAsync(draft, default));

        Assert.All(again, c => Assert.Equal(first.CaseNumber, c.CaseNumber));
        Assert.All(again, c => Assert.Equal(first.CreatedAt, c.CreatedAt));
        Assert.Equal(2, (await BlobNames(Certificates())).Count);
        Assert.Single(await BlobNames(Cases(), "records/"));
    }

    [Fact]
    public async Task The_same_request_racing_on_many_instances_still_makes_one_case()
    {
        var draft = CaseDrafts.Draft();

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => NewDesk().SubmitAsync(draft, default))));

        Assert.Single(results.Select(r => r.CaseNumber).Distinct());
        Assert.Single(await BlobNames(Certificates()));
        Assert.Single(await BlobNames(Cases(), "records/"));
    }

    [Fact]
    public async Task Concurrent_submissions_on_two_instances_get_distinct_increasing_case_numbers()
    {
        CaseDesk[] desks = [NewDesk(), NewDesk()];

        var cases = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() => desks[i % 2].SubmitAsync(CaseDrafts.Draft(), default))));
        var later = await desks[0].SubmitAsync(CaseDrafts.Draft(), default);

        var numbers = cases.Select(c => c.CaseNumber).ToList();
        Assert.Equal(20, numbers.Distinct().Count());
        Assert.Equal(Enumerable.Range(1, 20).Select(n => CaseNumber.Format(n)), numbers.Order(StringComparer.Ordinal));
        Assert.Equal("CT-000021", later.CaseNumber);
    }

    [Fact]
    public async Task A_desk_whose_last_known_counter_was_moved_by_another_instance_takes_the_next_number()
    {
        // Each desk remembers the counter it last wrote and tries that first; the other desk's writes make it stale.
        CaseDesk[] desks = [NewDesk(), NewDesk()];

        var numbers = new List<string>();
        foreach (var desk in new[] { desks[0], desks[1], desks[0], desks[0], desks[1], desks[1], desks[0] })
            numbers.Add((await desk.SubmitAsync(CaseDrafts.Draft(), default)).CaseNumber);

        Assert.Equal(Enumerable.Range(1, 7).Select(n => CaseNumber.Format(n)), numbers);
    }

    [Theory]
    [InlineData("../../x.cer", "x.cer")]
    [InlineData("C:\\Users\\me\\Zertifikat für Prüfung ✓ 证书.cer", "Zertifikat für Prüfung ✓ 证书.cer")]
    [InlineData("..", "certificate.cer")]
    [InlineData("evil\r\nX-Header: 1.cer", "evilX-Header 1.cer")]
    public async Task A_hostile_file_name_is_only_sanitised_metadata(string fileName, string expected)
    {
        var submitted = await NewDesk().SubmitAsync(CaseDrafts.Draft(fileName: fileName), default);

        var name = Assert.Single(await BlobNames(Certificates()));
        Assert.Equal($"{submitted.CaseNumber}/0.cer", name);
        var metadata = (await Certificates().GetBlobClient(name).GetPropertiesAsync()).Value.Metadata["filename"];
        Assert.True(metadata.All(char.IsAscii), metadata);
        Assert.Equal(expected, Uri.UnescapeDataString(metadata));
        Assert.Equal(expected, submitted.Certificates[0].FileName);
        Assert.All(await BlobNames(Cases()), n => Assert.DoesNotContain("..", n, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_requester_lists_only_their_own_cases_newest_first()
    {
        var desk = NewDesk();
        var older = await desk.SubmitAsync(CaseDrafts.Draft(CaseDrafts.Alice), default);
        _clock.Advance(TimeSpan.FromHours(1));
        await desk.SubmitAsync(CaseDrafts.Draft(CaseDrafts.Bob), default);
        _clock.Advance(TimeSpan.FromHours(1));
        var newer = await desk.SubmitAsync(CaseDrafts.Draft(CaseDrafts.Alice), default);

        // Teams gives the same person another channel user id per bot; the AAD object id is what identifies them.
        var alice = await NewDesk().ListForRequesterAsync(CaseDrafts.Alice with { UserId = "29:other-id" }, default);
        var mallory = await NewDesk().ListForRequesterAsync(CaseDrafts.Mallory, default);

        Assert.Equal([newer.CaseNumber, older.CaseNumber], alice.Select(c => c.CaseNumber));
        Assert.Empty(mallory);
    }

    [Fact]
    public async Task Requesters_without_an_AAD_object_id_are_matched_on_their_channel_user_id()
    {
        var slackUser = new Requester("U024BE7LH", "Sam", null, "T0001");
        var submitted = await NewDesk().SubmitAsync(CaseDrafts.Draft(slackUser), default);

        var mine = await NewDesk().ListForRequesterAsync(slackUser with { Name = "Sam (renamed)" }, default);
        var someoneElse = await NewDesk().ListForRequesterAsync(slackUser with { UserId = "U999" }, default);

        Assert.Equal([submitted.CaseNumber], mine.Select(c => c.CaseNumber));
        Assert.Empty(someoneElse);
    }

    [Fact]
    public async Task Previous_requests_of_the_tenant_are_found_by_thumbprint_and_environment()
    {
        var root = CaseDrafts.Certificate("Contoso Root");
        var other = CaseDrafts.Certificate("Unrelated");
        var desk = NewDesk();
        var submitted = await desk.SubmitAsync(CaseDrafts.Draft(CaseDrafts.Alice, [root], ["Production", "Test"]), default);
        var lowerCase = root.Sha256.ToLowerInvariant();

        var sameTenant = await desk.FindPreviousRequestsAsync("TENANT-CONTOSO", [lowerCase, other.Sha256, "not-a-thumbprint"], ["Production", "Development"], default);
        var anyEnvironment = await desk.FindPreviousRequestsAsync("tenant-contoso", [root.Sha256], [], default);
        var otherEnvironment = await desk.FindPreviousRequestsAsync("tenant-contoso", [root.Sha256], ["Development"], default);
        var otherTenant = await desk.FindPreviousRequestsAsync("tenant-fabrikam", [root.Sha256], ["Production"], default);

        Assert.Equal(new Dictionary<string, string> { [lowerCase] = $"{submitted.CaseNumber} for Production, Submitted" }, sameTenant);
        Assert.Equal($"{submitted.CaseNumber} for Production and Test, Submitted", anyEnvironment[root.Sha256]);
        Assert.Empty(otherEnvironment);
        Assert.Empty(otherTenant);
    }

    [Fact]
    public async Task Looking_for_previous_requests_reads_a_bounded_number_of_records_however_often_the_certificate_was_asked_for()
    {
        var root = CaseDrafts.Certificate("Contoso Root");
        var desk = NewDesk();
        var production = await desk.SubmitAsync(CaseDrafts.Draft(certificates: [root], environments: ["Production"]), default);
        var removal = await desk.FileRemovalAsync(new RemovalDraft(Guid.NewGuid().ToString("N"), CaseDrafts.Alice, production, ["Production"], production.ConversationReference, null), default);
        const int development = 12; // more than the bound, so reading every case would show
        var developmentCases = new List<SupportCase>();
        for (var i = 0; i < development; i++)
        {
            _clock.Advance(TimeSpan.FromMinutes(1));
            developmentCases.Add(await desk.SubmitAsync(CaseDrafts.Draft(certificates: [root], environments: ["Development"]), default));
        }
        await desk.RecordAsync(developmentCases[^1].CaseNumber, new CaseEventDraft(CaseEventKind.Rejected, "staff:jo", "wrong file"), null, default);
        var reads = new CountingPolicy(request => request.Method == RequestMethod.Get && request.Uri.Path.Contains("/records/", StringComparison.Ordinal));
        var counted = NewDesk(ClientWith(reads));

        var forProduction = await counted.FindPreviousRequestsAsync("tenant-contoso", [root.Sha256], ["Production"], default);
        var productionReads = reads.Count;
        var forDevelopment = await counted.FindPreviousRequestsAsync("tenant-contoso", [root.Sha256], ["Development"], default);
        var developmentReads = reads.Count - productionReads;

        // The one install for Production, found behind twelve newer cases for Development and a removal, with one read.
        Assert.Equal($"{production.CaseNumber} for Production, Submitted", forProduction[root.Sha256]);
        Assert.Equal(1, productionReads);
        // The newest not rejected of the twelve, with no more reads than the bound.
        Assert.Equal($"{developmentCases[^2].CaseNumber} for Development, Submitted", forDevelopment[root.Sha256]);
        Assert.Equal(CaseDesk.MaxPreviousRequestReads, developmentReads);
        Assert.True(CaseDesk.MaxPreviousRequestReads < development);
        Assert.Equal(CaseKind.Removal, removal.Kind);
    }

    [Fact]
    public async Task A_certificate_index_entry_written_without_metadata_is_still_found_through_its_record()
    {
        var root = CaseDrafts.Certificate("Contoso Root");
        var desk = NewDesk();
        var submitted = await desk.SubmitAsync(CaseDrafts.Draft(certificates: [root], environments: ["Production"]), default);
        // As the previous version wrote the entry: empty, no metadata.
        var entry = Assert.Single(await BlobNames(Cases(), "by-certificate/"));
        await Cases().GetBlobClient(entry).UploadAsync(BinaryData.Empty, overwrite: true);

        var previous = await desk.FindPreviousRequestsAsync("tenant-contoso", [root.Sha256], ["Production"], default);
        var otherEnvironment = await desk.FindPreviousRequestsAsync("tenant-contoso", [root.Sha256], ["Development"], default);

        Assert.Empty((await Cases().GetBlobClient(entry).GetPropertiesAsync()).Value.Metadata);
        Assert.Equal($"{submitted.CaseNumber} for Production, Submitted", previous[root.Sha256]);
        Assert.Empty(otherEnvironment);
    }

    [Fact]
    public async Task A_status_change_is_recorded_and_a_change_from_a_stale_view_is_refused()
    {
        var desk = NewDesk();
        var submitted = await desk.SubmitAsync(CaseDrafts.Draft(), default);
        _clock.Advance(TimeSpan.FromMinutes(30));

        var installed = await desk.RecordAsync(submitted.CaseNumber, new CaseEventDraft(CaseEventKind.Installed, "staff:jo") { Environments = submitted.Environments }, submitted.ETag, default);
        var stale = desk.RecordAsync(submitted.CaseNumber, new CaseEventDraft(CaseEventKind.Rejected, "staff:kim", "wrong file"), submitted.ETag, default);

        await Assert.ThrowsAsync<StorageConflictException>(() => stale);
        var found = await desk.FindAsync(submitted.CaseNumber, default);
        Assert.Equal(CaseEventOutcome.Recorded, installed.Outcome);
        Assert.Equal([CaseEventKind.Filed, CaseEventKind.Installed], found!.History.Select(e => e.Kind));
        Assert.Equal(submitted.Environments, found.History[^1].Environments);
        Assert.Equal(CaseStatus.Installed, found.Status);
        Assert.Equal(_clock.GetUtcNow(), found.UpdatedAt);
        Assert.Equal([CaseStatus.Submitted, CaseStatus.Installed], found.History.Select(e => e.Status));
        Assert.Equal("staff:jo", found.History[^1].Actor);
        var previous = await desk.FindPreviousRequestsAsync(CaseDrafts.Alice.TenantId, [submitted.Certificates[0].Sha256], ["Production"], default);
        Assert.EndsWith(", Installed", previous.Values.Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_event_the_status_does_not_allow_changes_nothing()
    {
        var desk = NewDesk();
        var submitted = await desk.SubmitAsync(CaseDrafts.Draft(), default);
        await desk.RecordAsync(submitted.CaseNumber, new CaseEventDraft(CaseEventKind.Rejected, "staff:jo", "wrong file"), null, default);

        var answered = await desk.RecordAsync(submitted.CaseNumber, new CaseEventDraft(CaseEventKind.Answered, "Alice") { Answer = new CaseAnswerDraft("a1", "late", "", []) }, null, default);
        var started = await desk.RecordAsync(submitted.CaseNumber, new CaseEventDraft(CaseEventKind.Started, "staff:kim"), null, default);
        var missing = await desk.RecordAsync("CT-999999", new CaseEventDraft(CaseEventKind.Started, "staff:kim"), null, default);

        Assert.Equal(CaseEventOutcome.NotAllowed, answered.Outcome);
        Assert.Equal(CaseEventOutcome.NotAllowed, started.Outcome);
        Assert.Equal(CaseEventOutcome.NoSuchCase, missing.Outcome);
        var found = await desk.FindAsync(submitted.CaseNumber, default);
        Assert.Equal([CaseEventKind.Filed, CaseEventKind.Rejected], found!.History.Select(e => e.Kind));
    }

    [Fact]
    public async Task An_answer_returns_the_case_to_its_status_before_the_question_and_keeps_its_certificate_as_DER()
    {
        var desk = NewDesk();
        var submitted = await desk.SubmitAsync(CaseDrafts.Draft(), default);
        await desk.RecordAsync(submitted.CaseNumber, new CaseEventDraft(CaseEventKind.QuestionAsked, "staff:jo", "Is this the root?"), null, default);
        var root = CaseDrafts.Certificate("Contoso Root G2");

        var answered = await desk.RecordAsync(submitted.CaseNumber,
            new CaseEventDraft(CaseEventKind.Answered, "Alice") { Answer = new CaseAnswerDraft("answer-1", null, "root-g2.cer", [root]) }, null, default);

        Assert.Equal(CaseEventOutcome.Recorded, answered.Outcome);
        var found = await desk.FindAsync(submitted.CaseNumber, default);
        Assert.Equal(CaseStatus.Submitted, found!.Status); // nobody pressed Start
        var stored = Assert.Single(found.History[^1].Answer!.Certificates);
        Assert.Equal(root.Sha256, stored.Sha256);
        Assert.StartsWith($"{submitted.CaseNumber}/answers/", stored.BlobName, StringComparison.Ordinal);
        Assert.DoesNotContain("root-g2", stored.BlobName, StringComparison.Ordinal);
        Assert.Equal(root.Der, (await Certificates().GetBlobClient(stored.BlobName).DownloadContentAsync()).Value.Content.ToArray());
    }

    [Fact]
    public async Task A_record_written_before_events_were_typed_is_read_as_typed_events()
    {
        var desk = NewDesk();
        var submitted = await desk.SubmitAsync(CaseDrafts.Draft(environments: ["Production", "Test"]), default);
        // As the previous version wrote it: no kind, installed environments in a note.
        var at = _clock.GetUtcNow();
        var legacy = System.Text.Json.Nodes.JsonNode.Parse((await Cases().GetBlobClient($"records/{submitted.CaseNumber}.json").DownloadContentAsync()).Value.Content.ToString())!;
        legacy["history"] = System.Text.Json.Nodes.JsonNode.Parse($$"""
            [
              { "at": "{{at:O}}", "status": "Submitted", "actor": "Alice", "note": null },
              { "at": "{{at:O}}", "status": "NeedsInformation", "actor": "Jo", "note": "Which host?" },
              { "at": "{{at:O}}", "status": "InProgress", "actor": "Alice", "note": "Answer: api.contoso.example" },
              { "at": "{{at:O}}", "status": "InProgress", "actor": "Jo", "note": "Installed in: Test" },
              { "at": "{{at:O}}", "status": "Installed", "actor": "Jo", "note": "Installed in: Production" }
            ]
            """);
        await Cases().GetBlobClient($"records/{submitted.CaseNumber}.json").UploadAsync(BinaryData.FromString(legacy.ToJsonString()), overwrite: true);

        var found = await desk.FindAsync(submitted.CaseNumber, default);

        Assert.Equal([CaseEventKind.Filed, CaseEventKind.QuestionAsked, CaseEventKind.Answered, CaseEventKind.Installed, CaseEventKind.Installed], found!.History.Select(e => e.Kind));
        Assert.Equal("api.contoso.example", found.History[2].Answer!.Text);
        Assert.Equal(["Test"], found.History[3].Environments);
        Assert.Equal(["Production", "Test"], CaseTransitions.Installed(found));
    }

    [Fact]
    public async Task A_case_whose_record_was_never_written_is_invisible_and_a_retry_completes_it()
    {
        var draft = CaseDrafts.Draft();
        var outage = new OutagePolicy(request => request.Method == RequestMethod.Put && request.Uri.Path.Contains("/records/", StringComparison.Ordinal));
        var failing = NewDesk(ClientWith(outage));

        // Storage goes away right before the commit point: certificates, claim and indexes are written, the record is not.
        await Assert.ThrowsAsync<StorageUnavailableException>(() => failing.SubmitAsync(draft, default));
        var healthy = NewDesk();
        Assert.NotEmpty(await BlobNames(Certificates()));
        Assert.Empty(await BlobNames(Cases(), "records/"));
        Assert.Empty(await healthy.ListForRequesterAsync(draft.Requester, default));
        Assert.Empty(await healthy.FindPreviousRequestsAsync(draft.Requester.TenantId, [draft.Certificates[0].Sha256], [], default));
        Assert.Null(await healthy.FindAsync("CT-000001", default));

        var retried = await healthy.SubmitAsync(draft, default);

        Assert.Equal("CT-000001", retried.CaseNumber);
        Assert.Single(await BlobNames(Certificates()));
        Assert.Equal([retried.CaseNumber], (await healthy.ListForRequesterAsync(draft.Requester, default)).Select(c => c.CaseNumber));
    }

    // A container deleted under a running desk (by hand, or lost with the account's data): the operation that finds it
    // gone fails as storage being unavailable (not as "no such blob" or "someone else wrote it"), and the next one
    // creates it again. Before, the creation was cached for the process and every later submit failed.
    [Theory]
    [InlineData("cases")]
    [InlineData("certificates")]
    public async Task A_container_lost_under_a_running_desk_is_created_again_by_the_next_call(string lost)
    {
        var desk = NewDesk();
        // The first use creates the container and remembers it. (A case filed before the cases container is lost would
        // leave its certificates under a case number the lost counter hands out again, so that loss comes before any case.)
        Assert.Empty(await desk.ListForRequesterAsync(CaseDrafts.Draft().Requester, default));
        var first = lost == "cases" ? null : await desk.SubmitAsync(CaseDrafts.Draft(requestId: "before-the-loss"), default);
        await (lost == "cases" ? Cases() : Certificates()).DeleteAsync();
        var draft = CaseDrafts.Draft(requestId: "after-the-loss");

        await Assert.ThrowsAsync<StorageUnavailableException>(() => desk.SubmitAsync(draft, default));
        var submitted = await desk.SubmitAsync(draft, default);

        Assert.True(await (lost == "cases" ? Cases() : Certificates()).ExistsAsync());
        Assert.Equal("after-the-loss", (await desk.FindAsync(submitted.CaseNumber, default))?.RequestId);
        Assert.NotEmpty(await BlobNames(Certificates(), $"{submitted.CaseNumber}/"));
        if (first is not null)
            Assert.Equal("before-the-loss", (await desk.FindAsync(first.CaseNumber, default))?.RequestId);
    }

    // A read of a lost container is not "there is no such case": it says storage is unavailable, and heals too.
    [Fact]
    public async Task A_read_in_a_lost_container_fails_as_unavailable_and_the_next_read_finds_an_empty_container()
    {
        var desk = NewDesk();
        var submitted = await desk.SubmitAsync(CaseDrafts.Draft(), default);
        await Cases().DeleteAsync();

        await Assert.ThrowsAsync<StorageUnavailableException>(() => desk.FindAsync(submitted.CaseNumber, default));
        Assert.Null(await desk.FindAsync(submitted.CaseNumber, default));

        Assert.True(await Cases().ExistsAsync());
    }

    [Fact]
    public async Task Unreachable_storage_fails_fast_with_StorageUnavailableException()
    {
        var closed = _options.WithConnectionString(ClosedPortConnectionString());
        var desk = new CaseDesk(AzuriteFixture.CreateContainers(closed), _clock, NullLogger<CaseDesk>.Instance);
        var stopwatch = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<StorageUnavailableException>(() => desk.SubmitAsync(CaseDrafts.Draft(), default));

        Assert.InRange(stopwatch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(10));
        Assert.Contains("Storage did not answer", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<StorageUnavailableException>(() => desk.FindAsync("CT-000001", default));
        await Assert.ThrowsAsync<StorageUnavailableException>(() => desk.ListForRequesterAsync(CaseDrafts.Alice, default));
    }

    [Fact]
    public async Task A_draft_whose_thumbprint_does_not_match_its_bytes_is_refused_before_anything_is_stored()
    {
        var certificate = CaseDrafts.Certificate("Root") with { Sha256 = new string('A', 64) };

        await Assert.ThrowsAsync<ArgumentException>(() => NewDesk().SubmitAsync(CaseDrafts.Draft(certificates: [certificate]), default));

        Assert.False(await Certificates().ExistsAsync());
    }

    internal static string ClosedPortConnectionString()
    {
        // A port that was free a moment ago and has nothing listening: connections are refused at once.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"DefaultEndpointsProtocol=http;AccountName={AzuriteFixture.AccountName};AccountKey={AzuriteFixture.AccountKey};BlobEndpoint=http://127.0.0.1:{port}/{AzuriteFixture.AccountName};";
    }

    private BlobServiceClient ClientWith(HttpPipelinePolicy policy)
    {
        var options = new BlobClientOptions { Retry = { MaxRetries = 0, NetworkTimeout = TimeSpan.FromSeconds(5) } };
        options.AddPolicy(policy, HttpPipelinePosition.PerRetry);
        return new BlobServiceClient(_options.ConnectionString, options);
    }

    private BlobContainerClient Certificates() => azurite.CreateServiceClient().GetBlobContainerClient(_options.CertificatesContainer);

    private BlobContainerClient Cases() => azurite.CreateServiceClient().GetBlobContainerClient(_options.CasesContainer);

    private static async Task<List<string>> BlobNames(BlobContainerClient container, string? prefix = null)
    {
        var names = new List<string>();
        if (!await container.ExistsAsync())
            return names;
        await foreach (var blob in container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }))
            names.Add(blob.Name);
        return names;
    }
}

internal static class StorageOptionsTestExtensions
{
    public static StorageOptions WithConnectionString(this StorageOptions options, string connectionString) => new()
    {
        ConnectionString = connectionString,
        StateContainer = options.StateContainer,
        CertificatesContainer = options.CertificatesContainer,
        CasesContainer = options.CasesContainer,
    };
}
