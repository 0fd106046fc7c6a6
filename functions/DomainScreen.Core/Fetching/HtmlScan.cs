using System.Net;
using System.Text.RegularExpressions;

namespace DomainScreen.Core.Fetching;

/// <summary>
/// Small, bounded reads of a page's head: title and icon link. The regexes are linear-time (NonBacktracking) over at
/// most 128 K characters; their 2 s timeout is a last guard, not a budget — at 200 ms a CPU-starved machine timed out
/// building the matcher's first states (found in a loaded test run), which would fail a domain's screening for load.
/// </summary>
internal static partial class HtmlScan
{
    private const int HeadChars = 128 * 1024;

    public static string? Title(string html)
    {
        var match = TitlePattern().Match(Head(html));
        if (!match.Success) return null;
        var title = WebUtility.HtmlDecode(match.Groups[1].Value).Trim();
        title = WhiteSpace().Replace(title, " ");
        return title.Length == 0 ? null : title.Length > 300 ? title[..300] : title;
    }

    /// <summary>The href of the first <c>&lt;link rel="icon"&gt;</c> (or shortcut icon), or null.</summary>
    public static string? IconHref(string html)
    {
        foreach (Match link in LinkTag().Matches(Head(html)))
        {
            var tag = link.Value;
            var rel = Attribute(tag, "rel");
            if (rel is null || !rel.Split(' ', StringSplitOptions.RemoveEmptyEntries).Any(r => r.Equals("icon", StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }
            var href = Attribute(tag, "href");
            if (!string.IsNullOrWhiteSpace(href)) return WebUtility.HtmlDecode(href.Trim());
        }
        return null;
    }

    public static string? Attribute(string tag, string name)
    {
        foreach (Match m in AttributePattern().Matches(tag))
        {
            if (m.Groups[1].Value.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return m.Groups[2].Success ? m.Groups[2].Value : m.Groups[3].Success ? m.Groups[3].Value : m.Groups[4].Value;
            }
        }
        return null;
    }

    private static string Head(string html) => html.Length <= HeadChars ? html : html[..HeadChars];

    [GeneratedRegex(@"<title[^>]{0,100}>([^<]{0,2000})</title", RegexOptions.IgnoreCase | RegexOptions.NonBacktracking, 2000)]
    private static partial Regex TitlePattern();

    [GeneratedRegex(@"<link\s[^>]{0,2000}>", RegexOptions.IgnoreCase | RegexOptions.NonBacktracking, 2000)]
    private static partial Regex LinkTag();

    [GeneratedRegex(@"([a-zA-Z_:][-a-zA-Z0-9_:.]*)\s*=\s*(?:""([^""]*)""|'([^']*)'|([^\s""'>]+))", RegexOptions.NonBacktracking, 2000)]
    private static partial Regex AttributePattern();

    [GeneratedRegex(@"\s+", RegexOptions.NonBacktracking, 2000)]
    private static partial Regex WhiteSpace();
}
