using Azure.Data.Tables;
using DomainScreen.Core.Domains;
using DomainScreen.Core.Storage;

namespace DomainScreen.Core.Sweeps;

/// <summary>
/// The list the nightly sweep screens, in the <c>Candidates</c> table (row key = canonical domain). Feeds and
/// analysts add to it; adding a name twice keeps one row.
/// </summary>
public sealed class CandidateStore(StorageClients storage, TimeProvider time)
{
    private const string Partition = "candidate";

    public async Task<int> AddAsync(IEnumerable<DomainName> names, string source, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var count = 0;
        foreach (var chunk in names.DistinctBy(n => n.Ascii).Chunk(100))
        {
            await storage.Candidates.SubmitTransactionAsync(chunk.Select(n => new TableTransactionAction(
                TableTransactionActionType.UpsertMerge,
                new TableEntity(Partition, n.Ascii) { ["Source"] = source, ["AddedAt"] = now })), cancellationToken).ConfigureAwait(false);
            count += chunk.Length;
        }
        return count;
    }

    public async IAsyncEnumerable<string> ListAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var e in storage.Candidates.QueryAsync<TableEntity>(
            TableClient.CreateQueryFilter($"PartitionKey eq {Partition}"), maxPerPage: 1000, select: ["RowKey"], cancellationToken: cancellationToken)
            .ConfigureAwait(false))
        {
            yield return e.RowKey;
        }
    }
}
