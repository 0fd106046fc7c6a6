using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using DomainScreen.Core.Storage;

namespace DomainScreen.Core.Screening;

/// <summary>
/// Screening results in the <c>ScreeningResults</c> table: partition = domain, one history row per request holding the
/// result, and a row <c>latest|{domain}</c> that names the newest written history row (with the result's status fields,
/// not a second copy of it), written together in one transaction. History keys come from the request, so a redelivered
/// message overwrites its own rows instead of adding new ones.
/// </summary>
/// <remarks><para>
/// The result is stored once: the latest row used to carry a full copy, a third of every domain's table data — which
/// is what fills the local storage emulator's on-disk store (Azurite saves all its tables as one JSON string and stops
/// at ≈ 512 MB; docs/benchmarks.md, "Thirteenth session") and what each write sends twice. Rows holding their own copy
/// (written before) are still read.
/// </para><para>
/// The latest row's key names the domain although the partition already does: the storage emulator (Azurite's LokiJS
/// store) finds an entity through its row-key index, so a row key shared by every partition (the older <c>latest</c>)
/// made each point read and upsert a scan of all domains — a sweep slowed with the table's size (docs/benchmarks.md).
/// Rows of the older key are still read when a domain has no newer one.
/// </para>
/// </remarks>
public sealed class ResultStore(StorageClients storage)
{
    private const string LegacyLatestKey = "latest";
    private const string LatestPrefix = "latest|";
    private const string HistoryPrefix = "h|";
    private const string HistoryColumn = "History";

    /// <summary>Result rows read at once while resolving the latest rows of many domains (<see cref="AllLatestAsync"/>).</summary>
    private const int ResolveBatch = 32;

    private static string LatestKey(string domain) => LatestPrefix + domain;

    public async Task SaveAsync(ScreeningResult result, DateTimeOffset requestedAt, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(result, CoreJson.Default.ScreeningResult);
        var historyKey = HistoryKey(requestedAt, result.RequestId);
        var history = ToEntity(result, historyKey, json);
        // The pointer and the row it names go in one transaction: a latest row never names a row that is not there.
        var latest = Summary(result, LatestKey(result.Domain));
        latest[HistoryColumn] = historyKey;
        await storage.Results.SubmitTransactionAsync(
            [new TableTransactionAction(TableTransactionActionType.UpsertReplace, latest),
             new TableTransactionAction(TableTransactionActionType.UpsertReplace, history)],
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<ScreeningResult?> GetLatestAsync(string domain, CancellationToken cancellationToken)
    {
        var response = await storage.Results.GetEntityIfExistsAsync<TableEntity>(domain, LatestKey(domain), cancellationToken: cancellationToken)
            .ConfigureAwait(false);
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
    /// Every domain's latest result (one cross-partition query over the latest rows, pages of 1,000, and the result rows
    /// they name read <see cref="ResolveBatch"/> at a time): the newer row where a domain has both layouts. Rows that
    /// cannot be read are left out.
    /// </summary>
    public async IAsyncEnumerable<ScreeningResult> AllLatestAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // "latest" < "latest|…" < "latest}": both layouts, and within a partition the older row comes first.
        var filter = TableClient.CreateQueryFilter($"RowKey ge {LegacyLatestKey} and RowKey lt {"latest}"}");
        TableEntity? legacy = null;
        var chosen = new List<TableEntity>(ResolveBatch);
        await foreach (var entity in storage.Results.QueryAsync<TableEntity>(filter, maxPerPage: 1000, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (legacy is not null && legacy.PartitionKey != entity.PartitionKey) chosen.Add(legacy);
            legacy = null;
            if (entity.RowKey == LegacyLatestKey) legacy = entity;
            else if (entity.RowKey.StartsWith(LatestPrefix, StringComparison.Ordinal)) chosen.Add(entity);
            if (chosen.Count < ResolveBatch) continue;
            foreach (var result in await ResolveAsync(chosen, cancellationToken).ConfigureAwait(false)) yield return result;
        }
        if (legacy is not null) chosen.Add(legacy);
        foreach (var result in await ResolveAsync(chosen, cancellationToken).ConfigureAwait(false)) yield return result;
    }

    /// <summary>Newest first, at most <paramref name="limit"/>.</summary>
    public async Task<IReadOnlyList<ScreeningResult>> GetHistoryAsync(string domain, int limit, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {domain} and RowKey ge {HistoryPrefix} and RowKey lt {"h}"}");
        var results = new List<ScreeningResult>();
        await foreach (var entity in storage.Results.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(limit, 1000), cancellationToken: cancellationToken)
            .ConfigureAwait(false))
        {
            if (Read(entity) is { } result) results.Add(result);
            if (results.Count >= limit) break;
        }
        return results;
    }

    // Inverted ticks sort newest first in the table's ascending key order.
    private static string HistoryKey(DateTimeOffset requestedAt, string requestId) =>
        string.Create(CultureInfo.InvariantCulture, $"{HistoryPrefix}{DateTimeOffset.MaxValue.UtcTicks - requestedAt.UtcTicks:D19}|{requestId}");

    private static TableEntity ToEntity(ScreeningResult result, string rowKey, byte[] json)
    {
        var entity = Summary(result, rowKey);
        JsonChunks.Write(entity, json);
        return entity;
    }

    private static TableEntity Summary(ScreeningResult result, string rowKey) => new(result.Domain, rowKey)
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
