namespace DomainScreen.Core.Fingerprints;

/// <summary>
/// Ordinal case-insensitive search that stays fast when the value has Chinese in it. The runtime's
/// <c>IndexOf(value, StringComparison.OrdinalIgnoreCase)</c> leaves its vectorised path as soon as the value has a
/// character outside ASCII and case-folds the text character by character (on a Gradio page or a brand-naming title
/// that was most of the engine's time). A CJK character has no case and equals only itself ignoring case, so a value
/// with one is found by an ordinal, vectorised search for that character, and compared in full only where it occurs.
/// Same answers as the runtime's search.
/// </summary>
internal static class IgnoreCase
{
    /// <summary>A value to search for with its anchor found once (catalog values are searched for on every page).</summary>
    public readonly record struct Needle(string Value, int Anchor)
    {
        public static Needle Of(string value) => new(value, AnchorOf(value));
    }

    /// <summary>The first index of <paramref name="value"/> in <paramref name="text"/> ignoring case (ordinal), or -1.</summary>
    public static int IndexOf(ReadOnlySpan<char> text, ReadOnlySpan<char> value) => IndexOf(text, value, AnchorOf(value));

    /// <inheritdoc cref="IndexOf(ReadOnlySpan{char}, ReadOnlySpan{char})"/>
    public static int IndexOf(ReadOnlySpan<char> text, Needle needle) => IndexOf(text, needle.Value, needle.Anchor);

    private static int IndexOf(ReadOnlySpan<char> text, ReadOnlySpan<char> value, int k)
    {
        if (k < 0) return text.IndexOf(value, StringComparison.OrdinalIgnoreCase);
        var anchor = value[k];
        var last = text.Length - value.Length + k; // the last place the anchor can stand with the whole value in the text
        for (var from = k; from <= last;)
        {
            var found = text[from..(last + 1)].IndexOf(anchor);
            if (found < 0) return -1;
            var start = from + found - k;
            if (text.Slice(start, value.Length).Equals(value, StringComparison.OrdinalIgnoreCase)) return start;
            from += found + 1;
        }
        return -1;
    }

    /// <summary>As <see cref="IndexOf(ReadOnlySpan{char}, ReadOnlySpan{char})"/>, from <paramref name="start"/> on (a loop over
    /// the occurrences of one value finds its anchor once).</summary>
    public static int IndexOf(string text, Needle needle, int start)
    {
        if (start > text.Length) return -1;
        var found = IndexOf(text.AsSpan(start), needle);
        return found < 0 ? -1 : start + found;
    }

    /// <summary>
    /// CJK punctuation, kana, unified and compatibility ideographs, Hangul syllables: no case mapping leads into or
    /// out of these blocks (checked in the tests against the runtime's comparison).
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal static bool IsCaseless(char c) =>
        c is (>= '\u3000' and <= '\u30FF') or (>= '\u3400' and <= '\u4DBF') or (>= '\u4E00' and <= '\u9FFF')
            or (>= '\uAC00' and <= '\uD7A3') or (>= '\uF900' and <= '\uFAFF');

    // Any caseless character will do; the last one is taken.
    private static int AnchorOf(ReadOnlySpan<char> value)
    {
        for (var i = value.Length - 1; i >= 0; i--)
        {
            if (IsCaseless(value[i])) return i;
        }
        return -1;
    }
}
