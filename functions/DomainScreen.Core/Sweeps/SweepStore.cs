using Azure;
using Azure.Data.Tables;
using DomainScreen.Core.Scoring;
using DomainScreen.Core.Screening;
using DomainScreen.Core.Storage;

namespace DomainScreen.Core.Sweeps;

/// <summary>Progress of a sweep.</summary>
public sealed record SweepStatus(
    string SweepId, DateTimeOffset StartedAt, string Trigger, int Total, int Batches, int BatchesDone, int Screened, int Failed,
    IReadOnlyDictionary<string, int>? Counts = null)
{
    public bool Done => BatchesDone >= Batches;
}

/// <summary>
/// Sweeps in the <c>Sweeps</c> table: partition = sweep id, row <c>meta</c>, and one row per finished batch
/// (keyed by request id, so a redelivered batch is counted once).
/// </summary>
public sealed class SweepStore(StorageClients storage)
{
    private const string MetaKey = "meta";
    private const string BatchPrefix = "b|";

    /// <summary>Creates the sweep; false when a sweep with this id already exists (a duplicate timer firing).</summary>
    public async Task<bool> TryCreateAsync(string sweepId, DateTimeOffset startedAt, string trigger, int total, int batches, CancellationToken cancellationToken)
    {
        try
        {
            await storage.Sweeps.AddEntityAsync(new TableEntity(sweepId, MetaKey)
            {
                ["StartedAt"] = startedAt, ["Trigger"] = trigger, ["Total"] = total, ["Batches"] = batches,
            }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return false;
        }
    }

    public Task RecordBatchAsync(string sweepId, string requestId, IReadOnlyCollection<ScreeningResult> results, CancellationToken cancellationToken)
    {
        var row = new TableEntity(sweepId, BatchPrefix + requestId)
        {
            ["Count"] = results.Count,
            ["Failed"] = results.Count(r => r.Status == ScreeningResult.Failed),
        };
        foreach (var band in Bands.Ordered) row["Band_" + band] = results.Count(r => r.Verdict?.Band == band);
        return storage.Sweeps.UpsertEntityAsync(row, TableUpdateMode.Replace, cancellationToken);
    }

    public async Task<SweepStatus?> GetAsync(string sweepId, CancellationToken cancellationToken)
    {
        TableEntity? meta = null;
        int done = 0, screened = 0, failed = 0;
        var counts = Bands.Ordered.ToDictionary(b => b, _ => 0);
        await foreach (var e in storage.Sweeps.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {sweepId}"),
            cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (e.RowKey == MetaKey)
            {
                meta = e;
                continue;
            }
            done++;
            screened += e.GetInt32("Count") ?? 0;
            failed += e.GetInt32("Failed") ?? 0;
            foreach (var band in Bands.Ordered) counts[band] += e.GetInt32("Band_" + band) ?? 0;
        }
        return meta is null ? null : new SweepStatus(sweepId, meta.GetDateTimeOffset("StartedAt") ?? default, meta.GetString("Trigger") ?? "",
            meta.GetInt32("Total") ?? 0, meta.GetInt32("Batches") ?? 0, done, screened, failed, counts);
    }
}
