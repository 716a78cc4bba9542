using CertTrustBot.Certificates;

namespace CertTrustBot.Cli;

/// <summary>
/// Findings only the command line can make: the engine is never reached because the file could not be read, or the
/// engine failed. Either way the file is blocked and the report says why, so a batch run never stops half-way.
/// </summary>
public static class CliFindings
{
    public const string FileUnreadableCode = "file.unreadable";
    public const string CheckFailedCode = "check.failed";

    public static CertificateReport UnreadableFile(string path, string reason) => Blocked(
        path,
        $"Cannot read the file: {reason}",
        new Finding(
            FileUnreadableCode,
            Severity.Block,
            $"Could not read '{path}': {reason}",
            "Check the path and the file's permissions, then run the check again."));

    public static CertificateReport CheckFailed(string path, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return Blocked(
            path,
            "The check failed unexpectedly",
            new Finding(
                CheckFailedCode,
                Severity.Block,
                $"The check of '{path}' failed unexpectedly ({exception.GetType().Name}: {exception.Message}).",
                "This is a defect in certtrust, not in your file: please report it with the file attached."));
    }

    private static CertificateReport Blocked(string path, string headline, Finding finding) => new()
    {
        FileName = Path.GetFileName(path),
        Format = CertificateFormat.Unknown,
        Verdict = Verdict.Block,
        Headline = headline,
        Certificates = [],
        Chain = [],
        Findings = [finding],
    };
}
