using System.Buffers;
using System.Net;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace DomainScreen.Core.Fingerprints;

/// <summary>
/// Undoes the cheap ways a page hides words from a literal scan while a browser still shows them: zero-width and
/// invisible formatting characters inside a word (<c>一\u200B键脱衣</c>) and character references
/// (<c>&amp;#33073;&amp;#34915;</c> for 脱衣).
/// </summary>
internal static class Unmasking
{
    // Zero-width space, non-joiner, joiner, word joiner, BOM / zero-width no-break space, soft hyphen,
    // Mongolian vowel separator, invisible times/separator/plus.
    private static readonly SearchValues<char> Invisible = SearchValues.Create("\u200B\u200C\u200D\u2060\uFEFF\u00AD\u180E\u2062\u2063\u2064");

    /// <summary>The unmasked page, or null when nothing on it is masked (the common case costs one vectorised pass).</summary>
    /// <param name="html">The page.</param>
    /// <param name="from">Where to start: nothing before it is masked (<see cref="FirstMaskedAndAnchor"/> found so).</param>
    public static string? Unmask(string html, int from = 0)
    {
        var span = html.AsSpan();
        bool invisible = false, references = false;
        // One pass looks for both kinds at once; from the first of either, the rest of the page is searched for the other.
        for (; from < span.Length;)
        {
            var at = IndexOfMasking(span[from..]);
            if (at < 0) break;
            at += from;
            if (span[at] != '&')
            {
                invisible = true;
                references = HasWordReferences(span[at..]);
                break;
            }
            if (IsWordReference(span[(at + 2)..]))
            {
                references = true;
                invisible = IndexOfInvisible(span[at..]) >= 0;
                break;
            }
            from = at + 2;
        }
        if (!invisible && !references) return null;
        var text = invisible ? Strip(html) : html;
        return references ? WebUtility.HtmlDecode(text) : text;
    }

    /// <summary>
    /// One pass over the page for two things the engine looks for character by character: where the first masking
    /// stands (an invisible character, or a character reference that names a letter or a CJK character — where
    /// <see cref="Unmask"/> then starts, or -1 when nothing is masked) and where the first of up to five
    /// <paramref name="anchors"/> stands (the price patterns' currency signs, or -1). 64 bytes at a time where the
    /// hardware has 512-bit vectors; null where it does not (the two searches are then made apart).
    /// </summary>
    public static (int Masked, int Anchor)? FirstMaskedAndAnchor(ReadOnlySpan<char> span, string anchors)
    {
        if (!Vector512.IsHardwareAccelerated || anchors.Length > 5) return null;
        int masked = -1, anchor = anchors.Length == 0 ? int.MaxValue : -1; // int.MaxValue: not looked for
        var i = 0;
        while (masked < 0 || anchor < 0)
        {
            i = NextVector(span, i, anchors, masked < 0, ref anchor, out var lanes);
            if (i >= span.Length - Vector512<ushort>.Count) break;
            // An invisible character, or "&#" where the reference may name a word.
            for (; lanes != 0 && masked < 0; lanes &= lanes - 1)
            {
                var k = i + BitOperations.TrailingZeroCount(lanes);
                if (span[k] != '&' || IsWordReference(span[(k + 2)..])) masked = k;
            }
            i += Vector512<ushort>.Count;
        }
        // The rest (a vector or less) by the same searches.
        if (masked < 0 && i < span.Length) masked = FirstMasking(span, i, span.Length);
        if (anchor < 0 && i < span.Length && span[i..].IndexOfAny(anchors) is >= 0 and var rest) anchor = i + rest;
        return (masked, anchor == int.MaxValue ? -1 : anchor);
    }

    /// <summary>
    /// From <paramref name="from"/>, a vector at a time: the first vector with an invisible character or a "&amp;#" in it
    /// (when <paramref name="masking"/>, with those <paramref name="lanes"/>), or the first once <paramref name="anchor"/>
    /// is found too, or the first position of the last vector (whose next unit the test for '#' would read past the end).
    /// Apart from the rest, so that this loop makes no call and keeps its vectors in registers.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int NextVector(ReadOnlySpan<char> span, int from, string anchors, bool masking, ref int anchor, out ulong lanes)
    {
        ref var units = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(span));
        Vector512<ushort> A(int k) => Vector512.Create((ushort)(anchors.Length == 0 ? 0 : anchors[Math.Min(k, anchors.Length - 1)]));
        var (a0, a1, a2, a3, a4) = (A(0), A(1), A(2), A(3), A(4));
        var low = Vector512.Create((ushort)0x00AD);
        var span2064 = Vector512.Create((ushort)(0x2064 - 0x00AD));
        var ampersand = Vector512.Create((ushort)'&');
        var bom = Vector512.Create((ushort)0xFEFF);
        var found = anchor;
        lanes = 0;
        // Everything masking is '&' or outside ASCII, and so are the price patterns' currency signs but '$': where every
        // anchor is too, a vector of ASCII text without '$' or '&' — most of a page — is passed over after two comparisons
        // (one for both: '$' with bit 1 set is '&'), not eight.
        var quick = true;
        foreach (var c in anchors) quick &= c is '$' or '&' or > '\u007F';
        var two = Vector512.Create((ushort)2);
        var dollarOrAmpersand = Vector512.Create((ushort)'&');
        var ascii = Vector512.Create((ushort)0x7F);
        var i = from;
        for (; i < span.Length - Vector512<ushort>.Count; i += Vector512<ushort>.Count)
        {
            var v = Vector512.LoadUnsafe(ref units, (nuint)i);
            if (quick && (Vector512.Equals(v | two, dollarOrAmpersand) | Vector512.GreaterThan(v, ascii)) == Vector512<ushort>.Zero) continue;
            if (found < 0)
            {
                var anchorLanes = (Vector512.Equals(v, a0) | Vector512.Equals(v, a1) | Vector512.Equals(v, a2) | Vector512.Equals(v, a3) | Vector512.Equals(v, a4)).ExtractMostSignificantBits();
                if (anchorLanes != 0) found = i + BitOperations.TrailingZeroCount(anchorLanes);
            }
            if (!masking)
            {
                if (found >= 0) break;
                continue;
            }
            // Everything masking is '&', U+FEFF or in U+00AD–U+2064: one comparison rules most vectors out.
            if ((Vector512.LessThanOrEqual(v - low, span2064) | Vector512.Equals(v, ampersand) | Vector512.Equals(v, bom)) == Vector512<ushort>.Zero) continue;
            var hit = Vector512.LessThanOrEqual(v - Vector512.Create((ushort)0x200B), Vector512.Create((ushort)2))
                | (Vector512.LessThanOrEqual(v - Vector512.Create((ushort)0x2060), Vector512.Create((ushort)4)) & ~Vector512.Equals(v, Vector512.Create((ushort)0x2061)))
                | Vector512.Equals(v, low) | Vector512.Equals(v, Vector512.Create((ushort)0x180E)) | Vector512.Equals(v, bom)
                | (Vector512.Equals(v, ampersand) & Vector512.Equals(Vector512.LoadUnsafe(ref units, (nuint)i + 1), Vector512.Create((ushort)'#')));
            lanes = hit.ExtractMostSignificantBits();
            if (lanes != 0) break;
        }
        anchor = found;
        return i;
    }

    /// <summary>
    /// The first masking that starts in [<paramref name="from"/>, <paramref name="to"/>) — an invisible character, or a
    /// reference that names a word (its text may run past <paramref name="to"/>) —, or -1.
    /// </summary>
    private static int FirstMasking(ReadOnlySpan<char> span, int from, int to)
    {
        while (from < to)
        {
            var at = IndexOfMasking(span[from..Math.Min(span.Length, to + 1)]); // one unit on: the '#' after a '&' at the end
            if (at < 0 || from + at >= to) return -1;
            at += from;
            if (span[at] != '&' || IsWordReference(span[(at + 2)..])) return at;
            from = at + 2;
        }
        return -1;
    }

    /// <summary>The first invisible character, or -1.</summary>
    internal static int IndexOfInvisible(ReadOnlySpan<char> span) => IndexOf(span, references: false);

    /// <summary>The first invisible character or start of a numeric character reference (<c>&amp;#</c>), or -1.</summary>
    internal static int IndexOfMasking(ReadOnlySpan<char> span) => IndexOf(span, references: true);

    /// <summary>
    /// A vector at a time: two short ranges (U+200B–U+200D, U+2060–U+2064) and three single characters, compared
    /// exactly — several times faster on a large page than a search for ten scattered values, which takes the general
    /// set-membership path — and, with <paramref name="references"/>, a '&amp;' whose next character is '#' (the vector
    /// one character on). The lanes set in a vector are then read lowest first.
    /// </summary>
    private static int IndexOf(ReadOnlySpan<char> span, bool references)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            ref var units = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(span));
            var zeroWidth = new Vector<ushort>(0x200B);
            var joiners = new Vector<ushort>(0x2060);
            var two = new Vector<ushort>(2);
            var four = new Vector<ushort>(4);
            var softHyphen = new Vector<ushort>(0x00AD);
            var mongolian = new Vector<ushort>(0x180E);
            var bom = new Vector<ushort>(0xFEFF);
            var ampersand = new Vector<ushort>('&');
            var hash = new Vector<ushort>('#');
            // Every character looked for is '&', U+FEFF or in U+00AD–U+2064: a vector of ASCII or CJK text without '&'
            // is passed over after one range comparison (a Latin, Cyrillic or Greek page then takes the full test).
            var low = new Vector<ushort>(0x00AD);
            var span2064 = new Vector<ushort>(0x2064 - 0x00AD);
            // One unit past the vector is read (the '#' after a '&' in the last lane).
            for (; i < span.Length - Vector<ushort>.Count; i += Vector<ushort>.Count)
            {
                var v = Vector.LoadUnsafe(ref units, (nuint)i);
                if ((Vector.LessThanOrEqual(v - low, span2064) | Vector.Equals(v, ampersand) | Vector.Equals(v, bom)) == Vector<ushort>.Zero) continue;
                var hit = Vector.LessThanOrEqual(v - zeroWidth, two) | Vector.LessThanOrEqual(v - joiners, four)
                    | Vector.Equals(v, softHyphen) | Vector.Equals(v, mongolian) | Vector.Equals(v, bom);
                if (references) hit |= Vector.Equals(v, ampersand) & Vector.Equals(Vector.LoadUnsafe(ref units, (nuint)i + 1), hash);
                if (hit == Vector<ushort>.Zero) continue;
                // The lanes set, lowest first; U+2061 is in the second range but not in the set.
                for (var lanes = LanesOf(hit); lanes != 0; lanes &= lanes - 1)
                {
                    var k = i + BitOperations.TrailingZeroCount(lanes);
                    if (span[k] != '\u2061') return k;
                }
            }
        }
        return OneByOne(span, i, span.Length, references);
    }

    // A bit per lane set (Vector<T> is 128, 256 or 512 bits wide, a constant to the JIT, which keeps one branch).
    private static ulong LanesOf(Vector<ushort> hit) => Vector<ushort>.Count switch
    {
        8 => hit.AsVector128().ExtractMostSignificantBits(),
        16 => hit.AsVector256().ExtractMostSignificantBits(),
        _ => hit.AsVector512().ExtractMostSignificantBits(),
    };

    private static int OneByOne(ReadOnlySpan<char> span, int from, int to, bool references)
    {
        for (var k = from; k < to; k++)
        {
            var c = span[k];
            if (Invisible.Contains(c) || (references && c == '&' && k + 1 < span.Length && span[k + 1] == '#')) return k;
        }
        return -1;
    }

    // Pages write quotes and spaces as references (&#39;, &#160;, &#x2019;) all the time; letters and CJK
    // characters written that way are masking. Only those send the page through the decoder.
    private static bool HasWordReferences(ReadOnlySpan<char> span)
    {
        int found;
        while ((found = span.IndexOf("&#", StringComparison.Ordinal)) >= 0)
        {
            span = span[(found + 2)..];
            if (IsWordReference(span)) return true;
        }
        return false;
    }

    /// <summary>Whether the reference whose text follows "&amp;#" names a letter or a CJK character.</summary>
    private static bool IsWordReference(ReadOnlySpan<char> span)
    {
        var hex = span.Length > 0 && (span[0] == 'x' || span[0] == 'X');
        var digits = hex ? span[1..] : span;
        // Up to eight digits and a ';' (not the whole page per '&#': quadratic on "&#&#&#…").
        var code = 0L; // eight hexadecimal digits overflow an int
        for (var i = 0; i < digits.Length && i <= 8; i++)
        {
            var c = digits[i];
            if (c == ';') return i > 0 && (code is >= 'A' and <= 'Z' or >= 'a' and <= 'z' || code is >= 0x2E80 and <= 0x9FFF || code is >= 0xF900 and <= 0xFAFF);
            var digit = char.IsAsciiDigit(c) ? c - '0' : hex && char.IsAsciiHexDigit(c) ? (c | 0x20) - 'a' + 10 : -1;
            if (digit < 0) return false;
            code = code * (hex ? 16 : 10) + digit;
        }
        return false;
    }

    private static string Strip(string html)
    {
        return string.Create(html.Length - Count(html), html, static (destination, source) =>
        {
            var at = 0;
            foreach (var c in source)
            {
                if (!Invisible.Contains(c)) destination[at++] = c;
            }
        });
    }

    private static int Count(string html)
    {
        var count = 0;
        var span = html.AsSpan();
        int found;
        while ((found = span.IndexOfAny(Invisible)) >= 0)
        {
            count++;
            span = span[(found + 1)..];
        }
        return count;
    }
}
