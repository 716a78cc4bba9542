using Microsoft.Extensions.Options;

namespace CertTrustBot.Bot;

/// <summary>
/// The Bot Framework settings, under the top-level names the SDK's ConfigurationBotFrameworkAuthentication reads
/// (MicrosoftAppType, MicrosoftAppId, MicrosoftAppPassword, MicrosoftAppTenantId). The SDK itself never complains
/// about a wrong value (an unknown app type silently becomes MultiTenant), so they are checked here, at start-up.
/// </summary>
public sealed class BotAuthenticationOptions
{
    public string? MicrosoftAppType { get; set; }
    public string? MicrosoftAppId { get; set; }
    public string? MicrosoftAppPassword { get; set; }
    public string? MicrosoftAppTenantId { get; set; }

    /// <summary>No app id: the SDK accepts unauthenticated requests and sends replies without a token (local runs, tests).</summary>
    public bool IsLocalMode => string.IsNullOrWhiteSpace(MicrosoftAppId);
}

public sealed class BotAuthenticationOptionsValidator : IValidateOptions<BotAuthenticationOptions>
{
    private static readonly string[] AppTypes = ["SingleTenant", "MultiTenant", "UserAssignedMSI"];

    public ValidateOptionsResult Validate(string? name, BotAuthenticationOptions options)
    {
        var errors = new List<string>();
        var appType = string.IsNullOrWhiteSpace(options.MicrosoftAppType) ? null
            : AppTypes.FirstOrDefault(t => t.Equals(options.MicrosoftAppType.Trim(), StringComparison.OrdinalIgnoreCase));
        if (!string.IsNullOrWhiteSpace(options.MicrosoftAppType) && appType is null)
            errors.Add($"MicrosoftAppType is '{options.MicrosoftAppType}'; it must be one of {string.Join(", ", AppTypes)}.");

        if (options.IsLocalMode)
        {
            if (appType == "UserAssignedMSI")
                errors.Add("MicrosoftAppType is UserAssignedMSI but MicrosoftAppId (the managed identity's client id) is empty.");
            return Result(errors);
        }

        if (!Guid.TryParse(options.MicrosoftAppId, out _))
            errors.Add($"MicrosoftAppId '{options.MicrosoftAppId}' is not an application (client) id: expected a GUID.");

        switch (appType)
        {
            case null:
                errors.Add("MicrosoftAppId is set but MicrosoftAppType is empty: set it to SingleTenant (new bots) or UserAssignedMSI.");
                break;
            case "UserAssignedMSI":
                if (!string.IsNullOrEmpty(options.MicrosoftAppPassword))
                    errors.Add("MicrosoftAppPassword must be empty when MicrosoftAppType is UserAssignedMSI (the managed identity needs no secret).");
                RequireTenant(options, appType, errors);
                break;
            default:
                if (string.IsNullOrEmpty(options.MicrosoftAppPassword))
                    errors.Add($"MicrosoftAppPassword is empty but MicrosoftAppId is set and MicrosoftAppType is {appType}: add the app registration's client secret.");
                if (appType == "SingleTenant")
                    RequireTenant(options, appType, errors);
                break;
        }

        return Result(errors);
    }

    private static void RequireTenant(BotAuthenticationOptions options, string appType, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(options.MicrosoftAppTenantId))
            errors.Add($"MicrosoftAppTenantId is empty but MicrosoftAppType is {appType}: set the directory (tenant) id of the app registration.");
        else if (!Guid.TryParse(options.MicrosoftAppTenantId, out _))
            errors.Add($"MicrosoftAppTenantId '{options.MicrosoftAppTenantId}' is not a directory (tenant) id: expected a GUID.");
    }

    private static ValidateOptionsResult Result(List<string> errors) =>
        errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
}
