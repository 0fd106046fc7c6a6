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
    public static string? Of(string pattern, bool ignoreCase) => HasAlternation(pattern) ? null : Prefix(pattern, ignoreCase, throughK: false);

    /// <summary>
    /// The required leading text in every spelling an ordinal ignore-case search must look for to find where each match
    /// may start: <see cref="Of"/>'s text continued through <c>k</c>, each <c>k</c> written both as <c>k</c> and as
    /// U+212A KELVIN SIGN (<c>\.apk\b</c> → <c>.apk</c>, <c>.ap</c>K) — longer texts than <see cref="Of"/>'s, so fewer
    /// false starts (<c>.ap</c> is in every <c>.app</c> and <c>.api</c>). Past two k, <see cref="Of"/>'s text alone.
    /// </summary>
    public static string[]? Spellings(string pattern, bool ignoreCase)
    {
        if (!ignoreCase || HasAlternation(pattern)) return Of(pattern, ignoreCase) is { } plain ? [plain] : null;
        if (Prefix(pattern, ignoreCase, throughK: true) is not { } prefix) return null;
        return KelvinSpellings(prefix) ?? (Of(pattern, ignoreCase) is { } shorter ? [shorter] : null);
    }

    /// <summary>
    /// The texts a pattern is nothing but a choice of (<c>(download|one-click|portable)</c> → the three), each plain
    /// ASCII text of two characters or more, in the pattern's order; null for any other pattern. Ignoring case as the
    /// catalog's regexes do, the pattern matches at the first place one of them occurs, and there the first of them in
    /// order that does — in text without U+212A KELVIN SIGN, which the regex engine also takes for a <c>k</c>. ASCII
    /// only, as <see cref="RequiredAnyOf"/>: the regex engine's case equivalences are proven here for ASCII letters
    /// alone (Å has U+212B ANGSTROM SIGN too); and Chinese choices are better left to the regex engine, whose search for
    /// their first characters beats the runtime's multi-text search outside ASCII.
    /// </summary>
    public static string[]? Alternatives(string pattern)
    {
        var inner = pattern.EndsWith(')') && WholeGroup(pattern) is { } group ? group : pattern;
        if (TopLevelBranches(inner) is not { } branches) return null;
        foreach (var branch in branches)
        {
            if (branch.Length < 2 || !System.Text.Ascii.IsValid(branch) || branch.AsSpan().IndexOfAny(RegexSyntax) >= 0) return null;
        }
        return [.. branches];
    }

    /// <summary>
    /// Characters one of which every match has at a fixed offset from its start (<c>[¥￥]\s?\d+</c> → ¥ or ￥ at 0;
    /// <c>(?:NT|HK)\$\s?\d+</c> → $ at 2), so the pattern need only run from that far before the first of them — and
    /// not at all on a page without them: for patterns with no leading text (<see cref="Spellings"/>), whose first
    /// characters are one of a few (a currency sign) or one of several texts. Read conservatively from the start:
    /// characters, classes of single characters and groups of plain choices all of one length make up the offset,
    /// and the first of them whose characters have no other case (symbols, punctuation, digits: no ignore-case
    /// question arises) is the answer; anything else ends the reading with none.
    /// </summary>
    public static (string Characters, int Offset)? Anchor(string pattern)
    {
        var offset = 0;
        for (var i = 0; i < pattern.Length;)
        {
            string? characters = null;
            int width, next;
            var c = pattern[i];
            if (c == '\\')
            {
                if (i + 1 >= pattern.Length || !EscapedLiterals.Contains(pattern[i + 1])) return null;
                (characters, width, next) = (pattern[i + 1].ToString(), 1, i + 2);
            }
            else if (c == '[')
            {
                if (ClassCharacters(pattern, i) is not var (inClass, end)) return null;
                (characters, width, next) = (inClass, 1, end + 1);
            }
            else if (c == '(')
            {
                if (GroupOfOneLength(pattern, i) is not var (length, end)) return null;
                (width, next) = (length, end + 1);
            }
            else if (char.IsAsciiLetterOrDigit(c) || PlainPunctuation.Contains(c))
            {
                (characters, width, next) = (c.ToString(), 1, i + 1);
            }
            else
            {
                return null;
            }
            // A quantifier makes the item optional or repeated: its offset and what follows are no longer fixed.
            if (next < pattern.Length && pattern[next] is '*' or '+' or '?' or '{') return null;
            if (characters is not null && characters.All(IsCaselessSymbol)) return (characters, offset);
            offset += width;
            i = next;
        }
        return null;
    }

    /// <summary>
    /// A character that is not a letter and has no other case (symbols, punctuation, digits; not half of a surrogate
    /// pair): found by an ordinal search wherever the regex engine, ignoring case, would match it (checked in the tests
    /// for the catalog's). Unlike <see cref="IgnoreCase.IsCaseless"/>, which names caseless CJK letters.
    /// </summary>
    private static bool IsCaselessSymbol(char c) =>
        !char.IsSurrogate(c) && !char.IsLetter(c) && char.ToUpperInvariant(c) == c && char.ToLowerInvariant(c) == c;

    /// <summary>The characters of a class of single characters at <paramref name="open"/> (no range, negation or class escape) and where it ends, or null.</summary>
    private static (string Characters, int End)? ClassCharacters(string pattern, int open)
    {
        var characters = new System.Text.StringBuilder();
        for (var i = open + 1; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == ']' && characters.Length > 0) return (characters.ToString(), i);
            if (c == '\\' && i + 1 < pattern.Length && EscapedLiterals.Contains(pattern[i + 1])) characters.Append(pattern[++i]);
            else if (c is '\\' or '[' or ']' or '^' or '-') return null;
            else characters.Append(c);
        }
        return null;
    }

    /// <summary>
    /// The length of a plain or non-capturing group at <paramref name="open"/> that is a choice of plain texts all of one
    /// length (<c>(?:NT|HK)</c> → 2) and where it ends, or null.
    /// </summary>
    private static (int Length, int End)? GroupOfOneLength(string pattern, int open)
    {
        var inner = pattern.AsSpan(open).StartsWith("(?:") ? open + 3 : pattern.AsSpan(open).StartsWith("(?") ? -1 : open + 1;
        if (inner < 0) return null;
        foreach (var (at, c, depth) in Structure(pattern[open..]))
        {
            if (c != ')' || depth != 0) continue;
            var end = open + at;
            if (TopLevelBranches(pattern[inner..end]) is not { } branches) return null;
            var length = branches[0].Length;
            foreach (var branch in branches)
            {
                if (branch.Length != length || length == 0 || branch.AsSpan().IndexOfAny(RegexSyntax) >= 0 || branch.Contains('\\')) return null;
            }
            return (length, end);
        }
        return null;
    }

    /// <summary>U+212A KELVIN SIGN: the regex engine, ignoring case, takes it for a <c>k</c>; an ordinal search does not.</summary>
    public const char KelvinSign = '\u212A';

    private static readonly System.Buffers.SearchValues<char> RegexSyntax = System.Buffers.SearchValues.Create(@"\^$.|?*+()[]{}#");

    // The text with each k (either case) also written as U+212A KELVIN SIGN; null past two of them.
    private static string[]? KelvinSpellings(string text)
    {
        if (text.Count(c => c is 'k' or 'K') > 2) return null;
        IEnumerable<string> spellings = [""];
        foreach (var c in text) spellings = c is 'k' or 'K' ? spellings.SelectMany(s => new[] { s + c, s + KelvinSign }) : spellings.Select(s => s + c);
        return spellings.ToArray();
    }

    /// <summary>
    /// Texts of which every match contains at least one (<c>^(NextChat|ChatGPT Next Web)$</c> → both names), so a value
    /// containing none cannot match and the regex need not run; null when the pattern does not say. Read as
    /// conservatively as <see cref="Of"/>: each top-level alternative (after a leading <c>^</c> or <c>\b</c>, through a
    /// group that is the whole alternative) must have a leading text of two characters or more, or there is no answer.
    /// </summary>
    public static string[]? RequiredAnyOf(string pattern, bool ignoreCase)
    {
        var found = new List<string>();
        return Collect(pattern, ignoreCase, found, depth: 0) ? [.. found.Distinct(ignoreCase ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal)] : null;
    }

    private static bool Collect(string pattern, bool ignoreCase, List<string> found, int depth)
    {
        if (depth > 4 || TopLevelBranches(pattern) is not { } branches) return false;
        foreach (var branch in branches)
        {
            var b = branch;
            // Zero-width at the start: the text that follows is still required.
            while (b.StartsWith('^') || b.StartsWith(@"\b", StringComparison.Ordinal)) b = b[(b[0] == '^' ? 1 : 2)..];
            if (WholeGroup(b) is { } inner)
            {
                if (!Collect(inner, ignoreCase, found, depth + 1)) return false;
                continue;
            }
            if (Prefix(b, ignoreCase, throughK: false) is not { } prefix) return false;
            found.Add(prefix);
        }
        return found.Count > 0;
    }

    /// <summary>The pattern split at its top-level <c>|</c> (outside groups and character classes); null if unbalanced.</summary>
    private static List<string>? TopLevelBranches(string pattern)
    {
        var branches = new List<string>();
        int start = 0, last = 0;
        foreach (var (at, c, depth) in Structure(pattern))
        {
            if ((last = depth) < 0) return null;
            if (c == '|' && depth == 0)
            {
                branches.Add(pattern[start..at]);
                start = at + 1;
            }
        }
        if (last != 0) return null;
        branches.Add(pattern[start..]);
        return branches;
    }

    /// <summary>
    /// The inside of a plain or non-capturing group that is the whole alternative (optionally followed by <c>$</c>),
    /// or null: a quantified group, a lookaround or an inline option is not read.
    /// </summary>
    private static string? WholeGroup(string branch)
    {
        if (!branch.StartsWith('(')) return null;
        var open = branch.StartsWith("(?:", StringComparison.Ordinal) ? 3 : branch.StartsWith("(?", StringComparison.Ordinal) ? -1 : 1;
        if (open < 0) return null;
        foreach (var (at, c, depth) in Structure(branch))
        {
            if (c == ')' && depth == 0) return branch[(at + 1)..] is "" or "$" ? branch[open..at] : null;
        }
        return null;
    }

    /// <summary>
    /// The pattern's unescaped characters outside character classes, each with the group depth after it (a <c>(</c>
    /// counts in, a <c>)</c> out); a class left open ends with depth -1.
    /// </summary>
    private static IEnumerable<(int At, char C, int Depth)> Structure(string pattern)
    {
        var depth = 0;
        var inClass = false;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\') i++;
            else if (inClass) inClass = c != ']';
            else if (c == '[')
            {
                inClass = true;
                // A ']' first in a class (after any '^') is one of its characters, not its end.
                if (i + 1 < pattern.Length && pattern[i + 1] == '^') i++;
                if (i + 1 < pattern.Length && pattern[i + 1] == ']') i++;
            }
            else yield return (i, c, depth += c == '(' ? 1 : c == ')' ? -1 : 0);
        }
        if (inClass) yield return (pattern.Length, '\0', -1);
    }

    private static string? Prefix(string pattern, bool ignoreCase, bool throughK)
    {
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
            else if (char.IsAsciiDigit(c) || PlainPunctuation.Contains(c) || (char.IsAsciiLetter(c) && (throughK || !(ignoreCase && c is 'k' or 'K')))
                || (c > 127 && IsCaselessSymbol(c))) // "· LobeChat": a symbol outside ASCII matches only itself
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

    private static bool HasAlternation(string pattern) => Structure(pattern).Any(s => s.C == '|');
}
