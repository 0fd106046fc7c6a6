using System.Collections.Concurrent;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs.Models;
using DomainScreen.Core.Storage;

namespace DomainScreen.Core.Registration;

/// <summary>Where registration lookups are kept between screens (one lookup per registrable domain).</summary>
public interface IRegistrationCache
{
    /// <summary>The stored lookups among <paramref name="domains"/> (absent ones are left out).</summary>
    Task<IReadOnlyList<RegistrationEvidence>> GetManyAsync(IReadOnlyCollection<string> domains, CancellationToken cancellationToken);

    Task SetManyAsync(IReadOnlyCollection<RegistrationEvidence> evidence, CancellationToken cancellationToken);
}

/// <summary>Where the RDAP bootstrap file is kept between refreshes.</summary>
public interface IBootstrapStore
{
    Task<(string Json, DateTimeOffset SavedAt)?> GetAsync(CancellationToken cancellationToken);
    Task SaveAsync(string json, DateTimeOffset savedAt, CancellationToken cancellationToken);
}

/// <summary>
/// Lookups in the <c>Registrations</c> table: partition = the domain's first character (<c>g|a</c> … <c>g|9</c>), row key =
/// domain. A sweep's batch is a run of consecutive names, so its registrable domains are read with one range query per
/// partition (a few requests for 25 names instead of 25 point reads); names a range would not cover cheaply are point
/// reads. New lookups are written in batch transactions of up to 100 per partition. (Rows of the older layout, four
/// hashed partitions <c>r0</c>–<c>r3</c>, are no longer read: those domains are looked up again once.)
/// </summary>
internal sealed class TableRegistrationCache(StorageClients storage) : IRegistrationCache
{
    public static string PartitionOf(string domain) => "g|" + (domain.Length > 0 ? domain[0] : '-');

    public async Task<IReadOnlyList<RegistrationEvidence>> GetManyAsync(IReadOnlyCollection<string> domains, CancellationToken cancellationToken)
    {
        if (domains.Count == 0) return [];
        await storage.EnsureCreatedAsync().ConfigureAwait(false);
        var found = new System.Collections.Concurrent.ConcurrentBag<RegistrationEvidence>();
        var pointReads = new List<string>();
        foreach (var partition in domains.Distinct(StringComparer.Ordinal).GroupBy(PartitionOf))
        {
            var wanted = partition.Order(StringComparer.Ordinal).ToList();
            if (wanted.Count < 3)
            {
                pointReads.AddRange(wanted);
                continue;
            }
            // One range over the names; stop reading once it holds far more rows than were asked for (names spread over
            // the whole table), and point-read whatever the range did not reach.
            var cap = 4 * wanted.Count + 16;
            var want = wanted.ToHashSet(StringComparer.Ordinal);
            string? last = null;
            var rows = 0;
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition.Key} and RowKey ge {wanted[0]} and RowKey le {wanted[^1]}");
            await foreach (var row in storage.Registrations.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(1000, cap), cancellationToken: cancellationToken)
                .ConfigureAwait(false))
            {
                last = row.RowKey;
                if (want.Contains(row.RowKey) && Read(row) is { } evidence) found.Add(evidence);
                if (++rows >= cap) break;
            }
            if (rows >= cap) pointReads.AddRange(wanted.Where(d => string.CompareOrdinal(d, last) > 0));
        }
        await Parallel.ForEachAsync(pointReads, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (domain, ct) =>
            {
                var row = await storage.Registrations.GetEntityIfExistsAsync<TableEntity>(PartitionOf(domain), domain, cancellationToken: ct).ConfigureAwait(false);
                if (row.HasValue && Read(row.Value!) is { } evidence) found.Add(evidence);
            }).ConfigureAwait(false);
        return [.. found];
    }

    private static RegistrationEvidence? Read(TableEntity row) =>
        JsonChunks.Read(row) is { } json ? JsonSerializer.Deserialize(json, CoreJson.Default.RegistrationEvidence) : null;

    public async Task SetManyAsync(IReadOnlyCollection<RegistrationEvidence> evidence, CancellationToken cancellationToken)
    {
        foreach (var partition in evidence.DistinctBy(e => e.Domain).GroupBy(e => PartitionOf(e.Domain)))
        {
            foreach (var chunk in partition.Chunk(100))
            {
                await storage.Registrations.SubmitTransactionAsync(chunk.Select(e =>
                {
                    var entity = new TableEntity(partition.Key, e.Domain) { ["Outcome"] = e.Outcome, ["FetchedAt"] = e.FetchedAt };
                    JsonChunks.Write(entity, JsonSerializer.Serialize(e, CoreJson.Default.RegistrationEvidence));
                    return new TableTransactionAction(TableTransactionActionType.UpsertReplace, entity);
                }), cancellationToken).ConfigureAwait(false);
            }
        }
    }
}

/// <summary>The bootstrap file as a blob in the <c>cache</c> container.</summary>
internal sealed class BlobBootstrapStore(StorageClients storage) : IBootstrapStore
{
    private const string Name = "rdap/dns.json";

    public async Task<(string Json, DateTimeOffset SavedAt)?> GetAsync(CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync().ConfigureAwait(false);
        try
        {
            var download = await storage.Cache.GetBlobClient(Name).DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            return (download.Value.Content.ToString(), download.Value.Details.LastModified);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    public Task SaveAsync(string json, DateTimeOffset savedAt, CancellationToken cancellationToken) =>
        storage.Cache.GetBlobClient(Name).UploadAsync(BinaryData.FromString(json),
            new Azure.Storage.Blobs.Models.BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" } }, cancellationToken);
}

/// <summary>In-process stores for the CLI, which screens without storage.</summary>
public sealed class MemoryRegistrationCache : IRegistrationCache, IBootstrapStore
{
    private readonly ConcurrentDictionary<string, RegistrationEvidence> _lookups = new(StringComparer.Ordinal);
    private (string Json, DateTimeOffset SavedAt)? _bootstrap;

    public Task<IReadOnlyList<RegistrationEvidence>> GetManyAsync(IReadOnlyCollection<string> domains, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<RegistrationEvidence>>(domains.Select(d => _lookups.GetValueOrDefault(d)).OfType<RegistrationEvidence>().ToList());

    public Task SetManyAsync(IReadOnlyCollection<RegistrationEvidence> evidence, CancellationToken cancellationToken)
    {
        foreach (var e in evidence) _lookups[e.Domain] = e;
        return Task.CompletedTask;
    }

    Task<(string Json, DateTimeOffset SavedAt)?> IBootstrapStore.GetAsync(CancellationToken cancellationToken) => Task.FromResult(_bootstrap);

    public Task SaveAsync(string json, DateTimeOffset savedAt, CancellationToken cancellationToken)
    {
        _bootstrap = (json, savedAt);
        return Task.CompletedTask;
    }
}
