using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure.Data.Tables;
using DomainScreen.Core.Domains;
using DomainScreen.Core.Storage;

namespace DomainScreen.Core.Sweeps;

/// <summary>A name the sweeps screen, with every source that named it and its tags.</summary>
public sealed record Candidate(string Domain, string DisplayName, IReadOnlyList<string> Sources, IReadOnlyList<string> Tags, DateTimeOffset? AddedAt);

/// <summary>A page of GET /api/candidates.</summary>
public sealed record CandidatePage(IReadOnlyList<Candidate> Candidates, string? ContinuationToken);

/// <summary>
/// The list the sweeps screen, in the <c>Candidates</c> table (partition <c>candidate</c>, row = canonical ASCII name).
/// A name added by several sources is one row that remembers them all: each source and tag is a property of its own
/// (<c>s_&lt;hash&gt;</c> = the source), so adding is a blind merge in transactions of 100 — no read per name, which
/// matters for a million-name zone feed — and a source or tag filter is a table filter.
/// </summary>
public sealed class CandidateStore(StorageClients storage, TimeProvider time)
{
    private const string Partition = "candidate";
    private const int PageSize = 1000;

    /// <summary>Adds or merges names from one source; returns how many rows were written.</summary>
    public async Task<int> AddAsync(IEnumerable<DomainName> names, string source, CancellationToken cancellationToken, IReadOnlyList<string>? tags = null)
    {
        var now = time.GetUtcNow();
        var count = 0;
        foreach (var chunk in names.DistinctBy(n => n.Ascii).Chunk(100))
        {
            await storage.Candidates.SubmitTransactionAsync(chunk.Select(n =>
            {
                var e = new TableEntity(Partition, n.Ascii) { ["DisplayName"] = n.Unicode, ["UpdatedAt"] = now, [Property("s", source)] = source };
                foreach (var tag in tags ?? []) e[Property("t", tag)] = tag;
                return new TableTransactionAction(TableTransactionActionType.UpsertMerge, e);
            }), cancellationToken).ConfigureAwait(false);
            count += chunk.Length;
        }
        return count;
    }

    public async Task<bool> DeleteAsync(string ascii, CancellationToken cancellationToken)
    {
        var response = await storage.Candidates.DeleteEntityAsync(Partition, ascii, cancellationToken: cancellationToken).ConfigureAwait(false);
        return response.Status != 404;
    }

    /// <summary>One page in name order after <paramref name="after"/>, optionally filtered.</summary>
    /// <remarks>
    /// The first page is one query. A later page of the whole list reads from where the last one ended one
    /// first-character window at a time (<see cref="KeyOrderStream.PageAsync"/>; names with a prefix are one window): the
    /// storage emulator sorts every row a filter matches before it takes a page, so "every name after this one" sorted
    /// the rest of the list for each page: paging through 100,000 names 1,000 at a time took 58.6 s, by windows 11.6 s
    /// (docs/benchmarks.md, "Thirty-fifth session").
    /// </remarks>
    public async Task<(List<Candidate> Candidates, string? Last)> PageAsync(string? after, int top, string? prefix, string? source, string? tag,
        CancellationToken cancellationToken)
    {
        var only = "";
        if (source is not null) only += $" and {Property("s", source)} eq '{Quote(source)}'";
        if (tag is not null) only += $" and {Property("t", tag)} eq '{Quote(tag)}'";
        var space = prefix is { Length: > 0 } ? new KeyOrderStream.KeySpace(prefix, prefix + "~", []) : KeyOrderStream.Names;
        var list = new List<Candidate>();
        // One more than the page holds: whether there is a next page.
        await foreach (var e in KeyOrderStream.PageAsync(storage.Candidates, Partition, space, after, Math.Min(top + 1, PageSize), only, cancellationToken)
            .ConfigureAwait(false))
        {
            if (list.Count == top) return (list, list[^1].Domain);
            list.Add(Read(e));
        }
        return (list, null);
    }

    /// <summary>Every candidate in name order from after <paramref name="after"/>, read a page at a time (bounded memory).</summary>
    public async IAsyncEnumerable<Candidate> StreamAsync(string? after, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var e in KeyOrderStream.ReadAsync(storage.Candidates, Partition, after, PageSize, null, cancellationToken).ConfigureAwait(false))
        {
            yield return Read(e);
        }
    }

    private static Candidate Read(TableEntity e)
    {
        var sources = new List<string>();
        var tags = new List<string>();
        foreach (var (key, value) in e)
        {
            if (value is not string s) continue;
            if (key.StartsWith("s_", StringComparison.Ordinal)) sources.Add(s);
            else if (key.StartsWith("t_", StringComparison.Ordinal)) tags.Add(s);
        }
        // Rows written before sources were kept per property carry one Source.
        if (sources.Count == 0 && e.GetString("Source") is { } legacy) sources.Add(legacy);
        sources.Sort(StringComparer.Ordinal);
        tags.Sort(StringComparer.Ordinal);
        return new Candidate(e.RowKey, e.GetString("DisplayName") ?? e.RowKey, sources, tags, e.GetDateTimeOffset("UpdatedAt") ?? e.GetDateTimeOffset("AddedAt"));
    }

    private static string Quote(string s) => s.Replace("'", "''", StringComparison.Ordinal);

    /// <summary>The property that holds one source or tag: a prefix and the first 12 hex digits of its SHA-256.</summary>
    internal static string Property(string kind, string value) =>
        string.Create(CultureInfo.InvariantCulture, $"{kind}_{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)))[..12]}");
}
