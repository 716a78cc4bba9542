using System.Net;
using System.Net.Sockets;

namespace CertTrustBot.Tests.Http;

/// <summary>
/// A TCP forwarder in front of Azurite that a test can unplug: while unplugged, connections are refused and open
/// ones are cut, as when the storage account is unreachable.
/// </summary>
public sealed class StoragePlug : IAsyncDisposable
{
    private readonly int _targetPort;
    private readonly List<TcpClient> _open = [];
    private TcpListener? _listener;
    private CancellationTokenSource _stop = new();

    public StoragePlug(int targetPort)
    {
        _targetPort = targetPort;
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        PlugIn();
    }

    public int Port { get; }

    /// <summary>A connection string for Azurite's well-known account through this plug.</summary>
    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={Infrastructure.AzuriteFixture.AccountName};AccountKey={Infrastructure.AzuriteFixture.AccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{Port}/{Infrastructure.AzuriteFixture.AccountName};";

    public void PlugIn()
    {
        _stop = new CancellationTokenSource();
        _listener = new TcpListener(IPAddress.Loopback, Port);
        _listener.Start();
        _ = AcceptAsync(_listener, _stop.Token);
    }

    public void Unplug()
    {
        _stop.Cancel();
        _listener?.Stop();
        lock (_open)
        {
            foreach (var client in _open)
                client.Dispose();
            _open.Clear();
        }
    }

    public ValueTask DisposeAsync()
    {
        Unplug();
        _stop.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task AcceptAsync(TcpListener listener, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient inbound;
            try
            {
                inbound = await listener.AcceptTcpClientAsync(stop);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = ForwardAsync(inbound, stop);
        }
    }

    private async Task ForwardAsync(TcpClient inbound, CancellationToken stop)
    {
        var outbound = new TcpClient();
        lock (_open)
        {
            _open.Add(inbound);
            _open.Add(outbound);
        }

        try
        {
            await outbound.ConnectAsync(IPAddress.Loopback, _targetPort, stop);
            var a = inbound.GetStream();
            var b = outbound.GetStream();
            await Task.WhenAny(a.CopyToAsync(b, stop), b.CopyToAsync(a, stop));
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException or SocketException)
        {
        }
        finally
        {
            inbound.Dispose();
            outbound.Dispose();
        }
    }
}
