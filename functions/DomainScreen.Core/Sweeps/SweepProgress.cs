using DomainScreen.Core.Screening;

namespace DomainScreen.Core.Sweeps;

/// <summary>Records a finished batch of a sweep (keyed by request id, so a redelivered batch counts once).</summary>
internal sealed class SweepProgress(SweepStore store) : IScreeningResultConsumer
{
    public Task ConsumeAsync(ScreenedBatch batch, CancellationToken cancellationToken) =>
        batch.Request.Source == ScreenRequest.SweepSource
            ? store.RecordBatchAsync(batch.Request.RunId, batch.Request.RequestId, batch.Results, cancellationToken)
            : Task.CompletedTask;
}
