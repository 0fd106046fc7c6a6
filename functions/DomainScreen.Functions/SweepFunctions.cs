using DomainScreen.Core.Storage;
using DomainScreen.Core.Sweeps;
using Microsoft.Azure.Functions.Worker;

namespace DomainScreen.Functions;

/// <summary>
/// The nightly sweep and the queueing of every sweep (its HTTP routes are in the route table, served by
/// <see cref="ApiFunctions"/>). The timer and <c>POST /api/sweeps</c> only ask for a sweep; <see cref="StartSweep"/>
/// queues its batches, resuming from the sweep's cursor when a host restart or timeout cut an attempt short.
/// </summary>
public sealed class SweepFunctions(SweepService sweeps, TimeProvider time)
{
    /// <summary>Schedule from the setting <c>Sweep:Schedule</c> (<c>Sweep__Schedule</c>), NCRONTAB in UTC.</summary>
    [Function(nameof(NightlySweep))]
    public Task NightlySweep([TimerTrigger("%Sweep:Schedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        sweeps.RequestScheduledAsync(time.GetUtcNow(), cancellationToken);

    [Function(nameof(StartSweep))]
    public Task StartSweep([QueueTrigger(StorageNames.SweepStartQueue)] string message, CancellationToken cancellationToken) =>
        sweeps.ProcessStartAsync(message, cancellationToken);
}
