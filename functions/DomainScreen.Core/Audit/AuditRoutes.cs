using DomainScreen.Core.Api;

namespace DomainScreen.Core.Audit;

/// <summary>GET /api/audit: filters <c>caseId</c>, <c>actor</c>, <c>since</c>; paged.</summary>
internal sealed class AuditRoutes(AuditLog log) : IApiRoutes
{
    public IEnumerable<ApiRoute> Routes => [new("audit", "GET", "/api/audit", Roles.CanDecide, ListAsync)];

    private async Task<ApiResult> ListAsync(ApiCall call, CancellationToken cancellationToken)
    {
        var (top, after, error) = Paging.Read(call, 50, 200);
        if (error is not null) return error;
        DateTimeOffset? since = null;
        if (call.Query("since") is { } raw)
        {
            if (!DateTimeOffset.TryParse(raw, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var s))
            {
                return ApiResult.Error(400, "invalid-since", "since must be a date or an ISO 8601 time, e.g. 2026-11-30 or 2026-11-30T08:00:00Z.");
            }
            since = s;
        }
        var page = await log.ListAsync(call.Query("caseId"), call.Query("actor"), since, top, after, cancellationToken).ConfigureAwait(false);
        return ApiResult.Of(200, page, CoreJson.Default.AuditPage);
    }
}
