using DomainScreen.Core.Api;
using Microsoft.Extensions.Logging;

namespace DomainScreen.Core.Sweeps;

/// <summary>POST /api/sweeps (start one now) and GET /api/sweeps/{id}.</summary>
internal sealed class SweepRoutes(SweepService service, SweepStore store, SweepReporter reporter, ILogger<SweepRoutes> logger) : IApiRoutes
{
    public IEnumerable<ApiRoute> Routes =>
    [
        new("sweeps", "POST", "/api/sweeps", Roles.CanOperate, StartAsync),
        new("sweeps", "POST", "/api/sweeps/{id}/resume", Roles.CanOperate, ResumeAsync),
        new("sweeps", "GET", "/api/sweeps/{id}", Roles.CanRead, GetAsync),
        new("sweeps", "GET", "/api/sweeps/{id}/report", Roles.CanRead, ReportAsync),
        new("sweeps", "GET", "/api/sweeps/latest", Roles.CanRead, LatestAsync),
        new("sweeps", "GET", "/api/sweeps/reports", Roles.CanRead, RecentAsync),
    ];

    /// <summary>GET /api/sweeps/reports?top=N: the newest finished sweeps' reports, newest first (default 14, at most 60).</summary>
    private async Task<ApiResult> RecentAsync(ApiCall call, CancellationToken cancellationToken)
    {
        var (top, _, error) = Paging.Read(call, 14, 60);
        if (error is not null) return error;
        var reports = await store.RecentReportsAsync(top, cancellationToken).ConfigureAwait(false);
        return ApiResult.Of(200, new SweepReportList(reports), CoreJson.Default.SweepReportList);
    }

    private async Task<ApiResult> LatestAsync(ApiCall call, CancellationToken cancellationToken) =>
        await store.LatestIdAsync(cancellationToken).ConfigureAwait(false) is { } id
            ? await ReportOfAsync(call, id, cancellationToken).ConfigureAwait(false)
            : ApiResult.Error(404, "not-found", "No sweep has run yet.");

    private Task<ApiResult> ReportAsync(ApiCall call, CancellationToken cancellationToken)
    {
        var id = call.Route("id");
        return Keys.IsId(id) ? ReportOfAsync(call, id, cancellationToken) : Task.FromResult(ApiResult.Error(400, "invalid-id", "Not a sweep id."));
    }

    /// <summary>JSON, or with <c>Accept: text/markdown</c> the report for people (zh-CN; <c>?lang=en</c> for English).</summary>
    private async Task<ApiResult> ReportOfAsync(ApiCall call, string id, CancellationToken cancellationToken)
    {
        var report = await reporter.GetAsync(id, cancellationToken).ConfigureAwait(false);
        if (report is null) return ApiResult.Error(404, "not-found", $"No sweep {id}.");
        var lang = call.Query("lang") ?? "zh-CN";
        if (lang is not ("zh-CN" or "zh" or "en")) return ApiResult.Error(400, "invalid-lang", "lang is zh-CN (default) or en.");
        return call.Header("Accept")?.Contains("text/markdown", StringComparison.OrdinalIgnoreCase) == true
            ? ApiResult.Text(SweepReportMarkdown.Render(report, lang), "text/markdown; charset=utf-8")
            : ApiResult.Of(200, report, CoreJson.Default.SweepReport);
    }

    private async Task<ApiResult> StartAsync(ApiCall call, CancellationToken cancellationToken)
    {
        // Answers once the sweep exists and its start is queued; the batches are queued by the sweep-starts trigger
        // (state "queueing" until then, "queued" with its total after).
        var status = await service.RequestManualAsync(cancellationToken).ConfigureAwait(false);
        logger.LogInformation("Sweep {SweepId} requested by {Caller}", status.SweepId, call.Caller.Name);
        return ApiResult.Of(202, status, CoreJson.Default.SweepStatus,
            new Dictionary<string, string> { ["Location"] = $"/api/sweeps/{status.SweepId}" });
    }

    /// <summary>POST /api/sweeps/{id}/resume: queue the rest of a sweep whose queueing stopped (its start lies on the poison queue).</summary>
    private async Task<ApiResult> ResumeAsync(ApiCall call, CancellationToken cancellationToken)
    {
        var id = call.Route("id");
        if (!Keys.IsId(id)) return ApiResult.Error(400, "invalid-id", "Not a sweep id.");
        var status = await service.ResumeAsync(id, cancellationToken).ConfigureAwait(false);
        if (status is null) return ApiResult.Error(404, "not-found", $"No sweep {id}.");
        if (status.State != SweepStates.Queueing) return ApiResult.Error(409, "already-queued", $"Every batch of {id} is queued already.");
        logger.LogInformation("Sweep {SweepId} resumed by {Caller}", id, call.Caller.Name);
        return ApiResult.Of(202, status, CoreJson.Default.SweepStatus, new Dictionary<string, string> { ["Location"] = $"/api/sweeps/{id}" });
    }

    private async Task<ApiResult> GetAsync(ApiCall call, CancellationToken cancellationToken)
    {
        var id = call.Route("id");
        if (!Keys.IsId(id)) return ApiResult.Error(400, "invalid-id", "Not a sweep id.");
        var status = await store.GetAsync(id, cancellationToken).ConfigureAwait(false);
        return status is null ? ApiResult.Error(404, "not-found", $"No sweep {id}.") : ApiResult.Of(200, status, CoreJson.Default.SweepStatus);
    }
}
