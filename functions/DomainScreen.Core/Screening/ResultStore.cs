using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using DomainScreen.Core.Storage;
using Microsoft.Extensions.Options;

namespace DomainScreen.Core.Screening;

/// <summary>
/// Screening results in the <c>ScreeningResults</c> table. A domain's rows live in the partition of its first two
/// characters (<c>~ab</c>): one history row per request holding the result (<c>h|{domain}|{inverted time}|{request}</c>)
/// and a row <c>latest|{domain}</c> that names the newest written history row (with the result's status fields, not a
/// second copy of it), both in one transaction. History keys come from the request, so a redelivered message overwrites
/// its own rows instead of adding new ones.
/// </summary>
/// <remarks><para>
/// <b>Written together.</b> Results are group-committed: at most <see cref="ScreeningOptions.MaxConcurrentResultWrites"/>
/// transactions are in flight per process; a result that finds them all busy waits, and the next free one takes every
/// waiting result of the oldest waiting partition (up to 50 domains, ≈ 2 MiB) in one entity-group transaction. Lightly
/// loaded, a result is written alone as soon as its screen ends; under load — a sweep or a large submission, whose
/// messages hold names in name order — a transaction carries several. One transaction per domain was the largest part
/// of the storage emulator's work per screened domain; written 10 or 50 at a time a domain costs it about a third
/// (<c>azurite grouping</c> probe, docs/benchmarks.md "Fifteenth session"), and Azure bills a transaction once.
/// A transaction the service refuses as a whole (an entity it will not take) is tried again one domain at a time, so
/// one bad result fails only its own message.
/// </para><para>
/// <b>Older layouts are still read.</b> Rows written before this layout sit in the partition named by the domain itself
/// (history <c>h|{inverted time}|{request}</c>, latest <c>latest|{domain}</c> naming it, or — older still — a row
/// <c>latest</c> or a latest row with its own copy of the result); a domain's rows in the new layout are newer. The
/// new partitions begin with <c>~</c>, which sorts after every character of a domain name, so each layout is one key
/// range, and both list domains in name order (the table's key order), which lets <see cref="AllLatestAsync"/> merge them.
/// </para><para>
/// Row keys name the domain although the partition (in the older layouts) already did: the storage emulator (Azurite's
/// LokiJS store) finds an entity through its row-key index, so a row key shared by every partition (the older
/// <c>latest</c>) made each point read and upsert a scan of all domains (docs/benchmarks.md).
/// </para>
/// </remarks>
public sealed class ResultStore(StorageClients storage, IOptions<ScreeningOptions> options)
{
    private const string LegacyLatestKey = "latest";
    private const string LatestPrefix = "latest|";
    private const string HistoryPrefix = "h|";
    private const string HistoryColumn = "History";

    /// <summary>First character of the new layout's partitions: after every character a domain name may hold.</summary>
    private const string PartitionPrefix = "~";

    /// <summary>Result rows read at once while resolving the latest rows of many domains (<see cref="AllLatestAsync"/>).</summary>
    private const int ResolveBatch = 32;

    /// <summary>Domains per transaction: two entities each, and a transaction holds at most 100.</summary>
    internal const int MaxDomainsPerTransaction = 50;

    /// <summary>Estimated request bytes per transaction (the service takes at most 4 MiB).</summary>
    private const int MaxTransactionBytes = 2 * 1024 * 1024;

    private static string LatestKey(string domain) => LatestPrefix + domain;

    /// <summary>The partition of a domain's rows in the current layout.</summary>
    internal static string PartitionOf(string domain) => PartitionPrefix + domain[..Math.Min(2, domain.Length)];

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Queue<PendingResult>> _waiting = new(StringComparer.Ordinal);
    private readonly Queue<string> _partitions = new(); // partitions with waiting results, the longest waiting first
    private int _inFlight;

    /// <summary>
    /// A result waiting for its transaction: the history row only — its latest row is made from it when the transaction
    /// is (<see cref="LatestOf"/>). Under load thousands wait (the backlog that lets transactions carry many domains of
    /// one partition), and a second entity each was ≈ 1 KB of dictionary apiece.
    /// </summary>
    private sealed record PendingResult(string Domain, TableEntity History, int Bytes)
    {
        public TaskCompletionSource Stored { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>
    /// Stores a result (see the remarks: possibly in one transaction with others of its partition). The returned task
    /// ends when it is stored; a caller that stops waiting (<paramref name="cancellationToken"/>) does not take it back —
    /// storing a result that was screened is harmless, and the rows are keyed by request.
    /// </summary>
    public Task SaveAsync(ScreeningResult result, DateTimeOffset requestedAt, CancellationToken cancellationToken)
    {
        PendingResult pending;
        try
        {
            var json = JsonSerializer.SerializeToUtf8Bytes(result, CoreJson.Default.ScreeningResult);
            var partition = PartitionOf(result.Domain);
            var historyKey = HistoryKey(result.Domain, requestedAt, result.RequestId);
            var history = ToEntity(result, partition, historyKey, json);
            pending = new PendingResult(result.Domain, history, EstimatedLatestBytes(history) + EstimatedBytes(history));
        }
        catch (Exception e)
        {
            return Task.FromException(e);
        }
        lock (_gate)
        {
            var partition = pending.History.PartitionKey;
            if (!_waiting.TryGetValue(partition, out var queue))
            {
                _waiting[partition] = queue = new Queue<PendingResult>();
                _partitions.Enqueue(partition);
            }
            queue.Enqueue(pending);
        }
        StartWrites();
        return pending.Stored.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Starts transactions while fewer than the bound are in flight and results wait.</summary>
    private void StartWrites()
    {
        while (true)
        {
            List<PendingResult> group;
            lock (_gate)
            {
                if (_inFlight >= options.Value.MaxConcurrentResultWrites || !_partitions.TryDequeue(out var partition)) return;
                var queue = _waiting[partition];
                group = TakeGroup(queue);
                if (queue.Count == 0) _waiting.Remove(partition);
                else _partitions.Enqueue(partition);
                _inFlight++;
            }
            _ = WriteAsync(group);
        }
    }

    /// <summary>
    /// The next transaction's results from one partition's queue: in order, at most <see cref="MaxDomainsPerTransaction"/>
    /// and <see cref="MaxTransactionBytes"/> (always at least one), and a domain at most once (a transaction may not
    /// touch one row twice; a second result for it waits for a later transaction).
    /// </summary>
    private static List<PendingResult> TakeGroup(Queue<PendingResult> queue)
    {
        var group = new List<PendingResult>();
        var bytes = 0;
        HashSet<string>? domains = null;
        while (group.Count < MaxDomainsPerTransaction && queue.TryPeek(out var next))
        {
            if (group.Count > 0 && bytes + next.Bytes > MaxTransactionBytes) break;
            domains ??= new HashSet<string>(StringComparer.Ordinal);
            if (!domains.Add(next.Domain)) break;
            group.Add(queue.Dequeue());
            bytes += next.Bytes;
        }
        return group;
    }

    private async Task WriteAsync(List<PendingResult> group)
    {
        // Off the caller's stack: a transaction that completes at once would otherwise start the next one from its own
        // finally block, one frame deeper each time.
        await Task.Yield();
        try
        {
            try
            {
                await SubmitAsync(group).ConfigureAwait(false);
                foreach (var pending in group) pending.Stored.TrySetResult();
            }
            catch (RequestFailedException e) when (group.Count > 1 && e.Status is 400 or 413)
            {
                // Refused as a whole for one of its entities: each domain on its own, so only that one fails.
                foreach (var pending in group)
                {
                    try
                    {
                        await SubmitAsync([pending]).ConfigureAwait(false);
                        pending.Stored.TrySetResult();
                    }
                    catch (Exception single)
                    {
                        pending.Stored.TrySetException(single);
                    }
                }
            }
        }
        catch (Exception e)
        {
            foreach (var pending in group) pending.Stored.TrySetException(e);
        }
        finally
        {
            lock (_gate) _inFlight--;
            StartWrites();
        }
    }

    private Task<Response<IReadOnlyList<Response>>> SubmitAsync(List<PendingResult> group)
    {
        var actions = new List<TableTransactionAction>(group.Count * 2);
        foreach (var pending in group)
        {
            // The pointer and the row it names go in one transaction: a latest row never names a row that is not there.
            actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, LatestOf(pending.History, pending.Domain)));
            actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, pending.History));
        }
        // Not the caller's token: the transaction may carry other messages' results.
        return storage.Results.SubmitTransactionAsync(actions, CancellationToken.None);
    }

    /// <summary>A generous estimate of an entity's share of a transaction's request body (binary goes as Base64).</summary>
    private static int EstimatedBytes(TableEntity entity)
    {
        var bytes = EntityBytes;
        foreach (var (key, value) in entity) bytes += PropertyBytes(key, value);
        return bytes;
    }

    /// <summary>
    /// <see cref="EstimatedBytes"/> of the latest row <see cref="LatestOf"/> will make from <paramref name="history"/>,
    /// without making it (it is made when the transaction is).
    /// </summary>
    private static int EstimatedLatestBytes(TableEntity history)
    {
        var bytes = EntityBytes + PropertyBytes(HistoryColumn, history.RowKey);
        foreach (var column in SummaryColumns) bytes += PropertyBytes(column, history[column]);
        return bytes;
    }

    private const int EntityBytes = 512;

    private static int PropertyBytes(string key, object? value) => key.Length + 64 + value switch
    {
        byte[] binary => (binary.Length + 2) / 3 * 4,
        string text => text.Length * 6, // JSON escapes of non-ASCII text
        _ => 32,
    };

    public async Task<ScreeningResult?> GetLatestAsync(string domain, CancellationToken cancellationToken)
    {
        var response = await storage.Results.GetEntityIfExistsAsync<TableEntity>(PartitionOf(domain), LatestKey(domain), cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        if (!response.HasValue)
        {
            response = await storage.Results.GetEntityIfExistsAsync<TableEntity>(domain, LatestKey(domain), cancellationToken: cancellationToken)
                .ConfigureAwait(false);
        }
        if (!response.HasValue)
        {
            response = await storage.Results.GetEntityIfExistsAsync<TableEntity>(domain, LegacyLatestKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        return response.HasValue ? await ResolveAsync(response.Value!, cancellationToken).ConfigureAwait(false) : null;
    }

    /// <summary>The result a latest row stands for: the history row it names, or its own copy (rows written before).</summary>
    private async Task<ScreeningResult?> ResolveAsync(TableEntity latest, CancellationToken cancellationToken)
    {
        if (latest.GetString(HistoryColumn) is not { } key) return Read(latest);
        var row = await storage.Results.GetEntityIfExistsAsync<TableEntity>(latest.PartitionKey, key, cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        return row.HasValue ? Read(row.Value!) : null;
    }

    private async Task<IEnumerable<ScreeningResult>> ResolveAsync(List<TableEntity> latest, CancellationToken cancellationToken)
    {
        var results = await Task.WhenAll(latest.Select(e => ResolveAsync(e, cancellationToken))).ConfigureAwait(false);
        latest.Clear();
        return results.OfType<ScreeningResult>();
    }

    /// <summary>
    /// Every domain's latest result: the latest rows of both layouts, each one query in domain order (pages of 1,000),
    /// merged so that a domain with rows in both gives its newer one; the result rows they name are read
    /// <see cref="ResolveBatch"/> at a time. Rows that cannot be read are left out.
    /// </summary>
    public async IAsyncEnumerable<ScreeningResult> AllLatestAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var chosen = new List<TableEntity>(ResolveBatch);
        await using var current = CurrentLatestRowsAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
        await using var older = OlderLatestRowsAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
        var hasCurrent = await current.MoveNextAsync().ConfigureAwait(false);
        var hasOlder = await older.MoveNextAsync().ConfigureAwait(false);
        while (hasCurrent || hasOlder)
        {
            var order = !hasOlder ? -1 : !hasCurrent ? 1 : string.CompareOrdinal(DomainOf(current.Current), older.Current.PartitionKey);
            if (order <= 0)
            {
                chosen.Add(current.Current);
                // The same domain in the older layout: the current row is the newer.
                if (order == 0) hasOlder = await older.MoveNextAsync().ConfigureAwait(false);
                hasCurrent = await current.MoveNextAsync().ConfigureAwait(false);
            }
            else
            {
                chosen.Add(older.Current);
                hasOlder = await older.MoveNextAsync().ConfigureAwait(false);
            }
            if (chosen.Count < ResolveBatch) continue;
            foreach (var result in await ResolveAsync(chosen, cancellationToken).ConfigureAwait(false)) yield return result;
        }
        foreach (var result in await ResolveAsync(chosen, cancellationToken).ConfigureAwait(false)) yield return result;
    }

    private static string DomainOf(TableEntity currentLatest) => currentLatest.RowKey[LatestPrefix.Length..];

    /// <summary>The current layout's latest rows, in domain order (partition = the domain's first characters, then the key).</summary>
    private AsyncPageable<TableEntity> CurrentLatestRowsAsync(CancellationToken cancellationToken) =>
        storage.Results.QueryAsync<TableEntity>(
            TableClient.CreateQueryFilter($"PartitionKey ge {PartitionPrefix} and RowKey ge {LatestPrefix} and RowKey lt {"latest}"}"),
            maxPerPage: 1000, cancellationToken: cancellationToken);

    /// <summary>The older layouts' latest rows, one per domain in domain order (partition = domain): the keyed row where a domain has both.</summary>
    private async IAsyncEnumerable<TableEntity> OlderLatestRowsAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // "latest" < "latest|…" < "latest}": both older keys, and within a partition the older row comes first.
        var filter = TableClient.CreateQueryFilter($"PartitionKey lt {PartitionPrefix} and RowKey ge {LegacyLatestKey} and RowKey lt {"latest}"}");
        TableEntity? legacy = null;
        await foreach (var entity in storage.Results.QueryAsync<TableEntity>(filter, maxPerPage: 1000, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (legacy is not null && legacy.PartitionKey != entity.PartitionKey) yield return legacy;
            legacy = null;
            if (entity.RowKey == LegacyLatestKey) legacy = entity;
            else if (entity.RowKey.StartsWith(LatestPrefix, StringComparison.Ordinal)) yield return entity;
        }
        if (legacy is not null) yield return legacy;
    }

    /// <summary>The result one request stored for <paramref name="domain"/> (its history row), or null.</summary>
    public async Task<ScreeningResult?> GetAsync(string domain, DateTimeOffset requestedAt, string requestId, CancellationToken cancellationToken)
    {
        var row = await storage.Results.GetEntityIfExistsAsync<TableEntity>(PartitionOf(domain), HistoryKey(domain, requestedAt, requestId),
            cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue ? Read(row.Value!) : null;
    }

    /// <summary>Newest first, at most <paramref name="limit"/> (rows of both layouts).</summary>
    public async Task<IReadOnlyList<ScreeningResult>> GetHistoryAsync(string domain, int limit, CancellationToken cancellationToken)
    {
        var current = HistoryRowsAsync(PartitionOf(domain), HistoryPrefix + domain + "|", limit, cancellationToken);
        var older = HistoryRowsAsync(domain, HistoryPrefix, limit, cancellationToken);
        // Each newest first; merged on the time part of the key (both end "|{inverted time}|{request}").
        return (await current.ConfigureAwait(false)).Select(r => (Order: r.Key[(HistoryPrefix.Length + domain.Length)..], r.Result))
            .Concat((await older.ConfigureAwait(false)).Select(r => (Order: "|" + r.Key[HistoryPrefix.Length..], r.Result)))
            .OrderBy(r => r.Order, StringComparer.Ordinal)
            .Take(limit)
            .Select(r => r.Result)
            .ToList();
    }

    private async Task<List<(string Key, ScreeningResult Result)>> HistoryRowsAsync(string partition, string prefix, int limit, CancellationToken cancellationToken)
    {
        // Keys from prefix up to (not including) prefix with its last character raised by one.
        var end = prefix[..^1] + (char)(prefix[^1] + 1);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {prefix} and RowKey lt {end}");
        var rows = new List<(string, ScreeningResult)>();
        await foreach (var entity in storage.Results.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(limit, 1000), cancellationToken: cancellationToken)
            .ConfigureAwait(false))
        {
            if (Read(entity) is { } result) rows.Add((entity.RowKey, result));
            if (rows.Count >= limit) break;
        }
        return rows;
    }

    // Inverted ticks sort newest first in the table's ascending key order.
    private static string HistoryKey(string domain, DateTimeOffset requestedAt, string requestId) =>
        string.Create(CultureInfo.InvariantCulture, $"{HistoryPrefix}{domain}|{DateTimeOffset.MaxValue.UtcTicks - requestedAt.UtcTicks:D19}|{requestId}");

    private static TableEntity ToEntity(ScreeningResult result, string partition, string rowKey, byte[] json)
    {
        var entity = Summary(result, partition, rowKey);
        JsonChunks.Write(entity, json);
        return entity;
    }

    private static readonly string[] SummaryColumns = ["Stage", "Status", "ScreenedAt", "RequestId", "Source", "RunId"];

    /// <summary>A domain's latest row naming <paramref name="history"/>: its status fields, not a second copy of the result.</summary>
    private static TableEntity LatestOf(TableEntity history, string domain)
    {
        var latest = new TableEntity(history.PartitionKey, LatestKey(domain));
        foreach (var column in SummaryColumns) latest[column] = history[column];
        latest[HistoryColumn] = history.RowKey;
        return latest;
    }

    private static TableEntity Summary(ScreeningResult result, string partition, string rowKey) => new(partition, rowKey)
    {
        ["Stage"] = result.Stage,
        ["Status"] = result.Status,
        ["ScreenedAt"] = result.ScreenedAt,
        ["RequestId"] = result.RequestId,
        ["Source"] = result.Source,
        ["RunId"] = result.RunId,
    };

    private static ScreeningResult? Read(TableEntity entity) =>
        JsonChunks.Read(entity) is { } json ? JsonSerializer.Deserialize(json, CoreJson.Default.ScreeningResult) : null;
}
