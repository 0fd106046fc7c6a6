using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using DomainScreen.Core.Scoring;

namespace DomainScreen.Core.Sources;

/// <summary>
/// Decides whether a name seen in a new certificate is worth screening: it contains a watched keyword, matches a
/// watched pattern, or names a watched AI brand outside the brand's official domains — also when written with
/// confusable characters (a skeleton in the sense of Unicode TR39: Cyrillic and Greek look-alikes, full-width forms,
/// 0/o 1/l 3/e…, rn/m and vv/w folded to one Latin spelling, hyphens ignored).
/// </summary>
public sealed class WatchMatcher
{
    private static readonly Dictionary<char, char> Confusables = new()
    {
        ['а'] = 'a', ['е'] = 'e', ['о'] = 'o', ['р'] = 'p', ['с'] = 'c', ['х'] = 'x', ['у'] = 'y', ['і'] = 'i', ['ј'] = 'j', ['ѕ'] = 's', ['ԁ'] = 'd',
        ['һ'] = 'h', ['ӏ'] = 'l', ['ο'] = 'o', ['α'] = 'a', ['ν'] = 'v', ['τ'] = 't', ['ι'] = 'i', ['κ'] = 'k', ['ρ'] = 'p', ['ε'] = 'e',
        ['0'] = 'o', ['1'] = 'l', ['3'] = 'e', ['4'] = 'a', ['5'] = 's', ['7'] = 't', ['9'] = 'g', ['ı'] = 'i', ['ⅼ'] = 'l',
    };

    private readonly List<(string Raw, string Skeleton)> _keywords;
    private readonly List<Regex> _patterns;
    private readonly List<(string Name, string Skeleton, HashSet<string> Official)> _brands;
    private readonly IdnMapping _idn = new();

    public WatchMatcher(WatchPolicy policy)
    {
        _keywords = policy.Keywords.Select(k => (k.ToLowerInvariant(), Skeleton(k))).ToList();
        _patterns = policy.Patterns.Select(p => new Regex(p, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, TimeSpan.FromMilliseconds(50))).ToList();
        _brands = policy.Brands.Select(b => (b.Name, Skeleton(b.Name), b.Official.Select(o => o.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal))).ToList();
    }

    /// <summary>Why the name is watched (<c>keyword:…</c>, <c>pattern:…</c>, <c>brand:…</c>), or null.</summary>
    public string? Match(string ascii)
    {
        var unicode = ascii;
        try
        {
            unicode = _idn.GetUnicode(ascii);
        }
        catch (ArgumentException)
        {
            // Not valid punycode: match on the ASCII form alone.
        }
        var skeleton = Skeleton(unicode);
        foreach (var (raw, skel) in _keywords)
        {
            if (ascii.Contains(raw, StringComparison.Ordinal) || unicode.Contains(raw, StringComparison.Ordinal) || (skel.Length >= 4 && skeleton.Contains(skel, StringComparison.Ordinal)))
            {
                return "keyword:" + raw;
            }
        }
        foreach (var pattern in _patterns)
        {
            try
            {
                if (pattern.IsMatch(ascii)) return "pattern:" + pattern;
            }
            catch (RegexMatchTimeoutException)
            {
                // A pathological name: not evidence of anything.
            }
        }
        foreach (var (name, skel, official) in _brands)
        {
            if (official.Any(o => ascii == o || ascii.EndsWith("." + o, StringComparison.Ordinal))) continue;
            if (skeleton.Contains(skel, StringComparison.Ordinal)) return "brand:" + name;
        }
        return null;
    }

    /// <summary>A TR39-style skeleton: lower case, compatibility-normalised (full-width → ASCII), confusables folded, hyphens and dots dropped.</summary>
    public static string Skeleton(string s)
    {
        var normalized = s.ToLowerInvariant().Normalize(NormalizationForm.FormKC);
        var sb = new StringBuilder(normalized.Length);
        foreach (var c in normalized)
        {
            if (c is '-' or '.' or '_') continue;
            sb.Append(Confusables.GetValueOrDefault(c, c));
        }
        return sb.Replace("rn", "m").Replace("vv", "w").Replace("cl", "d").ToString();
    }
}
