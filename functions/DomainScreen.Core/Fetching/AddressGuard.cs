using System.Net;
using System.Net.Sockets;

namespace DomainScreen.Core.Fetching;

/// <summary>
/// Decides whether the fetcher may connect to an address. Refuses every range that is not the public internet:
/// loopback, RFC 1918 private, CGNAT, link-local (which holds the cloud metadata address 169.254.169.254),
/// unique-local, multicast, unspecified, broadcast, documentation and benchmarking ranges, reserved space, and
/// every IPv6 form that embeds one of these IPv4 addresses: IPv4-mapped (::ffff:0:0/96), IPv4-translated
/// (::ffff:0:0:0/96, SIIT), IPv4-compatible, NAT64 (64:ff9b::/96), 6to4, Teredo and ISATAP interface identifiers.
/// Loopback can be allowed for a lab.
/// </summary>
internal static class AddressGuard
{
    private static readonly (IPNetwork Network, string Reason)[] V4Blocked =
    [
        (IPNetwork.Parse("0.0.0.0/8"), "unspecified/this-network"),
        (IPNetwork.Parse("10.0.0.0/8"), "private (RFC 1918)"),
        (IPNetwork.Parse("100.64.0.0/10"), "carrier-grade NAT (RFC 6598)"),
        (IPNetwork.Parse("127.0.0.0/8"), "loopback"),
        (IPNetwork.Parse("169.254.0.0/16"), "link-local (includes cloud metadata 169.254.169.254)"),
        (IPNetwork.Parse("172.16.0.0/12"), "private (RFC 1918)"),
        (IPNetwork.Parse("192.0.0.0/24"), "IETF protocol assignments"),
        (IPNetwork.Parse("192.0.2.0/24"), "documentation (TEST-NET-1)"),
        (IPNetwork.Parse("192.88.99.0/24"), "6to4 relay anycast"),
        (IPNetwork.Parse("192.168.0.0/16"), "private (RFC 1918)"),
        (IPNetwork.Parse("198.18.0.0/15"), "benchmarking (RFC 2544)"),
        (IPNetwork.Parse("198.51.100.0/24"), "documentation (TEST-NET-2)"),
        (IPNetwork.Parse("203.0.113.0/24"), "documentation (TEST-NET-3)"),
        (IPNetwork.Parse("224.0.0.0/4"), "multicast"),
        (IPNetwork.Parse("240.0.0.0/4"), "reserved/broadcast"),
    ];

    private static readonly (IPNetwork Network, string Reason)[] V6Blocked =
    [
        (IPNetwork.Parse("::/128"), "unspecified"),
        (IPNetwork.Parse("::1/128"), "loopback"),
        (IPNetwork.Parse("100::/64"), "discard-only"),
        (IPNetwork.Parse("2001:db8::/32"), "documentation"),
        (IPNetwork.Parse("2001:10::/28"), "ORCHID"),
        (IPNetwork.Parse("2001:20::/28"), "ORCHIDv2"),
        (IPNetwork.Parse("fc00::/7"), "unique-local"),
        (IPNetwork.Parse("fe80::/10"), "link-local"),
        (IPNetwork.Parse("fec0::/10"), "site-local (deprecated)"),
        (IPNetwork.Parse("ff00::/8"), "multicast"),
        (IPNetwork.Parse("fd00:ec2::254/128"), "cloud metadata (AWS IPv6)"),
    ];

    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");
    private static readonly IPNetwork Nat64Local = IPNetwork.Parse("64:ff9b:1::/48");
    private static readonly IPNetwork SixToFour = IPNetwork.Parse("2002::/16");
    private static readonly IPNetwork Teredo = IPNetwork.Parse("2001::/32");
    private static readonly IPNetwork Translated = IPNetwork.Parse("::ffff:0:0:0/96");

    /// <summary>Null when the address may be connected to, else why not.</summary>
    public static string? Check(IPAddress address, bool allowLoopback = false)
    {
        if (address.IsIPv4MappedToIPv6) return CheckV4(address.MapToIPv4(), allowLoopback, " (IPv4-mapped)");
        if (address.AddressFamily == AddressFamily.InterNetwork) return CheckV4(address, allowLoopback, "");
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return "not an IP address";
        if (address.ScopeId != 0 && !IPAddress.IsLoopback(address)) return "scoped IPv6 address";

        var bytes = address.GetAddressBytes();
        // Embedded IPv4: IPv4-compatible (::a.b.c.d, deprecated), NAT64, 6to4 and Teredo carry an IPv4 the
        // network may route to; judge that address too.
        if (bytes.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0 && !address.Equals(IPAddress.IPv6Loopback) && !address.Equals(IPAddress.IPv6Any))
        {
            return CheckV4(new IPAddress(bytes.AsSpan(12, 4)), allowLoopback, " (IPv4-compatible)") ?? "IPv4-compatible IPv6 (deprecated)";
        }
        if (Translated.Contains(address)) return CheckV4(new IPAddress(bytes.AsSpan(12, 4)), allowLoopback, " (IPv4-translated)") ?? "IPv4-translated IPv6 (SIIT)";
        if (Nat64.Contains(address)) return CheckV4(new IPAddress(bytes.AsSpan(12, 4)), allowLoopback, " (NAT64)");
        if (Nat64Local.Contains(address)) return "local-use NAT64";
        if (SixToFour.Contains(address)) return CheckV4(new IPAddress(bytes.AsSpan(2, 4)), allowLoopback, " (6to4)");
        if (Teredo.Contains(address))
        {
            var client = bytes.AsSpan(12, 4).ToArray();
            for (var i = 0; i < 4; i++) client[i] ^= 0xFF;
            return CheckV4(new IPAddress(client), allowLoopback, " (Teredo)");
        }
        // ISATAP (RFC 5214): any prefix with the interface identifier 0000:5efe or 0200:5efe followed by an IPv4.
        if (bytes[9] == 0 && bytes[10] == 0x5e && bytes[11] == 0xfe && (bytes[8] & 0xFD) == 0
            && CheckV4(new IPAddress(bytes.AsSpan(12, 4)), allowLoopback, " (ISATAP)") is { } isatap)
        {
            return isatap;
        }
        foreach (var (network, reason) in V6Blocked)
        {
            if (!network.Contains(address)) continue;
            if (allowLoopback && reason == "loopback") return null;
            return reason;
        }
        return null;
    }

    public static bool IsAllowed(IPAddress address, bool allowLoopback = false) => Check(address, allowLoopback) is null;

    private static string? CheckV4(IPAddress address, bool allowLoopback, string form)
    {
        foreach (var (network, reason) in V4Blocked)
        {
            if (!network.Contains(address)) continue;
            if (allowLoopback && reason == "loopback") return null;
            return reason + form;
        }
        return null;
    }
}
