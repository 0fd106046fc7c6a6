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
        var seconds = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 10;
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
                    new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(pk, "latest") { ["Json0"] = payload }),
                    new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(pk, "h|1") { ["Json0"] = payload }),
                ], ct);
                Interlocked.Increment(ref done);
            }
        });
        var rate = done / clock.Elapsed.TotalSeconds;
        Console.WriteLine($"{{\"azuriteTableTransactionsPerSecond\":{rate:0.0},\"azuritePeakRssMb\":{SweepHarness.PeakRssMb(azurite.ProcessId)}}}");
        return 0;
    }
}
