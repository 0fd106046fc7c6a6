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
    public static string PageOfSize(string html, int bytes)
    {
        const string filler = "<div class=\"item\"><h3>每日精选 Daily picks</h3><p>城市新闻、天气预报与生活服务信息。Local news, weather and services; " +
            "read more about our community events, transport updates and shop opening hours.</p><a href=\"/news/2026/11/25/item\">阅读全文</a></div>\n";
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
