using System.Globalization;

namespace CertTrustBot.Certificates.Endpoints;

/// <summary>
/// The server to look at: a host (a DNS name in its ASCII form, or an IP address in its canonical spelling) and a
/// port, read from what a person typed: <c>host</c>, <c>host:port</c>, <c>[v6]:port</c> or <c>https://host[:port]/path</c>.
/// </summary>
/// <param name="Host">The DNS name (IDN as punycode, lower case) or the IP address, canonical (127.1 → 127.0.0.1).</param>
/// <param name="Port">The TCP port.</param>
/// <param name="IsIpAddress">The host is an IP address, so no name is resolved and no SNI is sent.</param>
public sealed record EndpointTarget(string Host, int Port, bool IsIpAddress)
{
    public const int DefaultPort = 443;

    /// <summary>"host:port", "[v6]:port": the report's file name and what a person reads.</summary>
    public string Display => (Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]" : Host) + ":" + Port.ToString(CultureInfo.InvariantCulture);

    /// <summary>The target, or why the text is not one (a sentence that quotes nothing from the input but the input).</summary>
    public static EndpointTarget? TryParse(string? input, out string? error)
    {
        error = null;
        var text = input?.Trim() ?? "";
        if (text.Length == 0)
        {
            error = "Give a host name, like api.example.com or api.example.com:8443.";
            return null;
        }
        if (text.Length > 300)
        {
            error = "That is too long to be a host name.";
            return null;
        }

        var hasScheme = text.Contains("://", StringComparison.Ordinal);
        if (hasScheme && !text.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            error = "Only https:// addresses (or a plain host name) can be looked at.";
            return null;
        }
        // System.Uri reads the host the way HTTP clients do: every IPv4 spelling (127.1, 2130706433, 0x7f000001) ends
        // up canonical, IPv6 in brackets, IDN as punycode in IdnHost. A host alone is read as if it were an https URL.
        if (!Uri.TryCreate(hasScheme ? text : "https://" + text, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
        {
            error = "That is not a host name or https:// address I can read.";
            return null;
        }
        if (uri.UserInfo.Length > 0)
        {
            error = "The address has a user name before the host (user@host); give the host alone.";
            return null;
        }
        if (!hasScheme && (uri.PathAndQuery != "/" || uri.Fragment.Length > 0 || text.EndsWith('/')))
        {
            error = "Give a host and an optional port (host:port), or a whole https:// address.";
            return null;
        }
        if (uri.Port is < 1 or > 65535)
        {
            error = "The port must be between 1 and 65535.";
            return null;
        }

        switch (uri.HostNameType)
        {
            case UriHostNameType.IPv4:
            case UriHostNameType.IPv6:
                var address = System.Net.IPAddress.Parse(uri.IdnHost.Trim('[', ']'));
                return new EndpointTarget(address.ToString(), uri.Port, true);
            case UriHostNameType.Dns:
                var host = uri.IdnHost.TrimEnd('.').ToLowerInvariant();
                if (host.Length == 0 || !host.Contains('.', StringComparison.Ordinal) && host != "localhost")
                {
                    error = "That host name has no domain (like api.example.com).";
                    return null;
                }
                return new EndpointTarget(host, uri.Port, false);
            default:
                error = "That is not a host name or https:// address I can read.";
                return null;
        }
    }
}
