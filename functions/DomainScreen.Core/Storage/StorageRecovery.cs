using Azure;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DomainScreen.Core.Storage;

/// <summary>
/// Storage that comes back without its tables, queues and containers (an emulator restarted empty, an account
/// recreated) is put back in shape instead of failing every request until the process restarts: the API router and
/// the health check call <see cref="TryRecoverAsync"/> when storage says a table, queue or container does not exist,
/// and <see cref="StorageWatchdog"/> checks every 30 s so queue triggers resume even when no one calls the API.
/// Recreating is idempotent (create-if-not-exists) and runs one at a time.
/// </summary>
public sealed class StorageRecovery(StorageClients storage, TimeProvider time, ILogger<StorageRecovery> logger) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public void Dispose() => _gate.Dispose();

    /// <summary>Storage's error codes for a missing table, queue or container (not a missing entity or blob).</summary>
    public static bool IsMissingResource(Exception ex) => ex switch
    {
        RequestFailedException { Status: 404, ErrorCode: "TableNotFound" or "QueueNotFound" or "ContainerNotFound" } => true,
        RequestFailedException { Status: 404 } r when r.Message.Contains("table specified does not exist", StringComparison.OrdinalIgnoreCase)
            || r.Message.Contains("queue does not exist", StringComparison.OrdinalIgnoreCase) => true,
        AggregateException a => a.InnerExceptions.Any(IsMissingResource),
        _ => ex.InnerException is { } inner && IsMissingResource(inner),
    };

    /// <summary>When <paramref name="ex"/> says storage lost a table, queue or container, recreates them all; true then.</summary>
    public async Task<bool> TryRecoverAsync(Exception ex, CancellationToken cancellationToken)
    {
        if (!IsMissingResource(ex)) return false;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Create-if-not-exists of every resource: idempotent, so callers that failed together simply run it in turn.
            logger.LogWarning("Storage has lost its tables, queues or containers ({Error}); recreating them", ex.Message.Split('\n')[0]);
            var started = time.GetTimestamp();
            await storage.RecreateAsync().ConfigureAwait(false);
            logger.LogWarning("Storage recreated in {Ms:0} ms", time.GetElapsedTime(started).TotalMilliseconds);
            return true;
        }
        finally
        {
            _gate.Release();
        }
    }
}

/// <summary>Every 30 s, one cheap storage call; when it finds the queues gone, recreates what is missing.</summary>
internal sealed class StorageWatchdog(StorageClients storage, StorageRecovery recovery, TimeProvider time, ILogger<StorageWatchdog> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            await CheckAsync(stoppingToken).ConfigureAwait(false);
        }
    }

    internal async Task CheckAsync(CancellationToken cancellationToken)
    {
        try
        {
            await storage.PriorityQueue.GetPropertiesAsync(cancellationToken).ConfigureAwait(false);
            await storage.Cases.GetEntityIfExistsAsync<Azure.Data.Tables.TableEntity>("~watchdog", "~", cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RequestFailedException or AggregateException)
        {
            if (!await recovery.TryRecoverAsync(ex, cancellationToken).ConfigureAwait(false))
            {
                logger.LogDebug("Storage check failed: {Error}", ex.Message.Split('\n')[0]);
            }
        }
    }
}
