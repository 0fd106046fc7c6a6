using DomainScreen.Core.Screening;

namespace DomainScreen.Core.Submissions;

/// <summary>Records the results of a submission's batches (state, verdict and counts per domain).</summary>
internal sealed class SubmissionProgress(SubmissionStore store) : IScreeningResultConsumer
{
    public Task ConsumeAsync(ScreenedBatch batch, CancellationToken cancellationToken) =>
        batch.Request.Source == ScreenRequest.SubmissionSource
            ? store.RecordAsync(batch.Request.RunId, batch.Request.RequestId, batch.Results, cancellationToken)
            : Task.CompletedTask;
}
