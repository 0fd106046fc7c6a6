using DomainScreen.Core.Api;
using DomainScreen.Core.Domains;
using Microsoft.Extensions.Options;

namespace DomainScreen.Core.Screening;

/// <summary>GET /api/domains/{domain}: the latest result and the earlier ones.</summary>
internal sealed class DomainRoutes(DomainParser parser, ResultStore results, IDomainCheckLog checks, IOptions<ScreeningOptions> options) : IApiRoutes
{
    public IEnumerable<ApiRoute> Routes => [new("domains", "GET", "/api/domains/{domain}", Roles.CanRead, GetAsync)];

    /// <summary>Accepts any form the parser does (Unicode, URL-encoded, with a trailing dot).</summary>
    private async Task<ApiResult> GetAsync(ApiCall call, CancellationToken cancellationToken)
    {
        var parsed = parser.TryParse(call.Route("domain"));
        if (parsed.Name is not { } name) return ApiResult.Error(400, parsed.Error!.CodeName, parsed.Error.Message);
        var latestTask = results.GetLatestAsync(name.Ascii, cancellationToken);
        var checkTask = checks.LastCheckedAsync(name.Ascii, cancellationToken);
        // One more than the limit: the newest history row is the latest result itself.
        var history = await results.GetHistoryAsync(name.Ascii, options.Value.HistoryLimit + 1, cancellationToken).ConfigureAwait(false);
        var latest = await latestTask.ConfigureAwait(false);
        if (latest is null) return ApiResult.Error(404, "not-screened", $"{name.Ascii} has not been screened.");
        var earlier = history.Where(h => !IsSame(h, latest)).Take(options.Value.HistoryLimit).ToList();
        var check = await checkTask.ConfigureAwait(false);
        var report = check is not null && check.At > latest.ScreenedAt
            ? new DomainReport(name.Ascii, name.Unicode, name.RegistrableDomain, latest, earlier, check.At, check.RunId, check.RequestId)
            : new DomainReport(name.Ascii, name.Unicode, name.RegistrableDomain, latest, earlier, latest.ScreenedAt, latest.RunId, latest.RequestId);
        return ApiResult.Of(200, report, CoreJson.Default.DomainReport);
    }

    private static bool IsSame(ScreeningResult a, ScreeningResult b) => a.RequestId == b.RequestId && a.ScreenedAt == b.ScreenedAt;
}
