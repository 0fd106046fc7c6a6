using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using DomainScreen.Core.Storage;

namespace DomainScreen.Core.Screening;

/// <summary>
/// Screening results in the <c>ScreeningResults</c> table: partition = domain, row <c>latest</c> plus one history
/// row per request, written together in one transaction. History keys come from the request, so a redelivered
/// message overwrites its own rows instead of adding new ones.
/// </summary>
public sealed class ResultStore(StorageClients storage)
{
    private const string LatestKey = "latest";
    private const string HistoryPrefix = "h|";

    public async Task SaveAsync(ScreeningResult result, DateTimeOffset requestedAt, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.Serialize(result, CoreJson.Default.ScreeningResult);
        var latest = ToEntity(result, LatestKey, json);
        var history = ToEntity(result, HistoryKey(requestedAt, result.RequestId), json);
        await storage.Results.SubmitTransactionAsync(
            [new TableTransactionAction(TableTransactionActionType.UpsertReplace, latest),
             new TableTransactionAction(TableTransactionActionType.UpsertReplace, history)],
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<ScreeningResult?> GetLatestAsync(string domain, CancellationToken cancellationToken)
    {
        var response = await storage.Results.GetEntityIfExistsAsync<TableEntity>(domain, LatestKey, cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        return response.HasValue ? Read(response.Value!) : null;
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

    private static TableEntity ToEntity(ScreeningResult result, string rowKey, string json)
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
