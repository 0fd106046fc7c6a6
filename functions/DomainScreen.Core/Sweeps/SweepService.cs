using System.Globalization;
using Cronos;
using DomainScreen.Core.Screening;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DomainScreen.Core.Sweeps;

/// <summary>Starts a sweep: every candidate, in batches, onto <c>screen-requests</c>.</summary>
public sealed class SweepService(
    CandidateStore candidates,
    SweepStore sweeps,
    ScreenRequestSender queue,
    TimeProvider time,
    IOptions<ScreeningOptions> options,
    IOptions<SweepOptions> sweepOptions,
    ILogger<SweepService> logger)
{
    /// <summary>
    /// Starts the sweep for the schedule occurrence the timer fired for. The id comes from that occurrence, so a
    /// second firing for it (a restart, a second instance) starts nothing.
    /// </summary>
    public Task<SweepStatus?> StartScheduledAsync(DateTimeOffset firedAt, CancellationToken cancellationToken)
    {
        var occurrence = ScheduledOccurrence(sweepOptions.Value.Schedule, firedAt);
        return StartAsync("sweep-" + occurrence.UtcDateTime.ToString("yyyyMMddHHmm", CultureInfo.InvariantCulture), "timer", cancellationToken);
    }

    /// <summary>The latest occurrence of an NCRONTAB schedule at or shortly after <paramref name="firedAt"/>.</summary>
    public static DateTimeOffset ScheduledOccurrence(string schedule, DateTimeOffset firedAt)
    {
        var cron = CronExpression.Parse(schedule, schedule.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 6
            ? CronFormat.IncludeSeconds : CronFormat.Standard);
        // Timers fire a little after the occurrence; allow a minute of early firing as well.
        return cron.GetOccurrences(firedAt.AddDays(-8), firedAt.AddMinutes(1), TimeZoneInfo.Utc).LastOrDefault(firedAt);
    }

    /// <summary>Starts a sweep now (an operator's request).</summary>
    public Task<SweepStatus?> StartManualAsync(CancellationToken cancellationToken) =>
        StartAsync("sweep-" + Guid.CreateVersion7(time.GetUtcNow()).ToString("N"), "manual", cancellationToken);

    private async Task<SweepStatus?> StartAsync(string sweepId, string trigger, CancellationToken cancellationToken)
    {
        var domains = new List<string>();
        await foreach (var domain in candidates.ListAsync(cancellationToken).ConfigureAwait(false)) domains.Add(domain);
        var batches = (domains.Count + options.Value.DomainsPerMessage - 1) / options.Value.DomainsPerMessage;
        var startedAt = time.GetUtcNow();
        if (!await sweeps.TryCreateAsync(sweepId, startedAt, trigger, domains.Count, batches, cancellationToken).ConfigureAwait(false))
        {
            logger.LogInformation("Sweep {SweepId} already started; not starting it again", sweepId);
            return await sweeps.GetAsync(sweepId, cancellationToken).ConfigureAwait(false);
        }
        await queue.EnqueueAsync(ScreenRequest.SweepSource, sweepId, domains, priority: false, cancellationToken).ConfigureAwait(false);
        logger.LogInformation("Sweep {SweepId} ({Trigger}): {Count} candidates in {Batches} batches", sweepId, trigger, domains.Count, batches);
        return new SweepStatus(sweepId, startedAt, trigger, domains.Count, batches, 0, 0, 0);
    }
}
