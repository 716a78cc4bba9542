using System.Globalization;
using System.Net;

namespace CertTrustBot.Certificates;

/// <summary>RFC 6125 host name matching: exact names, IP addresses, and a wildcard standing for exactly one left-most label.</summary>
internal static class HostNameMatcher
{
    /// <summary>Turns what a customer typed ("https://API.example.com:443/x") into a comparable host ("api.example.com").</summary>
    public static string? Normalise(string? input)
    {
        if (string.IsNullOrWhiteSpace(input)) return null;
        var host = input.Trim();
        var scheme = host.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0) host = host[(scheme + 3)..];
        var end = host.IndexOfAny(['/', '?', '#']);
        if (end >= 0) host = host[..end];
        var at = host.LastIndexOf('@');
        if (at >= 0) host = host[(at + 1)..];
        if (host.StartsWith('[') && host.IndexOf(']', StringComparison.Ordinal) is var close and > 0)
        {
            host = host[1..close]; // [IPv6]:port
        }
        else if (host.Count(c => c == ':') == 1)
        {
            host = host[..host.IndexOf(':', StringComparison.Ordinal)]; // host:port
        }
        host = host.TrimEnd('.');
        if (host.Length == 0) return null;
        if (IPAddress.TryParse(host, out var ip)) return ip.ToString();
        try
        {
            return new IdnMapping().GetAscii(host).ToLowerInvariant();
        }
        catch (ArgumentException)
        {
            return host.ToLowerInvariant();
        }
    }

    /// <summary>Whether a certificate name (from the SAN or the CN) covers the normalised host.</summary>
    public static bool Matches(string certificateName, string host)
    {
        var name = certificateName.Trim().TrimEnd('.');
        if (IPAddress.TryParse(host, out var hostIp))
        {
            return IPAddress.TryParse(name, out var nameIp) && nameIp.Equals(hostIp);
        }
        if (name.StartsWith("*.", StringComparison.Ordinal))
        {
            // "*.example.com" covers "a.example.com" only: not "example.com", not "a.b.example.com".
            var firstDot = host.IndexOf('.', StringComparison.Ordinal);
            if (firstDot <= 0) return false;
            var suffix = name[1..];
            return suffix.Count(c => c == '.') >= 2 // no "*.com"
                && string.Equals(host[firstDot..], suffix, StringComparison.OrdinalIgnoreCase);
        }
        return string.Equals(name, host, StringComparison.OrdinalIgnoreCase);
    }
}
