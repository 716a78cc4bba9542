using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
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
    /// <summary>Azurite's well-known development account key (public, documented by Microsoft).</summary>
    public const string AccountName = "devstoreaccount1";
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly StringBuilder _output = new();
    private Process? _process;
    private string? _workspace;

    public int BlobPort { get; private set; }
    public int QueuePort { get; private set; }
    public int TablePort { get; private set; }

    /// <summary>Connection string for this Azurite (blob, queue and table endpoints).</summary>
    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{BlobPort}/{AccountName};" +
        $"QueueEndpoint=http://127.0.0.1:{QueuePort}/{AccountName};" +
        $"TableEndpoint=http://127.0.0.1:{TablePort}/{AccountName};";

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

    public async Task InitializeAsync()
    {
        var azurite = FindAzurite();
        _workspace = Directory.CreateTempSubdirectory("azurite-").FullName;

        // The working folder is a fresh temporary one, so that nothing Azurite writes lands in the repository.
        // Free ports can be taken by someone else between our probe and Azurite's bind: try a few times.
        for (var attempt = 1; ; attempt++)
        {
            (BlobPort, QueuePort, TablePort) = (FreePort(), FreePort(), FreePort());
            _process = Start(azurite);
            if (await WaitUntilListeningAsync(_process).ConfigureAwait(false))
            {
                // If the run ends without disposing fixtures (Ctrl+C, SIGTERM), still take Azurite down with it.
                AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
                return;
            }

            var exited = _process.HasExited;
            Kill();
            if (attempt == 3)
            {
                throw new InvalidOperationException(exited
                    ? $"Azurite exited before listening on 127.0.0.1:{BlobPort}. Its output:\n{Output()}"
                    : $"Azurite did not listen on 127.0.0.1:{BlobPort} within {StartTimeout.TotalSeconds} s. Its output:\n{Output()}");
            }
        }
    }

    public Task DisposeAsync()
    {
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        Kill();
        if (_workspace is not null)
        {
            try { Directory.Delete(_workspace, recursive: true); }
            catch (IOException) { } // a file still held open by a dying process; the temp folder is the OS's to clean
        }
        return Task.CompletedTask;
    }

    private Process Start(string azurite)
    {
        var start = new ProcessStartInfo(azurite)
        {
            WorkingDirectory = _workspace,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "--inMemoryPersistence", "--silent", "--skipApiVersionCheck", "--disableTelemetry",
            "--blobHost", "127.0.0.1", "--blobPort", BlobPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--queueHost", "127.0.0.1", "--queuePort", QueuePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--tableHost", "127.0.0.1", "--tablePort", TablePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        })
        {
            start.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private async Task<bool> WaitUntilListeningAsync(Process process)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartTimeout)
        {
            if (process.HasExited)
                return false;
            using var client = new TcpClient();
            try
            {
                await client.ConnectAsync(IPAddress.Loopback, BlobPort).ConfigureAwait(false);
                return true;
            }
            catch (SocketException)
            {
                await Task.Delay(100).ConfigureAwait(false);
            }
        }
        return false;
    }

    private void OnProcessExit(object? sender, EventArgs e) => Kill();

    private void Kill()
    {
        // Azurite ignores SIGTERM/SIGINT: kill it, and anything it started, outright.
        if (_process is null)
            return;
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException) { } // already gone
        _process.Dispose();
        _process = null;
    }

    private void Append(string? line)
    {
        if (line is null)
            return;
        lock (_output)
            _output.AppendLine(line);
    }

    private string Output()
    {
        lock (_output)
            return _output.ToString();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>node_modules/.bin/azurite of the repository (the folder with CertTrustBot.sln above the test binaries).</summary>
    private static string FindAzurite()
    {
        var bin = Repository.PathOf("node_modules", ".bin");
        var azurite = Path.Combine(bin, OperatingSystem.IsWindows() ? "azurite.cmd" : "azurite");
        if (!File.Exists(azurite))
            throw new InvalidOperationException($"Azurite is not installed ({azurite} is missing). Run `npm ci` in {Repository.Root} (needs Node.js; Azurite 3.37 declares 22 or later), then run the tests again.");
        return azurite;
    }
}

[CollectionDefinition("Azurite")]
public sealed class AzuriteCollectionDefinition : ICollectionFixture<AzuriteFixture>;
