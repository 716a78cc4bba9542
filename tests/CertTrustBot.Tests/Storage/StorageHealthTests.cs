using System.Diagnostics;
using System.Net;
using CertTrustBot.Conversation;
using CertTrustBot.Storage;
using CertTrustBot.Tests.Cases;
using CertTrustBot.Tests.Infrastructure;
using Azure.Core;
using Azure.Storage.Blobs;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Bot.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace CertTrustBot.Tests.Storage;

[Collection("Azurite")]
public class StorageHealthTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task The_health_check_is_healthy_when_storage_answers()
    {
        var check = new BlobStorageHealthCheck(AzuriteFixture.CreateContainers(azurite.NewStorageOptions()));

        var result = await check.CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Healthy, result.Status);
    }

    [Fact]
    public async Task The_health_check_is_unhealthy_within_seconds_when_storage_does_not_answer()
    {
        var options = azurite.NewStorageOptions().WithConnectionString(CaseDeskTests.ClosedPortConnectionString());
        var check = new BlobStorageHealthCheck(AzuriteFixture.CreateContainers(options));
        var stopwatch = Stopwatch.StartNew();

        var result = await check.CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.InRange(stopwatch.Elapsed, TimeSpan.Zero, options.HealthCheckTimeout + TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task The_app_reports_ready_over_HTTP_when_storage_answers_and_keeps_conversation_state_in_its_own_store()
    {
        using var factory = App(azurite.NewConfiguration());
        using var client = factory.CreateClient();

        var response = await client.GetAsync(new Uri("/readyz", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
        Assert.NotNull(factory.Services.GetService<ConversationStateStore>());
        Assert.Null(factory.Services.GetService<IStorage>()); // not the SDK's storage contract
    }

    [Fact]
    public async Task The_app_reports_not_ready_over_HTTP_when_storage_does_not_answer_but_stays_alive()
    {
        var configuration = new Dictionary<string, string?>(azurite.NewConfiguration())
        {
            ["ConnectionStrings:Storage"] = CaseDeskTests.ClosedPortConnectionString(),
        };
        using var factory = App(configuration);
        using var client = factory.CreateClient();

        var ready = await client.GetAsync(new Uri("/readyz", UriKind.Relative));
        var health = await client.GetAsync(new Uri("/healthz", UriKind.Relative));
        var alive = await client.GetAsync(new Uri("/livez", UriKind.Relative));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
    }

    [Fact]
    public async Task During_an_outage_the_health_endpoints_say_Unhealthy_and_nothing_about_storage()
    {
        var closed = CaseDeskTests.ClosedPortConnectionString();
        var configuration = new Dictionary<string, string?>(azurite.NewConfiguration()) { ["ConnectionStrings:Storage"] = closed };
        using var factory = App(configuration);
        using var client = factory.CreateClient();

        var health = await client.GetAsync(new Uri("/healthz", UriKind.Relative));
        var ready = await client.GetAsync(new Uri("/readyz", UriKind.Relative));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Equal("{\"status\":\"Unhealthy\"}", await health.Content.ReadAsStringAsync());
        Assert.Equal("Unhealthy", await ready.Content.ReadAsStringAsync());
        var port = new Uri(closed.Split("BlobEndpoint=")[1].TrimEnd(';')).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var body in new[] { await health.Content.ReadAsStringAsync(), await ready.Content.ReadAsStringAsync() })
        {
            Assert.DoesNotContain(AzuriteFixture.AccountName, body, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("127.0.0.1", body, StringComparison.Ordinal);
            Assert.DoesNotContain(port, body, StringComparison.Ordinal);
            Assert.DoesNotContain("Exception", body, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task Health_calls_within_the_cache_window_reach_storage_once()
    {
        var configuration = azurite.NewConfiguration();
        var casesContainer = configuration["Storage:CasesContainer"]!;
        var probes = new CountingPolicy(request => request.Method == RequestMethod.Get
            && request.Uri.Path.EndsWith("/" + casesContainer, StringComparison.Ordinal)
            && request.Uri.Query.Contains("restype=container", StringComparison.Ordinal)
            && !request.Uri.Query.Contains("comp=", StringComparison.Ordinal));
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-01T09:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var clientOptions = new BlobClientOptions();
        clientOptions.AddPolicy(probes, HttpPipelinePosition.PerCall);
        using var factory = App(configuration).WithWebHostBuilder(builder => builder.ConfigureTestServices(services =>
        {
            services.AddSingleton(new BlobServiceClient(configuration["ConnectionStrings:Storage"], clientOptions));
            services.AddSingleton<TimeProvider>(clock);
        }));
        using var client = factory.CreateClient();

        var first = await client.GetAsync(new Uri("/healthz", UriKind.Relative));
        var second = await client.GetAsync(new Uri("/healthz", UriKind.Relative));
        var ready = await client.GetAsync(new Uri("/readyz", UriKind.Relative));
        var withinWindow = probes.Count;
        clock.Advance(new StorageOptions().HealthCheckCacheDuration + TimeSpan.FromSeconds(1));
        var later = await client.GetAsync(new Uri("/healthz", UriKind.Relative));

        Assert.All(new[] { first, second, ready, later }, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(1, withinWindow);
        Assert.Equal(2, probes.Count);
    }

    [Fact]
    public void A_wrong_storage_setting_stops_the_app_at_start_with_a_message_that_names_it()
    {
        var configuration = new Dictionary<string, string?>(azurite.NewConfiguration())
        {
            ["Storage:CasesContainer"] = "Cases_Container",
        };

        var error = StartFailure(configuration);

        Assert.Contains("Storage:CasesContainer", error.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Why the app refused to start. WebApplicationFactory runs Program on a thread of its own: when start-up fails at
    /// once, that thread may dispose the host before the factory looks at it, and the factory then throws
    /// ObjectDisposedException instead of the failure (dotnet/aspnetcore#38335). That lost race says nothing about the
    /// app, so the start is tried again.
    /// </summary>
    private static OptionsValidationException StartFailure(IReadOnlyDictionary<string, string?> settings)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var factory = App(settings);
            try
            {
                factory.CreateClient().Dispose();
            }
            catch (OptionsValidationException error)
            {
                return error;
            }
            catch (ObjectDisposedException) when (attempt < 5)
            {
                continue;
            }
            throw new Xunit.Sdk.XunitException("The app started although a setting is wrong.");
        }
    }

    private static WebApplicationFactory<Program> App(IReadOnlyDictionary<string, string?> settings) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            foreach (var (key, value) in settings)
                builder.UseSetting(key, value);
        });
}
