using System.Globalization;
using CertTrustBot.Cases.Events;
using Microsoft.Extensions.Options;

namespace CertTrustBot.Staff;

/// <summary>
/// The support staff's side (configuration section <c>SupportDesk</c>, beside <c>SlaBusinessDays</c>): which Teams
/// team gets the case cards, who may act on them, and how proactive messages are retried.
/// </summary>
public sealed class StaffOptions
{
    public const string Section = "SupportDesk";

    /// <summary>The staff team's id as Teams sends it in <c>channelData.team.id</c> (19:…@thread.tacv2). Empty: no
    /// staff channel yet; new cases wait (in blob storage) until one is configured and the bot is installed there.</summary>
    public string? StaffTeamId { get; set; }

    /// <summary>The staff's Microsoft Entra (AAD) tenant id, a GUID: a staff action from any other tenant is refused.
    /// Required with <see cref="StaffTeamId"/>.</summary>
    public string? StaffTenantId { get; set; }

    /// <summary>The channel that gets the case cards; default the team's General channel (whose id is the team id).</summary>
    public string? StaffChannelId { get; set; }

    /// <summary>AAD object ids of the people who may act on case cards. A comma-separated string is accepted too.</summary>
    public List<string> StaffMembers { get; set; } = [];

    /// <summary>How long the read-only .cer links on a case card work.</summary>
    public TimeSpan CertificateLinkLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How often pending proactive messages are looked at when nothing nudges the dispatcher.</summary>
    public TimeSpan OutboxPollInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Wait before the first retry of a failed proactive message; doubled at each failure up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Failed attempts after which a proactive message is set aside as a dead letter (and logged as an error).</summary>
    public int MaxDeliveryAttempts { get; set; } = 30;

    /// <summary>
    /// How case events reach the staff channel and the customer's chat: a post or a message is one call to the channel,
    /// so a claim of two minutes is far beyond it and short enough after a crash; a week before a failing one is given up.
    /// </summary>
    public DeliveryPolicy ChatDelivery =>
        new(TimeSpan.FromMinutes(2), MaxDeliveryAttempts, TimeSpan.FromDays(7), RetryBaseDelay, RetryMaxDelay, OutboxPollInterval);

    public string? EffectiveChannelId => string.IsNullOrWhiteSpace(StaffChannelId) ? StaffTeamId?.Trim() : StaffChannelId.Trim();

    public bool IsStaffTeam(string? teamId) =>
        !string.IsNullOrWhiteSpace(StaffTeamId) && string.Equals(teamId?.Trim(), StaffTeamId.Trim(), StringComparison.OrdinalIgnoreCase);

    public bool IsStaffTenant(string? tenantId) =>
        Guid.TryParse(tenantId, out var id) && Guid.TryParse(StaffTenantId, out var staff) && id == staff;

    public bool IsStaffMember(string? aadObjectId) =>
        Guid.TryParse(aadObjectId, out var id) && StaffMembers.Any(m => Guid.TryParse(m, out var member) && member == id);
}

internal sealed class StaffOptionsSetup(IConfiguration configuration) : IPostConfigureOptions<StaffOptions>
{
    // "SupportDesk:StaffMembers" may be one comma-separated value (handy in an environment variable) instead of a list.
    public void PostConfigure(string? name, StaffOptions options)
    {
        var members = options.StaffMembers.ToList();
        if (configuration[$"{StaffOptions.Section}:{nameof(StaffOptions.StaffMembers)}"] is { Length: > 0 } joined)
            members.Add(joined);
        options.StaffMembers = members
            .SelectMany(m => (m ?? "").Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();
    }
}

public sealed class StaffOptionsValidation : IValidateOptions<StaffOptions>
{
    public ValidateOptionsResult Validate(string? name, StaffOptions options)
    {
        var failures = new List<string>();
        var section = StaffOptions.Section;
        for (var i = 0; i < options.StaffMembers.Count; i++)
        {
            if (!Guid.TryParse(options.StaffMembers[i], out _))
                failures.Add(string.Create(CultureInfo.InvariantCulture, $"{section}:StaffMembers:{i} '{options.StaffMembers[i]}' is not an AAD object id (a GUID such as 00000000-0000-0000-0000-000000000000)."));
        }

        if (!string.IsNullOrWhiteSpace(options.StaffTeamId) && options.StaffMembers.Count == 0)
            failures.Add($"{section}:StaffMembers is empty while {section}:StaffTeamId is set: nobody could act on the case cards. List the staff's AAD object ids.");
        if (!string.IsNullOrWhiteSpace(options.StaffTeamId) && string.IsNullOrWhiteSpace(options.StaffTenantId))
            failures.Add($"{section}:StaffTenantId is empty while {section}:StaffTeamId is set: staff actions are accepted only from the staff's tenant. Set the directory (tenant) id of the staff's organisation.");
        else if (!string.IsNullOrWhiteSpace(options.StaffTenantId) && !Guid.TryParse(options.StaffTenantId, out _))
            failures.Add($"{section}:StaffTenantId '{options.StaffTenantId}' is not a directory (tenant) id: expected a GUID such as 00000000-0000-0000-0000-000000000000.");
        if (!string.IsNullOrWhiteSpace(options.StaffChannelId) && string.IsNullOrWhiteSpace(options.StaffTeamId))
            failures.Add($"{section}:StaffChannelId is set without {section}:StaffTeamId: the bot learns how to reach the channel from its team.");
        if (options.CertificateLinkLifetime < TimeSpan.FromMinutes(5) || options.CertificateLinkLifetime > TimeSpan.FromDays(7))
            failures.Add($"{section}:CertificateLinkLifetime must be between 00:05:00 and 7.00:00:00 (a user delegation key lasts at most 7 days); was {options.CertificateLinkLifetime}.");
        if (options.OutboxPollInterval <= TimeSpan.Zero || options.OutboxPollInterval > TimeSpan.FromHours(1))
            failures.Add($"{section}:OutboxPollInterval must be more than 0 and at most 01:00:00; was {options.OutboxPollInterval}.");
        if (options.RetryBaseDelay <= TimeSpan.Zero || options.RetryMaxDelay < options.RetryBaseDelay)
            failures.Add($"{section}:RetryBaseDelay must be positive and at most {section}:RetryMaxDelay; were {options.RetryBaseDelay} and {options.RetryMaxDelay}.");
        if (options.MaxDeliveryAttempts is < 1 or > 1000)
            failures.Add($"{section}:MaxDeliveryAttempts must be between 1 and 1000; was {options.MaxDeliveryAttempts}.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
