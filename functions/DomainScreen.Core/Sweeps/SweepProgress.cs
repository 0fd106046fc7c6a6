using DomainScreen.Core.Screening;

namespace DomainScreen.Core.Sweeps;

/// <summary>
/// Records a finished batch of a sweep (its tally and the sweep's counters, once per request id) and, when it was
/// the last one, the sweep's report.
/// </summary>
internal sealed class SweepProgress(SweepStore store, SweepReporter reporter) : IScreeningResultConsumer
{
    public async Task ConsumeAsync(ScreenedBatch batch, CancellationToken cancellationToken)
    {
        if (batch.Request.Source is not (ScreenRequest.SweepSource or ScreenRequest.WatchlistSource)) return;
        await store.RecordBatchAsync(batch.Request.RunId, batch.Request.RequestId, BatchTally.Of(batch), cancellationToken).ConfigureAwait(false);
        // Also after a redelivery: the first delivery may have stopped between its tally and the report.
        if (await store.GetAsync(batch.Request.RunId, cancellationToken).ConfigureAwait(false) is { Done: true })
        {
            await reporter.FinishAsync(batch.Request.RunId, cancellationToken).ConfigureAwait(false);
        }
    }
}
