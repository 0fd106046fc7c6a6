using System.Buffers;

namespace DomainScreen.Core.Fingerprints;

/// <summary>
/// Whether a text may name a brand: false only where no brand name occurs (ignoring case, ordinal), so the search brand
/// by brand runs only where one may. Every page asks it for its title and site-name metadata.
/// </summary>
/// <remarks>
/// One search over every name ignoring case leaves the runtime's vectorised path once a name has a character outside
/// ASCII (half the brand names are Chinese) and folds the text character by character. Here the ASCII names are one
/// vectorised search ignoring case, and each other name is stood for by its longest run of caseless characters
/// (<see cref="IgnoreCase.IsCaseless"/>: CJK, which equals only itself ignoring case), searched for exactly: where the
/// name occurs, that run occurs as it is. Only a name with neither (cased letters outside ASCII throughout) keeps the
/// slow search. No character outside ASCII equals an ASCII one ignoring case, so text all in ASCII needs only the first.
/// </remarks>
internal sealed class BrandNameFilter
{
    private readonly SearchValues<string>? _ascii, _other;

    // The caseless runs by their first character (a bit per character says whether any starts with it): a title is a few
    // dozen characters, and the runtime's search for many strings outside ASCII (Aho–Corasick, a dictionary read per
    // character) cost more than reading each character's bit and comparing the few runs it starts.
    private readonly ulong[] _caselessFirst = new ulong[65536 / 64];
    private readonly Dictionary<char, string[]> _caselessByFirst;

    public BrandNameFilter(IEnumerable<string> names)
    {
        var all = names.Where(n => n.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        List<string> ascii = [], caseless = [], other = [];
        foreach (var name in all)
        {
            if (System.Text.Ascii.IsValid(name)) ascii.Add(name);
            else if (LongestCaselessRun(name) is { Length: > 0 } run) caseless.Add(run);
            else other.Add(name);
        }
        _ascii = ascii.Count > 0 ? SearchValues.Create(ascii.ToArray(), StringComparison.OrdinalIgnoreCase) : null;
        _caselessByFirst = caseless.Distinct(StringComparer.Ordinal).GroupBy(run => run[0]).ToDictionary(g => g.Key, g => g.ToArray());
        foreach (var first in _caselessByFirst.Keys) _caselessFirst[first >> 6] |= 1UL << first;
        _other = other.Count > 0 ? SearchValues.Create(other.ToArray(), StringComparison.OrdinalIgnoreCase) : null;
    }

    /// <summary>False when no name is in <paramref name="text"/>; true when one may be.</summary>
    public bool MayName(ReadOnlySpan<char> text)
    {
        if (_ascii is not null && text.IndexOfAny(_ascii) >= 0) return true;
        if (System.Text.Ascii.IsValid(text)) return false;
        return HasCaselessRun(text) || (_other is not null && text.IndexOfAny(_other) >= 0);
    }

    private bool HasCaselessRun(ReadOnlySpan<char> text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if ((_caselessFirst[c >> 6] & (1UL << c)) == 0) continue;
            foreach (var run in _caselessByFirst[c])
            {
                if (text[i..].StartsWith(run, StringComparison.Ordinal)) return true;
            }
        }
        return false;
    }

    private static string LongestCaselessRun(string name)
    {
        var (best, start) = ("", -1);
        for (var i = 0; i <= name.Length; i++)
        {
            if (i < name.Length && IgnoreCase.IsCaseless(name[i]))
            {
                if (start < 0) start = i;
                continue;
            }
            if (start >= 0 && i - start > best.Length) best = name[start..i];
            start = -1;
        }
        return best;
    }
}
