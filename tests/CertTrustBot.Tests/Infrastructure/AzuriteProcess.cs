using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CertTrustBot.Tests.Infrastructure;

/// <summary>
/// Azurite (the Azure Storage emulator, from the repository's node_modules) on free loopback ports, in memory (or on
/// disk, for long runs), in a temporary working folder. No xunit types: the test fixture and the load tool both start
/// it this way.
/// </summary>
public sealed class AzuriteProcess : IDisposable
{
    /// <summary>Azurite's well-known development account and key (public, documented by Microsoft).</summary>
    public const string AccountName = "devstoreaccount1";
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly StringBuilder _output = new();
    private readonly string _workspace;
    private Process? _process;

    private readonly bool _onDisk;

    private AzuriteProcess(string workspace, bool onDisk)
    {
        _workspace = workspace;
        _onDisk = onDisk;
    }

    public int BlobPort { get; private set; }
    public int QueuePort { get; private set; }
    public int TablePort { get; private set; }

    /// <summary>Connection string for this Azurite (blob, queue and table endpoints).</summary>
    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{BlobPort}/{AccountName};" +
        $"QueueEndpoint=http://127.0.0.1:{QueuePort}/{AccountName};" +
        $"TableEndpoint=http://127.0.0.1:{TablePort}/{AccountName};";

    /// <summary>CPU time Azurite has used so far.</summary>
    public TimeSpan ProcessorTime
    {
        get
        {
            if (_process is null)
                return TimeSpan.Zero;
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>Starts Azurite and waits until its blob port answers; it is killed on Dispose, or when this process exits.</summary>
    /// <param name="onDisk">
    /// Keep the data in the temporary folder instead of in memory: for the load tool's soak, where an in-memory Azurite
    /// holds every blob of 10,000 conversations in one Node heap and slowed down past about 7,000.
    /// </param>
    public static async Task<AzuriteProcess> StartAsync(bool onDisk = false)
    {
        var executable = FindAzurite();
        // The working folder is a fresh temporary one, so that nothing Azurite writes lands in the repository.
        var azurite = new AzuriteProcess(Directory.CreateTempSubdirectory("azurite-").FullName, onDisk);
        // Free ports can be taken by someone else between our probe and Azurite's bind: try a few times.
        for (var attempt = 1; ; attempt++)
        {
            (azurite.BlobPort, azurite.QueuePort, azurite.TablePort) = (FreePort(), FreePort(), FreePort());
            azurite._process = azurite.Start(executable);
            if (await azurite.WaitUntilListeningAsync().ConfigureAwait(false))
            {
                // If the run ends without disposing (Ctrl+C, SIGTERM), still take Azurite down with it.
                AppDomain.CurrentDomain.ProcessExit += azurite.OnProcessExit;
                return azurite;
            }

            var exited = azurite._process.HasExited;
            azurite.Kill();
            if (attempt == 3)
            {
                var output = azurite.Output();
                azurite.Dispose();
                throw new InvalidOperationException(exited
                    ? $"Azurite exited before listening on 127.0.0.1:{azurite.BlobPort}. Its output:\n{output}"
                    : $"Azurite did not listen on 127.0.0.1:{azurite.BlobPort} within {StartTimeout.TotalSeconds} s. Its output:\n{output}");
            }
        }
    }

    public void Dispose()
    {
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        Kill();
        try { Directory.Delete(_workspace, recursive: true); }
        catch (IOException) { } // a file still held open by a dying process; the temp folder is the OS's to clean
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private Process Start(string executable)
    {
        var start = new ProcessStartInfo(executable)
        {
            WorkingDirectory = _workspace,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] persistence = _onDisk ? ["--location", _workspace] : ["--inMemoryPersistence"];
        foreach (var argument in persistence.Concat(
        [
            "--silent", "--skipApiVersionCheck", "--disableTelemetry",
            "--blobHost", "127.0.0.1", "--blobPort", BlobPort.ToString(CultureInfo.InvariantCulture),
            "--queueHost", "127.0.0.1", "--queuePort", QueuePort.ToString(CultureInfo.InvariantCulture),
            "--tableHost", "127.0.0.1", "--tablePort", TablePort.ToString(CultureInfo.InvariantCulture),
        ]))
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

    private async Task<bool> WaitUntilListeningAsync()
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartTimeout)
        {
            if (_process is null || _process.HasExited)
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

    /// <summary>node_modules/.bin/azurite of the repository.</summary>
    private static string FindAzurite()
    {
        var azurite = Repository.PathOf("node_modules", ".bin", OperatingSystem.IsWindows() ? "azurite.cmd" : "azurite");
        if (!File.Exists(azurite))
            throw new InvalidOperationException($"Azurite is not installed ({azurite} is missing). Run `npm ci` in {Repository.Root} (needs Node.js; Azurite 3.37 declares 22 or later), then run the tests again.");
        return azurite;
    }
}
