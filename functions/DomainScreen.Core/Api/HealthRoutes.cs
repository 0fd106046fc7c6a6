using System.Reflection;
using DomainScreen.Core.Storage;

namespace DomainScreen.Core.Api;

/// <summary>
/// GET /api/health: anonymous; checks storage answers (503 when it does not) and whether messages wait on a poison queue
/// (<c>screen-requests-poison</c>, <c>screen-priority-poison</c>, <c>actions-poison</c>, <c>sweep-starts-poison</c>):
/// the service is up but someone must look — status <c>attention</c>, still 200, so that a platform probe does not
/// restart an instance that restarting cannot help.
/// </summary>
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
        if (checks.Values.Any(v => v != "ok"))
        {
            return ApiResult.Of(503, new HealthReport("degraded", Version, time.GetUtcNow(), checks), CoreJson.Default.HealthReport);
        }
        var poison = await PoisonAsync(cancellationToken).ConfigureAwait(false);
        checks["poison"] = poison.Length > 0 ? poison : "none";
        return ApiResult.Of(200, new HealthReport(poison.Length > 0 ? "attention" : "healthy", Version, time.GetUtcNow(), checks),
            CoreJson.Default.HealthReport);
    }

    /// <summary>
    /// "queue: N messages" for each poison queue that holds any (approximate counts; a missing queue holds none), and
    /// "queue: unreadable (…)" for one that did not answer within 5 s — never an exception out of the health answer.
    /// </summary>
    private async Task<string> PoisonAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        var found = await Task.WhenAll(storage.PoisonQueues.Select(async q =>
        {
            try
            {
                var count = (await q.GetPropertiesAsync(timeout.Token).ConfigureAwait(false)).Value.ApproximateMessagesCount;
                return count > 0 ? $"{q.Name}: {count} message{(count == 1 ? "" : "s")}" : null;
            }
            catch (Azure.RequestFailedException ex) when (ex.Status == 404)
            {
                return null;
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is Azure.RequestFailedException or OperationCanceledException)
            {
                return $"{q.Name}: unreadable ({ex.Message.Split('\n')[0]})";
            }
        })).ConfigureAwait(false);
        return string.Join(", ", found.OfType<string>());
    }
}
