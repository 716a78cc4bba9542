using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace CertTrustBot.Conversation;

/// <summary>The environments customers pick from (configuration section <c>Environments</c>).</summary>
public sealed class EnvironmentCatalog
{
    public const string Section = "Environments";

    public static readonly IReadOnlyList<string> DefaultNames = ["Development", "Test", "Production"];

    /// <summary>The known environments, in the order the picker shows them. Empty in configuration means <see cref="DefaultNames"/>.</summary>
    public List<string> Names { get; set; } = [];

    /// <summary>The longest name accepted for an environment typed under "other".</summary>
    public int OtherMaxLength { get; set; } = 40;

    /// <summary>The catalogue's names, or the defaults when none are configured.</summary>
    public IReadOnlyList<string> EffectiveNames => Names.Count > 0 ? Names : DefaultNames;
}

/// <summary>The support desk's service level (configuration section <c>SupportDesk</c>).</summary>
public sealed class SupportDeskOptions
{
    public const string Section = "SupportDesk";

    /// <summary>Business days (Monday to Friday) from the request to the expected installation.</summary>
    public int SlaBusinessDays { get; set; } = 2;
}

/// <summary>Environment names: letters, digits, spaces and dashes, starting with a letter or digit.</summary>
public static partial class EnvironmentName
{
    [GeneratedRegex(@"^[\p{L}\p{Nd}][\p{L}\p{Nd} \-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    public static bool IsValid(string name, int maxLength) =>
        name.Length <= maxLength && Pattern().IsMatch(name);
}

internal sealed class EnvironmentCatalogValidation : IValidateOptions<EnvironmentCatalog>
{
    public ValidateOptionsResult Validate(string? name, EnvironmentCatalog options)
    {
        var failures = new List<string>();
        if (options.OtherMaxLength is < 1 or > 100)
            failures.Add($"{EnvironmentCatalog.Section}:{nameof(EnvironmentCatalog.OtherMaxLength)} must be between 1 and 100 (was {options.OtherMaxLength}).");

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < options.Names.Count; i++)
        {
            var key = string.Create(CultureInfo.InvariantCulture, $"{EnvironmentCatalog.Section}:{nameof(EnvironmentCatalog.Names)}:{i}");
            var env = options.Names[i]?.Trim() ?? "";
            if (!EnvironmentName.IsValid(env, 100))
                failures.Add($"{key} '{options.Names[i]}' must be letters, digits, spaces and dashes, at most 100 characters.");
            else if (!seen.Add(env))
                failures.Add($"{key} '{env}' is listed twice.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

internal sealed class SupportDeskOptionsValidation : IValidateOptions<SupportDeskOptions>
{
    public ValidateOptionsResult Validate(string? name, SupportDeskOptions options) =>
        options.SlaBusinessDays is < 0 or > 60
            ? ValidateOptionsResult.Fail(
                $"{SupportDeskOptions.Section}:{nameof(SupportDeskOptions.SlaBusinessDays)} must be between 0 and 60 business days (was {options.SlaBusinessDays}).")
            : ValidateOptionsResult.Success;
}
