using System.Diagnostics;
using Azure.Data.Tables;
using DomainScreen.Local.Hosting;

namespace DomainScreen.Benchmarks;

/// <summary>
/// `azurite`: the storage emulator's own capacity on this machine, as a peer for the sweep: how many
/// result-sized table transactions (two ~6 KB entities, as one screen writes) it accepts per second.
/// </summary>
public static class AzuriteProbe
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length > 0 && args[0] == "scaling") return await ScalingAsync(args[1..]);
        if (args.Length > 0 && args[0] == "persistence") return await PersistenceAsync(args[1..]);
        if (args.Length > 0 && args[0] == "grouping") return await GroupingAsync(args[1..]);
        var seconds = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 10;
        // A second argument: the latest row's size in characters (default the same as the history row's).
        var latestSize = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 6000;
        await using var azurite = await AzuriteProcess.StartAsync();
        var table = new TableServiceClient(azurite.ConnectionString).GetTableClient("Probe");
        await table.CreateIfNotExistsAsync();
        var payload = new string('x', 6000);
        long done = 0;
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, 64), async (worker, ct) =>
        {
            for (var i = 0; clock.Elapsed.TotalSeconds < seconds; i++)
            {
                var pk = $"d{worker}-{i}";
                await table.SubmitTransactionAsync(
                [
                    new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(pk, "latest|" + pk) { ["Json0"] = payload[..latestSize] }),
                    new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(pk, "h|1") { ["Json0"] = payload }),
                ], ct);
                Interlocked.Increment(ref done);
            }
        });
        var rate = done / clock.Elapsed.TotalSeconds;
        Console.WriteLine($"{{\"azuriteTableTransactionsPerSecond\":{rate:0.0},\"azuritePeakRssMb\":{SweepHarness.PeakRssMb(azurite.ProcessId)}}}");
        return 0;
    }
    /// <summary>
    /// `azurite persistence [MB] [dir]`: Azurite with its data on disk (as `serve` starts it) filled with MB megabytes of
    /// table entities (transactions of 100 rows of ~32 KB), then one autosave period later: is it still serving, and how
    /// large is its table database file? LokiJS saves the whole database as one JSON string every 5 s.
    /// </summary>
    private static async Task<int> PersistenceAsync(string[] args)
    {
        var megabytes = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 600;
        var location = args.Length > 1 ? args[1] : Path.Combine(Path.GetTempPath(), "azurite-persistence-probe");
        if (Directory.Exists(location)) Directory.Delete(location, recursive: true);
        await using var azurite = await AzuriteProcess.StartAsync(location: location, log: Console.Error.WriteLine);
        var table = new TableServiceClient(azurite.ConnectionString).GetTableClient("Persistence");
        await table.CreateIfNotExistsAsync();
        var payload = new string('x', 32_000);
        var written = 0L;
        var clock = Stopwatch.StartNew();
        for (var t = 0; written < megabytes * 1_000_000L; t++)
        {
            var actions = Enumerable.Range(0, 100).Select(j => new TableTransactionAction(TableTransactionActionType.UpsertReplace,
                new TableEntity($"p{t}", $"r{j}") { ["Json0"] = payload })).ToList();
            try
            {
                await table.SubmitTransactionAsync(actions);
            }
            catch (Exception ex) when (ex is Azure.RequestFailedException or HttpRequestException or AggregateException)
            {
                Console.WriteLine($"{{\"writtenMb\":{written / 1_000_000},\"failedAfterSeconds\":{clock.Elapsed.TotalSeconds:0.0},\"error\":\"{ex.GetType().Name}\"}}");
                return 1;
            }
            written += 100L * payload.Length;
        }
        await Task.Delay(TimeSpan.FromSeconds(12));
        var file = Path.Combine(location, "__azurite_db_table__.json");
        var alive = true;
        try
        {
            await table.GetEntityIfExistsAsync<TableEntity>("p0", "r0");
        }
        catch (Exception ex) when (ex is Azure.RequestFailedException or HttpRequestException)
        {
            alive = false;
        }
        Console.WriteLine($"{{\"writtenMb\":{written / 1_000_000},\"seconds\":{clock.Elapsed.TotalSeconds:0.0},\"aliveAfterAutosave\":{(alive ? "true" : "false")},\"tableFileMb\":{(File.Exists(file) ? new FileInfo(file).Length / 1_000_000 : 0)}}}");
        return alive ? 0 : 1;
    }

    /// <summary>
    /// `azurite scaling [sizes]`: what one request of each kind costs as a table grows (rows of ~2 KB spread over 26
    /// partitions, like the registration cache): a point read, a point upsert, a two-entity transaction and a range query
    /// returning 25 rows. A cost that grows with the table is a scan.
    /// </summary>
    /// <summary>
    /// `azurite grouping [domains]`: the emulator thread's CPU per domain for result-sized writes (a 3 KB history row and
    /// a 0.8 KB latest row per domain) sent one domain per transaction (as results are stored today), as single-row
    /// upserts, and 50 domains per transaction (one partition) — what writing a message's results together would save.
    /// </summary>
    private static async Task<int> GroupingAsync(string[] args)
    {
        var domains = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 4000;
        await using var azurite = await AzuriteProcess.StartAsync();
        var table = new TableServiceClient(azurite.ConnectionString).GetTableClient("Grouping");
        await table.CreateIfNotExistsAsync();
        var history = new string('h', 3000);
        var latest = new string('l', 800);
        Console.WriteLine("shape,domains,seconds,azuriteThreadMsPerDomain,requests");
        for (var round = 0; round < 2; round++)
        {
            foreach (var (shape, perRequest, parallel) in new[] { ("transaction-per-domain", 1, 64), ("upsert-per-row", 0, 64), ("50-domains-per-transaction", 50, 8), ("10-domains-per-transaction", 10, 32) })
            {
                var prefix = $"{shape}-{round}";
                var units = perRequest == 0 ? domains * 2 : domains / perRequest;
                var before = SweepHarness.MainThreadCpuSeconds(azurite.ProcessId);
                var clock = Stopwatch.StartNew();
                await Parallel.ForAsync(0, units, new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (u, ct) =>
                {
                    if (perRequest == 0)
                    {
                        var d = $"{prefix}-d{u / 2:D6}.test";
                        // Row keys name the domain: a key shared by every partition makes each emulator upsert a scan.
                        await table.UpsertEntityAsync(new TableEntity(d, (u % 2 == 0 ? "h|" : "latest|") + d) { ["Json0"] = u % 2 == 0 ? history : latest }, TableUpdateMode.Replace, ct);
                        return;
                    }
                    var actions = new List<TableTransactionAction>();
                    var pk = perRequest == 1 ? $"{prefix}-d{u:D6}.test" : $"{prefix}-g{u:D6}";
                    for (var j = 0; j < perRequest; j++)
                    {
                        var d = $"{prefix}-d{u * perRequest + j:D6}.test";
                        actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(pk, "h|" + d) { ["Json0"] = history }));
                        actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(pk, "latest|" + d) { ["Json0"] = latest }));
                    }
                    await table.SubmitTransactionAsync(actions, ct);
                });
                var cpu = SweepHarness.MainThreadCpuSeconds(azurite.ProcessId) - before;
                Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"{shape},{domains},{clock.Elapsed.TotalSeconds:0.00},{cpu * 1000 / domains:0.000},{units}"));
            }
        }
        return 0;
    }

    private static async Task<int> ScalingAsync(string[] args)
    {
        var sizes = args.Length > 0 ? args[0].Split(',').Select(int.Parse).ToArray() : [1_000, 10_000, 30_000, 100_000];
        await using var azurite = await AzuriteProcess.StartAsync();
        var table = new TableServiceClient(azurite.ConnectionString).GetTableClient("Scaling");
        await table.CreateIfNotExistsAsync();
        var payload = new string('x', 2000);
        static string Pk(int i) => "g|" + (char)('a' + i % 26);
        static string Rk(int i) => $"name-{i:D7}.test";
        var rows = 0;
        Console.WriteLine("rows,pointReadMs,pointUpsertMs,transactionMs,rangeQueryMs");
        foreach (var size in sizes)
        {
            // Fill to size with transactions of 100 rows of one partition (the fast way in).
            while (rows < size)
            {
                var pk = Pk(rows);
                var actions = new List<TableTransactionAction>();
                for (var j = 0; j < 100 && rows < size; j++, rows++)
                    actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(pk, Rk(rows) + "-" + j) { ["Json0"] = payload }));
                await table.SubmitTransactionAsync(actions);
            }
            async Task<double> Time(Func<int, Task> op)
            {
                for (var i = 0; i < 5; i++) await op(i);
                var clock = Stopwatch.StartNew();
                var n = 0;
                while (clock.ElapsedMilliseconds < 2000 || n < 10) await op(n++);
                return clock.Elapsed.TotalMilliseconds / n;
            }
            var read = await Time(async i => await table.GetEntityIfExistsAsync<TableEntity>("p", "missing-" + i));
            var upsert = await Time(async i => await table.UpsertEntityAsync(new TableEntity("u", "row-" + (i % 50)) { ["Json0"] = payload }, TableUpdateMode.Replace));
            var transaction = await Time(async i => await table.SubmitTransactionAsync(
            [
                new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity("t", "a-" + (i % 50)) { ["Json0"] = payload }),
                new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity("t", "b-" + (i % 50)) { ["Json0"] = payload }),
            ]));
            var range = await Time(async i =>
            {
                var pk = Pk(i);
                var filter = TableClient.CreateQueryFilter($"PartitionKey eq {pk} and RowKey ge {"name-0000000"}");
                var got = 0;
                await foreach (var _ in table.QueryAsync<TableEntity>(filter, maxPerPage: 25)) if (++got == 25) break;
            });
            Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{size},{read:0.00},{upsert:0.00},{transaction:0.00},{range:0.00}"));
        }
        return 0;
    }
}
