using System.Buffers;
using System.Text;

namespace DomainScreen.Core.Fetching;

/// <summary>
/// Finds tags and their asset URLs in a page's text in one forward pass, without a regex. Each method gives exactly the
/// matches of the pattern in its comment, in order and without overlap — the patterns PageFacts and HtmlScan ran with
/// the NonBacktracking engine — except that tag and attribute names compare ASCII letters only, as HTML does (the
/// regex engine's ignore-case also took U+212A KELVIN SIGN for the k of <c>link</c>).
/// </summary>
/// <remarks>
/// Why: with its counted repetitions (<c>{0,2000}</c>) the NonBacktracking engine spent 50–125 µs finding the assets of
/// a 1–4 KB lab page (sd-webui, comfyui) and 30 µs on its meta tags, where this takes a few; a backtracking engine is
/// fast on ordinary pages but quadratic on hostile ones (256 KB of <c>&lt;img </c> timed out at 2 s, interpreted). Here
/// every position is looked at a bounded number of times: the next <c>&gt;</c> is remembered across tag starts, and a
/// place already found not to hold <c>src=…</c>/<c>href=…</c> is not tried again from a later tag start (whether it
/// does depends only on the text from there on).
/// </remarks>
internal static class HtmlTags
{
    private static readonly SearchValues<char> AttributeStarts = SearchValues.Create("sShH");

    // Where a tag may start, found by the runtime's vectorised search. Ignoring case ordinally also finds a few
    // non-ASCII spellings ("<ſcript", with U+017F); IsTag, ASCII only, turns those down.
    private static readonly SearchValues<string> AssetTagStarts = SearchValues.Create(["<script", "<link", "<img"], StringComparison.OrdinalIgnoreCase);

    /// <summary>The spans of <c>&lt;name\s[^&gt;]{0,max}&gt;</c>, name compared ignoring ASCII case.</summary>
    public static List<(int Start, int Length)> Find(ReadOnlySpan<char> text, string name, int max)
    {
        var found = new List<(int, int)>();
        var nextGt = -1; // the first '>' at or after the last place asked about (-2: none left)
        var start = "<" + name;
        for (var lt = IndexOf(text, 0, start); lt >= 0; lt = IndexOf(text, lt + 1, start))
        {
            var space = lt + 1 + name.Length;
            if (!IsTag(text, lt, name)) continue;
            if (nextGt != -2 && nextGt <= space) nextGt = IndexOf(text, space + 1, '>') is var g and >= 0 ? g : -2;
            if (nextGt == -2) break; // no '>' left: nothing further can match
            if (nextGt - (space + 1) > max) continue;
            found.Add((lt, nextGt - lt + 1));
            lt = nextGt; // matches do not overlap
        }
        return found;
    }

    /// <summary>
    /// The URLs of <c>&lt;(?:script|link|img)\s[^&gt;]{0,2000}?(?:src|href)\s*=\s*(?:"([^"]{1,2000})"|'?([^\s'&gt;]{1,2000}))</c>:
    /// the first <c>src</c> or <c>href</c> (of any attribute name ending so: <c>data-src</c> too) with a value, as the
    /// regex's group 1 or 2.
    /// </summary>
    public static List<string> AssetUrls(ReadOnlySpan<char> text, int limit)
    {
        const int Window = 2000;
        var urls = new List<string>();
        var failedUpTo = -1; // every place up to here is known not to start "src=…"/"href=…"
        var nextGt = -1;
        for (var lt = IndexOfAny(text, 0, AssetTagStarts); lt >= 0 && urls.Count < limit; lt = IndexOfAny(text, lt + 1, AssetTagStarts))
        {
            int space;
            if (IsTag(text, lt, "script")) space = lt + 7;
            else if (IsTag(text, lt, "link")) space = lt + 5;
            else if (IsTag(text, lt, "img")) space = lt + 4;
            else continue;
            var from = space + 1;
            if (nextGt != -2 && nextGt < from) nextGt = IndexOf(text, from, '>') is var g and >= 0 ? g : -2;
            // The attribute starts after at most 2000 characters that are not '>' (and so before the next '>').
            var last = Math.Min(from + Window, nextGt == -2 ? text.Length - 1 : nextGt - 1);
            for (var k = Math.Max(from, failedUpTo + 1); k <= last; k++)
            {
                var next = text.Slice(k, last - k + 1).IndexOfAny(AttributeStarts);
                if (next < 0)
                {
                    failedUpTo = last;
                    break;
                }
                k += next;
                if (TryAttributeAt(text, k, out var url, out var end))
                {
                    urls.Add(url);
                    lt = end - 1;
                    failedUpTo = end - 1;
                    break;
                }
                failedUpTo = k;
            }
        }
        return urls;
    }

    /// <summary>
    /// The value of the first attribute called <paramref name="name"/> (ignoring case) among the matches of
    /// <c>([a-zA-Z_:][-a-zA-Z0-9_:.]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'&gt;]+))</c> in <paramref name="tag"/>; null if none.
    /// </summary>
    /// <remarks>
    /// The regex with the NonBacktracking engine took ≈ 24 µs per meta tag (its capture pass), three calls per tag. Where
    /// an attempt fails, it fails the same way from every later start inside the same name (same '=' and value after
    /// it), so the scan goes on after the name instead of one character on.
    /// </remarks>
    public static string? Attribute(string tag, string name)
    {
        var p = 0;
        while (p < tag.Length)
        {
            var c = tag[p];
            if (!(char.IsAsciiLetter(c) || c is '_' or ':'))
            {
                p++;
                continue;
            }
            var nameEnd = p + 1;
            while (nameEnd < tag.Length && (char.IsAsciiLetterOrDigit(tag[nameEnd]) || tag[nameEnd] is '-' or '_' or ':' or '.')) nameEnd++;
            if (TryValueAfter(tag, nameEnd, out var value, out var end))
            {
                if (tag.AsSpan(p, nameEnd - p).Equals(name, StringComparison.OrdinalIgnoreCase)) return value;
                p = end;
            }
            else p = nameEnd;
        }
        return null;
    }

    /// <summary><c>\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'&gt;]+))</c> at <paramref name="at"/>.</summary>
    private static bool TryValueAfter(string tag, int at, out string value, out int end)
    {
        value = "";
        end = at;
        var p = at;
        while (p < tag.Length && char.IsWhiteSpace(tag[p])) p++;
        if (p >= tag.Length || tag[p] != '=') return false;
        p++;
        while (p < tag.Length && char.IsWhiteSpace(tag[p])) p++;
        if (p >= tag.Length) return false;
        if (tag[p] is '"' or '\'')
        {
            var close = tag.IndexOf(tag[p], p + 1);
            if (close < 0) return false; // neither quoted form, and the bare form cannot start with a quote
            value = tag.Substring(p + 1, close - p - 1);
            end = close + 1;
            return true;
        }
        var q = p;
        while (q < tag.Length && tag[q] is var c && c != '"' && c != '\'' && c != '>' && !char.IsWhiteSpace(c)) q++;
        if (q == p) return false;
        value = tag.Substring(p, q - p);
        end = q;
        return true;
    }

    /// <summary>Group 1 of the first <c>&lt;title[^&gt;]{0,100}&gt;([^&lt;]{0,2000})&lt;/title</c>, "title" ignoring ASCII case; null if none.</summary>
    public static string? Title(ReadOnlySpan<char> text)
    {
        for (var lt = IndexOf(text, 0, "<title"); lt >= 0; lt = IndexOf(text, lt + 1, "<title"))
        {
            if (!StartsWith(text, lt + 1, "title")) continue;
            var after = lt + 6;
            var gt = text.Slice(after, Math.Min(101, text.Length - after)).IndexOf('>');
            if (gt < 0) continue;
            var content = after + gt + 1;
            var close = text.Slice(content, Math.Min(2001, text.Length - content)).IndexOf('<');
            // The first '<' must begin "</title" ("title" in any ASCII case).
            if (close >= 0 && content + close + 1 < text.Length && text[content + close + 1] == '/' && StartsWith(text, content + close + 2, "title"))
            {
                return text.Slice(content, close).ToString();
            }
        }
        return null;
    }

    /// <summary><c>(?:src|href)\s*=\s*(?:"([^"]{1,2000})"|'?([^\s'&gt;]{1,2000}))</c> at <paramref name="at"/>.</summary>
    private static bool TryAttributeAt(ReadOnlySpan<char> text, int at, out string url, out int end)
    {
        const int MaxValue = 2000;
        url = "";
        end = at;
        var p = StartsWith(text, at, "src") ? at + 3 : StartsWith(text, at, "href") ? at + 4 : -1;
        if (p < 0) return false;
        while (p < text.Length && char.IsWhiteSpace(text[p])) p++;
        if (p >= text.Length || text[p] != '=') return false;
        p++;
        while (p < text.Length && char.IsWhiteSpace(text[p])) p++;
        if (p >= text.Length) return false;
        if (text[p] == '"')
        {
            // One to 2000 characters that are not '"', then '"'.
            var close = text.Slice(p + 1, Math.Min(MaxValue + 1, text.Length - p - 1)).IndexOf('"');
            if (close >= 1)
            {
                url = text.Slice(p + 1, close).ToString();
                end = p + 1 + close + 1;
                return true;
            }
        }
        // Otherwise an optional "'" and one to 2000 characters that are neither white space, "'" nor '>'.
        var start = text[p] == '\'' ? p + 1 : p;
        var length = UnquotedRun(text, start, MaxValue);
        if (length == 0) return false; // with the "'" given back, the run would have to start with it: no
        url = text.Slice(start, length).ToString();
        end = start + length;
        return true;
    }

    private static int UnquotedRun(ReadOnlySpan<char> text, int start, int max)
    {
        var length = 0;
        while (length < max && start + length < text.Length && text[start + length] is var c && c != '\'' && c != '>' && !char.IsWhiteSpace(c)) length++;
        return length;
    }

    private static int IndexOf(ReadOnlySpan<char> text, int from, string value) =>
        from >= text.Length ? -1 : text[from..].IndexOf(value, StringComparison.OrdinalIgnoreCase) is var i and >= 0 ? from + i : -1;

    private static int IndexOfAny(ReadOnlySpan<char> text, int from, SearchValues<string> values) =>
        from >= text.Length ? -1 : text[from..].IndexOfAny(values) is var i and >= 0 ? from + i : -1;

    private static int IndexOf(ReadOnlySpan<char> text, int from, char value) =>
        from >= text.Length ? -1 : text[from..].IndexOf(value) is var i and >= 0 ? from + i : -1;

    /// <summary><c>&lt;name</c> then one white-space character, the name ignoring ASCII case.</summary>
    private static bool IsTag(ReadOnlySpan<char> text, int lt, string name)
    {
        var space = lt + 1 + name.Length;
        return space < text.Length && StartsWith(text, lt + 1, name) && char.IsWhiteSpace(text[space]);
    }

    private static bool StartsWith(ReadOnlySpan<char> text, int at, string asciiLower) =>
        at + asciiLower.Length <= text.Length && Ascii.EqualsIgnoreCase(text.Slice(at, asciiLower.Length), asciiLower);
}
