using System.Globalization;
using System.Text;
using DomainScreen.Core.Review;

namespace DomainScreen.Core.Exports;

/// <summary>How an RPZ answers a blocked name.</summary>
public static class RpzPolicies
{
    /// <summary><c>CNAME .</c>: NXDOMAIN.</summary>
    public const string NxDomain = "nxdomain";

    /// <summary><c>CNAME *.</c>: NODATA.</summary>
    public const string NoData = "nodata";

    /// <summary>A and AAAA records to the configured walled-garden addresses (a local answer, not a CNAME to a name).</summary>
    public const string Garden = "garden";

    public static readonly string[] All = [NxDomain, NoData, Garden];
}

/// <summary>
/// A DNS Response Policy Zone (draft-vixie-dnsop-dns-rpz) in master-file format: <c>$TTL</c>, an SOA whose serial is
/// the time of the latest block or unblock, an NS, then each blocked name relative to the zone's origin (so any RPZ
/// name a resolver gives it works) and, for registrable-domain scope, its wildcard <c>*.name</c>.
/// </summary>
public static class RpzExport
{
    public static string Write(IReadOnlyList<ActiveBlock> blocks, uint serial, string zone, string policy, IReadOnlyList<string> garden, DateTimeOffset now)
    {
        var sb = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        sb.Append(inv, $"; DomainScreen RPZ ({policy}), {blocks.Count} blocked cases, written {now:yyyy-MM-ddTHH:mm:ssZ}\n");
        sb.Append("$TTL 300\n");
        sb.Append(inv, $"@ IN SOA {zone}. hostmaster.{zone}. ( {serial} 3600 600 864000 300 )\n");
        sb.Append("  IN NS localhost.\n");
        foreach (var block in blocks)
        {
            sb.Append(inv, $"; case {block.CaseId} ({Clean(block.DisplayName)}): {string.Join(",", block.Categories)}; approved {block.ApprovedAt:yyyy-MM-dd} by {Clean(string.Join(", ", block.ApprovedBy))}\n");
            foreach (var name in block.Names)
            {
                Records(sb, name, policy, garden);
                if (block.Scope == ActionScopes.RegistrableDomain) Records(sb, "*." + name, policy, garden);
            }
        }
        return sb.ToString();
    }

    private static void Records(StringBuilder sb, string owner, string policy, IReadOnlyList<string> garden)
    {
        switch (policy)
        {
            case RpzPolicies.NoData:
                sb.Append(owner).Append(" CNAME *.\n");
                break;
            case RpzPolicies.Garden:
                foreach (var address in garden)
                {
                    var type = System.Net.IPAddress.Parse(address).AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? "AAAA" : "A";
                    sb.Append(owner).Append(' ').Append(type).Append(' ').Append(address).Append('\n');
                }
                break;
            default:
                sb.Append(owner).Append(" CNAME .\n");
                break;
        }
    }

    // Comments carry display names and approvers: no line breaks or control characters in a zone file.
    private static string Clean(string s) => new(s.Select(c => char.IsControl(c) ? ' ' : c).ToArray());
}
