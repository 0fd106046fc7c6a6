using System.Text.Json;
using DomainScreen.Core.Storage;
using Microsoft.Extensions.Options;

namespace DomainScreen.Core.Screening;

/// <summary>
/// Splits domains into <see cref="ScreenRequest"/> batches in name order and sends them to a screening queue. In name
/// order a message's names share first characters — the registration cache's partitions — and registrable domains,
/// as a sweep's batches (which follow the candidates' order) do: its registration reads and writes are a range query
/// and a transaction or two instead of one per partition touched, ≈ 15 for 25 names in input order.
/// </summary>
public sealed class ScreenRequestSender(StorageClients storage, TimeProvider time, IOptions<ScreeningOptions> options)
{
    private const int SendParallelism = 8;

    /// <summary>Returns the number of messages sent.</summary>
    public async Task<int> EnqueueAsync(string source, string runId, IReadOnlyList<string> domains, bool priority, CancellationToken cancellationToken)
    {
        var queue = priority ? storage.PriorityQueue : storage.SweepQueue;
        var requestedAt = time.GetUtcNow();
        var batches = domains.Order(StringComparer.Ordinal).Chunk(options.Value.DomainsPerMessage)
            .Select((chunk, i) => new ScreenRequest(1, $"{runId}-{i:D5}", source, runId, chunk, requestedAt))
            .ToArray();
        await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = SendParallelism, CancellationToken = cancellationToken },
            async (batch, ct) => await queue.SendMessageAsync(JsonSerializer.Serialize(batch, CoreJson.Default.ScreenRequest), ct)
                .ConfigureAwait(false)).ConfigureAwait(false);
        return batches.Length;
    }
}
