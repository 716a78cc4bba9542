using System.Net.Sockets;
using Azure.Core;
using Azure.Core.Pipeline;

namespace CertTrustBot.Tests.Infrastructure;

/// <summary>
/// An Azure SDK pipeline policy that refuses the connection for the requests it affects, as a storage outage would,
/// so a test can take storage away for one kind of request (say, only the case record's PUT) against a real Azurite.
/// </summary>
public sealed class OutagePolicy(Func<Request, bool> affects) : HttpPipelineSynchronousPolicy
{
    public override void OnSendingRequest(HttpMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (affects(message.Request))
            throw new HttpRequestException("Connection refused (simulated outage)", new SocketException((int)SocketError.ConnectionRefused));
    }
}
