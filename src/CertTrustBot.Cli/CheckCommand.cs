using CertTrustBot.Certificates;

namespace CertTrustBot.Cli;

public sealed record CheckOptions(IReadOnlyList<string> Files, string? HostName, bool Json);

/// <summary><c>certtrust check</c>: read each file, check it, print each report as soon as it is ready.</summary>
internal static class CheckCommand
{
    public static int Run(CheckOptions options, TextWriter stdout, TimeProvider clock, OutputStyle style)
    {
        var checker = new CertificateChecker(clock, CertTrustCli.FileLimits);
        var anyBlocked = false;

        using IReportWriter writer = options.Json
            ? new JsonReportWriter(stdout)
            : new HumanReportWriter(stdout, clock, style);

        foreach (var path in options.Files)
        {
            var report = CheckFile(checker, path, options.HostName);
            anyBlocked |= report.Verdict == Verdict.Block;
            writer.Write(path, report);
        }

        writer.Complete();
        return anyBlocked ? CertTrustCli.ExitBlocked : CertTrustCli.ExitOk;
    }

    private static CertificateReport CheckFile(CertificateChecker checker, string path, string? hostName)
    {
        var read = InputFile.Read(path, CertTrustCli.FileLimits.MaxBytes);
        if (read.Error is { } error)
            return CliFindings.UnreadableFile(path, error);
        if (read.TooLarge is { } size)
            return CliFindings.TooLarge(path, size, CertTrustCli.FileLimits.MaxBytes);

        try
        {
            return checker.Check(new CheckRequest(read.Content, Path.GetFileName(path)) { HostName = hostName });
        }
#pragma warning disable CA1031 // No input may crash the tool: an engine failure becomes a blocked file that says so.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            return CliFindings.CheckFailed(path, exception);
        }
    }
}
