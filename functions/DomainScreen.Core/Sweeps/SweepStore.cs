using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using DomainScreen.Core.Scoring;
using DomainScreen.Core.Storage;

namespace DomainScreen.Core.Sweeps;

/// <summary>Where a sweep's queueing stands: what is queued so far, and from which candidate to continue.</summary>
internal sealed record SweepCursor(string SweepId, DateTimeOffset StartedAt, string Trigger, string State, string? After, int Batches, int Total,
    int Watchlist, Dictionary<string, int> Sources, ETag ETag);

/// <summary>
/// Sweeps in the <c>Sweeps</c> table, partition = sweep id: <c>meta</c> (trigger, queueing state and cursor, counts by
/// source), <c>progress|0</c>…<c>progress|7</c> (counters), one <c>b|{requestId}</c> row per screened batch with its tally, and
/// <c>report</c> once done. A batch's row and the counters change in one transaction, so a redelivered batch is
/// counted once (its row exists) and progress is a point read and one range of counter rows however large the sweep
/// (the counters are spread over eight rows so batches finishing together rarely race). With the tally, in the same
/// transaction, a check row records which names the batch screened and when: <c>c|{last name}</c> for a batch of
/// candidates (a sweep's batches are consecutive runs of names, so the row for a name is the first whose key is not
/// below it), <c>w|{last name}</c> for a watchlist batch. That is how a domain whose result did not change, and so was
/// not written again, still shows when it was last checked. Partition <c>latest</c> points at the newest sweep.
/// </summary>
public sealed class SweepStore(StorageClients storage) : Screening.IDomainCheckLog
{
    private const string MetaKey = "meta", ProgressKey = "progress", ReportKey = "report", BatchPrefix = "b|";

    /// <summary>Creates the sweep (meta and progress together); false when it exists already.</summary>
    internal async Task<bool> TryCreateAsync(string sweepId, DateTimeOffset startedAt, string trigger, CancellationToken cancellationToken)
    {
        List<TableTransactionAction> actions =
        [
            new(TableTransactionActionType.Add, new TableEntity(sweepId, MetaKey)
            {
                ["StartedAt"] = startedAt, ["Trigger"] = trigger, ["State"] = SweepStates.Queueing, ["Batches"] = 0, ["Total"] = 0, ["Watchlist"] = 0,
                ["Sources"] = "{}",
            }),
            .. Enumerable.Range(0, ProgressShards).Select(k => new TableTransactionAction(TableTransactionActionType.Add,
                new TableEntity(sweepId, ShardKey(k)) { ["BatchesDone"] = 0, ["Screened"] = 0, ["Failed"] = 0 })),
        ];
        try
        {
            await storage.Sweeps.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
        }
        catch (TableTransactionFailedException ex) when (ex.Status == 409)
        {
            // Created by another starter — unless this very transaction landed and only its answer was lost.
            if (!await storage.Sweeps.LandedAsync(actions, cancellationToken).ConfigureAwait(false)) return false;
        }
        await storage.Sweeps.UpsertEntityAsync(new TableEntity("latest", "latest") { ["SweepId"] = sweepId, ["StartedAt"] = startedAt },
            TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        return true;
    }

    internal async Task<SweepCursor?> GetCursorAsync(string sweepId, CancellationToken cancellationToken)
    {
        var response = await storage.Sweeps.GetEntityIfExistsAsync<TableEntity>(sweepId, MetaKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!response.HasValue) return null;
        var e = response.Value!;
        return new SweepCursor(sweepId, e.GetDateTimeOffset("StartedAt") ?? default, e.GetString("Trigger") ?? "", e.GetString("State") ?? SweepStates.Queued,
            e.GetString("After"), e.GetInt32("Batches") ?? 0, e.GetInt32("Total") ?? 0, e.GetInt32("Watchlist") ?? 0,
            JsonSerializer.Deserialize(e.GetString("Sources") ?? "{}", CoreJson.Default.DictionaryStringInt32) ?? [], e.ETag);
    }

    /// <summary>Records queueing progress if nobody else moved it; returns the new cursor, or null when another starter did.</summary>
    internal async Task<SweepCursor?> TryAdvanceAsync(SweepCursor cursor, CancellationToken cancellationToken)
    {
        var entity = new TableEntity(cursor.SweepId, MetaKey)
        {
            ["StartedAt"] = cursor.StartedAt, ["Trigger"] = cursor.Trigger, ["State"] = cursor.State, ["After"] = cursor.After, ["Batches"] = cursor.Batches,
            ["Total"] = cursor.Total, ["Watchlist"] = cursor.Watchlist, ["Sources"] = JsonSerializer.Serialize(cursor.Sources, CoreJson.Default.DictionaryStringInt32),
        };
        // A write whose answer was lost is not "another starter moved the cursor" (LostAnswers): taken for one, a 100k sweep
        // against a saturated emulator stopped queueing at 88,000 of 100,000 and never finished.
        return await storage.Sweeps.TryReplaceAsync(entity, cursor.ETag, cancellationToken).ConfigureAwait(false) is { } etag
            ? cursor with { ETag = etag }
            : null;
    }

    /// <summary>
    /// Adds a batch's tally and its counters (and its check row) in one transaction; returns how many batches of the
    /// sweep are done after it, or null when the batch was recorded before (a redelivery) or the sweep is unknown.
    /// Retries when another batch changed the same counter row in between.
    /// </summary>
    internal async Task<int?> RecordBatchAsync(string sweepId, string requestId, BatchTally tally, CancellationToken cancellationToken,
        BatchCheck? check = null)
    {
        var row = new TableEntity(sweepId, BatchPrefix + requestId);
        JsonChunks.Write(row, JsonSerializer.Serialize(tally, CoreJson.Default.BatchTally));
        TableEntity? checkRow = null;
        if (check is { Domains.Count: > 0 })
        {
            var names = check.Domains.Order(StringComparer.Ordinal).ToArray();
            checkRow = new TableEntity(sweepId, (check.Watchlist ? WatchCheckPrefix : CheckPrefix) + names[^1]) { ["At"] = check.At, ["RequestId"] = requestId };
            JsonChunks.Write(checkRow, string.Join('\n', names));
        }
        // The batch counts into one of several counter rows (by its request id), and a batch that lost the race for its
        // row tries the next one: the counts are summed over the rows, so any row will do. With 8 rows and a retry on the
        // same row, a 30k repeated sweep (256 batches in flight, each read-modify-write ≈ 0.8 s against a busy emulator)
        // spent ≈ 4 extra reads and transactions per batch on lost races (docs/benchmarks.md, "Seventh session").
        var first = Fnv(requestId);
        for (var attempt = 0; ; attempt++)
        {
            var found = default(NullableResponse<TableEntity>);
            // A sweep created with fewer rows (8 before 32) or with the one "progress" row of the first release.
            var slot = first + (uint)attempt;
            foreach (var key in (string[])[ShardKey((int)(slot % ProgressShards)), ShardKey((int)(slot % LegacyProgressShards)), ProgressKey])
            {
                found = await storage.Sweeps.GetEntityIfExistsAsync<TableEntity>(sweepId, key, cancellationToken: cancellationToken).ConfigureAwait(false);
                if (found.HasValue) break;
            }
            if (!found!.HasValue) return null; // a batch of a sweep that is not (or no longer) recorded: nothing to count it in
            var progress = found.Value!;
            progress["BatchesDone"] = (progress.GetInt32("BatchesDone") ?? 0) + 1;
            progress["Screened"] = (progress.GetInt32("Screened") ?? 0) + tally.Count;
            progress["Failed"] = (progress.GetInt32("Failed") ?? 0) + tally.Failed;
            foreach (var (band, n) in tally.Bands) progress["Band_" + band] = (progress.GetInt32("Band_" + band) ?? 0) + n;
            try
            {
                List<TableTransactionAction> actions =
                [
                    new(TableTransactionActionType.Add, row),
                    new(TableTransactionActionType.UpdateReplace, progress, progress.ETag),
                ];
                // Upsert: two runs of names cannot end on the same name, and a redelivery fails on the tally row anyway.
                if (checkRow is not null) actions.Add(new(TableTransactionActionType.UpsertReplace, checkRow));
                await storage.Sweeps.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
                return (await ProgressAsync(sweepId, cancellationToken).ConfigureAwait(false)).GetValueOrDefault("BatchesDone");
            }
            catch (TableTransactionFailedException ex) when (ex.Status == 409)
            {
                return null;
            }
            catch (TableTransactionFailedException ex) when (ex.Status == 412 && attempt < 50)
            {
                // Another batch of the same sweep updated this row first: count into the next row.
            }
        }
    }

    public async Task<SweepStatus?> GetAsync(string sweepId, CancellationToken cancellationToken)
    {
        var cursor = await GetCursorAsync(sweepId, cancellationToken).ConfigureAwait(false);
        if (cursor is null) return null;
        var progress = await ProgressAsync(sweepId, cancellationToken).ConfigureAwait(false);
        var counts = Bands.Ordered.ToDictionary(b => b, b => progress.GetValueOrDefault("Band_" + b));
        return new SweepStatus(sweepId, cursor.StartedAt, cursor.Trigger, cursor.Total, cursor.Batches, progress.GetValueOrDefault("BatchesDone"),
            progress.GetValueOrDefault("Screened"), progress.GetValueOrDefault("Failed"), counts, cursor.State, cursor.Watchlist);
    }

    /// <summary>Counter rows a sweep's batches spread over (sweeps created before this release have 8).</summary>
    internal const int ProgressShards = 32, LegacyProgressShards = 8;

    private static string ShardKey(int shard) => ProgressKey + "|" + shard.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static uint Fnv(string s)
    {
        var hash = 2166136261u;
        foreach (var c in s) hash = (hash ^ c) * 16777619u;
        return hash;
    }

    /// <summary>The sweep's counters summed over its counter rows: one range read ("progress" and "progress|k").</summary>
    private async Task<Dictionary<string, int>> ProgressAsync(string sweepId, CancellationToken cancellationToken)
    {
        var sums = new Dictionary<string, int>(StringComparer.Ordinal);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {sweepId} and RowKey ge {ProgressKey} and RowKey lt {ProgressKey + "}"}");
        await foreach (var e in storage.Sweeps.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            foreach (var (key, value) in e)
            {
                if (value is int n) sums[key] = sums.GetValueOrDefault(key) + n;
            }
        }
        return sums;
    }

    /// <summary>Every batch tally of a sweep (for its report).</summary>
    internal async Task<List<BatchTally>> TalliesAsync(string sweepId, CancellationToken cancellationToken)
    {
        var list = new List<BatchTally>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {sweepId} and RowKey ge {BatchPrefix} and RowKey lt {"b}"}");
        await foreach (var e in storage.Sweeps.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            list.Add(JsonSerializer.Deserialize(JsonChunks.Read(e)!, CoreJson.Default.BatchTally)!);
        }
        return list;
    }

    /// <summary>Stores the final report once; false when it was stored before.</summary>
    internal async Task<bool> TrySaveReportAsync(SweepReport report, CancellationToken cancellationToken)
    {
        var e = new TableEntity(report.SweepId, ReportKey);
        JsonChunks.Write(e, JsonSerializer.Serialize(report, CoreJson.Default.SweepReport));
        if (!await storage.Sweeps.TryAddAsync(e, cancellationToken).ConfigureAwait(false)) return false; // stored before
        // The reports in time order (newest first), for "new since the previous sweep".
        await storage.Sweeps.UpsertEntityAsync(new TableEntity(ReportsIndex, ReportIndexKey(report.StartedAt, report.SweepId)) { ["SweepId"] = report.SweepId },
            TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private const string ReportsIndex = "reports";
    private const string CheckPrefix = "c|", WatchCheckPrefix = "w|";

    /// <summary>
    /// When the newest sweeps (the latest and the three newest reported) last screened <paramref name="domain"/>: two
    /// one-row range reads per sweep, newest sweep first.
    /// </summary>
    public async Task<Screening.DomainCheck?> LastCheckedAsync(string domain, CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        if (await LatestIdAsync(cancellationToken).ConfigureAwait(false) is { } latest) ids.Add(latest);
        await foreach (var e in storage.Sweeps.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {ReportsIndex}"), maxPerPage: 4,
            cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (e.GetString("SweepId") is { } id && !ids.Contains(id)) ids.Add(id);
            if (ids.Count >= 4) break;
        }
        foreach (var sweepId in ids)
        {
            var found = await Task.WhenAll(FindCheckAsync(sweepId, CheckPrefix, domain, cancellationToken), FindCheckAsync(sweepId, WatchCheckPrefix, domain, cancellationToken))
                .ConfigureAwait(false);
            if (found.OfType<Screening.DomainCheck>().MaxBy(c => c.At) is { } check) return check;
        }
        return null;
    }

    private async Task<Screening.DomainCheck?> FindCheckAsync(string sweepId, string prefix, string domain, CancellationToken cancellationToken)
    {
        var end = prefix[..^1] + (char)(prefix[^1] + 1);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {sweepId} and RowKey ge {prefix + domain} and RowKey lt {end}");
        await foreach (var e in storage.Sweeps.QueryAsync<TableEntity>(filter, maxPerPage: 1, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var names = JsonChunks.Read(e)?.Split('\n') ?? [];
            return Array.BinarySearch(names, domain, StringComparer.Ordinal) >= 0 && e.GetDateTimeOffset("At") is { } at
                ? new Screening.DomainCheck(at, sweepId, e.GetString("RequestId") ?? "")
                : null;
        }
        return null;
    }

    private static string ReportIndexKey(DateTimeOffset startedAt, string sweepId) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{DateTimeOffset.MaxValue.UtcTicks - startedAt.UtcTicks:D19}|{sweepId}");

    public async Task<SweepReport?> GetReportAsync(string sweepId, CancellationToken cancellationToken)
    {
        var response = await storage.Sweeps.GetEntityIfExistsAsync<TableEntity>(sweepId, ReportKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        return response.HasValue && JsonChunks.Read(response.Value!) is { } json ? JsonSerializer.Deserialize(json, CoreJson.Default.SweepReport) : null;
    }

    public async Task<string?> LatestIdAsync(CancellationToken cancellationToken)
    {
        var response = await storage.Sweeps.GetEntityIfExistsAsync<TableEntity>("latest", "latest", cancellationToken: cancellationToken).ConfigureAwait(false);
        return response.HasValue ? response.Value!.GetString("SweepId") : null;
    }

    /// <summary>The newest stored reports, newest first (at most <paramref name="top"/>).</summary>
    public async Task<List<SweepReport>> RecentReportsAsync(int top, CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {ReportsIndex}");
        await foreach (var e in storage.Sweeps.QueryAsync<TableEntity>(filter, maxPerPage: top, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (e.GetString("SweepId") is { } id) ids.Add(id);
            if (ids.Count == top) break;
        }
        var reports = await Task.WhenAll(ids.Select(id => GetReportAsync(id, cancellationToken))).ConfigureAwait(false);
        return reports.OfType<SweepReport>().ToList();
    }

    /// <summary>The newest report of a sweep that started before <paramref name="startedBefore"/> (for "new since the previous sweep").</summary>
    internal async Task<SweepReport?> PreviousReportAsync(string sweepId, DateTimeOffset startedBefore, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {ReportsIndex} and RowKey gt {ReportIndexKey(startedBefore, "~")}");
        await foreach (var e in storage.Sweeps.QueryAsync<TableEntity>(filter, maxPerPage: 5, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (e.GetString("SweepId") is { } id && id != sweepId) return await GetReportAsync(id, cancellationToken).ConfigureAwait(false);
        }
        return null;
    }
}
