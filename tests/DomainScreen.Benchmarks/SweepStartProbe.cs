using System.Diagnostics;
using System.Globalization;
using DomainScreen.Core;
using DomainScreen.Core.Domains;
using DomainScreen.Core.Storage;
using DomainScreen.Core.Sweeps;
using DomainScreen.Local.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DomainScreen.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release -- sweepstart [mixed] [candidates…]</c>: a sweep start over N candidates in Azurite (in memory),
/// with nothing consuming the queue, for each N given (default 100000 1000000). The names are <c>cand{i}.example.com</c>
/// added in name order (a zone file's shape); with <c>mixed</c> each starts with three characters spread over letters and digits (then "q-") and they are added
/// in random order (the shape of names from certificate logs and lookalike scans). Prints the time to queue every batch,
/// batches/s, and this process's managed heap and working set sampled while it queued: they must not grow with N
/// (candidates are streamed a page at a time; the cursor is stored as batches go).
/// </summary>
internal static class SweepStartProbe
{
    public static async Task<int> RunAsync(string[] args)
    {
        var mixed = args.Length > 0 && args[0] == "mixed";
        if (mixed) args = args[1..];
        var sizes = args.Length > 0 ? args.Select(a => int.Parse(a, CultureInfo.InvariantCulture)).ToArray() : [100_000, 1_000_000];
        await using var azurite = await AzuriteProcess.StartAsync(log: Console.Error.WriteLine);
        var prefix = 0;
        foreach (var size in sizes)
        {
            await using var services = Build(azurite.ConnectionString, $"p{prefix++}");
            var storage = services.GetRequiredService<StorageClients>();
            await storage.EnsureCreatedAsync();
            var fill = Stopwatch.StartNew();
            await FillAsync(services, size, mixed);
            fill.Stop();

            // Peers in the same run: reading every candidate page alone, and sending as many messages alone (16 at a time).
            var read = Stopwatch.StartNew();
            var streamed = 0;
            await foreach (var _ in services.GetRequiredService<CandidateStore>().StreamAsync(null, CancellationToken.None)) streamed++;
            read.Stop();
            // GET /api/candidates's way: pages of 1,000 (the most it gives), each from where the last ended.
            var paging = Stopwatch.StartNew();
            var (paged, pages, slowest) = (0, 0, 0.0);
            for (string? after = null; ;)
            {
                var page = Stopwatch.StartNew();
                var (list, last) = await services.GetRequiredService<CandidateStore>().PageAsync(after, 1000, null, null, null, CancellationToken.None);
                slowest = Math.Max(slowest, page.Elapsed.TotalSeconds);
                (paged, pages, after) = (paged + list.Count, pages + 1, last);
                if (after is null) break;
            }
            paging.Stop();
            if (paged != streamed) throw new InvalidOperationException($"paged {paged} of {streamed} candidates");
            var send = Stopwatch.StartNew();
            var message = new string('x', 1200);
            var perMessage = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<DomainScreen.Core.Screening.ScreeningOptions>>().Value.DomainsPerMessage;
            var messages = (streamed + perMessage - 1) / perMessage;
            for (var sent = 0; sent < messages; sent += 16)
            {
                await Task.WhenAll(Enumerable.Range(0, Math.Min(16, messages - sent)).Select(_ => storage.SweepQueue.SendMessageAsync(message)));
            }
            send.Stop();
            await storage.SweepQueue.ClearMessagesAsync();

            // Reading and sending interleaved, as a start does, without the cursor writes.
            var both = Stopwatch.StartNew();
            var pending = 0;
            await foreach (var _ in services.GetRequiredService<CandidateStore>().StreamAsync(null, CancellationToken.None))
            {
                if (++pending < 16 * perMessage) continue;
                pending = 0;
                await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => storage.SweepQueue.SendMessageAsync(message)));
            }
            both.Stop();
            await storage.SweepQueue.ClearMessagesAsync();
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"read and send interleaved: {both.Elapsed.TotalSeconds:0.0} s"));

            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            var baseline = (Heap: GC.GetTotalMemory(true), Ws: Environment.WorkingSet);
            var peak = baseline;
            using var sampling = new CancellationTokenSource();
            var sampler = Task.Run(async () =>
            {
                using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
                while (await timer.WaitForNextTickAsync(sampling.Token).ConfigureAwait(false))
                {
                    peak = (Math.Max(peak.Heap, GC.GetTotalMemory(false)), Math.Max(peak.Ws, Environment.WorkingSet));
                }
            });
            var clock = Stopwatch.StartNew();
            var status = await services.GetRequiredService<SweepService>().StartManualAsync(CancellationToken.None);
            clock.Stop();
            await sampling.CancelAsync();
            await sampler.ContinueWith(_ => { }, TaskScheduler.Default);
            var queued = (await storage.SweepQueue.GetPropertiesAsync()).Value.ApproximateMessagesCount;
            await storage.SweepQueue.ClearMessagesAsync();

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{size,9:N0} candidates (filled in {fill.Elapsed.TotalSeconds:0} s): start queued {status!.Total:N0} names in {status.Batches:N0} batches " +
                $"({queued:N0} messages) in {clock.Elapsed.TotalSeconds:0.0} s = {status.Batches / clock.Elapsed.TotalSeconds:N0} batches/s, " +
                $"{status.Total / clock.Elapsed.TotalSeconds:N0} names/s; managed heap peak {peak.Heap / 1e6:0} MB (before {baseline.Heap / 1e6:0} MB), " +
                $"working set peak {peak.Ws / 1e6:0} MB (before {baseline.Ws / 1e6:0} MB); peers: reading the candidates alone {read.Elapsed.TotalSeconds:0.0} s, " +
                $"paging them as GET /api/candidates does {paging.Elapsed.TotalSeconds:0.0} s ({pages:N0} pages, slowest {slowest:0.00} s), " +
                $"sending {messages:N0} messages alone {send.Elapsed.TotalSeconds:0.0} s"));

            // The API's way (POST /api/sweeps): the request creates the sweep and sends its start; the sweep-starts
            // trigger queues the batches. Both timed, on the same candidates.
            var sweepService = services.GetRequiredService<SweepService>();
            var request = Stopwatch.StartNew();
            var requested = await sweepService.RequestManualAsync(CancellationToken.None);
            request.Stop();
            var start = (await storage.SweepStartQueue.ReceiveMessageAsync()).Value;
            var trigger = Stopwatch.StartNew();
            await sweepService.ProcessStartAsync(start.Body.ToString(), CancellationToken.None);
            trigger.Stop();
            await storage.SweepStartQueue.DeleteMessageAsync(start.MessageId, start.PopReceipt);
            var viaTrigger = (await services.GetRequiredService<SweepStore>().GetAsync(requested.SweepId, CancellationToken.None))!;
            await storage.SweepQueue.ClearMessagesAsync();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{size,9:N0} candidates via the API's path: request answered in {request.Elapsed.TotalMilliseconds:0} ms (state {requested.State}), " +
                $"the sweep-starts trigger then queued {viaTrigger.Total:N0} names in {viaTrigger.Batches:N0} batches in {trigger.Elapsed.TotalSeconds:0.0} s"));
        }
        return 0;
    }

    internal static ServiceProvider Build(string connection, string tablePrefix)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = connection,
            ["Storage:TablePrefix"] = tablePrefix,
        }).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        services.AddDomainScreening(configuration);
        return services.BuildServiceProvider();
    }

    // Candidates in chunks of 10,000 names from one source, 8 chunks at a time (the fill is not what is measured).
    private static async Task FillAsync(IServiceProvider services, int size, bool mixed)
    {
        var parser = services.GetRequiredService<DomainParser>();
        var store = services.GetRequiredService<CandidateStore>();
        var random = new Random(20261205);
        const string alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        var order = Enumerable.Range(0, size).ToArray();
        if (mixed) random.Shuffle(order);
        var chunks = order.Chunk(10_000).Select(chunk => chunk.Select(i => parser.TryParse(mixed
            ? string.Create(CultureInfo.InvariantCulture, $"{alphabet[i % 36]}{alphabet[i / 36 % 36]}{alphabet[i / 1296 % 36]}q-cand{i:x7}.example.com")
            : string.Create(CultureInfo.InvariantCulture, $"cand{i:x7}.example.com")).Name!).ToList());
        await Parallel.ForEachAsync(chunks, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (names, ct) =>
        {
            await store.AddAsync(names, "feed:bench", ct);
        });
    }
}
