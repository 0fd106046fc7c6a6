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
/// Lookups in the <c>Registrations</c> table: four partitions by a hash of the domain, row key = domain; a batch
/// of screens reads its domains with point reads and writes new lookups in a few batch transactions.
/// </summary>
internal sealed class TableRegistrationCache(StorageClients storage) : IRegistrationCache
{
    private const int Partitions = 4;

    /// <summary>A stable partition for a domain (FNV-1a over its characters; string.GetHashCode varies per process).</summary>
    public static string PartitionOf(string domain)
    {
        var hash = 2166136261u;
        foreach (var c in domain) hash = (hash ^ c) * 16777619u;
        return "r" + (hash % Partitions).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Point reads, several at a time. (A filter OR-ing row keys would be one request, but the Table service runs
    /// it as a scan of the partition, which grows with the cache; a point read stays O(1).)
    /// </summary>
    public async Task<IReadOnlyList<RegistrationEvidence>> GetManyAsync(IReadOnlyCollection<string> domains, CancellationToken cancellationToken)
    {
        if (domains.Count == 0) return [];
        await storage.EnsureCreatedAsync().ConfigureAwait(false);
        var found = new System.Collections.Concurrent.ConcurrentBag<RegistrationEvidence>();
        await Parallel.ForEachAsync(domains.Distinct(StringComparer.Ordinal), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (domain, ct) =>
            {
                var row = await storage.Registrations.GetEntityIfExistsAsync<TableEntity>(PartitionOf(domain), domain, cancellationToken: ct).ConfigureAwait(false);
                if (row.HasValue && JsonChunks.Read(row.Value!) is { } json && JsonSerializer.Deserialize(json, CoreJson.Default.RegistrationEvidence) is { } evidence)
                {
                    found.Add(evidence);
                }
            }).ConfigureAwait(false);
        return [.. found];
    }

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
