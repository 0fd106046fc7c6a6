using DomainScreen.Core.Screening;
using DomainScreen.Core.Storage;
using Microsoft.Azure.Functions.Worker;

namespace DomainScreen.Functions;

/// <summary>
/// Queue triggers on both screening queues. A message that throws is retried and, after
/// <c>extensions.queues.maxDequeueCount</c> in host.json, moved to <c>&lt;queue&gt;-poison</c> by the host.
/// </summary>
public sealed class ScreenBatchFunctions(ScreenBatchProcessor processor)
{
    [Function(nameof(ScreenBatch))]
    public Task ScreenBatch([QueueTrigger(StorageNames.SweepQueue)] string message, CancellationToken cancellationToken) =>
        processor.ProcessAsync(message, cancellationToken);

    [Function(nameof(ScreenBatchPriority))]
    public Task ScreenBatchPriority([QueueTrigger(StorageNames.PriorityQueue)] string message, CancellationToken cancellationToken) =>
        processor.ProcessAsync(message, cancellationToken);
}
