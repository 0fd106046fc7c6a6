using DomainScreen.Core.Api;

namespace DomainScreen.Core.Sources;

/// <summary>POST /api/feeds/run: process new feed files now instead of at the next five-minute pass (admin).</summary>
internal sealed class SourceRoutes(FeedProcessor feeds) : IApiRoutes
{
    public IEnumerable<ApiRoute> Routes => [new("sources", "POST", "/api/feeds/run", Roles.CanOperate, RunAsync)];

    private async Task<ApiResult> RunAsync(ApiCall call, CancellationToken cancellationToken) =>
        ApiResult.Of(200, (await feeds.RunAsync(cancellationToken).ConfigureAwait(false)).ToList(), CoreJson.Default.ListFeedResult);
}
