using Microsoft.Extensions.Options;

namespace CertTrustBot.Bot;

/// <summary>Where the bot may fetch the files users send, and how much it reads. Configuration section "Attachments".</summary>
public sealed class AttachmentDownloadOptions
{
    public const string Section = "Attachments";

    /// <summary>Largest file read; the download stops as soon as it is passed. Certificates are a few KiB.</summary>
    public int MaxBytes { get; set; } = 1024 * 1024;

    /// <summary>Whole download, redirects included. The channel gives up on the turn after 10 to 15 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(8);

    /// <summary>
    /// Hosts files may come from: Teams' downloadUrl points at SharePoint / OneDrive; inline attachments at the Bot
    /// Framework service. "*.example.com" matches sub-domains only. Replaces the defaults when configured.
    /// </summary>
    public List<string> AllowedHosts { get; set; } = [];

    /// <summary>
    /// The subset of hosts that get the bot's own token (Bot Framework hosts). Never a host a user could choose.
    /// Replaces the defaults when configured.
    /// </summary>
    public List<string> TokenHosts { get; set; } = [];

    /// <summary>Also allow http://localhost / 127.0.0.1 / [::1] (no token ever): on in Development, and in tests.</summary>
    public bool AllowLoopback { get; set; }

    public static readonly string[] DefaultTokenHosts =
    [
        "smba.trafficmanager.net",  // Teams' serviceUrl and attachment views
        "*.botframework.com",
        "*.botframework.azure.us",
        "*.asm.skype.com",          // Teams inline images
    ];

    public static readonly string[] DefaultFileHosts =
    [
        "*.sharepoint.com",
        "*.sharepoint-df.com",
        "*.sharepoint.us",
        "1drv.ms",
        "*.1drv.ms",
        "*.1drv.com",               // OneDrive download hosts (e.g. public.bn.files.1drv.com)
        "onedrive.live.com",
        "*.onedrive.com",
    ];

    public IReadOnlyList<string> EffectiveTokenHosts => TokenHosts.Count > 0 ? TokenHosts : DefaultTokenHosts;

    public IReadOnlyList<string> EffectiveAllowedHosts =>
        AllowedHosts.Count > 0 ? AllowedHosts : [.. DefaultFileHosts, .. EffectiveTokenHosts];
}

public sealed class AttachmentDownloadOptionsValidator : IValidateOptions<AttachmentDownloadOptions>
{
    public ValidateOptionsResult Validate(string? name, AttachmentDownloadOptions options)
    {
        var errors = new List<string>();
        if (options.MaxBytes is < 1024 or > 16 * 1024 * 1024)
            errors.Add($"Attachments:MaxBytes is {options.MaxBytes}; it must be between 1024 and 16777216 (certificates are a few KiB).");
        if (options.Timeout <= TimeSpan.Zero || options.Timeout > TimeSpan.FromSeconds(30))
            errors.Add($"Attachments:Timeout is {options.Timeout}; it must be more than 0 and at most 00:00:30 (the channel gives up after 10 to 15 s).");
        foreach (var (key, hosts) in new[] { ("AllowedHosts", options.AllowedHosts), ("TokenHosts", options.TokenHosts) })
        {
            for (var i = 0; i < hosts.Count; i++)
            {
                if (HostPattern.Problem(hosts[i]) is { } problem)
                    errors.Add($"Attachments:{key}:{i} '{hosts[i]}' {problem}");
            }
        }

        var notAllowed = options.EffectiveTokenHosts.Where(t => !HostPattern.MatchesAny(options.EffectiveAllowedHosts, t.TrimStart('*', '.'))).ToList();
        if (options.AllowedHosts.Count > 0 && notAllowed.Count > 0)
            errors.Add($"Attachments:TokenHosts {string.Join(", ", notAllowed)} must also be in Attachments:AllowedHosts.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

/// <summary>Host names and "*.domain" patterns, compared case-insensitively on the URL's host only.</summary>
public static class HostPattern
{
    public static bool Matches(string pattern, string host)
    {
        host = host.TrimEnd('.');
        if (pattern.StartsWith("*.", StringComparison.Ordinal))
            return host.EndsWith(pattern[1..], StringComparison.OrdinalIgnoreCase) && host.Length > pattern.Length - 1;
        return host.Equals(pattern, StringComparison.OrdinalIgnoreCase);
    }

    public static bool MatchesAny(IEnumerable<string> patterns, string host) => patterns.Any(p => Matches(p, host));

    /// <summary>Why a configured pattern is unusable, or null.</summary>
    public static string? Problem(string pattern)
    {
        if (string.IsNullOrWhiteSpace(pattern))
            return "is empty.";
        if (pattern.Contains("://", StringComparison.Ordinal) || pattern.Contains('/', StringComparison.Ordinal) || pattern.Contains(':', StringComparison.Ordinal))
            return "must be a host name (like files.example.com or *.example.com), without scheme, port or path.";
        var name = pattern.StartsWith("*.", StringComparison.Ordinal) ? pattern[2..] : pattern;
        if (name.Contains('*', StringComparison.Ordinal))
            return "may only use a wildcard as its first label (*.example.com).";
        if (!name.Contains('.', StringComparison.Ordinal) && pattern.StartsWith('*'))
            return "would match whole top-level domains; name a registered domain (*.example.com).";
        return Uri.CheckHostName(name) == UriHostNameType.Unknown ? "is not a valid host name." : null;
    }
}
