using System.Globalization;
using System.Net;
using CertTrustBot.Cards;

namespace CertTrustBot.Conversation;

/// <summary>The environment picker's submitted values, read and validated; <see cref="Error"/> says what is wrong.</summary>
public sealed record EnvironmentChoice(
    IReadOnlyList<string> Environments,
    string? HostName,
    string? Error,
    IReadOnlyList<string> SubmittedSelection,
    string SubmittedOther,
    string SubmittedHost)
{
    /// <summary>Reads a picker submit: the multi-select comes joined by "," (or ";" from some clients).</summary>
    public static EnvironmentChoice Read(IReadOnlyDictionary<string, string> values, EnvironmentCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(catalog);
        var selection = (Value(values, CardActions.EnvironmentsInput) ?? "")
            .Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var other = string.Join(' ', (Value(values, CardActions.OtherEnvironmentInput) ?? "")
            .Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        var host = (Value(values, CardActions.HostNameInput) ?? "").Trim();

        EnvironmentChoice Fail(string error) => new([], null, error, selection, other, host);

        var known = catalog.EffectiveNames;
        var chosen = new List<string>();
        foreach (var selected in selection)
        {
            var match = known.FirstOrDefault(k => string.Equals(k, selected, StringComparison.OrdinalIgnoreCase));
            if (match is null)
                return Fail($"“{Markdown.Literal(selected)}” is not one of the environments I know. Pick from the list, or type the name under **Other environment**.");
            if (!chosen.Contains(match))
                chosen.Add(match);
        }

        if (other.Length > 0)
        {
            if (!EnvironmentName.IsValid(other, catalog.OtherMaxLength))
            {
                return Fail(string.Create(CultureInfo.InvariantCulture,
                    $"The other environment “{Markdown.Literal(other)}” can only have letters, digits, spaces and dashes, at most {catalog.OtherMaxLength} characters. Type one name."));
            }

            var match = known.FirstOrDefault(k => string.Equals(k, other, StringComparison.OrdinalIgnoreCase)) ?? other;
            if (!chosen.Contains(match, StringComparer.OrdinalIgnoreCase))
                chosen.Add(match);
        }

        if (chosen.Count == 0)
            return Fail("Choose at least one environment, or type one under **Other environment**.");

        string? hostName = null;
        if (host.Length > 0)
        {
            var (normalised, error) = HostNames.Normalise(host);
            if (error is not null)
                return Fail(error);
            hostName = normalised;
        }

        // Catalogue order first, then the other environment, so the same choice always reads the same.
        var ordered = known.Where(chosen.Contains).Concat(chosen.Where(c => !known.Contains(c))).ToList();
        return new EnvironmentChoice(ordered, hostName, null, selection, other, host);
    }

    private static string? Value(IReadOnlyDictionary<string, string> values, string key) =>
        values.TryGetValue(key, out var value) ? value : null;
}

/// <summary>Host names of the external system, as the certificate's SANs would name it.</summary>
public static class HostNames
{
    private static readonly IdnMapping Idn = new() { UseStd3AsciiRules = true };

    /// <summary>The host name lower-cased in its ASCII (punycode) form, or a message that says what is wrong.</summary>
    public static (string? HostName, string? Error) Normalise(string input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var host = input.Trim();
        if (host.Contains("://", StringComparison.Ordinal) || host.Contains('/', StringComparison.Ordinal))
            return (null, "Give only the host name, such as erp.example.com, without https:// or a path.");
        if (IPAddress.TryParse(host.Trim('[', ']'), out _))
            return (null, "Give the host's DNS name, as the certificate names it (such as erp.example.com), not an IP address.");
        if (host.Contains(':', StringComparison.Ordinal))
            return (null, "Give the host name without a port, such as erp.example.com.");
        if (host.Contains('*', StringComparison.Ordinal))
            return (null, "Give the one host name your servers call (such as erp.example.com), not a wildcard.");

        var invalid = $"“{Markdown.Literal(host)}” is not a valid host name: use letters, digits and dashes in labels separated by dots, such as erp.example.com.";
        if (host.EndsWith('.'))
            host = host[..^1];
        string ascii;
        try
        {
            ascii = Idn.GetAscii(host).ToLowerInvariant();
        }
        catch (ArgumentException)
        {
            return (null, invalid);
        }

        var labels = ascii.Split('.');
        var valid = ascii.Length <= 253
            && labels.All(l => l.Length is > 0 and <= 63 && l[0] != '-' && l[^1] != '-' && l.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            && !labels[^1].All(char.IsAsciiDigit);
        return valid ? (ascii, null) : (null, invalid);
    }
}
