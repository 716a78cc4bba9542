using Azure;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CertTrustBot.Storage;

/// <summary>Healthy when blob storage answers within <see cref="StorageOptions.HealthCheckTimeout"/>.</summary>
public sealed class BlobStorageHealthCheck(BlobContainers containers) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(containers.Options.HealthCheckTimeout);
        try
        {
            // Creating the containers on first probe is what the app needs anyway; after that this is one cheap call.
            var cases = await containers.CasesAsync(timeout.Token).ConfigureAwait(false);
            await cases.GetPropertiesAsync(cancellationToken: timeout.Token).ConfigureAwait(false);
            return HealthCheckResult.Healthy($"Blob storage answers ({containers.Service.AccountName}).");
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"Blob storage did not answer within {containers.Options.HealthCheckTimeout.TotalSeconds:0.#} s.", ex);
        }
        catch (Exception ex) when (ex is RequestFailedException or StorageUnavailableException or AggregateException)
        {
            return HealthCheckResult.Unhealthy($"Blob storage is unavailable: {ex.Message}", ex);
        }
    }
}
