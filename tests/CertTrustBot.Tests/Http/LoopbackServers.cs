namespace CertTrustBot.Tests.Http;

/// <summary>The loopback channel service and download host, started once for a test class.</summary>
public sealed class LoopbackServers : IAsyncLifetime
{
    public LoopbackChannel Channel { get; } = new();

    public LoopbackFileServer Files { get; } = new();

    public async Task InitializeAsync()
    {
        await Channel.StartAsync();
        await Files.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await Channel.DisposeAsync();
        await Files.DisposeAsync();
    }
}
