using Azure.Core;
using Azure.Storage.Blobs;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CertTrustBot.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Blob storage for everything durable: <see cref="StorageOptions"/> (validated at start-up), one
    /// <see cref="BlobServiceClient"/> with short timeouts and few retries, <see cref="BlobContainers"/>, and the
    /// <c>storage</c> health check (tag <c>ready</c>).
    /// </summary>
    public static IServiceCollection AddBlobStorage(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        if (services.Any(d => d.ServiceType == typeof(BlobContainers)))
            return services; // already added: a second "storage" health check would make the health service throw

        services.AddOptions<StorageOptions>()
            .Bind(configuration.GetSection(StorageOptions.SectionName))
            .Configure(o =>
            {
                var connectionString = configuration.GetConnectionString(StorageOptions.ConnectionStringName);
                if (!string.IsNullOrWhiteSpace(connectionString))
                    o.ConnectionString = connectionString;
            })
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>());

        services.TryAddSingleton(sp => CreateServiceClient(sp.GetRequiredService<IOptions<StorageOptions>>().Value));
        services.TryAddSingleton<BlobContainers>();
        // One instance, so that its cached probe outlives a request (AddCheck alone would create one per health run).
        services.TryAddSingleton<BlobStorageHealthCheck>();
        services.AddHealthChecks().AddCheck<BlobStorageHealthCheck>("storage", tags: ["ready"]);
        return services;
    }

    /// <summary>A client that gives up in seconds: the chat channel itself gives up after 10 to 15 s.</summary>
    public static BlobServiceClient CreateServiceClient(StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var clientOptions = new BlobClientOptions
        {
            Retry =
            {
                Mode = RetryMode.Exponential,
                MaxRetries = options.MaxRetries,
                Delay = TimeSpan.FromMilliseconds(200),
                MaxDelay = TimeSpan.FromSeconds(1),
                NetworkTimeout = options.NetworkTimeout,
            },
        };
        return new BlobServiceClient(options.ConnectionString, clientOptions);
    }

    private sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
    {
        public ValidateOptionsResult Validate(string? name, StorageOptions options)
        {
            var failures = options.Validate().ToList();
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}
