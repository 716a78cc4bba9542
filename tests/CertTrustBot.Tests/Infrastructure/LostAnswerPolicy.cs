using System.Net.Sockets;
using Azure.Core;
using Azure.Core.Pipeline;

namespace CertTrustBot.Tests.Infrastructure;

/// <summary>
/// An Azure SDK pipeline policy that lets the requests it affects reach storage, then loses the answer (the
/// connection resets on the way back), so storage has done the write but the client sees a failure: the case of a
/// write that fails after its commit point, against a real Azurite.
/// </summary>
public sealed class LostAnswerPolicy(Func<Request, bool> affects) : HttpPipelineSynchronousPolicy
{
    private int _sent;

    /// <summary>How many affected requests reached storage.</summary>
    public int Sent => Volatile.Read(ref _sent);

    public override void OnReceivedResponse(HttpMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!affects(message.Request))
            return;
        Interlocked.Increment(ref _sent);
        throw new HttpRequestException("Connection reset (simulated lost answer)", new SocketException((int)SocketError.ConnectionReset));
    }
}
