using System.Text.Json;
using Azure.Data.Tables;
using DomainScreen.Core.Scoring;
using DomainScreen.Core.Screening;
using DomainScreen.Core.Storage;

namespace DomainScreen.Core.Submissions;

/// <summary>
/// Submissions in the <c>Submissions</c> table: partition = submission id; row <c>meta</c> (who, when, line errors,
/// <c>ListRows</c>); the accepted names in name order, packed into list rows <c>l|{last name of the row}</c> (up to
/// 30,000 characters of names each, so a 10,000-name list is about ten rows and one transaction); one row
/// <c>d|{domain}</c> per screened domain with its state and verdict, and one row <c>b|{requestId}</c> per screened
/// batch with its counts. A name with no <c>d|</c> row is still queued. Every row is keyed, so a redelivered batch
/// rewrites the same rows; the status sums the batch rows (a few hundred for 10,000 names) instead of reading every
/// domain. Submissions written before the list rows (meta without <c>ListRows</c>) have a queued <c>d|</c> row per
/// name and are read as they are.
/// </summary>
/// <remarks>
/// One row per name at creation was 100 transactions and 10,000 entities for a 10,000-name list: ≈ 2.7 s of the
/// analyst's POST against the emulator, and as much storage work as the screening's own results
/// (docs/benchmarks.md, "Sixteenth session").
/// </remarks>
public sealed class SubmissionStore(StorageClients storage)
{
    private const string MetaKey = "meta";
    private const string DomainPrefix = "d|";
    private const string BatchPrefix = "b|";
    private const string ListPrefix = "l|";
    private const int MaxBatch = 100;

    /// <summary>Characters of names (newline-separated) in one list row: one string property holds 32K characters.</summary>
    internal const int ListRowChars = 30_000;

    /// <summary>List rows per transaction: 50 rows of at most 60 KB stay under a transaction's 4 MiB.</summary>
    private const int ListRowsPerTransaction = 50;

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
        var listRows = ListRows(id, domains);
        meta["ListRows"] = listRows.Count;
        // One transaction up to ≈ 60,000 names (two at the 100,000-line limit); a failed one stops the rest and the meta
        // row is not written.
        foreach (var chunk in listRows.Chunk(ListRowsPerTransaction))
        {
            await storage.Submissions.SubmitTransactionAsync(
                chunk.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e)), cancellationToken).ConfigureAwait(false);
        }
        // The meta row last: a submission is visible only once all its rows exist.
        await storage.Submissions.UpsertEntityAsync(meta, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The names in ordinal order, packed into rows keyed by their last name.</summary>
    private static List<TableEntity> ListRows(string id, IReadOnlyList<string> domains)
    {
        var rows = new List<TableEntity>();
        var names = new System.Text.StringBuilder(ListRowChars);
        string? last = null;
        foreach (var domain in domains.Order(StringComparer.Ordinal))
        {
            if (names.Length > 0 && names.Length + 1 + domain.Length > ListRowChars) Flush();
            if (names.Length > 0) names.Append('\n');
            names.Append(domain);
            last = domain;
        }
        if (names.Length > 0) Flush();
        return rows;

        void Flush()
        {
            rows.Add(new TableEntity(id, ListPrefix + last) { ["Names"] = names.ToString() });
            names.Clear();
        }
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
        var metaResponse = await metaTask.ConfigureAwait(false);
        if (!metaResponse.HasValue)
        {
            await batchesTask.ConfigureAwait(false);
            return null;
        }
        var meta = metaResponse.Value!;
        var page = meta.GetInt32("ListRows") is not null
            ? await ReadListedAsync(id, top, after, cancellationToken).ConfigureAwait(false)
            : await ReadDomainsAsync(id, top, after, cancellationToken).ConfigureAwait(false);
        var (completed, failed, counts) = await batchesTask.ConfigureAwait(false);
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

    /// <summary>
    /// A page of names from the list rows (from the first row whose last name is past <paramref name="after"/>), with
    /// the states of those already screened from one range query over their <c>d|</c> rows.
    /// </summary>
    private async Task<(List<SubmissionDomainStatus> Domains, bool More)> ReadListedAsync(string id, int top, string? after, CancellationToken cancellationToken)
    {
        var filter = after is null
            ? TableClient.CreateQueryFilter($"PartitionKey eq {id} and RowKey ge {ListPrefix} and RowKey lt {"l}"}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {id} and RowKey gt {ListPrefix + after} and RowKey lt {"l}"}");
        var names = new List<string>(Math.Min(top + 1, 1000));
        await foreach (var row in storage.Submissions.QueryAsync<TableEntity>(filter, maxPerPage: 4, select: ["Names"], cancellationToken: cancellationToken)
            .ConfigureAwait(false))
        {
            var packed = row.GetString("Names") ?? "";
            foreach (var range in packed.AsSpan().Split('\n'))
            {
                var name = packed[range];
                if (after is not null && string.CompareOrdinal(name, after) <= 0) continue;
                names.Add(name);
                if (names.Count > top) break;
            }
            if (names.Count > top) break;
        }
        var more = names.Count > top;
        if (more) names.RemoveAt(names.Count - 1);
        if (names.Count == 0) return ([], false);

        var states = new Dictionary<string, TableEntity>(StringComparer.Ordinal);
        var screened = TableClient.CreateQueryFilter($"PartitionKey eq {id} and RowKey ge {DomainPrefix + names[0]} and RowKey le {DomainPrefix + names[^1]}");
        await foreach (var e in storage.Submissions.QueryAsync<TableEntity>(screened, maxPerPage: 1000, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            states[e.RowKey[DomainPrefix.Length..]] = e;
        }
        return ([.. names.Select(n => states.TryGetValue(n, out var e) ? DomainStatus(n, e) : new SubmissionDomainStatus(n, DomainStates.Queued, null, null, null))], more);
    }

    /// <summary>A page of a submission written before the list rows: a <c>d|</c> row per name, queued or screened.</summary>
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
            domains.Add(DomainStatus(e.RowKey[DomainPrefix.Length..], e));
        }
        return (domains, false);
    }

    private static SubmissionDomainStatus DomainStatus(string domain, TableEntity e) =>
        new(domain, e.GetString("Status") ?? DomainStates.Queued, e.GetString("Stage"), e.GetDateTimeOffset("ScreenedAt"), e.GetString("Error"),
            e.GetString("Band"), e.GetInt32("Score"), e.GetString("Categories") is { Length: > 0 } c ? c.Split(',') : null);

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
