using System.Collections.Frozen;
using Azure.Data.Tables;
using DomainScreen.Core.Storage;
using Microsoft.Extensions.Options;

namespace DomainScreen.Core.Review;

/// <summary>
/// The reviewers' allowlist in the <c>Allowlist</c> table (partition <c>allow</c>, row = ASCII name), and the
/// in-memory copy screening reads: reloaded every <see cref="ReviewOptions.AllowlistRefreshSeconds"/>, and at once
/// after a change made through this instance. An entry covers its name and every name under it until it expires.
/// </summary>
public sealed class ReviewAllowlist(StorageClients storage, TimeProvider time, IOptions<ReviewOptions> options) : IDisposable
{
    private const string Partition = "allow";
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private volatile FrozenDictionary<string, AllowlistEntry> _entries = FrozenDictionary<string, AllowlistEntry>.Empty;
    private DateTimeOffset _loadedAt = DateTimeOffset.MinValue;

    /// <summary>The entry in force that covers <paramref name="ascii"/> (the name itself or a parent), from the in-memory copy.</summary>
    public AllowlistEntry? Match(string ascii)
    {
        var entries = _entries;
        if (entries.Count == 0) return null;
        var now = time.GetUtcNow();
        for (var name = ascii; name.Length > 0;)
        {
            if (entries.TryGetValue(name, out var entry) && entry.InForce(now)) return entry;
            var dot = name.IndexOf('.', StringComparison.Ordinal);
            if (dot < 0) break;
            name = name[(dot + 1)..];
        }
        return null;
    }

    /// <summary>Reloads the copy when it is older than the refresh interval. Storage trouble keeps the previous copy.</summary>
    public async Task RefreshIfDueAsync(CancellationToken cancellationToken)
    {
        if (time.GetUtcNow() - _loadedAt < TimeSpan.FromSeconds(options.Value.AllowlistRefreshSeconds)) return;
        if (!await _refresh.WaitAsync(0, cancellationToken).ConfigureAwait(false)) return;
        try
        {
            var all = new Dictionary<string, AllowlistEntry>(StringComparer.Ordinal);
            await foreach (var e in storage.Allowlist.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Partition}"),
                cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                all[e.RowKey] = Read(e);
            }
            _entries = all.ToFrozenDictionary(StringComparer.Ordinal);
            _loadedAt = time.GetUtcNow();
        }
        catch (Azure.RequestFailedException)
        {
            // Keep the copy in force; the next screen tries again.
        }
        finally
        {
            _refresh.Release();
        }
    }

    /// <summary>The stored entry for exactly this name (expired ones included).</summary>
    public async Task<AllowlistEntry?> GetAsync(string ascii, CancellationToken cancellationToken)
    {
        var response = await storage.Allowlist.GetEntityIfExistsAsync<TableEntity>(Partition, ascii, cancellationToken: cancellationToken).ConfigureAwait(false);
        return response.HasValue ? Read(response.Value!) : null;
    }

    /// <summary>The stored entry in force covering this name or a parent, read from storage (not the copy).</summary>
    public async Task<AllowlistEntry?> CoveringAsync(string ascii, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        for (var name = ascii; ;)
        {
            if (await GetAsync(name, cancellationToken).ConfigureAwait(false) is { } entry && entry.InForce(now)) return entry;
            var dot = name.IndexOf('.', StringComparison.Ordinal);
            if (dot < 0 || name.IndexOf('.', dot + 1) < 0) return null; // stop above the last two labels
            name = name[(dot + 1)..];
        }
    }

    public async Task<(List<AllowlistEntry> Entries, string? Last)> ListAsync(int top, string? after, CancellationToken cancellationToken)
    {
        var filter = after is null
            ? TableClient.CreateQueryFilter($"PartitionKey eq {Partition}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and RowKey gt {after}");
        var list = new List<AllowlistEntry>();
        await foreach (var e in storage.Allowlist.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(top + 1, 1000), cancellationToken: cancellationToken)
            .ConfigureAwait(false))
        {
            if (list.Count == top) return (list, list[^1].Domain);
            list.Add(Read(e));
        }
        return (list, null);
    }

    public async Task PutAsync(AllowlistEntry entry, CancellationToken cancellationToken)
    {
        await storage.Allowlist.UpsertEntityAsync(new TableEntity(Partition, entry.Domain)
        {
            ["DisplayName"] = entry.DisplayName,
            ["Reason"] = entry.Reason,
            ["Author"] = entry.Author,
            ["CreatedAt"] = entry.CreatedAt,
            ["Until"] = entry.Until,
            ["CaseId"] = entry.CaseId,
        }, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        Apply(entry.Domain, entry);
    }

    public async Task<bool> DeleteAsync(string ascii, CancellationToken cancellationToken)
    {
        var response = await storage.Allowlist.DeleteEntityAsync(Partition, ascii, cancellationToken: cancellationToken).ConfigureAwait(false);
        Apply(ascii, null);
        return response.Status != 404;
    }

    private void Apply(string ascii, AllowlistEntry? entry)
    {
        var copy = new Dictionary<string, AllowlistEntry>(_entries, StringComparer.Ordinal);
        if (entry is null) copy.Remove(ascii);
        else copy[ascii] = entry;
        _entries = copy.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public void Dispose() => _refresh.Dispose();

    private static AllowlistEntry Read(TableEntity e) => new(e.RowKey, e.GetString("DisplayName") ?? e.RowKey, e.GetString("Reason") ?? "",
        e.GetString("Author") ?? "", e.GetDateTimeOffset("CreatedAt") ?? default, e.GetDateTimeOffset("Until"), e.GetString("CaseId"));
}
