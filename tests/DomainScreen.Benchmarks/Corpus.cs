using System.Text;
using DomainScreen.Local.Lab;

namespace DomainScreen.Benchmarks;

/// <summary>Benchmark inputs built from the lab's pages, padded to realistic sizes (5 KB to 2 MB).</summary>
public static class Corpus
{
    public static readonly int[] PageSizes = [5 * 1024, 50 * 1024, 500 * 1024, 2 * 1024 * 1024];

    /// <summary>Every lab page, decoded.</summary>
    public static IReadOnlyList<(string Name, string Html)> LabPages() =>
        LabManifest.Load().Sites.Select(s => s.Page).OfType<string>().Distinct()
            .Select(p => (p, Encoding.UTF8.GetString(LabManifest.ReadResource("pages/" + p) ?? [])))
            .Where(p => p.Item2.Length > 0)
            .ToList();

    /// <summary>
    /// A page of about <paramref name="bytes"/> UTF-8 bytes: a lab page with ordinary article text and markup
    /// (mixed Chinese and English, as real pages are) inserted before its end.
    /// </summary>
    public static string PageOfSize(string html, int bytes) => PageOfSize(html, bytes, MixedFiller);

    /// <summary>
    /// The filler of <see cref="PageOfSize(string, int)"/>: mixed Chinese and English article text in markup
    /// (<c>PROFILE_TEXT=zh</c> in the environment of the <c>profile</c> mode: <see cref="ChineseFiller"/> instead).
    /// </summary>
    public const string MixedFiller = "<div class=\"item\"><h3>每日精选 Daily picks</h3><p>城市新闻、天气预报与生活服务信息。Local news, weather and services; " +
        "read more about our community events, transport updates and shop opening hours.</p><a href=\"/news/2026/11/25/item\">阅读全文</a></div>\n";

    /// <summary>A Chinese news page's text: mostly Chinese prose, markup in ASCII, a few English words and numbers.</summary>
    public const string ChineseFiller = "<li class=\"news-item\"><a href=\"/article/20261125/1024.html\" target=\"_blank\">市交通运输局发布冬季出行提示</a>" +
        "<p>据市气象台消息，本周后半段将有一次明显降温过程，最低气温降至零下五度。交通部门提醒广大市民合理安排出行时间，雨雪天气注意行车安全，" +
        "地铁与公交运营时间保持不变。详情请关注官方微信公众号或拨打12345市民服务热线咨询。</p><span class=\"date\">2026-11-25 08:30</span></li>\n";

    public static string PageOfSize(string html, int bytes, string filler)
    {
        var sb = new StringBuilder(bytes + 1024);
        var cut = html.LastIndexOf("</body>", StringComparison.OrdinalIgnoreCase);
        if (cut < 0) cut = html.Length;
        sb.Append(html, 0, cut);
        // Counted as it grows (measuring the whole text each time made a 2 MB page cost seconds to build).
        var size = Encoding.UTF8.GetByteCount(html.AsSpan(0, cut));
        var fillerBytes = Encoding.UTF8.GetByteCount(filler);
        while (size < bytes - 200)
        {
            sb.Append(filler);
            size += fillerBytes;
        }
        sb.Append(html, cut, html.Length - cut);
        return sb.ToString();
    }

    /// <summary>What analysts paste: names, URLs, IDNs, upper case, trailing dots, some invalid.</summary>
    public static string[] PastedNames(int count)
    {
        var random = new Random(42);
        string[] tlds = ["com", "cn", "com.cn", "net", "org", "top", "xyz", "io", "公司", "中国", "github.io"];
        string[] words = ["ai", "face", "swap", "voice", "chat", "gpt", "relay", "news", "shop", "bank", "换脸", "声音", "cloud", "api"];
        var names = new string[count];
        for (var i = 0; i < count; i++)
        {
            var label = words[random.Next(words.Length)] + (random.Next(3) == 0 ? "-" + words[random.Next(words.Length)] : "") + random.Next(1000);
            var host = (random.Next(4) == 0 ? "www." : "") + label + "." + tlds[random.Next(tlds.Length)];
            names[i] = random.Next(6) switch
            {
                0 => "https://" + host + "/path?q=1",
                1 => host.ToUpperInvariant() + ".",
                2 => "  " + host + " ",
                3 => random.Next(2) == 0 ? "bad_name." + host : "1.2.3." + random.Next(255),
                _ => host,
            };
        }
        return names;
    }
}
