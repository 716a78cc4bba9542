using System.Globalization;
using Microsoft.Extensions.Options;

namespace CertTrustBot.Slack;

/// <summary>
/// The native Slack app (configuration section <c>Slack</c>). Off while <see cref="SigningSecret"/> and
/// <see cref="BotToken"/> are both empty: its endpoints then answer 404 and nothing is sent to Slack.
/// </summary>
public sealed class SlackOptions
{
    public const string Section = "Slack";

    /// <summary>The app's signing secret (Basic Information → App Credentials): every request is verified with it.</summary>
    public string? SigningSecret { get; set; }

    /// <summary>The bot user OAuth token, <c>xoxb-…</c> (OAuth &amp; Permissions): Web API calls and private file downloads.</summary>
    public string? BotToken { get; set; }

    /// <summary>Where the Web API is; tests point it at a loopback "Slack".</summary>
    public Uri ApiBaseUrl { get; set; } = new("https://slack.com/api/");

    /// <summary>The Slack channel (C…) that gets the case cards. Set: support staff work in Slack, not in Teams.</summary>
    public string? StaffChannelId { get; set; }

    /// <summary>Slack user ids (U…) who may act on case cards. A comma-separated string is accepted too.</summary>
    public List<string> StaffUserIds { get; set; } = [];

    /// <summary>The staff workspace (T…); default the app's own, as <c>auth.test</c> gives it.</summary>
    public string? StaffTeamId { get; set; }

    /// <summary>Hosts Slack serves private files from; the bot token goes to these (and to <see cref="ApiBaseUrl"/>'s host) only.</summary>
    public List<string> FileHosts { get; set; } = [];

    /// <summary>How long a received request may wait to be worked on before another instance takes it over.</summary>
    public TimeSpan ClaimDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often the inbox is looked at when nothing nudges it (requests another instance received and did not finish).</summary>
    public TimeSpan InboxPollInterval { get; set; } = TimeSpan.FromSeconds(15);

    public static readonly string[] DefaultFileHosts = ["files.slack.com", "*.slack-files.com", "slack-files.com"];

    public bool Enabled => !string.IsNullOrWhiteSpace(SigningSecret) || !string.IsNullOrWhiteSpace(BotToken);

    /// <summary>Support staff work in Slack: case cards go to <see cref="StaffChannelId"/>.</summary>
    public bool HostsStaff => Enabled && !string.IsNullOrWhiteSpace(StaffChannelId);

    public IReadOnlyList<string> EffectiveFileHosts => FileHosts.Count > 0 ? FileHosts : DefaultFileHosts;

    public bool IsStaffUser(string? userId) =>
        !string.IsNullOrWhiteSpace(userId) && StaffUserIds.Contains(userId.Trim(), StringComparer.Ordinal);
}

internal sealed class SlackOptionsSetup(IConfiguration configuration) : IPostConfigureOptions<SlackOptions>
{
    // "Slack:StaffUserIds" may be one comma-separated value (handy in an environment variable) instead of a list.
    public void PostConfigure(string? name, SlackOptions options)
    {
        var ids = options.StaffUserIds.ToList();
        if (configuration[$"{SlackOptions.Section}:{nameof(SlackOptions.StaffUserIds)}"] is { Length: > 0 } joined)
            ids.Add(joined);
        options.StaffUserIds = ids
            .SelectMany(m => (m ?? "").Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Distinct(StringComparer.Ordinal)
            .ToList();
    }
}

public sealed class SlackOptionsValidation : IValidateOptions<SlackOptions>
{
    public ValidateOptionsResult Validate(string? name, SlackOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Enabled)
        {
            return string.IsNullOrWhiteSpace(options.StaffChannelId) && options.StaffUserIds.Count == 0
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail("Slack:StaffChannelId or Slack:StaffUserIds is set, but Slack:SigningSecret and Slack:BotToken are empty: the Slack app is off. Set both, or remove the Slack staff settings.");
        }

        var s = SlackOptions.Section;
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.SigningSecret))
            failures.Add($"{s}:SigningSecret is empty while {s}:BotToken is set: every request from Slack is verified with it (Basic Information → App Credentials → Signing Secret).");
        if (string.IsNullOrWhiteSpace(options.BotToken))
            failures.Add($"{s}:BotToken is empty while {s}:SigningSecret is set: the bot answers through Slack's Web API with it (OAuth & Permissions → Bot User OAuth Token, xoxb-…).");
        else if (!options.BotToken.Trim().StartsWith("xoxb-", StringComparison.Ordinal))
            failures.Add($"{s}:BotToken is not a bot token: it starts with xoxb- (its value is not shown).");
        if (options.ApiBaseUrl is not { IsAbsoluteUri: true } api || !(api.Scheme == Uri.UriSchemeHttps || (api.Scheme == Uri.UriSchemeHttp && api.IsLoopback)))
            failures.Add($"{s}:ApiBaseUrl '{options.ApiBaseUrl}' must be an absolute https URL (http only on this machine, for tests), such as https://slack.com/api/.");
        else if (!api.AbsolutePath.EndsWith('/'))
            failures.Add($"{s}:ApiBaseUrl '{options.ApiBaseUrl}' must end with '/' (the method name is added to it).");
        if (!string.IsNullOrWhiteSpace(options.StaffChannelId) && options.StaffUserIds.Count == 0)
            failures.Add($"{s}:StaffUserIds is empty while {s}:StaffChannelId is set: nobody could act on the case cards. List the staff's Slack user ids (U…).");
        if (options.StaffUserIds.Count > 0 && string.IsNullOrWhiteSpace(options.StaffChannelId))
            failures.Add($"{s}:StaffChannelId is empty while {s}:StaffUserIds is set: name the channel (C…) that gets the case cards.");
        for (var i = 0; i < options.StaffUserIds.Count; i++)
        {
            var id = options.StaffUserIds[i];
            if (id.Length < 2 || !(id[0] is 'U' or 'W') || !id.All(char.IsAsciiLetterOrDigit))
                failures.Add(string.Create(CultureInfo.InvariantCulture, $"{s}:StaffUserIds:{i} '{id}' is not a Slack user id (U… or W…, letters and digits)."));
        }
        if (options.ClaimDuration < TimeSpan.FromSeconds(10) || options.ClaimDuration > TimeSpan.FromHours(1))
            failures.Add($"{s}:ClaimDuration must be between 00:00:10 and 01:00:00; was {options.ClaimDuration}.");
        if (options.InboxPollInterval <= TimeSpan.Zero || options.InboxPollInterval > TimeSpan.FromHours(1))
            failures.Add($"{s}:InboxPollInterval must be more than 0 and at most 01:00:00; was {options.InboxPollInterval}.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
