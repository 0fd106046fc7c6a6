using System.Diagnostics;
using System.Globalization;
using System.Text;
using DomainScreen.Core.Fingerprints;

namespace DomainScreen.Benchmarks;

/// <summary>
/// The engine side of engine-peers.sh: writes the padded lab pages (three pages × four sizes) to a directory, so the
/// peer engine reads the very same bytes, and times DomainScreen's engine over each with the same method the peer
/// script uses (warm up, then as many runs as fit in a second; the mean), in a second round after a first unprinted one. One JSON line per page and engine.
/// </summary>
public static class EnginePeerProbe
{
    public static readonly string[] Pages = ["faceswap-studio.html", "sd-webui.html", "news-daily.html"];

    public static int Run(string[] args)
    {
        var dir = args.Length > 0 ? args[0] : Path.Combine(Path.GetTempPath(), "domainscreen-engine-pages");
        Directory.CreateDirectory(dir);
        var catalog = CatalogLoader.Compile(CatalogProvider.BuiltInFiles());
        // Every page is timed twice and only the second round is printed: in the first, the first pages were measured
        // while the runtime was still compiling (faceswap-studio 5 KB read 19–54 MB/s against ≈ 280 for news-daily 5 KB,
        // and a two-second warm-up before it was not enough).
        for (var round = 0; round < 2; round++)
        {
            foreach (var page in Pages)
            {
                var source = Corpus.LabPages().Single(p => p.Name == page).Html;
                foreach (var size in Corpus.PageSizes)
                {
                    var html = Corpus.PageOfSize(source, size);
                    var file = Path.Combine(dir, string.Create(CultureInfo.InvariantCulture, $"{Path.GetFileNameWithoutExtension(page)}-{size}.html"));
                    File.WriteAllText(file, html, new UTF8Encoding(false));
                    var bytes = Encoding.UTF8.GetByteCount(html);
                    var facts = PageFacts.FromHtml(html);
                    var engine = Time(() => catalog.Run(facts));
                    var factsAndEngine = Time(() => catalog.Run(PageFacts.FromHtml(html)));
                    if (round == 0) continue;
                    Print(file, bytes, "domainscreen-engine", engine);
                    Print(file, bytes, "domainscreen-facts+engine", factsAndEngine);
                }
            }
        }
        return 0;
    }

    private static double Time(Func<object> run)
    {
        for (var i = 0; i < 20; i++) run();
        var clock = Stopwatch.StartNew();
        var n = 0;
        while (clock.ElapsedMilliseconds < 1000 || n < 5)
        {
            run();
            n++;
        }
        return clock.Elapsed.TotalMilliseconds / n;
    }

    private static void Print(string file, int bytes, string engine, double ms) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"page\":\"{Path.GetFileName(file)}\",\"bytes\":{bytes},\"engine\":\"{engine}\",\"ms\":{ms:0.000},\"mbPerSecond\":{bytes / 1e6 / (ms / 1000):0.0}}}"));
}
