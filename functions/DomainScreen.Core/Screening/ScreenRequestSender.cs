using System.Text.Json;
using DomainScreen.Core.Storage;
using Microsoft.Extensions.Options;

namespace DomainScreen.Core.Screening;

/// <summary>Splits domains into <see cref="ScreenRequest"/> batches and sends them to a screening queue.</summary>
public sealed class ScreenRequestSender(StorageClients storage, TimeProvider time, IOptions<ScreeningOptions> options)
{
    private const int SendParallelism = 8;

    /// <summary>Returns the number of messages sent.</summary>
    public async Task<int> EnqueueAsync(string source, string runId, IReadOnlyList<string> domains, bool priority, CancellationToken cancellationToken)
    {
        var queue = priority ? storage.PriorityQueue : storage.SweepQueue;
        var requestedAt = time.GetUtcNow();
        var batches = domains.Chunk(options.Value.DomainsPerMessage)
            .Select((chunk, i) => new ScreenRequest(1, $"{runId}-{i:D5}", source, runId, chunk, requestedAt))
            .ToArray();
        await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = SendParallelism, CancellationToken = cancellationToken },
            async (batch, ct) => await queue.SendMessageAsync(JsonSerializer.Serialize(batch, CoreJson.Default.ScreenRequest), ct)
                .ConfigureAwait(false)).ConfigureAwait(false);
        return batches.Length;
    }
}
