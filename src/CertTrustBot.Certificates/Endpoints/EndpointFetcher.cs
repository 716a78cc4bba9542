using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace CertTrustBot.Certificates.Endpoints;

/// <summary>How an endpoint fetch ended.</summary>
public enum EndpointOutcome
{
    /// <summary>The server presented its certificates.</summary>
    Presented,

    /// <summary>Not tried: the address or port is not allowed (see <see cref="EndpointFetchOptions"/>).</summary>
    Refused,

    /// <summary>The name did not resolve, or the connection was refused or reset.</summary>
    Unreachable,

    /// <summary>No answer within the time allowed.</summary>
    Timeout,

    /// <summary>Something answered, but not with TLS (a plain HTTP port, SSH...).</summary>
    NotTls,

    /// <summary>A TLS server that ended the handshake before showing a certificate (an alert: no common protocol or cipher).</summary>
    HandshakeFailed,
}

/// <summary>What came of looking at a server.</summary>
/// <param name="Target">The server asked for.</param>
/// <param name="Outcome">How it ended.</param>
/// <param name="Certificates">The DER of each certificate the server presented, in the order it sent them (leaf first).</param>
/// <param name="Address">The address connected to (or refused), when one was chosen.</param>
/// <param name="Detail">For a failure, a sentence saying what happened.</param>
public sealed record EndpointFetch(EndpointTarget Target, EndpointOutcome Outcome, IReadOnlyList<byte[]> Certificates, IPAddress? Address, string Detail);

/// <summary>The limits of a fetch. The command line uses the defaults; the bot adds its network guard.</summary>
public sealed record EndpointFetchOptions
{
    /// <summary>Name resolution, connection and handshake together.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The most bytes read from the server: a certificate chain is a few KiB.</summary>
    public int MaxBytes { get; init; } = 256 * 1024;

    /// <summary>The name sent in SNI; the target's host by default (none for an IP address).</summary>
    public string? ServerName { get; init; }

    /// <summary>Ports that may be tried; null allows every port.</summary>
    public IReadOnlySet<int>? AllowedPorts { get; init; }

    /// <summary>Refuses an address (returns why) before any connection to it; null allows every address.</summary>
    public Func<IPAddress, string?>? AddressGuard { get; init; }

    /// <summary>Resolves a host name; the system resolver by default.</summary>
    public Func<string, CancellationToken, Task<IPAddress[]>>? Resolver { get; init; }
}

/// <summary>
/// Looks at a server the way <c>openssl s_client -showcerts</c> does: one TLS handshake that accepts whatever the server
/// presents (no trust decision), and keeps the certificates in the order the server sent them. The name is resolved
/// once, and the connection goes to that address only, so what the guard approved is what is connected to.
/// </summary>
public static class EndpointFetcher
{
    public static async Task<EndpointFetch> FetchAsync(EndpointTarget target, EndpointFetchOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        options ??= new EndpointFetchOptions();
        EndpointFetch Failed(EndpointOutcome outcome, string detail, IPAddress? address = null) => new(target, outcome, [], address, detail);

        if (options.AllowedPorts is { } ports && !ports.Contains(target.Port))
        {
            return Failed(EndpointOutcome.Refused,
                $"Port {target.Port} is not one I may look at; allowed are {string.Join(", ", ports.Order())}.");
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.Timeout);
        var seconds = EndpointReport.Seconds(options.Timeout);
        IPAddress? address = null;
        CappedStream? network = null;
        try
        {
            var (chosen, refusal) = await ChooseAddressAsync(target, options, deadline.Token);
            if (chosen is null)
                return Failed(refusal is null ? EndpointOutcome.Unreachable : EndpointOutcome.Refused, refusal ?? $"The name {target.Host} has no address.");
            address = chosen;

            using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(new IPEndPoint(address, target.Port), deadline.Token);
            await using var capped = network = new CappedStream(new NetworkStream(socket, ownsSocket: false), options.MaxBytes);
            List<byte[]>? presented = null;
            await using var tls = new SslStream(network, leaveInnerStreamOpen: true);
            try
            {
                await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                {
                    // SNI: the name the customer gave, while the connection goes to the address approved above.
                    TargetHost = options.ServerName ?? (target.IsIpAddress ? "" : target.Host),
                    CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
#pragma warning disable CA5359 // Nothing is sent over this connection: it exists to see the certificates, trusted or not.
                    RemoteCertificateValidationCallback = (_, certificate, chain, _) =>
                    {
                        presented = Presented(certificate, chain);
                        return true; // no trust decision: the point is to see what is presented, valid or not
                    },
#pragma warning restore CA5359
                }, deadline.Token);
            }
            catch (Exception e) when (presented is { Count: > 0 } && e is AuthenticationException or IOException)
            {
                // The certificates were seen before the handshake failed: they are what was asked for.
            }
            if (presented is not { Count: > 0 })
                return Failed(EndpointOutcome.HandshakeFailed, "The server finished the TLS handshake without presenting a certificate.", address);
            return new EndpointFetch(target, EndpointOutcome.Presented, presented, address, "");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Failed(EndpointOutcome.Timeout,
                $"{target.Display} did not answer within {seconds} seconds.", address);
        }
        catch (SocketException e)
        {
            return Failed(EndpointOutcome.Unreachable, e.SocketErrorCode switch
            {
                SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => $"The name {target.Host} could not be found (DNS).",
                SocketError.ConnectionRefused => $"{target.Display} refused the connection: nothing listens on port {target.Port}.",
                SocketError.NetworkUnreachable or SocketError.HostUnreachable => $"{target.Display} cannot be reached from here (no route).",
                SocketError.TimedOut => $"{target.Display} did not answer within {seconds} seconds.",
                _ => $"Could not connect to {target.Display} ({e.SocketErrorCode}).",
            }, address);
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
            if (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                return Failed(EndpointOutcome.Timeout, $"{target.Display} did not answer within {seconds} seconds.", address);
            return Classify(target, address, e, network, options);
        }
    }

    private static EndpointFetch Classify(EndpointTarget target, IPAddress? address, Exception e, CappedStream? capped, EndpointFetchOptions options)
    {
        // What the server sent first says what it speaks: a TLS record starts with 0x16 (handshake) or 0x15 (alert).
        if (capped?.OverLimit == true)
            return new(target, EndpointOutcome.HandshakeFailed, [], address, string.Create(CultureInfo.InvariantCulture, $"The server sent more than {options.MaxBytes:N0} bytes without finishing the TLS handshake."));
        return capped?.FirstByte switch
        {
            null => new(target, EndpointOutcome.Unreachable, [], address, $"{target.Display} accepted the connection and closed it without answering."),
            0x15 => new(target, EndpointOutcome.HandshakeFailed, [], address, $"{target.Display} speaks TLS but ended the handshake (an alert: no protocol version or cipher in common, or it wants something else)."),
            0x16 => new(target, EndpointOutcome.HandshakeFailed, [], address, $"The TLS handshake with {target.Display} failed: {e.Message}"),
            _ => new(target, EndpointOutcome.NotTls, [], address, $"{target.Display} answered, but not with TLS{Hint(capped!.Start)}: this port does not serve HTTPS."),
        };
    }

    private static string Hint(ReadOnlySpan<byte> start)
    {
        var text = System.Text.Encoding.ASCII.GetString(start);
        if (text.StartsWith("HTTP/", StringComparison.Ordinal)) return " (it answered in plain HTTP)";
        if (text.StartsWith("SSH-", StringComparison.Ordinal)) return " (it is an SSH server)";
        return "";
    }

    private static async Task<(IPAddress? Address, string? Refusal)> ChooseAddressAsync(EndpointTarget target, EndpointFetchOptions options, CancellationToken cancellationToken)
    {
        IPAddress[] addresses = target.IsIpAddress
            ? [IPAddress.Parse(target.Host)]
            : await (options.Resolver ?? Dns.GetHostAddressesAsync)(target.Host, cancellationToken);
        if (options.AddressGuard is not { } guard)
            return (addresses.FirstOrDefault(), null);

        // The first allowed address is the one connected to; the rest are never tried.
        string? firstRefusal = null;
        foreach (var address in addresses)
        {
            var unmapped = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
            if (guard(unmapped) is not { } refusal)
                return (unmapped, null);
            firstRefusal ??= target.IsIpAddress
                ? $"{target.Host} is {refusal}, which I may not connect to."
                : $"{target.Host} points to {unmapped} ({refusal}), which I may not connect to.";
        }
        return (null, firstRefusal);
    }

    private static List<byte[]> Presented(X509Certificate? certificate, X509Chain? chain)
    {
        // On Linux and Windows the handshake puts the certificates the server sent, in its order, in the chain's
        // ExtraStore (the leaf first); ChainElements is the chain the platform built, which is another thing.
        var sent = new List<byte[]>();
        if (chain is not null)
        {
            foreach (var c in chain.ChainPolicy.ExtraStore)
                sent.Add(c.RawData);
        }
        // Where a platform leaves ExtraStore empty, the leaf alone is still what was presented.
        if (certificate is not null && !sent.Exists(d => d.AsSpan().SequenceEqual(certificate.GetRawCertData())))
            sent.Insert(0, certificate.GetRawCertData());
        return sent;
    }
}
