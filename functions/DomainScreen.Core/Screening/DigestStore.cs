using Azure.Data.Tables;
using DomainScreen.Core.Storage;

namespace DomainScreen.Core.Screening;

/// <summary>
/// The <see cref="ResultDigest"/> of every domain's stored <c>latest</c> result, in the <c>Candidates</c> table's
/// <c>digest</c> partition (row = canonical ASCII name), so a sweep can read them in name order next to the candidates
/// (one query per thousand names) instead of reading each domain's result. Written after the results they describe, in
/// transactions of up to 100; a digest that is missing or stale only costs a write that could have been skipped.
/// </summary>
public sealed class DigestStore(StorageClients storage)
{
    internal const string Partition = "digest";
    private const int PageSize = 1000;

    public async Task SetManyAsync(IReadOnlyCollection<(string Domain, string Digest)> digests, DateTimeOffset at, CancellationToken cancellationToken)
    {
        foreach (var chunk in digests.DistinctBy(d => d.Domain).Chunk(100))
        {
            await storage.Candidates.SubmitTransactionAsync(chunk.Select(d => new TableTransactionAction(TableTransactionActionType.UpsertReplace,
                new TableEntity(Partition, d.Domain) { ["Digest"] = d.Digest, ["At"] = at })), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Every stored digest in name order after <paramref name="after"/>.</summary>
    public async IAsyncEnumerable<(string Domain, string Digest)> StreamAsync(string? after,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var e in KeyOrderStream.ReadAsync(storage.Candidates, Partition, after, PageSize, ["RowKey", "Digest"], cancellationToken).ConfigureAwait(false))
        {
            if (e.GetString("Digest") is { } digest) yield return (e.RowKey, digest);
        }
    }
}
