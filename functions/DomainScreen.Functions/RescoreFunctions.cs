using DomainScreen.Core.Rescoring;
using Microsoft.Azure.Functions.Worker;

namespace DomainScreen.Functions;

/// <summary>The nightly re-score of stored results after a catalog or policy update (a no-op when nothing changed).</summary>
public sealed class RescoreFunctions(RescoreJob job)
{
    [Function(nameof(NightlyRescore))]
    public Task NightlyRescore([TimerTrigger(RescoreJob.Schedule)] TimerInfo timer, CancellationToken cancellationToken) => job.RunAsync(cancellationToken);
}
