using System.Collections.Frozen;
using System.Text;

namespace DomainScreen.Core.Fingerprints;

/// <summary>
/// Variants of a lexicon term as pages write it: Traditional characters (Hong Kong, Taiwan and many abuse sites
/// use them) and full-width Latin letters and digits. The engine matches every variant, so pages are searched as
/// they are, with offsets into the original text. The table covers common simplified→traditional pairs; where a
/// simplified character has several traditional forms the commonest is used.
/// </summary>
internal static class ChineseVariants
{
    
    private static readonly FrozenDictionary<char, char> SimplifiedToTraditional = Build();

    // Fingerprints/simplified-traditional.tsv, embedded: "简<TAB>簡" lines, '#' comments.
    private static FrozenDictionary<char, char> Build()
    {
        using var stream = typeof(ChineseVariants).Assembly.GetManifestResourceStream("data/simplified-traditional.tsv")!;
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var map = new Dictionary<char, char>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line[0] == '#') continue;
            if (line.Length != 3 || line[1] != '\t') throw new InvalidDataException($"simplified-traditional.tsv: bad line '{line}'");
            map.TryAdd(line[0], line[2]);
        }
        return map.ToFrozenDictionary();
    }

    /// <summary>The term, its traditional form, and full-width forms of both (distinct).</summary>
    public static IReadOnlyList<string> Of(string term)
    {
        var traditional = ToTraditional(term);
        return new[] { term, traditional, ToFullWidth(term), ToFullWidth(traditional) }.Distinct(StringComparer.Ordinal).ToArray();
    }

    public static string ToTraditional(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text) sb.Append(SimplifiedToTraditional.TryGetValue(c, out var t) ? t : c);
        return sb.ToString();
    }

    /// <summary>ASCII letters and digits as their full-width forms (U+FF01–U+FF5E); other characters unchanged.</summary>
    public static string ToFullWidth(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text) sb.Append(char.IsAsciiLetterOrDigit(c) ? (char)(c - 0x21 + 0xFF01) : c);
        return sb.ToString();
    }
}
