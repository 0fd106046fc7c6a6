using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using DomainScreen.Core.Storage;

namespace DomainScreen.Core.Screening;

/// <summary>
/// Screening results in the <c>ScreeningResults</c> table: partition = domain, row <c>latest|{domain}</c> plus one
/// history row per request, written together in one transaction. History keys come from the request, so a redelivered
/// message overwrites its own rows instead of adding new ones.
/// </summary>
/// <remarks>
/// The latest row's key names the domain although the partition already does: the storage emulator (Azurite's LokiJS
/// store) finds an entity through its row-key index, so a row key shared by every partition (the older <c>latest</c>)
/// made each point read and upsert a scan of all domains — a sweep slowed with the table's size (docs/benchmarks.md).
/// Rows of the older key are still read when a domain has no newer one.
/// </remarks>
public sealed class ResultStore(StorageClients storage)
{
    private const string LegacyLatestKey = "latest";
    private const string LatestPrefix = "latest|";
    private const string HistoryPrefix = "h|";

    private static string LatestKey(string domain) => LatestPrefix + domain;

    public async Task SaveAsync(ScreeningResult result, DateTimeOffset requestedAt, CancellationToken cancellationToken)
    {
        // Serialized and compressed once for both rows (the history row is a copy under its own key).
        var json = JsonSerializer.SerializeToUtf8Bytes(result, CoreJson.Default.ScreeningResult);
        var latest = ToEntity(result, LatestKey(result.Domain), json);
        var history = new TableEntity(latest) { RowKey = HistoryKey(requestedAt, result.RequestId) };
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
        return response.HasValue ? Read(response.Value!) : null;
    }

    /// <summary>
    /// Every domain's latest result (one cross-partition query, pages of 1,000): the newer row where a domain has both
    /// layouts. Rows that cannot be read are left out.
    /// </summary>
    public async IAsyncEnumerable<ScreeningResult> AllLatestAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // "latest" < "latest|…" < "latest}": both layouts, and within a partition the older row comes first.
        var filter = TableClient.CreateQueryFilter($"RowKey ge {LegacyLatestKey} and RowKey lt {"latest}"}");
        TableEntity? legacy = null;
        await foreach (var entity in storage.Results.QueryAsync<TableEntity>(filter, maxPerPage: 1000, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (legacy is not null && legacy.PartitionKey != entity.PartitionKey && Read(legacy) is { } old) yield return old;
            legacy = null;
            if (entity.RowKey == LegacyLatestKey) legacy = entity;
            else if (entity.RowKey.StartsWith(LatestPrefix, StringComparison.Ordinal) && Read(entity) is { } result) yield return result;
        }
        if (legacy is not null && Read(legacy) is { } last) yield return last;
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
        var entity = new TableEntity(result.Domain, rowKey)
        {
            ["Stage"] = result.Stage,
            ["Status"] = result.Status,
            ["ScreenedAt"] = result.ScreenedAt,
            ["RequestId"] = result.RequestId,
            ["Source"] = result.Source,
            ["RunId"] = result.RunId,
        };
        JsonChunks.Write(entity, json);
        return entity;
    }

    private static ScreeningResult? Read(TableEntity entity) =>
        JsonChunks.Read(entity) is { } json ? JsonSerializer.Deserialize(json, CoreJson.Default.ScreeningResult) : null;
}
