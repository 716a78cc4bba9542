using System.Globalization;

namespace CertTrustBot.Certificates;

/// <summary>
/// One format for every number the engine's messages, the bot's cards and messages, and the command line show:
/// digits grouped by thousands with a comma ("3,107", "10,000"), whatever the culture of the machine. The engine
/// writes numbers into its findings, so the format lives here, where the bot and the CLI both find it.
/// </summary>
public static class Numbers
{
    /// <summary>"7", "3,107", "-2,160".</summary>
    public static string Format(long value) => value.ToString("#,0", CultureInfo.InvariantCulture);

    /// <summary>"1 day", "0 days", "3,107 days": the count and the noun, plural unless the count is one.</summary>
    public static string Count(long count, string noun) => count == 1 ? $"1 {noun}" : $"{Format(count)} {noun}s";
}
