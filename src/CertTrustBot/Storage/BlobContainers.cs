using System.Collections.Concurrent;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Options;

namespace CertTrustBot.Storage;

/// <summary>
/// The one place that knows the blob containers and makes sure each exists: created on first use, once per process,
/// asynchronously (never in a constructor). A failed creation is forgotten, so the next call tries again.
/// </summary>
public sealed class BlobContainers
{
    private readonly ConcurrentDictionary<string, Lazy<Task<BlobContainerClient>>> _ready = new(StringComparer.Ordinal);

    public BlobContainers(BlobServiceClient service, IOptions<StorageOptions> options)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(options);
        Service = service;
        Options = options.Value;
    }

    public BlobServiceClient Service { get; }

    public StorageOptions Options { get; }

    public Task<BlobContainerClient> StateAsync(CancellationToken cancellationToken) => GetAsync(Options.StateContainer, cancellationToken);

    public Task<BlobContainerClient> CertificatesAsync(CancellationToken cancellationToken) => GetAsync(Options.CertificatesContainer, cancellationToken);

    public Task<BlobContainerClient> CasesAsync(CancellationToken cancellationToken) => GetAsync(Options.CasesContainer, cancellationToken);

    /// <summary>The container, created if it does not exist yet.</summary>
    /// <exception cref="Cases.StorageUnavailableException">Storage did not answer.</exception>
    public async Task<BlobContainerClient> GetAsync(string containerName, CancellationToken cancellationToken)
    {
        var entry = _ready.GetOrAdd(containerName, name => new Lazy<Task<BlobContainerClient>>(() => CreateAsync(name)));
        try
        {
            // The shared creation must not die with the first caller's token; each caller only stops waiting.
            return await entry.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch when (entry.Value.IsFaulted)
        {
            _ready.TryRemove(new KeyValuePair<string, Lazy<Task<BlobContainerClient>>>(containerName, entry));
            throw;
        }
    }

    private async Task<BlobContainerClient> CreateAsync(string name)
    {
        var container = Service.GetBlobContainerClient(name);
        await StorageFailures.Guard(
            () => container.CreateIfNotExistsAsync(cancellationToken: CancellationToken.None),
            $"create the blob container '{name}'",
            CancellationToken.None).ConfigureAwait(false);
        return container;
    }
}
