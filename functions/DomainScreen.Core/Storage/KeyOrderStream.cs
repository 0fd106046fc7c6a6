using System.Runtime.CompilerServices;
using Azure.Data.Tables;

namespace DomainScreen.Core.Storage;

/// <summary>
/// Every row of one partition (or of one range of keys in it, a <see cref="KeySpace"/>) in row-key order after a given
/// key, a page at a time. The first page is one query over the whole remainder; once there is more than a page, the
/// rest is read one window at a time — for names, by first character (<c>RowKey ge 'a' and RowKey lt 'b'</c>, …);
/// for the review queue, by score —, consecutive windows covering every possible key. Table Storage pages
/// a range the same either way; the storage emulator (Azurite) does not: it filters every row of the table and sorts
/// every row the filter matched before it takes a page, so paging 100,000 names in one range sorted 5 million rows
/// (100 pages × the rest of the partition, quadratic in the partition's size): 21–31 s of the emulator's one thread for
/// names added in random order, 5–8 s by windows (docs/benchmarks.md, "Thirtieth session").
/// </summary>
internal static class KeyOrderStream
{
    /// <summary>
    /// A range of row keys, [<paramref name="From"/>, <paramref name="To"/>) (null: unbounded), cut into windows at
    /// <paramref name="Bounds"/> (in order, each inside the range): the first window ends at the first bound, the last
    /// starts at the last one.
    /// </summary>
    internal sealed record KeySpace(string? From, string? To, IReadOnlyList<string> Bounds);

    /// <summary>A whole partition of canonical ASCII names, which begin with a digit or a letter: a window per first character.</summary>
    internal static readonly KeySpace Names = new(null, null, "0123456789abcdefghijklmnopqrstuvwxyz".Select(c => c.ToString()).ToArray());

    public static IAsyncEnumerable<TableEntity> ReadAsync(TableClient table, string partition, string? after, int pageSize,
        IEnumerable<string>? select, CancellationToken cancellationToken) =>
        ReadAsync(table, partition, Names, after, pageSize, select, null, cancellationToken);

    /// <param name="only">More conditions every row must meet (" and …"), or null.</param>
    public static async IAsyncEnumerable<TableEntity> ReadAsync(TableClient table, string partition, KeySpace space, string? after, int pageSize,
        IEnumerable<string>? select, string? only, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var columns = select?.ToList();
        string? last = null;
        var full = false;
        // One page first: a range that fits in it costs one request, as before.
        await foreach (var page in table.QueryAsync<TableEntity>(Filter(partition, after, space.From, space.To) + only, maxPerPage: pageSize, select: columns,
            cancellationToken: cancellationToken).AsPages(pageSizeHint: pageSize).ConfigureAwait(false))
        {
            foreach (var row in page.Values)
            {
                last = row.RowKey;
                yield return row;
            }
            full = page.ContinuationToken is not null;
            break;
        }
        if (!full) yield break;
        foreach (var filter in Windows(partition, space, last ?? after))
        {
            await foreach (var row in table.QueryAsync<TableEntity>(filter + only, maxPerPage: pageSize, select: columns, cancellationToken: cancellationToken)
                .ConfigureAwait(false))
            {
                yield return row;
            }
        }
    }

    /// <summary>
    /// The rows of one page of an API list in key order, for the caller to take as many as it needs: the first page
    /// (no <paramref name="after"/>) is one query over the range, so a short list costs one request; a later page reads
    /// the windows from where the last one ended, not one query to the end of the range (which the emulator sorts whole
    /// for every page).
    /// </summary>
    /// <param name="only">More conditions every row must meet (" and …"), or null.</param>
    public static async IAsyncEnumerable<TableEntity> PageAsync(TableClient table, string partition, KeySpace space, string? after, int pageSize,
        string? only, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var filters = after is null ? [Filter(partition, null, space.From, space.To)] : Windows(partition, space, after);
        foreach (var filter in filters)
        {
            await foreach (var row in table.QueryAsync<TableEntity>(filter + only, maxPerPage: pageSize, cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                yield return row;
            }
        }
    }

    /// <summary>
    /// The filters of the windows of <paramref name="space"/> that can hold keys after <paramref name="after"/>, in key
    /// order — for <see cref="Names"/>: (−∞, "0"), ["0", "1"), …, ["y", "z"), ["z", ∞) —, nothing between two windows,
    /// nothing before the first or after the last.
    /// </summary>
    internal static IEnumerable<string> Windows(string partition, KeySpace space, string? after)
    {
        for (var i = 0; i <= space.Bounds.Count; i++)
        {
            var low = i == 0 ? space.From : space.Bounds[i - 1];
            var high = i == space.Bounds.Count ? space.To : space.Bounds[i];
            if (high is not null && after is not null && string.CompareOrdinal(high, after) <= 0) continue; // every key here is at or before after
            yield return after is not null && (low is null || string.CompareOrdinal(after, low) >= 0)
                ? Filter(partition, after, null, high)
                : Filter(partition, null, low, high);
        }
    }

    private static string Filter(string partition, string? after, string? from, string? before)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition}");
        if (after is not null) filter += " and " + TableClient.CreateQueryFilter($"RowKey gt {after}");
        if (from is not null) filter += " and " + TableClient.CreateQueryFilter($"RowKey ge {from}");
        if (before is not null) filter += " and " + TableClient.CreateQueryFilter($"RowKey lt {before}");
        return filter;
    }
}
