using System.Net;
using System.Text.RegularExpressions;

namespace DomainScreen.Core.Fetching;

/// <summary>
/// Small, bounded reads of a page's head (at most 128 K characters): title and icon link. Tags and attributes are read
/// by <see cref="HtmlTags"/> (forward scans, no regex); the white-space regex is linear-time (NonBacktracking) and its
/// 2 s timeout is a last guard, not a budget — at 200 ms a CPU-starved machine timed out building the matcher's first
/// states (found in a loaded test run), which would fail a domain's screening for load.
/// </summary>
internal static partial class HtmlScan
{
    private const int HeadChars = 128 * 1024;

    public static string? Title(string html)
    {
        if (HtmlTags.Title(Head(html)) is not { } raw) return null;
        var title = WebUtility.HtmlDecode(raw).Trim();
        title = WhiteSpace().Replace(title, " ");
        return title.Length == 0 ? null : title.Length > 300 ? title[..300] : title;
    }

    /// <summary>The href of the first <c>&lt;link rel="icon"&gt;</c> (or shortcut icon), or null.</summary>
    public static string? IconHref(string html)
    {
        var head = Head(html);
        foreach (var (start, length) in HtmlTags.Find(head, "link", 2000))
        {
            var tag = head.Slice(start, length).ToString();
            var rel = HtmlTags.Attribute(tag, "rel");
            if (rel is null || !rel.Split(' ', StringSplitOptions.RemoveEmptyEntries).Any(r => r.Equals("icon", StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }
            var href = HtmlTags.Attribute(tag, "href");
            if (!string.IsNullOrWhiteSpace(href)) return WebUtility.HtmlDecode(href.Trim());
        }
        return null;
    }

    private static ReadOnlySpan<char> Head(string html) => html.AsSpan(0, Math.Min(html.Length, HeadChars));

    [GeneratedRegex(@"\s+", RegexOptions.NonBacktracking, 2000)]
    private static partial Regex WhiteSpace();
}
