using System.Collections.Concurrent;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Options;

namespace CertTrustBot.Storage;

/// <summary>
/// The one place that knows the blob containers and makes sure each exists: created on first use, once per process,
/// asynchronously (never in a constructor). A failed creation is forgotten, so the next call tries again. So is a
/// creation whose container storage has lost since (an operation answered 404 ContainerNotFound, see
/// <see cref="ContainerLost"/>): the next call creates it again.
/// </summary>
public sealed class BlobContainers
{
    // Containers that operations found missing, by container URI: how many times each was found lost. Static because
    // the storage helpers that see the 404 (BlobJson, StorageFailures) see a blob client, not this instance; every
    // instance that created the same container (same account endpoint and name) must create it again.
    private static readonly ConcurrentDictionary<string, long> Losses = new(StringComparer.OrdinalIgnoreCase);

    private readonly ConcurrentDictionary<string, Ready> _ready = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _keys = new(StringComparer.Ordinal);

    // A creation, and how many losses of its container had been reported when it started.
    private sealed record Ready(Lazy<Task<BlobContainerClient>> Creation, long Losses);

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

    /// <summary>The container, created if it does not exist yet (or again, when storage lost it since).</summary>
    /// <exception cref="StorageUnavailableException">Storage did not answer.</exception>
    public async Task<BlobContainerClient> GetAsync(string containerName, CancellationToken cancellationToken)
    {
        var losses = Losses.GetValueOrDefault(KeyOf(containerName));
        var entry = _ready.GetOrAdd(containerName, name => new Ready(new Lazy<Task<BlobContainerClient>>(() => CreateAsync(name)), losses));
        if (entry.Losses < losses)
        {
            // Created before storage lost it: forget that creation (unless another caller already did) and create again.
            _ready.TryRemove(new KeyValuePair<string, Ready>(containerName, entry));
            entry = _ready.GetOrAdd(containerName, name => new Ready(new Lazy<Task<BlobContainerClient>>(() => CreateAsync(name)), losses));
        }

        try
        {
            // The shared creation must not die with the first caller's token; each caller only stops waiting.
            return await entry.Creation.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch when (entry.Creation.Value.IsFaulted)
        {
            _ready.TryRemove(new KeyValuePair<string, Ready>(containerName, entry));
            throw;
        }
    }

    /// <summary>
    /// Storage answered 404 ContainerNotFound for an operation in this container (deleted by hand, or lost with its
    /// account's data): every <see cref="BlobContainers"/> forgets that it created it, and creates it on its next use.
    /// </summary>
    public static void ContainerLost(Uri containerUri)
    {
        ArgumentNullException.ThrowIfNull(containerUri);
        Losses.AddOrUpdate(Key(containerUri), 1, (_, count) => count + 1);
    }

    private string KeyOf(string containerName) => _keys.GetOrAdd(containerName, name => Key(Service.GetBlobContainerClient(name).Uri));

    private static string Key(Uri containerUri) => containerUri.GetLeftPart(UriPartial.Path).TrimEnd('/');

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
