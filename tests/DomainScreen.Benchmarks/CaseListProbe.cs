using System.Diagnostics;
using System.Globalization;
using DomainScreen.Core.Review;
using DomainScreen.Core.Storage;
using DomainScreen.Local.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace DomainScreen.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release -- caselist [cases…]</c>: the review queue's list (<c>GET /api/cases</c>: a page in score
/// order and the counts by band over every match) against N open cases in Azurite (in memory), for each N given
/// (default 10000 50000). Prints the time of the first page, of a page from the middle of the queue, and of reading
/// every list entry alone (the counts' share).
/// </summary>
internal static class CaseListProbe
{
    public static async Task<int> RunAsync(string[] args)
    {
        var sizes = args.Length > 0 ? args.Select(a => int.Parse(a, CultureInfo.InvariantCulture)).ToArray() : [10_000, 50_000];
        await using var azurite = await AzuriteProcess.StartAsync(log: Console.Error.WriteLine);
        var prefix = 0;
        foreach (var size in sizes)
        {
            await using var services = SweepStartProbe.Build(azurite.ConnectionString, $"c{prefix++}");
            await services.GetRequiredService<StorageClients>().EnsureCreatedAsync();
            var store = services.GetRequiredService<CaseStore>();
            var fill = Stopwatch.StartNew();
            var t0 = DateTimeOffset.Parse("2026-12-06T00:00:00Z", CultureInfo.InvariantCulture);
            // Scores and bands spread as a sweep's flagged names are; opened in random order.
            var order = Enumerable.Range(0, size).ToArray();
            new Random(20261206).Shuffle(order);
            await Parallel.ForEachAsync(order, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
            {
                var id = string.Create(CultureInfo.InvariantCulture, $"case{i:x6}.example.com");
                var score = 40 + (i * 7 % 61);
                var verdict = new CaseVerdict(id, t0, score >= 70 ? "block" : "review", score, ["nudify"], [], "c", "p", "page", null, "r", "sweep", "sweep-probe");
                var opened = new CaseEvent(1, t0, "system", "system", "opened", "", CaseStates.Pending);
                await store.TryCreateAsync(CaseRules.Open(id, id, verdict, id, t0.AddSeconds(i)), [], null, opened, ct);
            });
            fill.Stop();

            var query = new CaseQuery(null);
            var first = Stopwatch.StartNew();
            var (page, last, counts) = await store.ListAsync(query, 100, null, CancellationToken.None);
            first.Stop();
            // A page from the middle: the key the page before it ended on.
            string? middle = null;
            for (var (n, after) = (0, last); after is not null && n < size / 2; n += 1000)
            {
                (_, after, _) = await store.ListAsync(query, 1000, after, CancellationToken.None);
                middle = after;
            }
            var later = Stopwatch.StartNew();
            var (laterPage, _, _) = await store.ListAsync(query, 100, middle, CancellationToken.None);
            later.Stop();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{size,7:N0} cases (opened in {fill.Elapsed.TotalSeconds:0} s): first page of 100 {first.Elapsed.TotalSeconds:0.00} s " +
                $"({page.Count} cases, counts {string.Join(' ', counts.Select(c => $"{c.Key} {c.Value}"))}), a page from the middle " +
                $"{later.Elapsed.TotalSeconds:0.00} s ({laterPage.Count} cases)"));
        }
        return 0;
    }
}
