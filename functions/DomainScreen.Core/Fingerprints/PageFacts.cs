using System.Net;
using DomainScreen.Core.Fetching;

namespace DomainScreen.Core.Fingerprints;

/// <summary>A probe's answer as the engine sees it.</summary>
public sealed record ProbeFact(string Path, int? Status, string? Body);

/// <summary>
/// What the fingerprint engine reads about one page: the decoded HTML, what it declares (title, meta, assets),
/// response headers and cookies, the favicon hash, probe answers and the embedded Gradio config.
/// </summary>
public sealed record PageFacts
{
    public required string Html { get; init; }
    public string? Url { get; init; }
    public string? Title { get; init; }
    public IReadOnlyDictionary<string, string> Meta { get; init; } = new Dictionary<string, string>();
    public IReadOnlyList<string> Assets { get; init; } = [];
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();
    public IReadOnlyList<string> Cookies { get; init; } = [];
    public int? FaviconMmh3 { get; init; }
    public IReadOnlyList<ProbeFact> Probes { get; init; } = [];
    public GradioConfig? Gradio { get; init; }

    private const int HeadChars = 256 * 1024;

    /// <summary>Builds the facts from a fetched page.</summary>
    public static PageFacts From(FetchEvidence fetch) =>
        FromHtml(fetch.Body ?? string.Empty, fetch.FinalUrl, fetch.Headers, fetch.Favicon?.Mmh3,
            fetch.Probes.Select(p => new ProbeFact(p.Path, p.Status, p.Body)).ToArray());

    /// <summary>Builds the facts from HTML and whatever else is known (a saved page has no probes).</summary>
    public static PageFacts FromHtml(string html, string? url = null, IReadOnlyDictionary<string, string>? headers = null,
        int? faviconMmh3 = null, IReadOnlyList<ProbeFact>? probes = null)
    {
        var head = html.AsSpan(0, Math.Min(html.Length, HeadChars)); // not a copy: 512 KB per large page was most of this method
        var meta = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (start, length) in HtmlTags.Find(head, "meta", 4000))
        {
            var tag = head.Slice(start, length).ToString();
            var name = HtmlTags.Attribute(tag, "name") ?? HtmlTags.Attribute(tag, "property");
            var content = HtmlTags.Attribute(tag, "content");
            if (name is not null && content is not null && meta.Count < 200) meta.TryAdd(name, WebUtility.HtmlDecode(content));
        }
        var assets = HtmlTags.AssetUrls(head, 500).ConvertAll(url => WebUtility.HtmlDecode(url));
        var gradio = GradioConfig.Parse(html);
        var title = HtmlScan.Title(html) ?? gradio?.Title ?? meta.GetValueOrDefault("og:title") ?? meta.GetValueOrDefault("twitter:title");
        headers ??= new Dictionary<string, string>();
        var cookies = headers.TryGetValue("set-cookie", out var setCookie)
            ? setCookie.Split(", ").Select(c => c.Split('=', 2)[0].Trim()).Where(c => c.Length > 0 && !c.Contains(' ', StringComparison.Ordinal)).ToArray()
            : [];
        return new PageFacts
        {
            Html = html,
            Url = url,
            Title = title,
            Meta = meta,
            Assets = assets,
            Headers = headers,
            Cookies = cookies,
            FaviconMmh3 = faviconMmh3,
            Probes = probes ?? [],
            Gradio = gradio,
        };
    }
}
