namespace CertTrustBot.Cli;

/// <summary>How the human report is decorated; JSON output is never decorated.</summary>
/// <param name="Colour">ANSI colours for verdicts and severities.</param>
public sealed record OutputStyle(bool Colour = false)
{
    public static OutputStyle Plain { get; } = new();

    /// <summary>
    /// Colour only for a person at a terminal: not when redirected to a file or pipe, not when NO_COLOR is set
    /// (https://no-color.org: any non-empty value), not on a dumb terminal.
    /// </summary>
    public static bool ColourWanted(bool outputRedirected, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (outputRedirected)
            return false;
        if (!string.IsNullOrEmpty(environment("NO_COLOR")))
            return false;
        return !string.Equals(environment("TERM"), "dumb", StringComparison.Ordinal);
    }
}
