using System.IO.Compression;
using System.Runtime.CompilerServices;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using DomainScreen.Core.Domains;
using DomainScreen.Core.Storage;
using DomainScreen.Core.Submissions;
using DomainScreen.Core.Sweeps;
using Microsoft.Extensions.Logging;

namespace DomainScreen.Core.Sources;

/// <summary>What one feed file gave.</summary>
public sealed record FeedResult(string File, string Format, long NamesRead, long Added, long Rejected, string? Zone, double Seconds);

/// <summary>
/// Candidate feeds: files dropped in the blob container <c>candidate-feeds</c>, each processed once (by name and
/// ETag, recorded in table <c>Feeds</c>) and streamed, never loaded whole. Formats: one name a line (<c>#</c>
/// comments), CSV with a <c>domain</c> column (<c>.csv</c>), or a DNS zone file (<c>.zone</c>, <c>.db</c>, or a first
/// line starting with <c>$</c>); any of them gzipped (<c>.gz</c>). For a zone, the registered names are the owners of
/// its delegations (NS records below the apex); those not in the previous file of the same zone are the newly
/// registered ones and become candidates (the first file of a zone is the baseline and adds none). The zone's sorted
/// name list is kept in container <c>feed-state</c> for the next diff.
/// </summary>
public sealed class FeedProcessor(StorageClients storage, CandidateStore candidates, DomainParser parser, TimeProvider time, ILogger<FeedProcessor> logger)
{
    public const string Container = "candidate-feeds";
    public const string StateContainer = "feed-state";
    public const string Schedule = "0 */5 * * * *";
    private const int AddChunk = 1000;

    /// <summary>Processes every file not processed before (by name and ETag).</summary>
    public async Task<IReadOnlyList<FeedResult>> RunAsync(CancellationToken cancellationToken)
    {
        var feeds = storage.Blobs.GetBlobContainerClient(Container);
        await feeds.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var results = new List<FeedResult>();
        await foreach (var blob in feeds.GetBlobsAsync(cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var key = Key(blob.Name);
            var seen = await storage.Feeds.GetEntityIfExistsAsync<TableEntity>("feed", key, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (seen.HasValue && seen.Value!.GetString("ETag") == blob.Properties.ETag?.ToString()) continue;
            var result = await ProcessAsync(feeds.GetBlobClient(blob.Name), blob, cancellationToken).ConfigureAwait(false);
            await storage.Feeds.UpsertEntityAsync(new TableEntity("feed", key)
            {
                ["File"] = blob.Name, ["ETag"] = blob.Properties.ETag?.ToString(), ["ProcessedAt"] = time.GetUtcNow(), ["Format"] = result.Format,
                ["NamesRead"] = result.NamesRead, ["Added"] = result.Added, ["Rejected"] = result.Rejected, ["Zone"] = result.Zone,
            }, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            logger.LogInformation("Feed {File} ({Format}): {Read} names read, {Added} candidates added, {Rejected} rejected in {Seconds:0.0} s",
                blob.Name, result.Format, result.NamesRead, result.Added, result.Rejected, result.Seconds);
            results.Add(result);
        }
        return results;
    }

    private async Task<FeedResult> ProcessAsync(BlobClient blob, BlobItem item, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        await using var raw = await blob.OpenReadAsync(new BlobOpenReadOptions(allowModifications: false), cancellationToken).ConfigureAwait(false);
        var name = item.Name.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? item.Name[..^3] : item.Name;
        await using Stream content = item.Name.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(raw, CompressionMode.Decompress) : raw;
        using var reader = new StreamReader(content, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        var format = name.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ? "csv"
            : name.EndsWith(".zone", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".db", StringComparison.OrdinalIgnoreCase) || reader.Peek() == '$' ? "zone"
            : "text";
        var source = "feed:" + Path.GetFileName(name);
        var counts = new Counts();
        string? zone = null;
        switch (format)
        {
            case "csv":
                await AddAllAsync(CsvNames(reader, counts), source, counts, cancellationToken).ConfigureAwait(false);
                break;
            case "zone":
                zone = await ZoneAsync(reader, Path.GetFileName(name), counts, cancellationToken).ConfigureAwait(false);
                break;
            default:
                await AddAllAsync(TextNames(reader, counts), source, counts, cancellationToken).ConfigureAwait(false);
                break;
        }
        return new FeedResult(item.Name, format, counts.Read, counts.Added, counts.Rejected, zone, Math.Round(time.GetElapsedTime(started).TotalSeconds, 2));
    }

    private sealed class Counts
    {
        public long Read, Added, Rejected;
    }

    private async Task AddAllAsync(IAsyncEnumerable<string> names, string source, Counts counts, CancellationToken cancellationToken)
    {
        var chunk = new List<DomainName>(AddChunk);
        await foreach (var raw in names.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (parser.TryParse(raw).Name is { } name) chunk.Add(name);
            else counts.Rejected++;
            if (chunk.Count == AddChunk)
            {
                counts.Added += await candidates.AddAsync(chunk, source, cancellationToken).ConfigureAwait(false);
                chunk.Clear();
            }
        }
        if (chunk.Count > 0) counts.Added += await candidates.AddAsync(chunk, source, cancellationToken).ConfigureAwait(false);
    }

    private static async IAsyncEnumerable<string> TextNames(TextReader reader, Counts counts)
    {
        while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            var trimmed = line.Trim();
            if (trimmed.Length == 0 || trimmed[0] == '#') continue;
            counts.Read++;
            yield return trimmed.Length > 1024 ? trimmed[..1024] : trimmed;
        }
    }

    private static async IAsyncEnumerable<string> CsvNames(TextReader reader, Counts counts)
    {
        var column = -1;
        foreach (var (record, fields, _) in Csv.ReadRecords(reader))
        {
            if (record == 1)
            {
                column = fields.FindIndex(f => f.Trim().TrimStart('\uFEFF').Equals("domain", StringComparison.OrdinalIgnoreCase));
                if (column < 0) throw new InvalidDataException("the CSV header has no 'domain' column");
                continue;
            }
            if (column >= fields.Count || string.IsNullOrWhiteSpace(fields[column])) continue;
            counts.Read++;
            yield return fields[column];
        }
        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <summary>Sorts the zone's delegated names, diffs them against the previous file of the zone, adds the new ones.</summary>
    private async Task<string?> ZoneAsync(TextReader reader, string fileName, Counts counts, CancellationToken cancellationToken)
    {
        var zoneReader = new ZoneFileReader(reader);
        var sorted = Path.Combine(Path.GetTempPath(), "domainscreen-zone-" + Guid.NewGuid().ToString("N"));
        var previousPath = sorted + ".previous";
        try
        {
            await SortedNames.SortToFileAsync(Delegations(zoneReader, counts, cancellationToken), sorted, cancellationToken).ConfigureAwait(false);
            var zone = zoneReader.Origin ?? Path.GetFileNameWithoutExtension(fileName);
            counts.Rejected += zoneReader.Malformed;
            var state = storage.Blobs.GetBlobContainerClient(StateContainer);
            await state.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            var stateBlob = state.GetBlobClient(zone + ".names");
            var hasPrevious = await stateBlob.ExistsAsync(cancellationToken).ConfigureAwait(false);
            if (hasPrevious)
            {
                await stateBlob.DownloadToAsync(previousPath, cancellationToken).ConfigureAwait(false);
                using var previous = new StreamReader(previousPath);
                using var current = new StreamReader(sorted);
                await AddAllAsync(SortedNames.AddedAsync(previous, current, cancellationToken), "zone:" + zone, counts, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                logger.LogInformation("Zone {Zone}: first file, kept as the baseline (no candidates added)", zone);
            }
            await stateBlob.UploadAsync(sorted, overwrite: true, cancellationToken).ConfigureAwait(false);
            return zone;
        }
        finally
        {
            File.Delete(sorted);
            File.Delete(previousPath);
        }
    }

    private static async IAsyncEnumerable<string> Delegations(ZoneFileReader zone, Counts counts, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var record in zone.Records())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (record.Type != "NS" || record.Owner == zone.Origin || record.Owner.Length == 0) continue;
            counts.Read++;
            yield return record.Owner;
        }
        await Task.CompletedTask.ConfigureAwait(false);
    }

    // Table row keys may not hold '/', '\', '#' or '?'.
    private static string Key(string name) =>
        new(name.Select(c => c is '/' or '\\' or '#' or '?' || char.IsControl(c) ? '_' : c).Take(900).ToArray());
}
