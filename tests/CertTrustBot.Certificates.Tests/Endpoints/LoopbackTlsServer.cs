using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace CertTrustBot.Tests.Loopback;

/// <summary>
/// A real TCP server on 127.0.0.1 (and [::1] on the same port when it can), made by a test: a TLS server presenting a
/// chain made in the test, a server that accepts and never answers, or a plain HTTP port. It counts every connection
/// it accepts, so a test can prove that a refused check never reached it. No xunit types: the bot's tests compile it too.
/// </summary>
public sealed class LoopbackTlsServer : IAsyncDisposable
{
    public enum Behaviour
    {
        Tls,
        Silent,
        PlainHttp,
    }

    private readonly List<TcpListener> _listeners = [];
    private readonly List<Task> _loops = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Behaviour _behaviour;
    private readonly SslStreamCertificateContext? _context;
    private int _accepted;

    private LoopbackTlsServer(Behaviour behaviour, SslStreamCertificateContext? context)
    {
        _behaviour = behaviour;
        _context = context;
        var v4 = new TcpListener(IPAddress.Loopback, 0);
        v4.Start();
        _listeners.Add(v4);
        Port = ((IPEndPoint)v4.LocalEndpoint).Port;
        try
        {
            var v6 = new TcpListener(IPAddress.IPv6Loopback, Port);
            v6.Start();
            _listeners.Add(v6);
        }
        catch (SocketException)
        {
            // No IPv6 here, or the port is taken on it: IPv4 alone.
        }
        foreach (var listener in _listeners)
            _loops.Add(Task.Run(() => AcceptLoop(listener)));
    }

    public int Port { get; }

    /// <summary>Connections accepted so far, on any address.</summary>
    public int Accepted => Volatile.Read(ref _accepted);

    /// <summary>A TLS server presenting <paramref name="leaf"/> (with its private key) and the <paramref name="chain"/> .NET sends with it.</summary>
    public static LoopbackTlsServer Tls(X509Certificate2 leaf, params X509Certificate2[] chain)
    {
        // Through PKCS#12, so the key is usable by the platform's TLS on every OS.
        var withKey = X509CertificateLoader.LoadPkcs12(leaf.Export(X509ContentType.Pkcs12), null);
        var context = SslStreamCertificateContext.Create(withKey, [.. chain], offline: true);
        return new LoopbackTlsServer(Behaviour.Tls, context);
    }

    public static LoopbackTlsServer Silent() => new(Behaviour.Silent, null);

    public static LoopbackTlsServer PlainHttp() => new(Behaviour.PlainHttp, null);

    private async Task AcceptLoop(TcpListener listener)
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            Interlocked.Increment(ref _accepted);
            _ = Task.Run(() => Serve(client));
        }
    }

    private async Task Serve(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                switch (_behaviour)
                {
                    case Behaviour.Tls:
                        await using (var tls = new SslStream(stream))
                        {
                            await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificateContext = _context }, _stop.Token);
                            // Hold the connection until the client closes it.
                            _ = await tls.ReadAsync(new byte[1], _stop.Token);
                        }
                        break;
                    case Behaviour.Silent:
                        await Task.Delay(Timeout.Infinite, _stop.Token);
                        break;
                    case Behaviour.PlainHttp:
                        // What an HTTP server says to a TLS ClientHello.
                        _ = await stream.ReadAsync(new byte[4096], _stop.Token);
                        await stream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"), _stop.Token);
                        break;
                }
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or System.Security.Authentication.AuthenticationException or ObjectDisposedException)
            {
                // The client went away, or the test ended.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        foreach (var listener in _listeners)
            listener.Stop();
        await Task.WhenAll(_loops);
        _stop.Dispose();
    }
}
