using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs.Models;
using DomainScreen.Core.Storage;

namespace DomainScreen.Core.Registration;

/// <summary>Where registration lookups are kept between screens (one lookup per registrable domain).</summary>
public interface IRegistrationCache
{
    Task<RegistrationEvidence?> GetAsync(string domain, CancellationToken cancellationToken);
    Task SetAsync(RegistrationEvidence evidence, CancellationToken cancellationToken);
}

/// <summary>Where the RDAP bootstrap file is kept between refreshes.</summary>
public interface IBootstrapStore
{
    Task<(string Json, DateTimeOffset SavedAt)?> GetAsync(CancellationToken cancellationToken);
    Task SaveAsync(string json, DateTimeOffset savedAt, CancellationToken cancellationToken);
}

/// <summary>Lookups in the <c>Registrations</c> table (partition = registrable domain).</summary>
public sealed class TableRegistrationCache(StorageClients storage) : IRegistrationCache
{
    public async Task<RegistrationEvidence?> GetAsync(string domain, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync().ConfigureAwait(false);
        var row = await storage.Registrations.GetEntityIfExistsAsync<TableEntity>(domain, "rdap", cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue && JsonChunks.Read(row.Value!) is { } json ? JsonSerializer.Deserialize(json, CoreJson.Default.RegistrationEvidence) : null;
    }

    public Task SetAsync(RegistrationEvidence evidence, CancellationToken cancellationToken)
    {
        var entity = new TableEntity(evidence.Domain, "rdap") { ["Outcome"] = evidence.Outcome, ["FetchedAt"] = evidence.FetchedAt };
        JsonChunks.Write(entity, JsonSerializer.Serialize(evidence, CoreJson.Default.RegistrationEvidence));
        return storage.Registrations.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
    }
}

/// <summary>The bootstrap file as a blob in the <c>cache</c> container.</summary>
public sealed class BlobBootstrapStore(StorageClients storage) : IBootstrapStore
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

    public Task<RegistrationEvidence?> GetAsync(string domain, CancellationToken cancellationToken) =>
        Task.FromResult(_lookups.GetValueOrDefault(domain));

    public Task SetAsync(RegistrationEvidence evidence, CancellationToken cancellationToken)
    {
        _lookups[evidence.Domain] = evidence;
        return Task.CompletedTask;
    }

    Task<(string Json, DateTimeOffset SavedAt)?> IBootstrapStore.GetAsync(CancellationToken cancellationToken) => Task.FromResult(_bootstrap);

    public Task SaveAsync(string json, DateTimeOffset savedAt, CancellationToken cancellationToken)
    {
        _bootstrap = (json, savedAt);
        return Task.CompletedTask;
    }
}
