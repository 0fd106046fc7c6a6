using System.Globalization;

namespace DomainScreen.Core.Domains;

/// <summary>
/// The Public Suffix List (https://publicsuffix.org/list/): normal, wildcard (<c>*.ck</c>) and exception
/// (<c>!www.ck</c>) rules from the ICANN and, optionally, private sections. Rules are held in ASCII so lookups
/// run on the canonical name without allocating. Immutable and thread-safe.
/// </summary>
public sealed class PublicSuffixList
{
    /// <summary>Where Debian's <c>publicsuffix</c> package puts the list.</summary>
    public const string DebianPath = "/usr/share/publicsuffix/public_suffix_list.dat";

    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _rules;
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _wildcards;
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _exceptions;
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _privateRules;
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _privateWildcards;

    private PublicSuffixList(
        HashSet<string> rules, HashSet<string> wildcards, HashSet<string> exceptions,
        HashSet<string> privateRules, HashSet<string> privateWildcards)
    {
        _privateWildcards = privateWildcards.GetAlternateLookup<ReadOnlySpan<char>>();
        _rules = rules.GetAlternateLookup<ReadOnlySpan<char>>();
        _wildcards = wildcards.GetAlternateLookup<ReadOnlySpan<char>>();
        _exceptions = exceptions.GetAlternateLookup<ReadOnlySpan<char>>();
        _privateRules = privateRules.GetAlternateLookup<ReadOnlySpan<char>>();
        RuleCount = rules.Count + wildcards.Count + exceptions.Count;
    }

    /// <summary>Number of rules loaded.</summary>
    public int RuleCount { get; }

    /// <summary>Resolves the configured path, Debian's path, or the bundled copy, in that order.</summary>
    public static string ResolvePath(string? configured)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return File.Exists(configured)
                ? configured
                : throw new FileNotFoundException($"Domains:PublicSuffixListPath points at a missing file: {configured}", configured);
        }
        if (File.Exists(DebianPath)) return DebianPath;
        var bundled = Path.Combine(AppContext.BaseDirectory, "public_suffix_list.dat");
        return File.Exists(bundled)
            ? bundled
            : throw new FileNotFoundException("No Public Suffix List found: set Domains:PublicSuffixListPath.", bundled);
    }

    public static PublicSuffixList Load(string path, bool includePrivate = true, IEnumerable<string>? extraSuffixes = null)
    {
        using var reader = new StreamReader(path);
        return Parse(reader, includePrivate, extraSuffixes);
    }

    /// <summary>Parses the list's text format. Lines that are not valid rules are skipped, as the format asks.</summary>
    public static PublicSuffixList Parse(TextReader reader, bool includePrivate = true, IEnumerable<string>? extraSuffixes = null)
    {
        var idn = new IdnMapping { AllowUnassigned = true, UseStd3AsciiRules = false };
        HashSet<string> rules = new(StringComparer.Ordinal), wildcards = new(StringComparer.Ordinal),
            exceptions = new(StringComparer.Ordinal), privateRules = new(StringComparer.Ordinal),
            privateWildcards = new(StringComparer.Ordinal);
        var inPrivate = false;
        while (reader.ReadLine() is { } line)
        {
            var text = line.AsSpan().Trim();
            if (text.StartsWith("//", StringComparison.Ordinal))
            {
                if (text.Contains("===BEGIN PRIVATE DOMAINS===", StringComparison.Ordinal)) inPrivate = true;
                else if (text.Contains("===END PRIVATE DOMAINS===", StringComparison.Ordinal)) inPrivate = false;
                continue;
            }
            var end = text.IndexOfAny(' ', '\t');
            if (end >= 0) text = text[..end];
            if (text.IsEmpty || (inPrivate && !includePrivate)) continue;

            var set = rules;
            if (text[0] == '!') { set = exceptions; text = text[1..]; }
            else if (text.StartsWith("*.", StringComparison.Ordinal)) { set = wildcards; text = text[2..]; }
            if (!TryToAscii(idn, text.ToString(), out var ascii)) continue;
            set.Add(ascii);
            if (inPrivate && set == rules) privateRules.Add(ascii);
            if (inPrivate && set == wildcards) privateWildcards.Add(ascii);
        }
        foreach (var extra in extraSuffixes ?? [])
        {
            if (TryToAscii(idn, extra.Trim().TrimStart('.'), out var ascii)) rules.Add(ascii);
        }
        return new PublicSuffixList(rules, wildcards, exceptions, privateRules, privateWildcards);
    }

    /// <summary>True when the list (or an extra suffix) names this top-level label.</summary>
    public bool IsKnownTopLevel(ReadOnlySpan<char> tld) => _rules.Contains(tld) || _wildcards.Contains(tld);

    /// <summary>
    /// Finds the public suffix of a canonical lower-case ASCII name (no trailing dot). Returns the number of labels
    /// in the suffix (at least 1: the list's implicit <c>*</c> rule) and whether the rule was a private one.
    /// </summary>
    public (int Labels, bool IsPrivate) GetSuffix(ReadOnlySpan<char> ascii)
    {
        int labels = 1, exceptionLabels = 0;
        var isPrivate = false;
        var end = ascii.Length;
        for (var n = 1; ; n++)
        {
            var dot = ascii[..end].LastIndexOf('.');
            var candidate = ascii[(dot + 1)..];
            if (_exceptions.Contains(candidate)) exceptionLabels = n;
            if (_rules.Contains(candidate))
            {
                labels = n;
                isPrivate = _privateRules.Contains(candidate);
            }
            // "*.parent" makes any single label under parent a suffix: candidate = label.parent.
            var parentStart = candidate.IndexOf('.');
            if (parentStart >= 0 && _wildcards.Contains(candidate[(parentStart + 1)..]))
            {
                labels = n;
                isPrivate = _privateWildcards.Contains(candidate[(parentStart + 1)..]);
            }
            if (dot < 0) break;
            end = dot;
        }
        // An exception rule prevails over every other rule: the suffix is the exception minus its leftmost label.
        return exceptionLabels > 0 ? (exceptionLabels - 1, false) : (labels, isPrivate);
    }

    private static bool TryToAscii(IdnMapping idn, string rule, out string ascii)
    {
        ascii = string.Empty;
        if (rule.Length == 0) return false;
        try
        {
            ascii = idn.GetAscii(rule).ToLowerInvariant();
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
