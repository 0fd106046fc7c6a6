using System.Diagnostics;
using DomainScreen.Core.Fingerprints;

namespace DomainScreen.Benchmarks;

/// <summary>`profile`: times the engine's parts on one page, to see where a run goes before optimising.</summary>
public static class Profile
{
    public static int Run(string[] args)
    {
        var page = args.Length > 0 ? args[0] : "news-daily.html";
        var bytes = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 50 * 1024;
        var catalog = CatalogLoader.Compile(CatalogProvider.BuiltInFiles());
        var filler = Environment.GetEnvironmentVariable("PROFILE_TEXT") == "zh" ? Corpus.ChineseFiller : Corpus.MixedFiller;
        // A path to an HTML file is run as it is (no filler): what a page's own content costs.
        var html = File.Exists(page) ? File.ReadAllText(page) : Corpus.PageOfSize(Corpus.LabPages().Single(p => p.Name == page).Html, bytes, filler);
        var facts = PageFacts.FromHtml(html);
        var utf8 = System.Text.Encoding.UTF8.GetByteCount(html);
        if (args.Length > 2 && args[2] == "loop")
        {
            // Only the engine, for a sampling profiler to attach to (`dotnet-trace collect -- … profile page bytes loop 20`).
            var seconds = args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 20;
            var until = Stopwatch.StartNew();
            var runs = 0;
            // Allocation per run, each second, on this thread and over the process (BenchmarkDotNet's figure is the
            // process's, which a GC accounting bug of .NET 9 and 10 sometimes reads as 0 or gigabytes: dotnet/runtime#118826).
            var (lastProcess, lastThread, lastRuns, lastSecond) = (GC.GetTotalAllocatedBytes(true), GC.GetAllocatedBytesForCurrentThread(), 0, 0.0);
            while (until.Elapsed.TotalSeconds < seconds)
            {
                catalog.Run(facts);
                runs++;
                if ((runs & 4095) != 0 || until.Elapsed.TotalSeconds - lastSecond < 1) continue;
                var (process, thread) = (GC.GetTotalAllocatedBytes(true), GC.GetAllocatedBytesForCurrentThread());
                Console.WriteLine($"{until.Elapsed.TotalSeconds,4:0} s: {(thread - lastThread) / (double)(runs - lastRuns),7:0} B per run on this thread, {(process - lastProcess) / (double)(runs - lastRuns),7:0} over the process; {GC.CollectionCount(2)} gen-2 collections");
                (lastProcess, lastThread, lastRuns, lastSecond) = (process, thread, runs, until.Elapsed.TotalSeconds);
            }
            Console.WriteLine($"catalog.Run x{runs}: {until.Elapsed.TotalMilliseconds * 1000 / runs:0.0} µs per page");
            return 0;
        }
        void Time(string what, Action action)
        {
            // Best of five rounds of ≈ 200 ms: this shared host's neighbours move single rounds by ± 50 %.
            for (var i = 0; i < 3; i++) action();
            var best = double.MaxValue;
            for (var round = 0; round < 5; round++)
            {
                var sw = Stopwatch.StartNew();
                var n = 0;
                while (sw.ElapsedMilliseconds < 200) { action(); n++; }
                best = Math.Min(best, sw.Elapsed.TotalMilliseconds / n);
            }
            Console.WriteLine($"{what,-22} {best,10:0.0000} ms   {utf8 / 1e6 / (best / 1000),8:0.0} MB/s (UTF-8 page bytes)");
        }
        if (args.Length > 3 && args[2] == "dump")
        {
            // The page as the benchmarks run it (filled up to the size), for experiments outside this tool.
            File.WriteAllText(args[3], html);
            return 0;
        }
        if (args.Length > 3 && args[2] == "literals")
        {
            // The catalog's literals, one per line (for experiments outside this tool).
            File.WriteAllLines(args[3], catalog.Literals);
            return 0;
        }
        if (args.Length > 2 && args[2] == "brands")
        {
            // The brand-name prefilter (BrandNameFilter) against the one search over every name it replaced, alternated.
            var names = catalog.Brands.SelectMany(b => b.Names).Where(n => n.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
            var old = System.Buffers.SearchValues.Create(names, StringComparison.OrdinalIgnoreCase);
            var filter = new BrandNameFilter(names);
            var titles = Corpus.LabPages().Select(p => PageFacts.FromHtml(p.Html)).SelectMany(f => new[] { f.Title, f.Meta.GetValueOrDefault("og:site_name"), f.Meta.GetValueOrDefault("og:title") }).OfType<string>().Select(t => t.Trim()).ToArray();
            var disagree = titles.Count(t => (t.AsSpan().IndexOfAny(old) >= 0) && !filter.MayName(t));
            Console.WriteLine($"{titles.Length} texts, {titles.Count(t => t.AsSpan().IndexOfAny(old) >= 0)} named by old, {titles.Count(t => filter.MayName(t))} by new, missed by new {disagree}");
            double bestOld = double.MaxValue, bestNew = double.MaxValue;
            var n = 0; // kept, so that the searches are not optimised away
            for (var round = 0; round < 20; round++)
            {
                var sw = Stopwatch.StartNew();
                for (var k = 0; k < 2000; k++) foreach (var t in titles) n += t.AsSpan().IndexOfAny(old) >= 0 ? 1 : 0;
                bestOld = Math.Min(bestOld, sw.Elapsed.TotalMilliseconds * 1000 / (2000.0 * titles.Length));
                sw.Restart();
                for (var k = 0; k < 2000; k++) foreach (var t in titles) n += filter.MayName(t) ? 1 : 0;
                bestNew = Math.Min(bestNew, sw.Elapsed.TotalMilliseconds * 1000 / (2000.0 * titles.Length));
            }
            Console.WriteLine($"per text: old {bestOld * 1000:0} ns, new {bestNew * 1000:0} ns ({n} found)");
            return 0;
        }
        if (args.Length > 2 && args[2] == "run")
        {
            // Only the engine's best-of-five figure (engine-compare.sh alternates two builds with it).
            Time("catalog.Run", () => catalog.Run(facts));
            return 0;
        }
        Time("PageFacts.FromHtml", () => PageFacts.FromHtml(html));
        Time("GradioConfig.Parse", () => GradioConfig.Parse(html));
        Time("Compliance.Find", () => Compliance.Find(html));
        Time("catalog.Run", () => catalog.Run(facts));
        if (facts.Gradio is { } g)
        {
            var without = facts with { Gradio = null };
            Time("catalog.Run, no Gradio", () => catalog.Run(without));
            Console.WriteLine($"Gradio text {g.Text.Length} chars ({g.EscapedText.Length} escaped), {g.PlaceStarts?.Length} places, page {html.Length} chars, unmasked {Unmasking.Unmask(html)?.Length}");
            Time("Gradio text scan", () => catalog.CountLiteralHits(g.Text));
            Time("escaped text scan", () => catalog.CountLiteralHits(g.EscapedText));
        }
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++) catalog.Run(facts);
        Console.WriteLine($"catalog.Run allocates {(GC.GetAllocatedBytesForCurrentThread() - before) / 100.0 / 1024:0.00} KB per page");
        // A page as production meets it: its facts read afresh, so nothing the facts keep (the Gradio config's decoded
        // text for hit offsets) carries over from the run before.
        Time("FromHtml + Run", () => catalog.Run(PageFacts.FromHtml(html)));
        before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10; i++) catalog.Run(PageFacts.FromHtml(html));
        Console.WriteLine($"FromHtml + Run allocates {(GC.GetAllocatedBytesForCurrentThread() - before) / 10.0 / 1024:0.00} KB per page");
        before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10; i++) PageFacts.FromHtml(html);
        Console.WriteLine($"  of which FromHtml {(GC.GetAllocatedBytesForCurrentThread() - before) / 10.0 / 1024:0.00} KB");
        Console.WriteLine($"literals {catalog.LiteralCount}, hits {catalog.CountLiteralHits(html)}");
        Time("literal scan only", () => catalog.CountLiteralHits(html));
        // Text no literal can start in (the pair table says no everywhere): the loop's own speed.
        var plain = string.Create(html.Length, 0, static (chars, _) => { for (var i = 0; i < chars.Length; i++) chars[i] = "qjqz"[i & 3]; });
        Time("scan, once per literal", () => catalog.ScanOnce(html));
        Time("scan + pattern terms", () => catalog.ScanPatternsOnly(html));
        Time("Unmasking.Unmask", () => Unmasking.Unmask(html));
        var anchors = (string)typeof(CompiledCatalog).GetField("_anchorCharacters", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.GetValue(catalog)!;
        Time("first masked, anchor", () => Unmasking.FirstMaskedAndAnchor(html, anchors));
        var everyFiftieth = Enumerable.Range(0, html.Length / 50).Select(i => i * 50 + 13).ToArray();
        Time($"negation x{everyFiftieth.Length}", () => { foreach (var at in everyFiftieth) CompiledCatalog.Negated(html, at); });
        Time("scan of qjqz…", () => catalog.CountLiteralHits(plain));
        var lits = catalog.Literals.ToArray();
        var ascii = lits.Where(l => System.Text.Ascii.IsValid(l)).ToArray();
        var other = lits.Where(l => !System.Text.Ascii.IsValid(l)).ToArray();
        Console.WriteLine($"ascii {ascii.Length}, non-ascii {other.Length}");
        foreach (var size in new[] { 16, 32, 64, 128, 1000 })
        {
            var groupsA = ascii.Chunk(size).Select(c => System.Buffers.SearchValues.Create(c, StringComparison.OrdinalIgnoreCase)).ToArray();
            var groupsO = other.Chunk(size).Select(c => System.Buffers.SearchValues.Create(c, StringComparison.Ordinal)).ToArray();
            Time($"split {size}: {groupsA.Length}+{groupsO.Length}", () =>
            {
                foreach (var g in groupsA.Concat(groupsO)) { var sp = html.AsSpan(); int pos = 0; while (pos < sp.Length) { var f = sp[pos..].IndexOfAny(g); if (f < 0) break; pos += f + 1; } }
            });
        }
        return 0;
    }
}
