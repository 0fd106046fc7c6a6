using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using DomainScreen.Core.Api;
using DomainScreen.Core.Storage;

namespace DomainScreen.Core.Audit;

/// <summary>What the audit trail records, by action.</summary>
public static class AuditActions
{
    public const string CaseOpened = "case.opened";
    public const string CaseReopened = "case.reopened";
    public const string CaseDecision = "case.decision";
    public const string CaseAppeal = "case.appeal";
    public const string CaseState = "case.state";
    public const string ActionAcknowledged = "action.ack";
    public const string PartnerPut = "partner.put";
    public const string PartnerDelete = "partner.delete";
    public const string AllowlistPut = "allowlist.put";
    public const string AllowlistDelete = "allowlist.delete";
    public const string CatalogLoaded = "catalog.loaded";
    public const string KeyCreated = "key.created";
}

/// <summary>
/// One fact for the audit trail: who (principal id and name), in which request, did what to which case or target,
/// and the state before and after. <paramref name="Key"/> makes a record idempotent: a second append with the same
/// key (a redelivered message, a second instance loading the same catalog) adds nothing.
/// </summary>
public sealed record AuditRecord(Caller Actor, string RequestId, string Action, string? CaseId = null, string? Target = null,
    IReadOnlyDictionary<string, string?>? Before = null, IReadOnlyDictionary<string, string?>? After = null, string? Note = null, string? Key = null);

/// <summary>One row of GET /api/audit.</summary>
public sealed record AuditEntry(string Id, DateTimeOffset Time, string ActorId, string ActorName, string? RequestId, string Action,
    string? CaseId, string? Target, IReadOnlyDictionary<string, string?>? Before, IReadOnlyDictionary<string, string?>? After, string? Note);

/// <summary>A page of GET /api/audit.</summary>
public sealed record AuditPage(IReadOnlyList<AuditEntry> Entries, string? ContinuationToken);

/// <summary>
/// The append-only audit table <c>Audit</c>: one partition, rows <c>e|{inverted ticks}|{id}</c> (newest first), and
/// for keyed records a guard row <c>k|{hash}</c> inserted first. This class only inserts and reads: no code path
/// updates or deletes an audit row (a test records every request the whole case flow sends to this table).
/// </summary>
public sealed class AuditLog(StorageClients storage, TimeProvider time)
{
    private const string Partition = "audit";
    private const string EntryPrefix = "e|";

    public async Task AppendAsync(AuditRecord record, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        string id;
        if (record.Key is { } key)
        {
            id = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..24];
            // The guard row is someone else's when the record was appended before (its own, when only the answer was lost).
            if (!await storage.Audit.TryAddAsync(new TableEntity(Partition, "k|" + id) { ["Time"] = now }, cancellationToken).ConfigureAwait(false)) return;
        }
        else
        {
            id = Guid.CreateVersion7(now).ToString("N");
        }
        if (!await storage.Audit.TryAddAsync(Entry(record, now, id), cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidOperationException($"audit entry {id} exists with other content"); // a clash of ids, never expected
        }
    }

    /// <summary>
    /// Several records without keys in one insert-only transaction (up to 100 per transaction): what a batch of screens
    /// opened, recorded for the price of one write.
    /// </summary>
    public async Task AppendManyAsync(IReadOnlyList<AuditRecord> records, CancellationToken cancellationToken)
    {
        if (records.Any(r => r.Key is not null)) throw new ArgumentException("keyed records are appended one at a time", nameof(records));
        var now = time.GetUtcNow();
        foreach (var chunk in records.Chunk(100))
        {
            var actions = chunk.Select(r => new TableTransactionAction(TableTransactionActionType.Add, Entry(r, now, Guid.CreateVersion7(now).ToString("N"))))
                .ToList();
            try
            {
                await storage.Audit.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
            }
            catch (TableTransactionFailedException ex) when (ex.Status == 409)
            {
                // Written, when the retry of a transaction whose answer was lost met its own rows.
                if (!await storage.Audit.LandedAsync(actions, cancellationToken).ConfigureAwait(false)) throw;
            }
        }
    }

    private static TableEntity Entry(AuditRecord record, DateTimeOffset now, string id) =>
        new(Partition, string.Create(CultureInfo.InvariantCulture, $"{EntryPrefix}{DateTimeOffset.MaxValue.UtcTicks - now.UtcTicks:D19}|{id}"))
        {
            ["Time"] = now,
            ["ActorId"] = record.Actor.Id,
            ["ActorName"] = record.Actor.Name,
            ["RequestId"] = record.RequestId,
            ["Action"] = record.Action,
            ["CaseId"] = record.CaseId,
            ["Target"] = record.Target,
            ["Before"] = Json(record.Before),
            ["After"] = Json(record.After),
            ["Note"] = Clip(record.Note, 4000),
        };

    /// <summary>Newest first; filters are exact (actor matches the principal id or name).</summary>
    public async Task<AuditPage> ListAsync(string? caseId, string? actor, DateTimeOffset? since, int top, string? after, CancellationToken cancellationToken)
    {
        var filter = after is null
            ? TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and RowKey ge {EntryPrefix} and RowKey lt {"e}"}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and RowKey gt {after} and RowKey lt {"e}"}");
        if (caseId is not null) filter += " and " + TableClient.CreateQueryFilter($"CaseId eq {caseId}");
        if (actor is not null) filter += " and " + TableClient.CreateQueryFilter($"(ActorId eq {actor} or ActorName eq {actor})");
        if (since is { } s) filter += " and " + TableClient.CreateQueryFilter($"Time ge {s}");
        var entries = new List<AuditEntry>();
        string? last = null;
        await foreach (var e in storage.Audit.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(top + 1, 1000), cancellationToken: cancellationToken)
            .ConfigureAwait(false))
        {
            if (entries.Count == top) return new AuditPage(entries, Paging.Encode(last!));
            last = e.RowKey;
            entries.Add(new AuditEntry(e.RowKey[(e.RowKey.LastIndexOf('|') + 1)..], e.GetDateTimeOffset("Time") ?? default, e.GetString("ActorId") ?? "",
                e.GetString("ActorName") ?? "", e.GetString("RequestId"), e.GetString("Action") ?? "", e.GetString("CaseId"), e.GetString("Target"),
                Map(e.GetString("Before")), Map(e.GetString("After")), e.GetString("Note")));
        }
        return new AuditPage(entries, null);
    }

    private static string? Json(IReadOnlyDictionary<string, string?>? map) =>
        map is null ? null : Clip(JsonSerializer.Serialize(map.ToDictionary(), CoreJson.Default.DictionaryStringString), 30_000);

    private static Dictionary<string, string?>? Map(string? json)
    {
        if (json is null) return null;
        try
        {
            return JsonSerializer.Deserialize(json, CoreJson.Default.DictionaryStringString);
        }
        catch (JsonException)
        {
            return new Dictionary<string, string?> { ["raw"] = json };
        }
    }

    private static string? Clip(string? s, int max) => s is null || s.Length <= max ? s : s[..max];
}
