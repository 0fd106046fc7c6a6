using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using DomainScreen.Core.Scoring;
using DomainScreen.Core.Screening;
using DomainScreen.Core.Storage;

namespace DomainScreen.Core.Review;

/// <summary>Filters of GET /api/cases; null means any.</summary>
internal sealed record CaseQuery(IReadOnlyList<string>? States, string? Band = null, string? Category = null, string? Product = null,
    string? Source = null, string? RunId = null, string? AsciiPrefix = null, string? UnicodePrefix = null, DateTimeOffset? Since = null,
    string? Function = null);

/// <summary>Another writer changed the case between our read and our write (the table's ETag no longer matched).</summary>
internal sealed class CaseConflictException() : Exception("the case changed while it was being updated");

/// <summary>
/// Cases in the <c>Cases</c> table, all in one partition so that a case, its list entry, its history and its log
/// change in one transaction (entity-group transactions need one partition; review volume is far below a
/// partition's throughput). Rows: <c>c|{caseId}</c> the case (JSON; its table ETag guards every change),
/// <c>q|{100-score}|{inverted updatedAt}|{caseId}</c> the list entry with filterable properties (so the table
/// returns cases by score, then newest, and pages by key), <c>h|{caseId}|…</c> verdict history keyed by request and
/// host (a redelivered result rewrites its own row), <c>x|{caseId}|{version}</c> the decision log, and
/// <c>r|{caseId}</c> the latest full screening result.
/// </summary>
internal sealed class CaseStore(StorageClients storage)
{
    private const string Partition = "case";

    /// <summary>
    /// The list entries' keys (<c>q|{100-score:D3}|…</c>), cut into a window per ten points of score for reads of more
    /// than a page: the storage emulator sorts every row a query matches before it takes a page, so reading 50,000
    /// entries in one range 1,000 at a time sorted the rest of the queue for each (15 s for a list call with its counts;
    /// docs/benchmarks.md, "Thirty-fifth session"). It also reads every row of the table for each query, so the windows
    /// are few: a window per point of score read slower than one range at 10,000 cases. Table Storage pages a range the
    /// same either way.
    /// </summary>
    private static readonly KeyOrderStream.KeySpace Queue = new("q|", "q}", Enumerable.Range(1, 10).Select(t => string.Create(CultureInfo.InvariantCulture, $"q|{10 * t:D3}")).ToArray());

    /// <summary>The list entries meeting <paramref name="only"/> (" and …", or ""), in key order: one query if they fit in a page, else by windows.</summary>
    private IAsyncEnumerable<TableEntity> QueueAsync(string only, IEnumerable<string>? select, CancellationToken cancellationToken) =>
        KeyOrderStream.ReadAsync(storage.Cases, Partition, Queue, null, 1000, select, only, cancellationToken);

    public async Task<(CaseRecord Case, ETag ETag)?> GetAsync(string caseId, CancellationToken cancellationToken)
    {
        var response = await storage.Cases.GetEntityIfExistsAsync<TableEntity>(Partition, "c|" + caseId, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!response.HasValue) return null;
        var record = JsonSerializer.Deserialize(JsonChunks.Read(response.Value!)!, CoreJson.Default.CaseRecord)!;
        return (record, response.Value!.ETag);
    }

    /// <summary>Creates a case with its first rows; false when a case with this id exists already (another writer was first).</summary>
    public Task<bool> TryCreateAsync(CaseRecord record, IReadOnlyList<HistoryRow> history, ScreeningResult? latest, CaseEvent opened,
        CancellationToken cancellationToken) =>
        TryCreateManyAsync([CreateActions(new NewCase(record, history, latest, opened))], cancellationToken);

    /// <summary>A case to create: the case row, its list entry, its "opened" event, history and latest result.</summary>
    internal sealed record NewCase(CaseRecord Record, IReadOnlyList<HistoryRow> History, ScreeningResult? Latest, CaseEvent Opened);

    /// <summary>The writes that create one case (all in the one <c>Cases</c> partition).</summary>
    internal static List<TableTransactionAction> CreateActions(NewCase c)
    {
        var actions = new List<TableTransactionAction>
        {
            new(TableTransactionActionType.Add, CaseEntity(c.Record)),
            new(TableTransactionActionType.UpsertReplace, IndexEntity(c.Record)),
            new(TableTransactionActionType.UpsertReplace, EventEntity(c.Record.CaseId, c.Opened)),
        };
        AddHistory(actions, c.Record.CaseId, c.History, c.Latest);
        return actions;
    }

    /// <summary>
    /// Creates several cases in one transaction (the caller keeps it within 100 entities); false, and nothing written,
    /// when any of them exists already.
    /// </summary>
    internal async Task<bool> TryCreateManyAsync(IReadOnlyList<List<TableTransactionAction>> cases, CancellationToken cancellationToken)
    {
        var actions = cases.SelectMany(a => a).ToList();
        try
        {
            await storage.Cases.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TableTransactionFailedException ex) when (ex.Status == 409)
        {
            // A case existed already — or this transaction landed and its answer was lost (the retry met its own rows).
            return await storage.Cases.LandedAsync(actions, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Writes a changed case in one transaction, only if it is still the version read (<paramref name="etag"/>).</summary>
    public async Task UpdateAsync(CaseRecord before, ETag etag, CaseRecord after, IReadOnlyList<HistoryRow> history, ScreeningResult? latest,
        CaseEvent? ev, CancellationToken cancellationToken)
    {
        var actions = new List<TableTransactionAction> { new(TableTransactionActionType.UpdateReplace, CaseEntity(after), etag) };
        if (IndexKey(before) != IndexKey(after))
        {
            actions.Add(new(TableTransactionActionType.Delete, new TableEntity(Partition, IndexKey(before)), ETag.All));
        }
        actions.Add(new(TableTransactionActionType.UpsertReplace, IndexEntity(after)));
        if (ev is not null) actions.Add(new(TableTransactionActionType.UpsertReplace, EventEntity(after.CaseId, ev)));
        AddHistory(actions, after.CaseId, history, latest);
        try
        {
            await storage.Cases.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
        }
        catch (TableTransactionFailedException ex) when (ex.Status is 412 or 404)
        {
            // Another writer changed the case — unless the stored case is exactly this update (its answer was lost).
            if (!await storage.Cases.LandedAsync(actions, cancellationToken).ConfigureAwait(false)) throw new CaseConflictException();
        }
    }

    /// <summary>One page of cases matching <paramref name="query"/>, after the list key <paramref name="after"/>, and counts by band.</summary>
    public async Task<(List<CaseSummary> Cases, string? Last, Dictionary<string, int> Counts)> ListAsync(CaseQuery query, int top, string? after,
        CancellationToken cancellationToken)
    {
        var filter = Filter(query);
        var countsTask = CountAsync(Filter(query with { Band = null }), cancellationToken);
        if (query.Band is { } band) filter += " and " + TableClient.CreateQueryFilter($"Band eq {band}");
        var cases = new List<CaseSummary>();
        string? last = null, more = null;
        await foreach (var e in KeyOrderStream.PageAsync(storage.Cases, Partition, Queue, after, Math.Min(top + 1, 1000), filter, cancellationToken)
            .ConfigureAwait(false))
        {
            if (cases.Count == top)
            {
                more = last;
                break;
            }
            last = e.RowKey;
            cases.Add(Summary(e));
        }
        return (cases, more, await countsTask.ConfigureAwait(false));
    }

    public async Task<IReadOnlyList<CaseVerdict>> HistoryAsync(string caseId, int limit, CancellationToken cancellationToken)
    {
        var list = new List<CaseVerdict>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and RowKey gt {"h|" + caseId + "|"} and RowKey lt {"h|" + caseId + "}"}");
        await foreach (var e in storage.Cases.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(limit, 1000), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            list.Add(JsonSerializer.Deserialize(JsonChunks.Read(e)!, CoreJson.Default.CaseVerdict)!);
            if (list.Count == limit) break;
        }
        return list;
    }

    public async Task<IReadOnlyList<CaseEvent>> EventsAsync(string caseId, CancellationToken cancellationToken)
    {
        var list = new List<CaseEvent>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and RowKey gt {"x|" + caseId + "|"} and RowKey lt {"x|" + caseId + "}"}");
        await foreach (var e in storage.Cases.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            list.Add(JsonSerializer.Deserialize(JsonChunks.Read(e)!, CoreJson.Default.CaseEvent)!);
        }
        return list;
    }

    public async Task<ScreeningResult?> LatestResultAsync(string caseId, CancellationToken cancellationToken)
    {
        var response = await storage.Cases.GetEntityIfExistsAsync<TableEntity>(Partition, "r|" + caseId, cancellationToken: cancellationToken).ConfigureAwait(false);
        return response.HasValue && JsonChunks.Read(response.Value!) is { } json ? JsonSerializer.Deserialize(json, CoreJson.Default.ScreeningResult) : null;
    }

    /// <summary>The hosts of every case in one of <paramref name="states"/>, in name order (the sweeps' watchlist).</summary>
    public async Task<IReadOnlyList<string>> HostsInStatesAsync(IReadOnlyList<string> states, CancellationToken cancellationToken)
    {
        var hosts = new SortedSet<string>(StringComparer.Ordinal);
        await foreach (var e in QueueAsync(Filter(new CaseQuery(states)), ["RowKey", "HostNames", "CaseId"], cancellationToken).ConfigureAwait(false))
        {
            foreach (var host in (e.GetString("HostNames") is { Length: > 0 } names ? names.Split(',') : [e.GetString("CaseId")!])) hosts.Add(host);
        }
        return hosts.ToList();
    }

    /// <summary>How many cases a run (sweep or submission) opened.</summary>
    /// <summary>The state and latest verdict of every case in <paramref name="states"/> (calibration's labels).</summary>
    public async IAsyncEnumerable<(string State, Verdict Verdict)> DecidedVerdictsAsync(IReadOnlyList<string> states,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var e in QueueAsync(Filter(new CaseQuery(states)), ["RowKey", "CaseId", "State"], cancellationToken).ConfigureAwait(false))
        {
            if (e.GetString("CaseId") is not { } id || e.GetString("State") is not { } state) continue;
            if ((await LatestResultAsync(id, cancellationToken).ConfigureAwait(false))?.Verdict is { } verdict) yield return (state, verdict);
        }
    }

    public async Task<int> CountOpenedByAsync(string runId, CancellationToken cancellationToken)
    {
        var count = 0;
        await foreach (var _ in QueueAsync(" and " + TableClient.CreateQueryFilter($"OpenedRunId eq {runId}"), ["RowKey"], cancellationToken).ConfigureAwait(false)) count++;
        return count;
    }

    /// <summary>Every case id (for the directory that tells result consumers which unflagged hosts belong to a case).</summary>
    public async Task<HashSet<string>> CaseIdsAsync(CancellationToken cancellationToken)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and RowKey ge {"c|"} and RowKey lt {"c}"}");
        await foreach (var e in storage.Cases.QueryAsync<TableEntity>(filter, select: ["RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            ids.Add(e.RowKey[2..]);
        }
        return ids;
    }

    /// <summary>A history row: the verdict and the request time and id that key it.</summary>
    internal sealed record HistoryRow(CaseVerdict Verdict, DateTimeOffset RequestedAt);

    private static void AddHistory(List<TableTransactionAction> actions, string caseId, IReadOnlyList<HistoryRow> history, ScreeningResult? latest)
    {
        foreach (var row in history)
        {
            var key = string.Create(CultureInfo.InvariantCulture,
                $"h|{caseId}|{DateTimeOffset.MaxValue.UtcTicks - row.RequestedAt.UtcTicks:D19}|{row.Verdict.RequestId}|{row.Verdict.Host}");
            var entity = new TableEntity(Partition, key);
            JsonChunks.Write(entity, JsonSerializer.Serialize(row.Verdict, CoreJson.Default.CaseVerdict));
            actions.Add(new(TableTransactionActionType.UpsertReplace, entity));
        }
        if (latest is not null)
        {
            var entity = new TableEntity(Partition, "r|" + caseId);
            JsonChunks.Write(entity, JsonSerializer.Serialize(latest, CoreJson.Default.ScreeningResult));
            actions.Add(new(TableTransactionActionType.UpsertReplace, entity));
        }
    }

    private static TableEntity CaseEntity(CaseRecord c)
    {
        var entity = new TableEntity(Partition, "c|" + c.CaseId) { ["Version"] = c.Version, ["State"] = c.State };
        JsonChunks.Write(entity, JsonSerializer.Serialize(c, CoreJson.Default.CaseRecord));
        return entity;
    }

    private static TableEntity EventEntity(string caseId, CaseEvent ev)
    {
        var entity = new TableEntity(Partition, string.Create(CultureInfo.InvariantCulture, $"x|{caseId}|{ev.Version:D8}"));
        JsonChunks.Write(entity, JsonSerializer.Serialize(ev, CoreJson.Default.CaseEvent));
        return entity;
    }

    internal static string IndexKey(CaseRecord c) =>
        string.Create(CultureInfo.InvariantCulture, $"q|{100 - Math.Clamp(c.Score, 0, 100):D3}|{DateTimeOffset.MaxValue.UtcTicks - c.UpdatedAt.UtcTicks:D19}|{c.CaseId}");

    private static TableEntity IndexEntity(CaseRecord c)
    {
        var e = new TableEntity(Partition, IndexKey(c))
        {
            ["CaseId"] = c.CaseId,
            ["DisplayName"] = c.DisplayName,
            ["State"] = c.State,
            ["Band"] = c.Band,
            ["Score"] = c.Score,
            ["Categories"] = string.Join(',', c.Categories),
            ["Products"] = string.Join(',', c.Products),
            ["Functions"] = string.Join(',', c.Functions),
            ["OpenedAt"] = c.OpenedAt,
            ["UpdatedAt"] = c.UpdatedAt,
            ["Version"] = c.Version,
            ["Hosts"] = c.Hosts.Count,
            ["HostNames"] = string.Join(',', c.Hosts.Select(h => h.Host).Take(200)),
            ["Awaiting"] = c.PendingApproval is not null,
            ["OpenedRunId"] = c.OpenedRunId,
            ["LastRunId"] = c.LastRunId,
        };
        foreach (var category in c.Categories) e[Flag("cat", category)] = true;
        foreach (var product in c.Products) e[Flag("prd", product)] = true;
        foreach (var function in c.Functions) e[Flag("fn", function)] = true;
        foreach (var source in c.Sources) e[Flag("src", source)] = true;
        return e;
    }

    /// <summary>A filterable property name for a value (category, product or source id): letters, digits and underscores.</summary>
    internal static string Flag(string kind, string value) =>
        kind + "_" + new string(value.Select(ch => char.IsAsciiLetterOrDigit(ch) ? char.ToLowerInvariant(ch) : '_').Take(200).ToArray());

    private static CaseSummary Summary(TableEntity e)
    {
        string[] List(string name) => e.GetString(name) is { Length: > 0 } s ? s.Split(',') : [];
        var caseId = e.GetString("CaseId")!;
        return new CaseSummary(caseId, caseId, e.GetString("DisplayName") ?? caseId, e.GetString("State") ?? "", e.GetString("Band") ?? "",
            e.GetInt32("Score") ?? 0, List("Categories"), List("Products"), e.GetDateTimeOffset("OpenedAt") ?? default,
            e.GetDateTimeOffset("UpdatedAt") ?? default, $"\"{e.GetInt32("Version") ?? 0}\"", e.GetInt32("Hosts") ?? 1, e.GetBoolean("Awaiting") ?? false,
            List("Functions"));
    }

    private static string Filter(CaseQuery q)
    {
        var parts = new List<string>();
        if (q.States is { Count: > 0 } states) parts.Add("(" + string.Join(" or ", states.Select(s => TableClient.CreateQueryFilter($"State eq {s}"))) + ")");
        if (q.Band is { } band) parts.Add(TableClient.CreateQueryFilter($"Band eq {band}"));
        if (q.Category is { } category) parts.Add($"{Flag("cat", category)} eq true");
        if (q.Product is { } product) parts.Add($"{Flag("prd", product)} eq true");
        if (q.Function is { } function) parts.Add($"{Flag("fn", function)} eq true");
        if (q.Source is { } source) parts.Add($"{Flag("src", source)} eq true");
        if (q.RunId is { } run) parts.Add(TableClient.CreateQueryFilter($"(OpenedRunId eq {run} or LastRunId eq {run})"));
        if (q.Since is { } since) parts.Add(TableClient.CreateQueryFilter($"UpdatedAt ge {since}"));
        var prefixes = new List<string>();
        if (q.AsciiPrefix is { Length: > 0 } ascii) prefixes.Add(TableClient.CreateQueryFilter($"(CaseId ge {ascii} and CaseId lt {Next(ascii)})"));
        if (q.UnicodePrefix is { Length: > 0 } unicode) prefixes.Add(TableClient.CreateQueryFilter($"(DisplayName ge {unicode} and DisplayName lt {Next(unicode)})"));
        if (prefixes.Count > 0) parts.Add("(" + string.Join(" or ", prefixes) + ")");
        return parts.Count == 0 ? "" : " and " + string.Join(" and ", parts);
    }

    // The smallest string greater than every string that starts with the prefix.
    private static string Next(string prefix) => prefix[..^1] + (char)(prefix[^1] + 1);

    private async Task<Dictionary<string, int>> CountAsync(string filter, CancellationToken cancellationToken)
    {
        var counts = Bands.Ordered.ToDictionary(b => b, _ => 0);
        await foreach (var e in QueueAsync(filter, ["RowKey", "Band"], cancellationToken).ConfigureAwait(false))
        {
            if (e.GetString("Band") is { } b) counts[b] = counts.GetValueOrDefault(b) + 1;
        }
        return counts;
    }
}
