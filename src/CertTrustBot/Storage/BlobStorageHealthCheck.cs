using Azure;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CertTrustBot.Storage;

/// <summary>
/// Healthy when blob storage answers within <see cref="StorageOptions.HealthCheckTimeout"/>. The health endpoints are
/// open to anyone, so the probe's result is kept for <see cref="StorageOptions.HealthCheckCacheDuration"/>: however
/// often they are called, storage sees at most one probe per period, and concurrent callers share the probe in flight.
/// The result's description is for the log, never for the response (it names the storage account and its address).
/// The exception is logged here, in one line once per probe, and left out of the result: the health service would
/// otherwise log its stack trace on every call during an outage.
/// </summary>
public sealed class BlobStorageHealthCheck(BlobContainers containers, TimeProvider? time = null, ILogger<BlobStorageHealthCheck>? logger = null) : IHealthCheck
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly Lock _gate = new();
    private Task<HealthCheckResult>? _probe;
    private DateTimeOffset _freshUntil;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        Task<HealthCheckResult> probe;
        lock (_gate)
        {
            if (_probe is null || (_probe.IsCompleted && _time.GetUtcNow() >= _freshUntil))
                _probe = ProbeAsync();
            probe = _probe;
        }

        // A caller that gives up stops waiting; the shared probe goes on for the others.
        return await probe.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<HealthCheckResult> ProbeAsync()
    {
        var result = await ProbeStorageAsync().ConfigureAwait(false);
        if (result.Status != HealthStatus.Healthy)
        {
            logger?.LogWarning("Storage health probe: {Status}: {Description} ({Error})",
                result.Status, result.Description, result.Exception is { } e ? $"{e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}" : "no exception");
            result = new HealthCheckResult(result.Status, result.Description);
        }

        _freshUntil = _time.GetUtcNow() + containers.Options.HealthCheckCacheDuration;
        return result;
    }

    private async Task<HealthCheckResult> ProbeStorageAsync()
    {
        // Not the caller's token: the probe is shared. The timeout is wall-clock, like the storage client's own.
        using var timeout = new CancellationTokenSource(containers.Options.HealthCheckTimeout);
        try
        {
            // Creating the containers on first probe is what the app needs anyway; after that this is one cheap call.
            var cases = await containers.CasesAsync(timeout.Token).ConfigureAwait(false);
            // A lost container (404 ContainerNotFound) is reported, so that the next use creates it again.
            await StorageFailures.Guard(cases.Uri, () => cases.GetPropertiesAsync(cancellationToken: timeout.Token), "probe the cases container", timeout.Token).ConfigureAwait(false);
            return HealthCheckResult.Healthy($"Blob storage answers ({containers.Service.AccountName}).");
        }
        catch (OperationCanceledException ex)
        {
            return HealthCheckResult.Unhealthy($"Blob storage ({containers.Service.AccountName}) did not answer within {containers.Options.HealthCheckTimeout.TotalSeconds:0.#} s.", ex);
        }
        catch (Exception ex) when (ex is RequestFailedException or StorageUnavailableException or AggregateException)
        {
            return HealthCheckResult.Unhealthy($"Blob storage ({containers.Service.AccountName}) is unavailable: {ex.Message}", ex);
        }
    }
}
