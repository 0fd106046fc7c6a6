using DomainScreen.Core.Api;
using DomainScreen.Core.Audit;
using DomainScreen.Core.Scoring;
using DomainScreen.Core.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DomainScreen.Core.Fingerprints;

/// <summary>A catalog and the policy published with it, always read together: one screen never mixes versions.</summary>
public sealed record CatalogSnapshot(CompiledCatalog Catalog, ScoringPolicy Policy);

/// <summary>
/// The catalog and policy in force. Starts from the built-in files (or <see cref="CatalogOptions.Directory"/>),
/// and picks up operator updates from blob storage. An update that fails validation is rejected with its
/// problems logged, and the previous catalog stays in force.
/// </summary>
public sealed class CatalogProvider : IDisposable
{
    private readonly CatalogOptions _options;
    private readonly StorageClients? _storage;
    private readonly AuditLog? _audit;
    private readonly TimeProvider _time;
    private readonly ILogger<CatalogProvider> _logger;
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private DateTimeOffset _lastCheck = DateTimeOffset.MinValue;
    private string _blobStamp = "";
    private volatile CatalogSnapshot _current;

    public CatalogProvider(IOptions<CatalogOptions> options, TimeProvider time, ILogger<CatalogProvider> logger, StorageClients? storage = null,
        AuditLog? audit = null)
    {
        _audit = audit;
        _options = options.Value;
        _storage = storage;
        _time = time;
        _logger = logger;
        var (files, policy) = LocalFiles(_options.Directory);
        _current = new CatalogSnapshot(CatalogLoader.Compile(files), policy);
    }

    /// <summary>The catalog and policy in force, swapped as one reference on every update.</summary>
    public CatalogSnapshot Current => _current;

    /// <summary>The built-in catalog files (embedded resources).</summary>
    public static IEnumerable<(string File, string Json)> BuiltInFiles()
    {
        var assembly = typeof(CatalogProvider).Assembly;
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith("catalog/", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
            yield return (name, reader.ReadToEnd());
        }
    }

    public static ScoringPolicy BuiltInPolicy()
    {
        using var reader = new StreamReader(typeof(CatalogProvider).Assembly.GetManifestResourceStream("policy/policy.json")!);
        return ScoringPolicy.Parse(reader.ReadToEnd(), "policy/policy.json");
    }

    /// <summary>Replaces the catalog (and optionally the policy) if they validate; returns the problems otherwise.</summary>
    public IReadOnlyList<string> TryReplace(IReadOnlyList<(string File, string Json)> catalogFiles, (string File, string Json)? policyFile = null)
    {
        var current = _current;
        try
        {
            var catalog = catalogFiles.Count > 0 ? CatalogLoader.Compile(catalogFiles) : current.Catalog;
            var policy = policyFile is { } p ? ScoringPolicy.Parse(p.Json, p.File) : current.Policy;
            _current = new CatalogSnapshot(catalog, policy);
            return [];
        }
        catch (CatalogValidationException ex)
        {
            _logger.LogError("Catalog update rejected; catalog {Version} and policy {PolicyVersion} stay in force: {Problems}",
                current.Catalog.Version, current.Policy.Version, string.Join(" | ", ex.Problems));
            return ex.Problems;
        }
    }

    /// <summary>Checks the catalog container when a check is due; cheap otherwise. Never throws for storage trouble.</summary>
    public async Task RefreshIfDueAsync(CancellationToken cancellationToken)
    {
        if (_storage is null || _options.RefreshMinutes == 0 || _time.GetUtcNow() - _lastCheck < TimeSpan.FromMinutes(_options.RefreshMinutes)) return;
        if (!await _refresh.WaitAsync(0, cancellationToken).ConfigureAwait(false)) return;
        try
        {
            _lastCheck = _time.GetUtcNow();
            var container = _storage.Blobs.GetBlobContainerClient(_options.Container);
            if (!await container.ExistsAsync(cancellationToken).ConfigureAwait(false)) return;
            var blobs = new List<Azure.Storage.Blobs.Models.BlobItem>();
            await foreach (var blob in container.GetBlobsAsync(cancellationToken: cancellationToken).ConfigureAwait(false)) blobs.Add(blob);
            var relevant = blobs.Where(b => b.Name == "policy.json" || (b.Name.StartsWith("fingerprints/", StringComparison.Ordinal) && b.Name.EndsWith(".json", StringComparison.Ordinal)))
                .OrderBy(b => b.Name, StringComparer.Ordinal).ToList();
            var stamp = string.Join("|", relevant.Select(b => b.Name + "@" + b.Properties.ETag));
            if (stamp == _blobStamp) return;
            var catalogFiles = new List<(string, string)>();
            (string, string)? policy = null;
            foreach (var blob in relevant)
            {
                var content = (await container.GetBlobClient(blob.Name).DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value.Content.ToString();
                if (blob.Name == "policy.json") policy = ($"{_options.Container}/{blob.Name}", content);
                else catalogFiles.Add(($"{_options.Container}/{blob.Name}", content));
            }
            var problems = TryReplace(catalogFiles, policy);
            _blobStamp = stamp;
            if (problems.Count == 0)
            {
                _logger.LogInformation("Catalog {Version} and policy {PolicyVersion} loaded from blob storage", _current.Catalog.Version, _current.Policy.Version);
                if (_audit is not null)
                {
                    // Every instance loads the same update; the key from the blobs' ETags records it once.
                    await _audit.AppendAsync(new AuditRecord(Caller.System, "", AuditActions.CatalogLoaded, Target: _options.Container,
                        After: new Dictionary<string, string?> { ["catalogVersion"] = _current.Catalog.Version, ["policyVersion"] = _current.Policy.Version, ["blobs"] = stamp },
                        Key: "catalog|" + stamp), cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (Azure.RequestFailedException ex)
        {
            _logger.LogWarning("Catalog refresh from blob storage failed: {Reason}", ex.Message);
        }
        finally
        {
            _refresh.Release();
        }
    }

    private static (IReadOnlyList<(string File, string Json)> Files, ScoringPolicy Policy) LocalFiles(string? directory)
    {
        if (string.IsNullOrWhiteSpace(directory)) return (BuiltInFiles().ToList(), BuiltInPolicy());
        var fingerprints = Path.Combine(directory, "fingerprints");
        var files = System.IO.Directory.Exists(fingerprints)
            ? System.IO.Directory.GetFiles(fingerprints, "*.json").Order(StringComparer.Ordinal).Select(f => (f, File.ReadAllText(f))).ToList()
            : BuiltInFiles().ToList();
        var policyPath = Path.Combine(directory, "policy.json");
        var policy = File.Exists(policyPath) ? ScoringPolicy.Parse(File.ReadAllText(policyPath), policyPath) : BuiltInPolicy();
        return (files, policy);
    }

    public void Dispose() => _refresh.Dispose();
}
