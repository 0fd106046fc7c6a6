using DomainScreen.Core.Screening;

namespace DomainScreen.Core.Sweeps;

/// <summary>
/// Records a finished batch of a sweep (its tally and the sweep's counters, once per request id) and, when it was
/// the last one, the sweep's report.
/// </summary>
internal sealed class SweepProgress(SweepStore store, SweepReporter reporter, TimeProvider time) : IScreeningResultConsumer
{
    // A sweep's batch count once its queueing is finished: it no longer changes, so each batch need not read it again.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _queued = new(StringComparer.Ordinal);

    /// <summary>How many batches the sweep queued, or int.MaxValue while it is still queueing.</summary>
    private async Task<int> QueuedBatchesAsync(string sweepId, CancellationToken cancellationToken)
    {
        if (_queued.TryGetValue(sweepId, out var known)) return known;
        if (await store.GetCursorAsync(sweepId, cancellationToken).ConfigureAwait(false) is not { State: SweepStates.Queued } cursor) return int.MaxValue;
        if (_queued.Count > 64) _queued.Clear(); // a few sweeps at a time; stay small
        return _queued[sweepId] = cursor.Batches;
    }

    public async Task ConsumeAsync(ScreenedBatch batch, CancellationToken cancellationToken)
    {
        if (batch.Request.Source is not (ScreenRequest.SweepSource or ScreenRequest.WatchlistSource)) return;
        var check = new BatchCheck(batch.Results.Select(r => r.Domain).ToList(), batch.Request.Source == ScreenRequest.WatchlistSource, time.GetUtcNow());
        var done = await store.RecordBatchAsync(batch.Request.RunId, batch.Request.RequestId, BatchTally.Of(batch), cancellationToken, check)
            .ConfigureAwait(false);
        // The count this batch wrote against the queued total (one read); after a redelivery, the stored counts — the
        // first delivery may have stopped between its tally and the report.
        var finished = done is { } n
            ? n >= await QueuedBatchesAsync(batch.Request.RunId, cancellationToken).ConfigureAwait(false)
            : await store.GetAsync(batch.Request.RunId, cancellationToken).ConfigureAwait(false) is { Done: true };
        if (finished)
        {
            await reporter.FinishAsync(batch.Request.RunId, cancellationToken).ConfigureAwait(false);
        }
    }
}
