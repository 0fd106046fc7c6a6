using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Azure.Core;
using Azure.Core.Pipeline;

namespace DomainScreen.Benchmarks;

/// <summary>
/// Storage requests by kind (method, service, table/queue/container, point/query/batch) with their count and wall
/// time, for finding which request the storage emulator spends its time on. Wall time includes waiting in the
/// emulator's single-threaded queue, so compare means, not totals alone.
/// </summary>
public sealed class RequestProfile : HttpPipelinePolicy
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    private sealed class Entry
    {
        public long Count;
        public long Ticks;
        public long MaxTicks;
        public long Entities;
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        var started = Stopwatch.GetTimestamp();
        ProcessNext(message, pipeline);
        Record(message, started);
    }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        var started = Stopwatch.GetTimestamp();
        await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
        Record(message, started);
    }

    private void Record(HttpMessage message, long started)
    {
        var elapsed = Stopwatch.GetTimestamp() - started;
        var (table, entities) = BatchOf(message.Request);
        var entry = _entries.GetOrAdd(Kind(message.Request) + table, _ => new Entry());
        Interlocked.Increment(ref entry.Count);
        Interlocked.Add(ref entry.Entities, entities);
        Interlocked.Add(ref entry.Ticks, elapsed);
        long max;
        while (elapsed > (max = Interlocked.Read(ref entry.MaxTicks)) && Interlocked.CompareExchange(ref entry.MaxTicks, elapsed, max) != max) { }
    }

    /// <summary>A table transaction's table and operation count, read from its multipart body (profiling only).</summary>
    private static (string Table, int Entities) BatchOf(Request request)
    {
        if (!request.Uri.Path.EndsWith("$batch", StringComparison.Ordinal) || request.Content is null) return ("", 0);
        using var body = new MemoryStream();
        request.Content.WriteTo(body, CancellationToken.None);
        var text = Encoding.UTF8.GetString(body.GetBuffer(), 0, (int)body.Length);
        var operations = System.Text.RegularExpressions.Regex.Matches(text, @"^(?:POST|PUT|PATCH|MERGE|DELETE|GET) \S+/([A-Za-z0-9]+)(?:\(|\?| )",
            System.Text.RegularExpressions.RegexOptions.Multiline);
        return operations.Count == 0 ? ("", 0) : (" " + operations[0].Groups[1].Value, operations.Count);
    }

    private static string Kind(Request request)
    {
        var uri = request.Uri;
        var path = uri.Path.Trim('/');
        // Emulator paths start with the account name.
        var segments = path.Split('/');
        var resource = segments.Length > 1 ? segments[1] : segments[0];
        var query = uri.Query ?? "";
        string kind;
        if (resource.StartsWith("$batch", StringComparison.Ordinal)) kind = "batch";
        else if (resource.Contains('(', StringComparison.Ordinal) && !resource.EndsWith("()", StringComparison.Ordinal)) kind = "point";
        else if (query.Contains("%24filter", StringComparison.OrdinalIgnoreCase) || query.Contains("$filter", StringComparison.Ordinal)) kind = "query";
        else kind = segments.Length > 2 ? "item" : "collection";
        var name = resource.Split('(')[0];
        return $"{request.Method} {name} {kind}";
    }

    /// <summary>Count and wall seconds by kind so far (the harness's timeline takes differences between seconds).</summary>
    public Dictionary<string, (long Count, double Seconds)> Snapshot() =>
        _entries.ToDictionary(kv => kv.Key, kv => (Interlocked.Read(ref kv.Value.Count), Interlocked.Read(ref kv.Value.Ticks) / (double)Stopwatch.Frequency), StringComparer.Ordinal);

    /// <summary>Starts counting afresh (the harness reports each pass of <c>--repeat</c> on its own).</summary>
    public void Reset() => _entries.Clear();

    public string Report()
    {
        var text = new StringBuilder("count,totalSeconds,meanMs,maxMs,request,meanOperations\n");
        foreach (var (key, e) in _entries.OrderByDescending(kv => kv.Value.Ticks))
        {
            text.Append(CultureInfo.InvariantCulture,
                $"{e.Count},{e.Ticks / (double)Stopwatch.Frequency:0.0},{e.Ticks * 1000.0 / Stopwatch.Frequency / Math.Max(1, e.Count):0.0},{e.MaxTicks * 1000.0 / Stopwatch.Frequency:0},{key},{(e.Entities == 0 ? "" : (e.Entities / (double)e.Count).ToString("0.0", CultureInfo.InvariantCulture))}\n");
        }
        return text.ToString();
    }
}
