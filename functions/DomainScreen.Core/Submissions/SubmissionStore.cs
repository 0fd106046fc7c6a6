using System.Text.Json;
using Azure.Data.Tables;
using DomainScreen.Core.Scoring;
using DomainScreen.Core.Screening;
using DomainScreen.Core.Storage;

namespace DomainScreen.Core.Submissions;

/// <summary>
/// Submissions in the <c>Submissions</c> table: partition = submission id; row <c>meta</c> (who, when, line
/// errors), one row <c>d|{domain}</c> per accepted domain with its state and verdict, and one row <c>b|{requestId}</c>
/// per screened batch with its counts. Every row is keyed, so a redelivered batch rewrites the same rows; the status
/// sums the batch rows (a few hundred for 10,000 names) instead of reading every domain.
/// </summary>
public sealed class SubmissionStore(StorageClients storage)
{
    private const string MetaKey = "meta";
    private const string DomainPrefix = "d|";
    private const string BatchPrefix = "b|";
    private const int MaxBatch = 100;

    /// <summary>Row transactions of one new submission in flight at once.</summary>
    private const int CreateParallelism = 4;

    /// <summary>Line errors kept with a submission: at most 2,000, and at most this many characters of JSON.</summary>
    internal const int MaxErrorJson = 200_000;

    public async Task CreateAsync(string id, DateTimeOffset createdAt, string? submittedBy, IReadOnlyList<string> domains,
        IReadOnlyList<SubmissionLineError> errors, CancellationToken cancellationToken)
    {
        var meta = new TableEntity(id, MetaKey)
        {
            ["CreatedAt"] = createdAt,
            ["SubmittedBy"] = submittedBy,
            ["Total"] = domains.Count,
            ["ErrorCount"] = errors.Count,
        };
        JsonChunks.Write(meta, BoundedErrors(errors));
        var rows = domains.Select(d => new TableEntity(id, DomainPrefix + d) { ["Status"] = DomainStates.Queued });
        // A few transactions at once: a 10,000-name list is 100 of them, one after another ≈ 2–3 s of the analyst's
        // request against the emulator. A failed one stops the rest and the meta row is not written.
        await Parallel.ForEachAsync(rows.Chunk(MaxBatch), new ParallelOptions { MaxDegreeOfParallelism = CreateParallelism, CancellationToken = cancellationToken },
            async (chunk, ct) => await storage.Submissions.SubmitTransactionAsync(
                chunk.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e)), ct).ConfigureAwait(false))
            .ConfigureAwait(false);
        // The meta row last: a submission is visible only once all its rows exist.
        await storage.Submissions.UpsertEntityAsync(meta, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Records one screened batch: its domains' states and verdicts, then its counts (in the last transaction).</summary>
    public async Task RecordAsync(string id, string requestId, IReadOnlyList<ScreeningResult> results, CancellationToken cancellationToken)
    {
        var rows = results.Select(r => new TableEntity(id, DomainPrefix + r.Domain)
        {
            ["Status"] = r.Status == ScreeningResult.Completed ? DomainStates.Completed : DomainStates.Failed,
            ["Stage"] = r.Stage,
            ["ScreenedAt"] = r.ScreenedAt,
            ["Error"] = r.Error,
            ["Band"] = r.Verdict?.Band,
            ["Score"] = r.Verdict?.Score,
            ["Categories"] = r.Verdict is { Categories.Count: > 0 } v ? string.Join(',', v.Categories) : null,
        }).ToList();
        var batch = new TableEntity(id, BatchPrefix + requestId)
        {
            ["Count"] = results.Count,
            ["Completed"] = results.Count(r => r.Status == ScreeningResult.Completed),
            ["Failed"] = results.Count(r => r.Status == ScreeningResult.Failed),
        };
        foreach (var band in Bands.Ordered) batch["Band_" + band] = results.Count(r => r.Verdict?.Band == band);
        var chunks = rows.Chunk(MaxBatch - 1).ToList();
        for (var i = 0; i < chunks.Count; i++)
        {
            var actions = chunks[i].Select(e => new TableTransactionAction(TableTransactionActionType.UpsertMerge, e)).ToList();
            if (i == chunks.Count - 1) actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, batch));
            await storage.Submissions.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The submission's totals and one page of its domains (name order) after <paramref name="after"/>; null when unknown.</summary>
    public async Task<SubmissionStatus?> GetAsync(string id, int top, string? after, CancellationToken cancellationToken)
    {
        var metaTask = storage.Submissions.GetEntityIfExistsAsync<TableEntity>(id, MetaKey, cancellationToken: cancellationToken);
        var batchesTask = ReadBatchesAsync(id, cancellationToken);
        var page = await ReadDomainsAsync(id, top, after, cancellationToken).ConfigureAwait(false);
        var metaResponse = await metaTask.ConfigureAwait(false);
        var (completed, failed, counts) = await batchesTask.ConfigureAwait(false);
        if (!metaResponse.HasValue) return null;
        var meta = metaResponse.Value!;
        var errors = JsonChunks.Read(meta) is { } json
            ? JsonSerializer.Deserialize(json, CoreJson.Default.ListSubmissionLineError) ?? []
            : [];
        var total = meta.GetInt32("Total") ?? 0;
        return new SubmissionStatus(id, meta.GetDateTimeOffset("CreatedAt") ?? default, meta.GetString("SubmittedBy"), total,
            Math.Max(0, total - completed - failed), completed, failed, counts, page.Domains, errors,
            page.More ? Api.Paging.Encode(page.Domains[^1].Domain) : null);
    }

    private async Task<(int Completed, int Failed, Dictionary<string, int> Counts)> ReadBatchesAsync(string id, CancellationToken cancellationToken)
    {
        int completed = 0, failed = 0;
        var counts = Bands.Ordered.ToDictionary(b => b, _ => 0);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {id} and RowKey ge {BatchPrefix} and RowKey lt {"b}"}");
        await foreach (var e in storage.Submissions.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            completed += e.GetInt32("Completed") ?? 0;
            failed += e.GetInt32("Failed") ?? 0;
            foreach (var band in Bands.Ordered) counts[band] += e.GetInt32("Band_" + band) ?? 0;
        }
        return (completed, failed, counts);
    }

    private async Task<(List<SubmissionDomainStatus> Domains, bool More)> ReadDomainsAsync(string id, int top, string? after, CancellationToken cancellationToken)
    {
        var from = after is null ? DomainPrefix : DomainPrefix + after;
        var filter = after is null
            ? TableClient.CreateQueryFilter($"PartitionKey eq {id} and RowKey ge {from} and RowKey lt {"d}"}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {id} and RowKey gt {from} and RowKey lt {"d}"}");
        var domains = new List<SubmissionDomainStatus>(Math.Min(top, 1000));
        await foreach (var e in storage.Submissions.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(top + 1, 1000), cancellationToken: cancellationToken)
            .ConfigureAwait(false))
        {
            if (domains.Count == top) return (domains, true);
            domains.Add(new SubmissionDomainStatus(e.RowKey[DomainPrefix.Length..], e.GetString("Status") ?? DomainStates.Queued,
                e.GetString("Stage"), e.GetDateTimeOffset("ScreenedAt"), e.GetString("Error"), e.GetString("Band"), e.GetInt32("Score"),
                e.GetString("Categories") is { Length: > 0 } c ? c.Split(',') : null));
        }
        return (domains, false);
    }

    // The stored list is cut to what fits the table's entity limit, however long each rejected line was.
    private static string BoundedErrors(IReadOnlyList<SubmissionLineError> errors)
    {
        var kept = errors.Take(2000).ToList();
        while (true)
        {
            var json = JsonSerializer.Serialize(kept, CoreJson.Default.ListSubmissionLineError);
            if (json.Length <= MaxErrorJson || kept.Count == 0) return json;
            kept = kept.Take(kept.Count * MaxErrorJson / json.Length * 9 / 10).ToList();
        }
    }
}
