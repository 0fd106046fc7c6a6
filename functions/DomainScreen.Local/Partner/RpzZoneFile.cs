using System.Globalization;
using System.Text;

namespace DomainScreen.Local.Partner;

/// <summary>
/// The RPZ zone file the reference partner client keeps: one <c>name CNAME .</c> line per blocked name (and
/// <c>*.name</c> for a whole registrable domain), each tagged with the action that put it there. Every change raises
/// the SOA serial and replaces the file atomically (write a temporary file, rename it over the old one), which is
/// what resolvers that watch the file (unbound's <c>rpz: zonefile</c>, Knot Resolver) expect.
/// </summary>
public sealed class RpzZoneFile(string path)
{
    private readonly SortedDictionary<string, string> _entries = new(StringComparer.Ordinal); // owner → action id
    private uint _serial;

    public IReadOnlyDictionary<string, string> Entries => _entries;

    public uint Serial => _serial;

    public static RpzZoneFile Load(string path)
    {
        var zone = new RpzZoneFile(path);
        if (!File.Exists(path)) return zone;
        foreach (var line in File.ReadLines(path))
        {
            if (line.StartsWith("@ IN SOA", StringComparison.Ordinal))
            {
                var open = line.IndexOf('(', StringComparison.Ordinal);
                zone._serial = uint.Parse(line[(open + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                continue;
            }
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length >= 5 && parts[1] == "CNAME" && parts[2] == "." && parts[3] == ";") zone._entries[parts[0]] = parts[4];
        }
        return zone;
    }

    /// <summary>Blocks the names (and their subdomains when <paramref name="wholeDomain"/>).</summary>
    public void Block(IEnumerable<string> names, bool wholeDomain, string actionId)
    {
        foreach (var name in names)
        {
            _entries[name] = actionId;
            if (wholeDomain) _entries["*." + name] = actionId;
        }
    }

    /// <summary>Unblocks the names and their wildcards.</summary>
    public void Unblock(IEnumerable<string> names)
    {
        foreach (var name in names)
        {
            _entries.Remove(name);
            _entries.Remove("*." + name);
        }
    }

    /// <summary>Writes the zone with a serial above the last one (and at least the current Unix time).</summary>
    public void Save(DateTimeOffset now)
    {
        _serial = Math.Max(_serial + 1, (uint)now.ToUnixTimeSeconds());
        var sb = new StringBuilder();
        sb.Append("; RPZ kept by `domainscreen partner pull`. Do not edit by hand: the next pull rewrites it.\n$TTL 300\n");
        sb.Append(CultureInfo.InvariantCulture, $"@ IN SOA rpz.partner.invalid. hostmaster.rpz.partner.invalid. ( {_serial} 3600 600 864000 300 )\n");
        sb.Append("  IN NS localhost.\n");
        foreach (var (owner, action) in _entries) sb.Append(CultureInfo.InvariantCulture, $"{owner} CNAME . ; {action}\n");
        var temp = path + ".tmp";
        File.WriteAllText(temp, sb.ToString());
        File.Move(temp, path, overwrite: true);
    }
}
