using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using DomainScreen.Core.Storage;

namespace DomainScreen.Core.Actions;

/// <summary>
/// Partner actions in the <c>Actions</c> table: partition = partner id (a partner reads only its own partition),
/// row = action id (derived from case, kind, partner and decision version, so planning twice adds nothing).
/// </summary>
public sealed class ActionStore(StorageClients storage)
{
    /// <summary>Adds a planned action; false when it exists already (planned before).</summary>
    public Task<bool> TryAddAsync(PartnerAction action, CancellationToken cancellationToken) => storage.Actions.TryAddAsync(Entity(action), cancellationToken);

    public async Task<(PartnerAction Action, ETag ETag)?> GetAsync(string partnerId, string actionId, CancellationToken cancellationToken)
    {
        var response = await storage.Actions.GetEntityIfExistsAsync<TableEntity>(partnerId, actionId, cancellationToken: cancellationToken).ConfigureAwait(false);
        return response.HasValue ? (Read(response.Value!), response.Value!.ETag) : null;
    }

    /// <summary>The action with this id whatever its partner (for reviewers and exports).</summary>
    public async Task<PartnerAction?> FindAsync(string actionId, CancellationToken cancellationToken)
    {
        await foreach (var e in storage.Actions.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"RowKey eq {actionId}"), cancellationToken: cancellationToken)
            .ConfigureAwait(false))
        {
            return Read(e);
        }
        return null;
    }

    /// <summary>Replaces the action if it is still the version read; false when another writer changed it first.</summary>
    public async Task<bool> TryUpdateAsync(PartnerAction action, ETag etag, CancellationToken cancellationToken) =>
        await storage.Actions.TryReplaceAsync(Entity(action), etag, cancellationToken).ConfigureAwait(false) is not null;

    public Task<List<PartnerAction>> ForCaseAsync(string caseId, CancellationToken cancellationToken) =>
        QueryAsync(TableClient.CreateQueryFilter($"CaseId eq {caseId}"), cancellationToken);

    /// <summary>Every action (optionally one partner's, optionally in given states).</summary>
    public Task<List<PartnerAction>> AllAsync(string? partnerId, IReadOnlyList<string>? states, CancellationToken cancellationToken)
    {
        var parts = new List<string>();
        if (partnerId is not null) parts.Add(TableClient.CreateQueryFilter($"PartitionKey eq {partnerId}"));
        if (states is { Count: > 0 }) parts.Add("(" + string.Join(" or ", states.Select(s => TableClient.CreateQueryFilter($"State eq {s}"))) + ")");
        return QueryAsync(parts.Count == 0 ? null : string.Join(" and ", parts), cancellationToken);
    }

    /// <summary>One page of a partner's actions in given states, by action id, after <paramref name="after"/>.</summary>
    public async Task<(List<PartnerAction> Actions, string? Last)> PageAsync(string partnerId, IReadOnlyList<string>? states, int top, string? after,
        CancellationToken cancellationToken)
    {
        var filter = after is null
            ? TableClient.CreateQueryFilter($"PartitionKey eq {partnerId}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {partnerId} and RowKey gt {after}");
        if (states is { Count: > 0 }) filter += " and (" + string.Join(" or ", states.Select(s => TableClient.CreateQueryFilter($"State eq {s}"))) + ")";
        var list = new List<PartnerAction>();
        await foreach (var e in storage.Actions.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(top + 1, 1000), cancellationToken: cancellationToken)
            .ConfigureAwait(false))
        {
            if (list.Count == top) return (list, list[^1].ActionId);
            list.Add(Read(e));
        }
        return (list, null);
    }

    /// <summary>
    /// One page of every partner's actions (optionally one partner's, in given states), in storage order, with the
    /// storage's own continuation token; and the number of actions in each state over the same partner filter.
    /// </summary>
    public async Task<(List<PartnerAction> Actions, string? Next, Dictionary<string, int> Counts)> PageAllAsync(string? partnerId, IReadOnlyList<string>? states,
        int top, string? continuation, CancellationToken cancellationToken)
    {
        var partner = partnerId is null ? null : TableClient.CreateQueryFilter($"PartitionKey eq {partnerId}");
        var filter = states is { Count: > 0 }
            ? (partner is null ? "" : partner + " and ") + "(" + string.Join(" or ", states.Select(s => TableClient.CreateQueryFilter($"State eq {s}"))) + ")"
            : partner;
        var list = new List<PartnerAction>();
        string? next = null;
        await foreach (var page in storage.Actions.QueryAsync<TableEntity>(filter, maxPerPage: top, cancellationToken: cancellationToken)
            .AsPages(continuation, top).ConfigureAwait(false))
        {
            list.AddRange(page.Values.Select(Read));
            next = page.ContinuationToken;
            if (list.Count >= top || next is null) break;
        }
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        await foreach (var e in storage.Actions.QueryAsync<TableEntity>(partner, select: ["State"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var state = e.GetString("State") ?? "";
            counts[state] = counts.GetValueOrDefault(state) + 1;
        }
        return (list, next, counts);
    }

    private async Task<List<PartnerAction>> QueryAsync(string? filter, CancellationToken cancellationToken)
    {
        var list = new List<PartnerAction>();
        await foreach (var e in storage.Actions.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false)) list.Add(Read(e));
        return list;
    }

    private static TableEntity Entity(PartnerAction a)
    {
        var e = new TableEntity(a.PartnerId, a.ActionId)
        {
            ["CaseId"] = a.CaseId, ["Kind"] = a.Kind, ["State"] = a.State, ["CreatedAt"] = a.CreatedAt, ["DispatchedAt"] = a.DispatchedAt,
        };
        JsonChunks.Write(e, JsonSerializer.Serialize(a, CoreJson.Default.PartnerAction));
        return e;
    }

    private static PartnerAction Read(TableEntity e) => JsonSerializer.Deserialize(JsonChunks.Read(e)!, CoreJson.Default.PartnerAction)!;
}
