using Azure.Storage.Blobs;
using CertTrustBot.Storage;
using Microsoft.Extensions.Options;

namespace CertTrustBot.Tests.Infrastructure;

/// <summary>
/// One Azurite (the Azure Storage emulator, from the repository's node_modules) per test run, on free loopback ports,
/// in memory. Use it with <c>[Collection("Azurite")]</c> and a constructor parameter <c>AzuriteFixture azurite</c>;
/// give every test its own containers with <see cref="NewStorageOptions"/> so tests never see each other's blobs.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    public const string AccountName = AzuriteProcess.AccountName;
    public const string AccountKey = AzuriteProcess.AccountKey;

    private AzuriteProcess? _azurite;

    private AzuriteProcess Azurite => _azurite ?? throw new InvalidOperationException("Azurite has not started.");

    public int BlobPort => Azurite.BlobPort;
    public int QueuePort => Azurite.QueuePort;
    public int TablePort => Azurite.TablePort;

    /// <summary>Connection string for this Azurite (blob, queue and table endpoints).</summary>
    public string ConnectionString => Azurite.ConnectionString;

    /// <summary>Storage options with this Azurite and containers no other test uses.</summary>
    public StorageOptions NewStorageOptions()
    {
        var id = Guid.NewGuid().ToString("N")[..12];
        return new StorageOptions
        {
            ConnectionString = ConnectionString,
            StateContainer = $"state-{id}",
            CertificatesContainer = $"certificates-{id}",
            CasesContainer = $"cases-{id}",
        };
    }

    /// <summary>Configuration keys that point the app at this Azurite with fresh containers (for WebApplicationFactory).</summary>
    public IReadOnlyDictionary<string, string?> NewConfiguration()
    {
        var options = NewStorageOptions();
        return new Dictionary<string, string?>
        {
            ["ConnectionStrings:Storage"] = options.ConnectionString,
            ["Storage:StateContainer"] = options.StateContainer,
            ["Storage:CertificatesContainer"] = options.CertificatesContainer,
            ["Storage:CasesContainer"] = options.CasesContainer,
        };
    }

    public static BlobContainers CreateContainers(StorageOptions options) =>
        new(StorageServiceCollectionExtensions.CreateServiceClient(options), Options.Create(options));

    public BlobServiceClient CreateServiceClient() => new(ConnectionString);

    public async Task InitializeAsync() => _azurite = await AzuriteProcess.StartAsync().ConfigureAwait(false);

    public Task DisposeAsync()
    {
        _azurite?.Dispose();
        _azurite = null;
        return Task.CompletedTask;
    }
}

[CollectionDefinition("Azurite")]
public sealed class AzuriteCollectionDefinition : ICollectionFixture<AzuriteFixture>;
