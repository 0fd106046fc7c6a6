using DomainScreen.Core.Api;
using DomainScreen.Core.Sweeps;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace DomainScreen.Functions;

/// <summary>The nightly timer and the operator's sweep routes.</summary>
public sealed class SweepFunctions(SweepService sweeps, DomainScreenApi api, TimeProvider time)
{
    /// <summary>Schedule from the setting <c>Sweep:Schedule</c> (<c>Sweep__Schedule</c>), NCRONTAB in UTC.</summary>
    [Function(nameof(NightlySweep))]
    public Task NightlySweep([TimerTrigger("%Sweep:Schedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        sweeps.StartScheduledAsync(time.GetUtcNow(), cancellationToken);

    [Function(nameof(StartSweep))]
    public async Task<IActionResult> StartSweep(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "sweeps")] HttpRequest request, CancellationToken cancellationToken) =>
        (await api.StartSweepAsync(request.ToApiRequest(), cancellationToken)).ToActionResult();

    [Function(nameof(GetSweep))]
    public async Task<IActionResult> GetSweep(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "sweeps/{id}")] HttpRequest request, string id, CancellationToken cancellationToken) =>
        (await api.GetSweepAsync(request.ToApiRequest(), id, cancellationToken)).ToActionResult();
}
