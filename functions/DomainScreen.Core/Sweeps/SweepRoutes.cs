using DomainScreen.Core.Api;
using Microsoft.Extensions.Logging;

namespace DomainScreen.Core.Sweeps;

/// <summary>POST /api/sweeps (start one now) and GET /api/sweeps/{id}.</summary>
internal sealed class SweepRoutes(SweepService service, SweepStore store, ILogger<SweepRoutes> logger) : IApiRoutes
{
    public IEnumerable<ApiRoute> Routes =>
    [
        new("sweeps", "POST", "/api/sweeps", Roles.CanOperate, StartAsync),
        new("sweeps", "GET", "/api/sweeps/{id}", Roles.CanRead, GetAsync),
    ];

    private async Task<ApiResult> StartAsync(ApiCall call, CancellationToken cancellationToken)
    {
        var status = (await service.StartManualAsync(cancellationToken).ConfigureAwait(false))!;
        logger.LogInformation("Sweep {SweepId} started by {Caller}", status.SweepId, call.Caller.Name);
        return ApiResult.Of(202, status, CoreJson.Default.SweepStatus,
            new Dictionary<string, string> { ["Location"] = $"/api/sweeps/{status.SweepId}" });
    }

    private async Task<ApiResult> GetAsync(ApiCall call, CancellationToken cancellationToken)
    {
        var id = call.Route("id");
        if (!Keys.IsId(id)) return ApiResult.Error(400, "invalid-id", "Not a sweep id.");
        var status = await store.GetAsync(id, cancellationToken).ConfigureAwait(false);
        return status is null ? ApiResult.Error(404, "not-found", $"No sweep {id}.") : ApiResult.Of(200, status, CoreJson.Default.SweepStatus);
    }
}
