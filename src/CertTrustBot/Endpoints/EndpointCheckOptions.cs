using System.Globalization;
using Microsoft.Extensions.Options;

namespace CertTrustBot.Endpoints;

/// <summary>How the bot looks at a customer's server ("check api.example.com"). Configuration section "EndpointCheck".</summary>
public sealed class EndpointCheckOptions
{
    public const string Section = "EndpointCheck";

    public static readonly IReadOnlyList<int> DefaultPorts = [443, 8443, 9443, 636, 993, 995, 465, 5061];

    /// <summary>Ports that may be tried (HTTPS, LDAPS, IMAPS, POP3S, SMTPS, SIP over TLS). Replaces the defaults when set.</summary>
    public List<int> AllowedPorts { get; set; } = [];

    /// <summary>Name lookup, connection and TLS handshake together; well within the channel's 10 to 15 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(6);

    /// <summary>The most bytes read from a server; a certificate chain is a few KiB.</summary>
    public int MaxBytes { get; set; } = 128 * 1024;

    /// <summary>
    /// Also look at private, loopback, link-local, unique-local and CGNAT addresses: for a desk whose customers' systems
    /// are on a private network with the bot, and for tests. Off by default, also in Development.
    /// </summary>
    public bool AllowPrivateNetworks { get; set; }

    public IReadOnlySet<int> EffectivePorts => (AllowedPorts.Count > 0 ? AllowedPorts : DefaultPorts).ToHashSet();
}

public sealed class EndpointCheckOptionsValidator : IValidateOptions<EndpointCheckOptions>
{
    public ValidateOptionsResult Validate(string? name, EndpointCheckOptions options)
    {
        var errors = new List<string>();
        if (options.Timeout <= TimeSpan.Zero || options.Timeout > TimeSpan.FromSeconds(10))
            errors.Add($"EndpointCheck:Timeout is {options.Timeout}; it must be more than 0 and at most 00:00:10 (the channel gives up after 10 to 15 s).");
        if (options.MaxBytes is < 16 * 1024 or > 1024 * 1024)
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"EndpointCheck:MaxBytes is {options.MaxBytes}; it must be between 16384 and 1048576 (a certificate chain is a few KiB)."));
        for (var i = 0; i < options.AllowedPorts.Count; i++)
        {
            if (options.AllowedPorts[i] is < 1 or > 65535)
                errors.Add(string.Create(CultureInfo.InvariantCulture, $"EndpointCheck:AllowedPorts:{i} is {options.AllowedPorts[i]}; a port is between 1 and 65535."));
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
