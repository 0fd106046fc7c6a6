using DomainScreen.Core.Api;

namespace DomainScreen.Core.Sources;

/// <summary>
/// Run a candidate source now instead of on its timer (admin): <c>POST /api/feeds/run</c> (new feed files),
/// <c>POST /api/lookalikes/run</c> (brand look-alikes that resolve), <c>POST /api/ct/run</c> (new CT log entries).
/// </summary>
internal sealed class SourceRoutes(FeedProcessor feeds, LookalikeScanner lookalikes, CtFollower ct) : IApiRoutes
{
    public IEnumerable<ApiRoute> Routes =>
    [
        new("sources", "POST", "/api/feeds/run", Roles.CanOperate, RunAsync),
        new("sources", "POST", "/api/lookalikes/run", Roles.CanOperate, LookalikesAsync),
        new("sources", "POST", "/api/ct/run", Roles.CanOperate, CtAsync),
    ];

    private async Task<ApiResult> CtAsync(ApiCall call, CancellationToken cancellationToken) =>
        ApiResult.Of(200, (await ct.RunAsync(cancellationToken).ConfigureAwait(false)).ToList(), CoreJson.Default.ListCtResult);

    private async Task<ApiResult> LookalikesAsync(ApiCall call, CancellationToken cancellationToken) =>
        ApiResult.Of(200, (await lookalikes.RunAsync(cancellationToken).ConfigureAwait(false)).ToList(), CoreJson.Default.ListLookalikeResult);

    private async Task<ApiResult> RunAsync(ApiCall call, CancellationToken cancellationToken) =>
        ApiResult.Of(200, (await feeds.RunAsync(cancellationToken).ConfigureAwait(false)).ToList(), CoreJson.Default.ListFeedResult);
}
