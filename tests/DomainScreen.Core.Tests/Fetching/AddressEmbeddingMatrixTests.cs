using System.Net;
using DomainScreen.Core.Fetching;

namespace DomainScreen.Core.Tests.Fetching;

/// <summary>
/// Every IPv6 form that carries an IPv4 address, for one address of every guarded IPv4 range: all refused, each with
/// a reason naming the range and the form. The same forms of a public address stay allowed (where they can route).
/// </summary>
public sealed class AddressEmbeddingMatrixTests
{
    public static readonly TheoryData<string> Guarded = new()
    {
        "0.0.0.1", "10.1.2.3", "100.64.0.1", "127.0.0.1", "169.254.169.254", "172.16.5.4", "192.0.0.9", "192.0.2.1", "192.88.99.1",
        "192.168.1.1", "198.18.0.1", "198.51.100.1", "203.0.113.1", "224.0.0.251", "240.0.0.1", "255.255.255.255",
    };

    /// <summary>The IPv6 spellings of an IPv4 address a network may deliver to it.</summary>
    private static IEnumerable<(string Form, IPAddress Address)> Embeddings(IPAddress v4)
    {
        var b = v4.GetAddressBytes();
        IPAddress V6(params byte[] bytes) => new(bytes);
        byte[] Zero(int n) => new byte[n];
        yield return ("IPv4-mapped ::ffff:a.b.c.d", v4.MapToIPv6());
        yield return ("IPv4-translated ::ffff:0:a.b.c.d (SIIT)", V6([.. Zero(8), 0xff, 0xff, 0, 0, .. b]));
        yield return ("IPv4-compatible ::a.b.c.d", V6([.. Zero(12), .. b]));
        yield return ("NAT64 64:ff9b::a.b.c.d", V6([0, 0x64, 0xff, 0x9b, .. Zero(8), .. b]));
        yield return ("6to4 2002:abcd::", V6([0x20, 0x02, .. b, .. Zero(10)]));
        yield return ("Teredo client (obfuscated)", V6([0x20, 0x01, 0, 0, 0x41, 0x36, 0xe3, 0x78, 0x80, 0, 0x63, 0xbf, .. b.Select(x => (byte)(x ^ 0xff))]));
        yield return ("ISATAP ::5efe:a.b.c.d (public prefix)", V6([0x24, 0x08, 0x80, 0, 0, 0, 0, 1, 0, 0, 0x5e, 0xfe, .. b]));
        yield return ("ISATAP ::200:5efe:a.b.c.d (public prefix)", V6([0x24, 0x08, 0x80, 0, 0, 0, 0, 1, 2, 0, 0x5e, 0xfe, .. b]));
    }

    [Theory]
    [MemberData(nameof(Guarded))]
    public void EveryEmbeddingOfAGuardedAddress_IsRefused(string ipv4)
    {
        var direct = AddressGuard.Check(IPAddress.Parse(ipv4));
        Assert.False(string.IsNullOrEmpty(direct));
        foreach (var (form, address) in Embeddings(IPAddress.Parse(ipv4)))
        {
            var reason = AddressGuard.Check(address);
            Assert.False(string.IsNullOrEmpty(reason), $"{form} {address} of {ipv4} was allowed");
        }
    }

    [Fact]
    public void TheRoutableEmbeddingsOfAPublicAddress_StayAllowed()
    {
        var allowed = Embeddings(IPAddress.Parse("8.8.8.8")).Where(e => AddressGuard.Check(e.Address) is null).Select(e => e.Form).ToList();
        Assert.Contains(allowed, f => f.StartsWith("NAT64", StringComparison.Ordinal));
        Assert.Contains(allowed, f => f.StartsWith("6to4", StringComparison.Ordinal));
        Assert.Contains(allowed, f => f.StartsWith("ISATAP", StringComparison.Ordinal));
        Assert.Null(AddressGuard.Check(IPAddress.Parse("2606:4700:4700::1111")));
    }

    [Fact]
    public void TheReportedCase_Ipv4TranslatedLoopback_IsRefused() =>
        Assert.Contains("loopback", AddressGuard.Check(IPAddress.Parse("::ffff:0:7f00:1")), StringComparison.Ordinal);
}
