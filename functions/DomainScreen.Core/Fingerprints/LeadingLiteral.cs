namespace DomainScreen.Core.Fingerprints;

/// <summary>
/// The literal text every match of a catalog pattern must begin with (<c>\.exe\b</c> → <c>.exe</c>), so the pattern
/// need only run from the first place that text occurs — and not at all on a page without it. Read conservatively
/// from the pattern's source: any construct not understood ends the prefix, and a pattern with an alternation
/// anywhere has none. Under ignore-case (culture-invariant) the regex engine equates <c>k</c> with U+212A KELVIN SIGN,
/// which an ordinal ignore-case search does not: the prefix ends before a <c>k</c> (every other ASCII letter matches
/// only its own two cases; tested).
/// </summary>
internal static class LeadingLiteral
{
    private const string EscapedLiterals = @".$^{}[]()|*+?\/-#&~<>=!:,'""@% ";
    private const string PlainPunctuation = "-/:,'\"@%&~<>=!#;_ ";

    /// <summary>The required leading text, or null when there is none of at least two characters.</summary>
    public static string? Of(string pattern, bool ignoreCase)
    {
        if (HasAlternation(pattern)) return null;
        var prefix = new System.Text.StringBuilder();
        for (var i = 0; i < pattern.Length; i++)
        {
            char literal;
            var c = pattern[i];
            if (c == '\\')
            {
                if (i + 1 >= pattern.Length || !EscapedLiterals.Contains(pattern[i + 1])) break;
                literal = pattern[++i];
            }
            else if (char.IsAsciiDigit(c) || PlainPunctuation.Contains(c) || (char.IsAsciiLetter(c) && !(ignoreCase && c is 'k' or 'K')))
            {
                literal = c;
            }
            else
            {
                break;
            }
            // A quantifier makes the character optional or repeated: the prefix ends before it.
            if (i + 1 < pattern.Length && pattern[i + 1] is '*' or '+' or '?' or '{') break;
            prefix.Append(literal);
        }
        return prefix.Length >= 2 ? prefix.ToString() : null;
    }

    private static bool HasAlternation(string pattern)
    {
        for (var i = 0; i < pattern.Length; i++)
        {
            if (pattern[i] == '\\') i++;
            else if (pattern[i] == '|') return true;
        }
        return false;
    }
}
