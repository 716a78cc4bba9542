using System.Globalization;
using CertTrustBot.Certificates;

namespace CertTrustBot.Cli;

/// <summary>
/// Findings only the command line can make: the engine is never reached because the file could not be read, or the
/// engine failed. Either way the file is blocked and the report says why, so a batch run never stops half-way.
/// </summary>
public static class CliFindings
{
    public const string FileUnreadableCode = FindingCodes.FileUnreadable;
    public const string CheckFailedCode = FindingCodes.CheckFailed;

    public static CertificateReport UnreadableFile(string path, string reason) => Blocked(
        path,
        $"Cannot read the file: {reason}",
        new Finding(
            FileUnreadableCode,
            Severity.Block,
            $"Could not read '{path}': {reason}",
            "Check the path and the file's permissions, then run the check again."));

    /// <summary>
    /// The engine's own finding for a file over the limit, said with the file's real size: the CLI never hands the
    /// engine more than the limit plus one byte, so the engine could only tell "limit + 1".
    /// </summary>
    public static CertificateReport TooLarge(string path, long size, long limit)
    {
        var what = size >= 0
            ? string.Create(CultureInfo.InvariantCulture, $"The file is {Numbers.Format(size)} bytes; the limit for a file on the command line is {Numbers.Format(limit)}.")
            : string.Create(CultureInfo.InvariantCulture, $"The input is more than {Numbers.Format(limit)} bytes, the limit for a file on the command line.");
        return Blocked(
            path,
            "Blocked: " + FindingCodes.Get(FindingCodes.FileTooLarge).Meaning,
            new Finding(
                FindingCodes.FileTooLarge,
                Severity.Block,
                what + " A certificate is only a few kilobytes, and even a large CA bundle is a few megabytes.",
                "Check that this is the certificate or CA bundle you meant."),
            CertificateFormat.TooLarge);
    }

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

    private static CertificateReport Blocked(string path, string headline, Finding finding, CertificateFormat format = CertificateFormat.Unknown) => new()
    {
        FileName = Path.GetFileName(path),
        Format = format,
        Verdict = Verdict.Block,
        Headline = headline,
        Certificates = [],
        Chain = [],
        Findings = [finding],
    };
}
