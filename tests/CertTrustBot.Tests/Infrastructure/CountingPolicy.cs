using Azure.Core;
using Azure.Core.Pipeline;

namespace CertTrustBot.Tests.Infrastructure;

/// <summary>An Azure SDK pipeline policy that counts the requests it is asked about, so a test can say how often storage was called.</summary>
public sealed class CountingPolicy(Func<Request, bool> counts) : HttpPipelineSynchronousPolicy
{
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public override void OnSendingRequest(HttpMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (counts(message.Request))
            Interlocked.Increment(ref _count);
    }
}
