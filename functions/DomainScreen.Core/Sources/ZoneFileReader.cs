using System.Text;

namespace DomainScreen.Core.Sources;

/// <summary>One resource record's owner and type, as a zone file gives them.</summary>
public readonly record struct ZoneRecord(string Owner, string Type);

/// <summary>
/// Streams the records of a DNS zone in master-file format (RFC 1035 §5.1): <c>$ORIGIN</c> and <c>$TTL</c>,
/// comments, parentheses spanning lines, quoted strings, a blank owner meaning the previous one, <c>@</c> for the
/// origin and names relative to it, optional TTL and class before the type. Only owners and types are kept (what a
/// registry zone's delegations need); <c>$INCLUDE</c> is not followed (a feed is one file). Owners come out as
/// lower-case absolute names without the trailing dot. Reads a line at a time: a zone of any size in bounded memory.
/// </summary>
public sealed class ZoneFileReader(TextReader reader, string? origin = null)
{
    private static readonly HashSet<string> Classes = new(StringComparer.OrdinalIgnoreCase) { "IN", "CH", "HS", "CS", "ANY" };

    private static readonly HashSet<string> Types = new(StringComparer.OrdinalIgnoreCase)
    {
        "A", "AAAA", "NS", "CNAME", "SOA", "MX", "TXT", "PTR", "SRV", "DS", "DNSKEY", "RRSIG", "NSEC", "NSEC3", "NSEC3PARAM", "CAA", "TLSA", "SVCB",
        "HTTPS", "NAPTR", "SSHFP", "CDS", "CDNSKEY", "DNAME", "LOC", "HINFO", "RP", "SPF", "ZONEMD", "CSYNC", "OPENPGPKEY", "SMIMEA", "URI", "KEY", "SIG",
    };

    /// <summary>The zone's origin: <c>$ORIGIN</c>, or the owner of its SOA, or what the caller said.</summary>
    public string? Origin { get; private set; } = origin?.Trim().TrimEnd('.').ToLowerInvariant();

    /// <summary>Lines that could not be read as a record (counted, skipped).</summary>
    public int Malformed { get; private set; }

    public IEnumerable<ZoneRecord> Records()
    {
        string? previousOwner = null;
        foreach (var (tokens, startsWithSpace) in LogicalLines())
        {
            if (tokens.Count == 0) continue;
            if (tokens[0].StartsWith('$'))
            {
                if (tokens[0].Equals("$ORIGIN", StringComparison.OrdinalIgnoreCase) && tokens.Count > 1) Origin = Absolute(tokens[1], Origin);
                continue; // $TTL, $INCLUDE (not followed), $GENERATE
            }
            string owner;
            var i = 0;
            if (startsWithSpace)
            {
                if (previousOwner is null)
                {
                    Malformed++;
                    continue;
                }
                owner = previousOwner;
            }
            else
            {
                owner = Absolute(tokens[0], Origin);
                i = 1;
            }
            string? type = null;
            for (; i < tokens.Count && i < 4; i++)
            {
                var t = tokens[i];
                if (Types.Contains(t) || (t.StartsWith("TYPE", StringComparison.OrdinalIgnoreCase) && t.Length > 4 && t[4..].All(char.IsAsciiDigit)))
                {
                    type = t.ToUpperInvariant();
                    break;
                }
                if (Classes.Contains(t) || char.IsAsciiDigit(t[0])) continue; // class or TTL (1h2m style included)
                break;
            }
            if (type is null || owner.Length == 0)
            {
                Malformed++;
                continue;
            }
            if (type == "SOA" && Origin is null) Origin = owner;
            previousOwner = owner;
            yield return new ZoneRecord(owner, type);
        }
    }

    private static string Absolute(string name, string? origin)
    {
        if (name == "@") return origin ?? "";
        if (name.EndsWith('.')) return name.TrimEnd('.').ToLowerInvariant();
        return (origin is { Length: > 0 } o ? name + "." + o : name).ToLowerInvariant();
    }

    /// <summary>Lines joined across parentheses, split into tokens; comments and quotes handled.</summary>
    private IEnumerable<(List<string> Tokens, bool StartsWithSpace)> LogicalLines()
    {
        var tokens = new List<string>();
        var token = new StringBuilder();
        var depth = 0;
        var startsWithSpace = false;
        var first = true;
        while (reader.ReadLine() is { } line)
        {
            if (first)
            {
                startsWithSpace = line.Length > 0 && line[0] is ' ' or '\t';
                first = false;
            }
            var inQuotes = false;
            for (var i = 0; i < line.Length; i++)
            {
                var c = line[i];
                if (inQuotes)
                {
                    if (c == '\\' && i + 1 < line.Length) i++;
                    else if (c == '"') inQuotes = false;
                    continue; // rdata text is not needed
                }
                if (c == ';') break;
                if (c == '"')
                {
                    inQuotes = true;
                    Flush();
                    tokens.Add("\"");
                    continue;
                }
                if (c == '(') { depth++; Flush(); continue; }
                if (c == ')') { depth = Math.Max(0, depth - 1); Flush(); continue; }
                if (c is ' ' or '\t') { Flush(); continue; }
                if (token.Length < 512) token.Append(c);
            }
            Flush();
            if (depth > 0) continue;
            yield return (tokens, startsWithSpace);
            tokens = [];
            first = true;
        }
        if (tokens.Count > 0) yield return (tokens, startsWithSpace);

        void Flush()
        {
            if (token.Length == 0) return;
            tokens.Add(token.ToString());
            token.Clear();
        }
    }
}
