using System.Globalization;
using System.Text;
using DomainScreen.Core.Scoring;

namespace DomainScreen.Core.Sources;

/// <summary>
/// Look-alike names of a watched brand, the way dnstwist makes them: omission, repetition, transposition, keyboard
/// insertion, hyphenation, ASCII homoglyphs (0/o, 1/l, rn/m, vv/w…), Cyrillic homoglyphs (an IDN), added words
/// (<c>-app</c>, <c>download</c>, <c>官网</c>…), all under the brand's own TLDs and <c>com</c>/<c>cn</c>, plus the bare
/// brand under every watched TLD. Deterministic (same policy, same list, same order); the brand's official domains
/// are never in it. Names are ASCII (punycode).
/// </summary>
public static class Lookalikes
{
    private static readonly Dictionary<char, string> Keyboard = new()
    {
        ['q'] = "wa", ['w'] = "qes", ['e'] = "wrd", ['r'] = "etf", ['t'] = "ryg", ['y'] = "tuh", ['u'] = "yij", ['i'] = "uok", ['o'] = "ipl", ['p'] = "ol",
        ['a'] = "qsz", ['s'] = "adw", ['d'] = "sfe", ['f'] = "dgr", ['g'] = "fht", ['h'] = "gjy", ['j'] = "hku", ['k'] = "jli", ['l'] = "ko",
        ['z'] = "asx", ['x'] = "zcs", ['c'] = "xvd", ['v'] = "cbf", ['b'] = "vng", ['n'] = "bmh", ['m'] = "nj",
    };

    private static readonly (string From, string To)[] AsciiGlyphs =
        [("o", "0"), ("l", "1"), ("i", "1"), ("i", "l"), ("e", "3"), ("a", "4"), ("s", "5"), ("g", "9"), ("m", "rn"), ("rn", "m"), ("w", "vv"), ("d", "cl")];

    // Latin letters and the Cyrillic letters that look the same (Unicode TR39 confusables).
    private static readonly Dictionary<char, char> Cyrillic = new() { ['a'] = 'а', ['e'] = 'е', ['o'] = 'о', ['p'] = 'р', ['c'] = 'с', ['x'] = 'х', ['y'] = 'у', ['i'] = 'і' };

    public static IReadOnlyList<string> Generate(WatchedBrand brand, WatchPolicy policy)
    {
        var name = brand.Name.Trim().ToLowerInvariant();
        var labels = new List<string>();
        void Add(string label)
        {
            if (label.Length is > 1 and < 64 && label != name && label[0] != '-' && label[^1] != '-' && !labels.Contains(label)) labels.Add(label);
        }
        for (var i = 0; i < name.Length; i++) Add(name.Remove(i, 1));
        for (var i = 0; i < name.Length; i++) Add(name.Insert(i, name[i].ToString()));
        for (var i = 0; i + 1 < name.Length; i++) Add(string.Concat(name.AsSpan(0, i), name[i + 1].ToString(), name[i].ToString(), name.AsSpan(i + 2)));
        for (var i = 0; i < name.Length; i++)
        {
            foreach (var k in Keyboard.GetValueOrDefault(name[i], "")) Add(name.Insert(i + 1, k.ToString()));
        }
        for (var i = 1; i < name.Length; i++) Add(name.Insert(i, "-"));
        foreach (var (from, to) in AsciiGlyphs)
        {
            for (var at = name.IndexOf(from, StringComparison.Ordinal); at >= 0; at = name.IndexOf(from, at + 1, StringComparison.Ordinal))
            {
                Add(string.Concat(name.AsSpan(0, at), to, name.AsSpan(at + from.Length)));
            }
        }
        for (var i = 0; i < name.Length; i++)
        {
            if (Cyrillic.TryGetValue(name[i], out var c)) Add(string.Concat(name.AsSpan(0, i), c.ToString(), name.AsSpan(i + 1)));
        }
        foreach (var word in policy.LookalikeWords)
        {
            Add(name + "-" + word);
            Add(name + word);
            Add(word + "-" + name);
        }

        var official = brand.Official.Select(o => o.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
        var ownTlds = brand.Official.Select(o => o[(o.LastIndexOf('.') + 1)..]).Concat(["com", "cn"]).Distinct(StringComparer.Ordinal).ToList();
        var idn = new IdnMapping();
        var names = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        void Emit(string label, string tld)
        {
            string ascii;
            try
            {
                ascii = idn.GetAscii(label + "." + tld);
            }
            catch (ArgumentException)
            {
                return;
            }
            if (!official.Contains(ascii) && seen.Add(ascii)) names.Add(ascii);
        }
        foreach (var label in labels) foreach (var tld in ownTlds) Emit(label, tld);
        foreach (var tld in policy.LookalikeTlds) Emit(name, tld);
        return names;
    }
}
