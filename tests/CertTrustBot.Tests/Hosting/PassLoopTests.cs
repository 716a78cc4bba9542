using CertTrustBot.Hosting;

namespace CertTrustBot.Tests.Hosting;

public sealed class PassLoopTests
{
    [Fact]
    public async Task A_failed_pass_is_reported_and_the_next_pass_runs()
    {
        using var stop = new CancellationTokenSource();
        var passes = 0;
        var failures = new List<Exception>();

        await PassLoop.RunAsync(
            _ =>
            {
                passes++;
                if (passes == 1)
                    throw new InvalidOperationException("storage down");
                stop.Cancel(); // the second pass succeeds, then the host stops
                return Task.CompletedTask;
            },
            _ => Task.CompletedTask,
            failures.Add,
            stop.Token);

        Assert.Equal(2, passes);
        Assert.Equal("storage down", Assert.Single(failures).Message);
    }

    [Fact]
    public async Task A_pass_cut_short_by_the_stop_ends_the_loop_quietly_whatever_it_throws()
    {
        using var stop = new CancellationTokenSource();
        var failures = new List<Exception>();

        await PassLoop.RunAsync(
            _ =>
            {
                stop.Cancel();
                throw new TimeoutException("a storage call cut short by the stop");
            },
            _ => throw new InvalidOperationException("no wait after a stop"),
            failures.Add,
            stop.Token);

        Assert.Empty(failures);
    }

    [Fact]
    public async Task The_wait_between_passes_ends_the_loop_when_the_host_stops()
    {
        using var stop = new CancellationTokenSource();
        var passes = 0;

        await PassLoop.RunAsync(
            _ => { passes++; return Task.CompletedTask; },
            t => { stop.Cancel(); return Task.Delay(Timeout.Infinite, t); },
            ex => Assert.Fail($"no pass failed: {ex}"),
            stop.Token);

        Assert.Equal(1, passes);
    }
}
