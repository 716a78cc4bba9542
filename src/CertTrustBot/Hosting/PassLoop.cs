namespace CertTrustBot.Hosting;

/// <summary>
/// The loop of the bot's background workers (case events, expiry scan, Slack inbox): one pass, then a wait, until the
/// host stops. Each pass is complete or leaves its storage intact for the next one, so a failed pass is logged and
/// the next one tries again (a failing <c>BackgroundService</c> would stop the host), and a storage call cut short by
/// the stop, which fails as a timeout or "unavailable" rather than always as a cancellation, ends the loop quietly.
/// </summary>
public static class PassLoop
{
    public static async Task RunAsync(
        Func<CancellationToken, Task> pass,
        Func<CancellationToken, Task> wait,
        Action<Exception> passFailed,
        CancellationToken stoppingToken)
    {
        ArgumentNullException.ThrowIfNull(pass);
        ArgumentNullException.ThrowIfNull(wait);
        ArgumentNullException.ThrowIfNull(passFailed);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await pass(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                passFailed(ex);
            }
            try
            {
                await wait(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }
}
