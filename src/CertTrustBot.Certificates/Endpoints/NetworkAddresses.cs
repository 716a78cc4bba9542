using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace CertTrustBot.Certificates.Endpoints;

/// <summary>
/// Which addresses are on the public internet. The bot looks only at those (unless a desk allows private networks), so
/// a chat message cannot make it connect into the provider's own network. Works on the parsed address, never on text:
/// every spelling of an address (127.1, 2130706433, 0x7f000001, ::ffff:127.0.0.1) is the same address here.
/// </summary>
public static class NetworkAddresses
{
    /// <summary>Why <paramref name="address"/> is not a public internet address ("a loopback address (this machine)"), or null.</summary>
    public static string? NonPublicReason(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            // An IPv6 address that carries an IPv4 address is judged by it: mapped (::ffff:a.b.c.d), compatible
            // (::a.b.c.d), NAT64 (64:ff9b::/96) and 6to4 (2002:a.b.c.d::/48).
            if (EmbeddedIPv4(address) is { } v4)
                return NonPublicReason(v4);
            return NonPublicV6(address);
        }
        if (address.AddressFamily != AddressFamily.InterNetwork)
            return "not an internet address";
        Span<byte> b = stackalloc byte[4];
        address.TryWriteBytes(b, out _);
        return b switch
        {
            [0, 0, 0, 0] => "the unspecified address (0.0.0.0), which means this machine",
            [0, ..] => "in 0.0.0.0/8, which means this network",
            [127, ..] => "a loopback address (this machine)",
            [10, ..] => "a private network address (10.0.0.0/8)",
            [172, >= 16 and <= 31, ..] => "a private network address (172.16.0.0/12)",
            [192, 168, ..] => "a private network address (192.168.0.0/16)",
            [100, >= 64 and <= 127, ..] => "a carrier-grade NAT address (100.64.0.0/10), not on the internet",
            [169, 254, ..] => "a link-local address (169.254.0.0/16), which includes cloud metadata services",
            [192, 0, 0, _] => "an IETF protocol address (192.0.0.0/24)",
            [192, 0, 2, _] or [198, 51, 100, _] or [203, 0, 113, _] => "a documentation address, not on the internet",
            [198, 18 or 19, ..] => "a benchmarking address (198.18.0.0/15)",
            [>= 224 and <= 239, ..] => "a multicast address",
            [255, 255, 255, 255] => "the broadcast address",
            [>= 240, ..] => "a reserved address (240.0.0.0/4)",
            _ => null,
        };
    }

    private static string? NonPublicV6(IPAddress address)
    {
        if (address.Equals(IPAddress.IPv6None)) return "the unspecified address (::), which means this machine";
        if (address.Equals(IPAddress.IPv6Loopback)) return "a loopback address (this machine)";
        Span<byte> b = stackalloc byte[16];
        address.TryWriteBytes(b, out _);
        return b switch
        {
            [0xff, ..] => "a multicast address",
            [0xfe, >= 0x80 and <= 0xbf, ..] => "a link-local address (fe80::/10)",
            [0xfe, >= 0xc0, ..] => "a site-local address (fec0::/10)",
            [>= 0xfc and <= 0xfd, ..] => "a unique-local (private) address (fc00::/7)",
            [0x20, 0x01, 0x0d, 0xb8, ..] => "a documentation address (2001:db8::/32), not on the internet",
            [0x01, 0x00, 0, 0, 0, 0, 0, 0, ..] => "a discard-only address (100::/64)",
            [0, 0, 0, 0, 0, 0, 0, 0, ..] => "a reserved address (::/64)",
            _ => null,
        };
    }

    private static IPAddress? EmbeddedIPv4(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) return address.MapToIPv4();
        Span<byte> b = stackalloc byte[16];
        address.TryWriteBytes(b, out _);
        // ::a.b.c.d (IPv4-compatible, deprecated), but not :: and ::1, which are judged as IPv6.
        if (b[..12].IndexOfAnyExcept((byte)0) < 0 && BinaryPrimitives.ReadUInt32BigEndian(b[12..]) > 1)
            return new IPAddress(b[12..]);
        if (b[..12].SequenceEqual(new byte[] { 0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0 }))
            return new IPAddress(b[12..]);
        if (b[0] == 0x20 && b[1] == 0x02)
            return new IPAddress(b[2..6]);
        return null;
    }
}
