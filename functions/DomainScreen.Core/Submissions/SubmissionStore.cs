using System.Text.Json;
using Azure.Data.Tables;
using DomainScreen.Core.Screening;
using DomainScreen.Core.Storage;

namespace DomainScreen.Core.Submissions;

/// <summary>
/// Submissions in the <c>Submissions</c> table: partition = submission id; row <c>meta</c> (who, when, line
/// errors) and one row <c>d|{domain}</c> per accepted domain with its state. Updates are merges keyed by domain,
/// so a redelivered batch rewrites the same rows.
/// </summary>
public sealed class SubmissionStore(StorageClients storage)
{
    private const string MetaKey = "meta";
    private const string DomainPrefix = "d|";
    private const int MaxBatch = 100;

    public async Task CreateAsync(string id, DateTimeOffset createdAt, string? submittedBy, IReadOnlyList<string> domains,
        IReadOnlyList<SubmissionLineError> errors, CancellationToken cancellationToken)
    {
        var meta = new TableEntity(id, MetaKey)
        {
            ["CreatedAt"] = createdAt,
            ["SubmittedBy"] = submittedBy,
            ["Total"] = domains.Count,
        };
        var errorJson = JsonSerializer.Serialize(errors.Take(2000).ToList(), CoreJson.Default.ListSubmissionLineError);
        JsonChunks.Write(meta, errorJson);
        var rows = domains.Select(d => new TableEntity(id, DomainPrefix + d) { ["Status"] = DomainStates.Queued });
        foreach (var chunk in rows.Chunk(MaxBatch))
        {
            await storage.Submissions.SubmitTransactionAsync(
                chunk.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e)), cancellationToken)
                .ConfigureAwait(false);
        }
        // The meta row last: a submission is visible only once all its rows exist.
        await storage.Submissions.UpsertEntityAsync(meta, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Records results of one batch; one transaction per 100 domains.</summary>
    public async Task RecordAsync(string id, IEnumerable<ScreeningResult> results, CancellationToken cancellationToken)
    {
        var rows = results.Select(r => new TableEntity(id, DomainPrefix + r.Domain)
        {
            ["Status"] = r.Status == ScreeningResult.Completed ? DomainStates.Completed : DomainStates.Failed,
            ["Stage"] = r.Stage,
            ["ScreenedAt"] = r.ScreenedAt,
            ["Error"] = r.Error,
        });
        foreach (var chunk in rows.Chunk(MaxBatch))
        {
            await storage.Submissions.SubmitTransactionAsync(
                chunk.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertMerge, e)), cancellationToken)
                .ConfigureAwait(false);
        }
    }

    public async Task<SubmissionStatus?> GetAsync(string id, CancellationToken cancellationToken)
    {
        TableEntity? meta = null;
        var domains = new List<SubmissionDomainStatus>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {id}");
        await foreach (var e in storage.Submissions.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (e.RowKey == MetaKey) meta = e;
            else if (e.RowKey.StartsWith(DomainPrefix, StringComparison.Ordinal))
            {
                domains.Add(new SubmissionDomainStatus(e.RowKey[DomainPrefix.Length..], e.GetString("Status") ?? DomainStates.Queued,
                    e.GetString("Stage"), e.GetDateTimeOffset("ScreenedAt"), e.GetString("Error")));
            }
        }
        if (meta is null) return null;
        var errors = JsonChunks.Read(meta) is { } json
            ? JsonSerializer.Deserialize(json, CoreJson.Default.ListSubmissionLineError) ?? []
            : [];
        return new SubmissionStatus(id, meta.GetDateTimeOffset("CreatedAt") ?? default, meta.GetString("SubmittedBy"), domains.Count,
            domains.Count(d => d.Status == DomainStates.Queued),
            domains.Count(d => d.Status == DomainStates.Completed),
            domains.Count(d => d.Status == DomainStates.Failed),
            domains, errors);
    }
}
