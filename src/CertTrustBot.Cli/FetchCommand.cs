using CertTrustBot.Certificates;
using CertTrustBot.Certificates.Endpoints;

namespace CertTrustBot.Cli;

public sealed record FetchOptions(EndpointTarget Target, string? ServerName, TimeSpan Timeout, bool Json);

/// <summary>
/// <c>certtrust fetch</c>: one TLS handshake with a server, then the same report as <c>check</c> over the certificates
/// it presented, in its order. A person runs this on their own machine, so no address is off limits (the bot's guard
/// against reaching private networks is the bot's, not this tool's).
/// </summary>
internal static class FetchCommand
{
    public static int Run(FetchOptions options, TextWriter stdout, TimeProvider clock, OutputStyle style)
    {
        var fetch = EndpointFetcher.FetchAsync(options.Target, new EndpointFetchOptions
        {
            Timeout = options.Timeout,
            ServerName = options.ServerName,
        }).GetAwaiter().GetResult();
        var endpoint = EndpointReport.Create(fetch, new CertificateChecker(clock), options.ServerName);

        using IReportWriter writer = options.Json
            ? new JsonReportWriter(stdout)
            : new HumanReportWriter(stdout, clock, style);
        writer.Write(options.Target.Display, endpoint.Report);
        writer.Complete();

        if (!endpoint.Connected)
            return CertTrustCli.ExitConnectionFailed;
        return endpoint.Report.Verdict == Verdict.Block ? CertTrustCli.ExitBlocked : CertTrustCli.ExitOk;
    }
}
