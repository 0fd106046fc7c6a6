using System.Reflection;
using DomainScreen.Core.Storage;

namespace DomainScreen.Core.Api;

/// <summary>GET /api/health: anonymous; checks storage answers.</summary>
internal sealed class HealthRoutes(StorageClients storage, StorageRecovery recovery, TimeProvider time) : IApiRoutes
{
    private static readonly string Version =
        typeof(HealthRoutes).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0";

    public IEnumerable<ApiRoute> Routes => [new("health", "GET", "/api/health", [], (_, ct) => HealthAsync(ct))];

    private async Task<ApiResult> HealthAsync(CancellationToken cancellationToken)
    {
        var checks = new Dictionary<string, string>();
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            await storage.PriorityQueue.GetPropertiesAsync(timeout.Token).ConfigureAwait(false);
            checks["storage"] = "ok";
        }
        catch (Exception ex) when (ex is Azure.RequestFailedException or OperationCanceledException or AggregateException)
        {
            // Storage that answers but lost its queues is recreated now; this answer still says what was found.
            checks["storage"] = await recovery.TryRecoverAsync(ex, cancellationToken).ConfigureAwait(false)
                ? "recreated: " + ex.Message.Split('\n')[0]
                : "unreachable: " + ex.Message.Split('\n')[0];
        }
        var healthy = checks.Values.All(v => v == "ok");
        return ApiResult.Of(healthy ? 200 : 503, new HealthReport(healthy ? "healthy" : "degraded", Version, time.GetUtcNow(), checks),
            CoreJson.Default.HealthReport);
    }
}
