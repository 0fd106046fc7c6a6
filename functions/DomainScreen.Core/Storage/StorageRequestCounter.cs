using Azure.Core;
using Azure.Core.Pipeline;

namespace DomainScreen.Core.Storage;

/// <summary>
/// Counts the storage requests (billable transactions, retries included) the service's own clients send, per
/// service. Benchmarks report transactions per domain from this count, not from an estimate.
/// </summary>
public sealed class StorageRequestCounter
{
    private readonly Counter _blob = new(), _queue = new(), _table = new();

    public long Blob => _blob.Value;
    public long Queue => _queue.Value;
    public long Table => _table.Value;
    public long Total => Blob + Queue + Table;

    internal HttpPipelinePolicy BlobPolicy => _blob;
    internal HttpPipelinePolicy QueuePolicy => _queue;
    internal HttpPipelinePolicy TablePolicy => _table;

    private sealed class Counter : HttpPipelineSynchronousPolicy
    {
        private long _value;

        public long Value => Interlocked.Read(ref _value);

        public override void OnSendingRequest(HttpMessage message) => Interlocked.Increment(ref _value);
    }
}
