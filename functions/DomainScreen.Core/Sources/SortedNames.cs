using System.Text;

namespace DomainScreen.Core.Sources;

/// <summary>
/// Sorts and de-duplicates a stream of names in bounded memory (external merge sort: sorted runs of
/// <see cref="RunSize"/> names in temporary files, then a k-way merge), and walks two sorted lists to find what the
/// second adds. How a zone feed finds newly registered names in a zone of any size.
/// </summary>
public static class SortedNames
{
    /// <summary>Names held in memory at once while sorting (about 40 MB of strings).</summary>
    public const int RunSize = 500_000;

    /// <summary>Writes <paramref name="names"/> sorted (ordinal) and unique to <paramref name="path"/>, one a line; returns how many.</summary>
    public static async Task<long> SortToFileAsync(IAsyncEnumerable<string> names, string path, CancellationToken cancellationToken, int runSize = RunSize)
    {
        var runs = new List<string>();
        var buffer = new List<string>(Math.Min(runSize, 100_000));
        try
        {
            await foreach (var name in names.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                buffer.Add(name);
                if (buffer.Count >= runSize) runs.Add(await WriteRunAsync(buffer, cancellationToken).ConfigureAwait(false));
            }
            if (buffer.Count > 0 || runs.Count == 0) runs.Add(await WriteRunAsync(buffer, cancellationToken).ConfigureAwait(false));
            return await MergeAsync(runs, path, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            foreach (var run in runs) File.Delete(run);
        }
    }

    /// <summary>The names in sorted <paramref name="current"/> that are not in sorted <paramref name="previous"/> (null: none before).</summary>
    public static async IAsyncEnumerable<string> AddedAsync(TextReader? previous, TextReader current,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var before = previous is null ? null : await previous.ReadLineAsync(cancellationToken).ConfigureAwait(false);
        while (await current.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } name)
        {
            while (before is not null && string.CompareOrdinal(before, name) < 0) before = await previous!.ReadLineAsync(cancellationToken).ConfigureAwait(false);
            if (before != name) yield return name;
        }
    }

    private static async Task<string> WriteRunAsync(List<string> buffer, CancellationToken cancellationToken)
    {
        buffer.Sort(StringComparer.Ordinal);
        var path = Path.Combine(Path.GetTempPath(), "domainscreen-run-" + Guid.NewGuid().ToString("N"));
        await using (var writer = new StreamWriter(path, false, new UTF8Encoding(false)))
        {
            string? last = null;
            foreach (var name in buffer)
            {
                if (name == last) continue;
                await writer.WriteLineAsync(name.AsMemory(), cancellationToken).ConfigureAwait(false);
                last = name;
            }
        }
        buffer.Clear();
        return path;
    }

    private static async Task<long> MergeAsync(List<string> runs, string path, CancellationToken cancellationToken)
    {
        var readers = runs.Select(r => new StreamReader(r)).ToList();
        try
        {
            var heap = new PriorityQueue<int, string>(StringComparer.Ordinal);
            var heads = new string?[readers.Count];
            for (var i = 0; i < readers.Count; i++)
            {
                heads[i] = await readers[i].ReadLineAsync(cancellationToken).ConfigureAwait(false);
                if (heads[i] is { } h) heap.Enqueue(i, h);
            }
            long count = 0;
            await using var writer = new StreamWriter(path, false, new UTF8Encoding(false));
            string? last = null;
            while (heap.TryDequeue(out var i, out var name))
            {
                if (name != last)
                {
                    await writer.WriteLineAsync(name.AsMemory(), cancellationToken).ConfigureAwait(false);
                    last = name;
                    count++;
                }
                if ((heads[i] = await readers[i].ReadLineAsync(cancellationToken).ConfigureAwait(false)) is { } next) heap.Enqueue(i, next);
            }
            return count;
        }
        finally
        {
            foreach (var r in readers) r.Dispose();
        }
    }
}
