using CertTrustBot.Certificates.Endpoints;
using Microsoft.Extensions.Options;

namespace CertTrustBot.Endpoints;

/// <summary>Looks at a server for the conversation: the network I/O the pure flow asks for, done by the runner.</summary>
public interface IEndpointProbe
{
    Task<EndpointFetch> FetchAsync(EndpointTarget target, CancellationToken cancellationToken);
}

/// <summary>
/// The bot's probe, under its guard: a customer's message must never become a way into the provider's own network
/// (SSRF). Only the configured ports; the name is resolved once and the connection goes to that address only, after it
/// was judged public (every spelling of an address is the same parsed address); a timeout and a byte cap.
/// </summary>
public sealed class GuardedEndpointProbe(IOptions<EndpointCheckOptions> options) : IEndpointProbe
{
    private readonly EndpointCheckOptions _options = options.Value;

    public Task<EndpointFetch> FetchAsync(EndpointTarget target, CancellationToken cancellationToken) =>
        EndpointFetcher.FetchAsync(target, new EndpointFetchOptions
        {
            Timeout = _options.Timeout,
            MaxBytes = _options.MaxBytes,
            AllowedPorts = _options.EffectivePorts,
            AddressGuard = _options.AllowPrivateNetworks ? null : NetworkAddresses.NonPublicReason,
        }, cancellationToken);
}
