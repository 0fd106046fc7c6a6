using System.Diagnostics;
using System.Linq.Expressions;
using System.Reflection;
using System.Runtime.Loader;
using DomainScreen.Core.Fingerprints;

namespace DomainScreen.Benchmarks;

/// <summary>
/// `engineab`: this build's engine against another build's in one process, rounds alternated — for changes of a few
/// per cent, which two processes on this shared host cannot see (runs of the same build move ± 10–40 % between
/// processes minutes apart; in one process the two sides share every moment of the host's speed).
/// </summary>
/// <remarks>
/// The other build's <c>DomainScreen.Core.dll</c> is loaded into a load context of its own (every other assembly comes
/// from this process), and both engines compile this build's built-in catalog and read the same pages. Both are called
/// through the same compiled expression, so the call costs the same on either side.
/// <code>
/// git worktree add --detach /tmp/wt-old &lt;commit&gt; &amp;&amp; dotnet build -c Release /tmp/wt-old/functions/DomainScreen.Core
/// dotnet run -c Release --project tests/DomainScreen.Benchmarks -- engineab /tmp/wt-old/functions/DomainScreen.Core/bin/Release/net10.0 [bytes] [page,page…] [rounds]
/// </code>
/// </remarks>
public static class EngineAb
{
    public static int Run(string[] args)
    {
        if (args.Length < 1 || !File.Exists(Path.Combine(args[0], "DomainScreen.Core.dll")))
        {
            Console.Error.WriteLine("usage: engineab <directory of the other build's DomainScreen.Core.dll> [bytes=5120] [pages=faceswap-studio.html,news-daily.html,sd-webui.html] [rounds=40]");
            return 2;
        }
        var bytes = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 5120;
        // "all": every lab page the corpus loads.
        var pages = args.Length <= 2 ? ["faceswap-studio.html", "news-daily.html", "sd-webui.html"]
            : args[2] == "all" ? Corpus.LabPages().Select(p => p.Name).ToArray() : args[2].Split(',');
        var rounds = args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 40;
        var otherPath = Path.GetFullPath(Path.Combine(args[0], "DomainScreen.Core.dll"));
        var other = new OtherBuild(otherPath).LoadFromAssemblyPath(otherPath);
        var files = CatalogProvider.BuiltInFiles().ToArray();
        var engines = new[] { Engine(other, files), Engine(typeof(CompiledCatalog).Assembly, files) }; // side 0: other, 1: this
        Console.WriteLine($"other: {otherPath}");
        Console.WriteLine("| page | bytes | other: best / median | this: best / median | this / other (best, median) |");
        Console.WriteLine("|---|---|---|---|---|");
        var summary = new List<(double Other, double This, double MbPerSecond)>();
        var htmls = pages.Select(page => File.Exists(page) ? File.ReadAllText(page) : Corpus.PageOfSize(Corpus.LabPages().Single(p => p.Name == page).Html, bytes)).ToArray();
        var allRuns = htmls.Select(html => engines.Select(engine => engine(html)).ToArray()).ToArray();
        // Warm every page on both sides for a few seconds first: the framework's precompiled code is compiled again once
        // hot (tiered compilation, in the background), and pages measured in the first second ran up to 2× slower.
        for (var warm = Stopwatch.StartNew(); warm.Elapsed.TotalSeconds < 3;)
        {
            foreach (var side in allRuns.SelectMany(r => r))
            {
                for (var i = 0; i < 20; i++) side();
            }
        }
        for (var p = 0; p < pages.Length; p++)
        {
            var (page, html, runs) = (pages[p], htmls[p], allRuns[p]);
            var times = new List<double>[] { [], [] };
            for (var round = 0; round < rounds; round++)
            {
                // The order swapped every round: neither side always runs first after the other warmed the caches.
                for (var k = 0; k < 2; k++)
                {
                    var side = (round + k) % 2;
                    var sw = Stopwatch.StartNew();
                    var n = 0;
                    while (sw.Elapsed.TotalMilliseconds < 25) { runs[side](); n++; }
                    times[side].Add(sw.Elapsed.TotalMilliseconds * 1000 / n);
                }
            }
            double Best(int side) => times[side].Min();
            double Median(int side) => times[side].Order().ElementAt(times[side].Count / 2);
            var utf8 = System.Text.Encoding.UTF8.GetByteCount(html);
            Console.WriteLine($"| {Path.GetFileName(page)} | {utf8:N0} | {Best(0):0.00} / {Median(0):0.00} µs | {Best(1):0.00} / {Median(1):0.00} µs | {Best(1) / Best(0):0.000}, {Median(1) / Median(0):0.000} |");
            summary.Add((Best(0), Best(1), utf8 / Best(1)));
        }
        if (summary.Count > 3)
        {
            var mb = summary.Select(s => s.MbPerSecond).Order().ToArray();
            var ratio = Math.Exp(summary.Average(s => Math.Log(s.This / s.Other)));
            Console.WriteLine($"{summary.Count} pages: this build's best median {mb[mb.Length / 2]:0} MB/s (lowest {mb[0]:0}), " +
                $"{mb.Count(m => m >= 500)} at 500 MB/s or more; this / other geometric mean {ratio:0.000}");
        }
        return 0;
    }

    /// <summary>For a page, a call that runs the assembly's engine over its facts (read once).</summary>
    private static Func<string, Action> Engine(Assembly assembly, (string File, string Json)[] files)
    {
        var loader = assembly.GetType("DomainScreen.Core.Fingerprints.CatalogLoader", throwOnError: true)!;
        var facts = assembly.GetType("DomainScreen.Core.Fingerprints.PageFacts", throwOnError: true)!;
        var catalog = loader.GetMethod("Compile", [typeof(IEnumerable<(string, string)>)])!.Invoke(null, [files])!;
        var fromHtml = facts.GetMethods(BindingFlags.Public | BindingFlags.Static).Single(m => m.Name == "FromHtml");
        var run = catalog.GetType().GetMethod("Run", [facts])!;
        return html =>
        {
            var read = fromHtml.Invoke(null, fromHtml.GetParameters().Select((p, i) => i == 0 ? html : p.DefaultValue).ToArray())!;
            var call = Expression.Lambda<Action>(Expression.Call(Expression.Constant(catalog), run, Expression.Constant(read, facts))).Compile();
            return call;
        };
    }

    /// <summary>Loads the other build's engine assembly apart; everything it depends on comes from this process.</summary>
    private sealed class OtherBuild(string path) : AssemblyLoadContext($"other build: {path}")
    {
        protected override Assembly? Load(AssemblyName assemblyName) => null;
    }
}
