using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using DomainScreen.Core.Domains;
using DomainScreen.Core.Fetching;
using DomainScreen.Core.Fingerprints;
using DomainScreen.Core.Screening;
using DomainScreen.Core.Storage;
using DomainScreen.Core.Sweeps;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DomainScreen.Core.Sources;

/// <summary>What one pass over one log did; <c>Error</c> when the log could not be read this time (tried again next run).</summary>
public sealed record CtResult(string Log, long TreeSize, long From, long To, int Names, int Watched, int Malformed, string? Error = null);

/// <summary>
/// Follows Certificate Transparency logs (<see cref="SourceOptions.CtLogs"/>): RFC 6962 (<c>get-sth</c>,
/// <c>get-entries</c>) and static-ct-api (<c>checkpoint</c>, data tiles). Each log's position is kept in table
/// <c>CtLogs</c>, moved after every batch, so a restart continues where it stopped. Names in new certificates and
/// precertificates that the policy's watch terms match (<see cref="WatchMatcher"/>) become candidates
/// (source <c>ct:&lt;log&gt;</c>) and are screened at once on the priority queue. A malformed entry is counted, logged
/// and skipped. Tree-head signatures are not verified (the names are leads to screen, not evidence).
/// </summary>
public sealed class CtFollower(
    IHttpClientFactory httpFactory,
    StorageClients storage,
    CatalogProvider catalogs,
    DomainParser parser,
    CandidateStore candidates,
    ScreenRequestSender screening,
    IOptions<SourceOptions> options,
    TimeProvider time,
    ILogger<CtFollower> logger)
{
    public const string HttpClientName = "ct";
    public const string Schedule = "0 * * * * *";
    private const int MaxResponseBytes = 32 * 1024 * 1024;

    public async Task<IReadOnlyList<CtResult>> RunAsync(CancellationToken cancellationToken)
    {
        var results = new List<CtResult>();
        var matcher = new WatchMatcher(catalogs.Current.Policy.Watch);
        foreach (var log in options.Value.CtLogs)
        {
            try
            {
                results.Add(await FollowAsync(log, matcher, cancellationToken).ConfigureAwait(false));
            }
            catch (Exception ex) when (ex is HttpRequestException or JsonException or InvalidDataException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                var reason = ex is HttpRequestException { InnerException: FetchConnectException refused } ? refused.Message : ex.Message;
                logger.LogWarning("CT log {Log}: {Reason}; trying again next run", log, reason);
                results.Add(new CtResult(log, 0, 0, 0, 0, 0, 0, reason));
            }
        }
        return results;
    }

    private async Task<CtResult> FollowAsync(string log, WatchMatcher matcher, CancellationToken cancellationToken)
    {
        var isStatic = log.StartsWith("static+", StringComparison.Ordinal);
        var prefix = (isStatic ? log["static+".Length..] : log).TrimEnd('/') + "/";
        var http = httpFactory.CreateClient(HttpClientName);
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(log)))[..32];
        var size = isStatic ? await CheckpointSizeAsync(http, prefix, cancellationToken).ConfigureAwait(false) : await SthSizeAsync(http, prefix, cancellationToken).ConfigureAwait(false);
        var row = await storage.CtLogs.GetEntityIfExistsAsync<TableEntity>("ctlog", key, cancellationToken: cancellationToken).ConfigureAwait(false);
        long next;
        if (row.HasValue)
        {
            next = row.Value!.GetInt64("NextIndex") ?? 0;
        }
        else
        {
            next = options.Value.CtStartAt == "beginning" ? 0 : size;
            await SaveAsync(key, log, next, size, 0, cancellationToken).ConfigureAwait(false);
        }
        var from = next;
        var end = Math.Min(size, next + options.Value.CtMaxEntriesPerRun);
        int names = 0, watched = 0, malformed = 0;
        while (next < end)
        {
            var entries = isStatic
                ? await TileAsync(http, prefix, next, size, cancellationToken).ConfigureAwait(false)
                : await EntriesAsync(http, prefix, next, Math.Min(end, next + options.Value.CtBatch) - 1, cancellationToken).ConfigureAwait(false);
            entries = entries.Where(e => e.Index >= next && e.Index < end).ToList();
            if (entries.Count == 0) break;
            var found = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var entry in entries)
            {
                if (entry.Error is not null)
                {
                    malformed++;
                    logger.LogWarning("CT log {Log}: entry {Index} skipped: {Reason}", log, entry.Index, entry.Error);
                    continue;
                }
                foreach (var name in entry.Names)
                {
                    names++;
                    if (matcher.Match(name) is not null) found.Add(name);
                }
            }
            watched += await TakeAsync(found, log, cancellationToken).ConfigureAwait(false);
            next = entries[^1].Index + 1;
            await SaveAsync(key, log, next, size, malformed, cancellationToken).ConfigureAwait(false);
        }
        if (watched > 0 || malformed > 0) logger.LogInformation("CT log {Log}: entries {From}-{To}: {Watched} watched names, {Malformed} malformed", log, from, next, watched, malformed);
        return new CtResult(log, size, from, next, names, watched, malformed);
    }

    /// <summary>Adds the watched names as candidates and screens them now.</summary>
    private async Task<int> TakeAsync(IReadOnlyCollection<string> found, string log, CancellationToken cancellationToken)
    {
        var parsed = found.Select(n => parser.TryParse(n).Name).OfType<DomainName>().ToList();
        if (parsed.Count == 0) return 0;
        var source = "ct:" + new Uri(log.Replace("static+", "", StringComparison.Ordinal)).Host;
        await candidates.AddAsync(parsed, source, cancellationToken, ["ct"]).ConfigureAwait(false);
        await screening.EnqueueAsync(ScreenRequest.CtSource, "ct-" + Guid.CreateVersion7(time.GetUtcNow()).ToString("N"), parsed.Select(n => n.Ascii).ToList(),
            priority: true, cancellationToken).ConfigureAwait(false);
        return parsed.Count;
    }

    private Task<Azure.Response> SaveAsync(string key, string log, long next, long size, int malformed, CancellationToken cancellationToken) =>
        storage.CtLogs.UpsertEntityAsync(new TableEntity("ctlog", key)
        {
            ["Log"] = log, ["NextIndex"] = next, ["TreeSize"] = size, ["UpdatedAt"] = time.GetUtcNow(), ["MalformedLastRun"] = malformed,
        }, TableUpdateMode.Merge, cancellationToken);

    private static async Task<byte[]> GetAsync(HttpClient http, string url, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(new Uri(url), HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode) throw new HttpRequestException($"{url}: {(int)response.StatusCode}");
        var body = await BoundedBuffer.ReadAsync(response, MaxResponseBytes, cancellationToken).ConfigureAwait(false);
        if (body.Exceeded) throw new InvalidDataException($"{url}: the answer is larger than {MaxResponseBytes} bytes");
        return body.Bytes.ToArray();
    }

    private static async Task<long> SthSizeAsync(HttpClient http, string prefix, CancellationToken cancellationToken)
    {
        using var sth = JsonDocument.Parse(await GetAsync(http, prefix + "ct/v1/get-sth", cancellationToken).ConfigureAwait(false));
        return sth.RootElement.GetProperty("tree_size").GetInt64();
    }

    /// <summary>c2sp.org/tlog-checkpoint: origin line, tree size line, root hash line, then signatures.</summary>
    private static async Task<long> CheckpointSizeAsync(HttpClient http, string prefix, CancellationToken cancellationToken)
    {
        var lines = Encoding.UTF8.GetString(await GetAsync(http, prefix + "checkpoint", cancellationToken).ConfigureAwait(false)).Split('\n');
        return lines.Length > 1 && long.TryParse(lines[1], NumberStyles.None, CultureInfo.InvariantCulture, out var size)
            ? size : throw new InvalidDataException("the checkpoint has no tree size on its second line");
    }

    private static async Task<List<CtNames>> EntriesAsync(HttpClient http, string prefix, long start, long end, CancellationToken cancellationToken)
    {
        using var doc = JsonDocument.Parse(await GetAsync(http, string.Create(CultureInfo.InvariantCulture, $"{prefix}ct/v1/get-entries?start={start}&end={end}"),
            cancellationToken).ConfigureAwait(false));
        var list = new List<CtNames>();
        var index = start;
        foreach (var entry in doc.RootElement.GetProperty("entries").EnumerateArray())
        {
            list.Add(entry.TryGetProperty("leaf_input", out var leaf) && leaf.TryGetBytesFromBase64(out var bytes)
                ? CtEntries.FromMerkleTreeLeaf(index, bytes)
                : new CtNames(index, false, [], "no leaf_input"));
            index++;
        }
        return list;
    }

    private static async Task<List<CtNames>> TileAsync(HttpClient http, string prefix, long next, long size, CancellationToken cancellationToken)
    {
        var n = next / 256;
        var width = Math.Min(256, size - (n * 256));
        var url = prefix + "tile/data/" + TilePath(n) + (width < 256 ? string.Create(CultureInfo.InvariantCulture, $".p/{width}") : "");
        return CtEntries.FromDataTile(n * 256, await GetAsync(http, url, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>A tile index as 3-digit path elements, all but the last prefixed with x: 1234067 → x001/x234/067.</summary>
    public static string TilePath(long n)
    {
        var groups = new List<string>();
        do
        {
            groups.Insert(0, (n % 1000).ToString("D3", CultureInfo.InvariantCulture));
            n /= 1000;
        }
        while (n > 0);
        for (var i = 0; i < groups.Count - 1; i++) groups[i] = "x" + groups[i];
        return string.Join('/', groups);
    }
}
