using DomainScreen.Core.Sweeps;
using Microsoft.Azure.Functions.Worker;

namespace DomainScreen.Functions;

/// <summary>The nightly sweep (its HTTP routes are in the route table, served by <see cref="ApiFunctions"/>).</summary>
public sealed class SweepFunctions(SweepService sweeps, TimeProvider time)
{
    /// <summary>Schedule from the setting <c>Sweep:Schedule</c> (<c>Sweep__Schedule</c>), NCRONTAB in UTC.</summary>
    [Function(nameof(NightlySweep))]
    public Task NightlySweep([TimerTrigger("%Sweep:Schedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        sweeps.StartScheduledAsync(time.GetUtcNow(), cancellationToken);
}
