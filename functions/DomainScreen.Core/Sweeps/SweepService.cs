using System.Globalization;
using System.Text.Json;
using Cronos;
using DomainScreen.Core.Screening;
using DomainScreen.Core.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DomainScreen.Core.Sweeps;

/// <summary>
/// Starts a sweep: every candidate, then the watchlist (hosts of open, approved and actioned cases not already among
/// the candidates), in batches onto <c>screen-requests</c>. Crash-safe: candidates are streamed a page at a time in
/// name order and the sweep's cursor is recorded after each batch, so a start that fails part-way resumes where it
/// stopped when started again (same sweep id: the timer's occurrence, or the caller's retry); a batch re-sent after a
/// crash has the same request id and the same names, so screening it again changes nothing.
/// </summary>
public sealed class SweepService(
    CandidateStore candidates,
    SweepStore sweeps,
    ISweepReviewView review,
    StorageClients storage,
    SweepReporter reporter,
    TimeProvider time,
    IOptions<ScreeningOptions> options,
    IOptions<SweepOptions> sweepOptions,
    ILogger<SweepService> logger)
{
    /// <summary>The cursor's mark for the watchlist phase (after every candidate name: '~' sorts after any domain).</summary>
    private const string WatchMark = "~watch|";

    /// <summary>
    /// Starts the sweep for the schedule occurrence the timer fired for. The id comes from that occurrence, so a
    /// second firing for it (a restart, a second instance) resumes an unfinished start and otherwise starts nothing.
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

    /// <summary>Starts the sweep, or resumes queueing it when an earlier start stopped part-way.</summary>
    public async Task<SweepStatus?> StartAsync(string sweepId, string trigger, CancellationToken cancellationToken)
    {
        if (!await sweeps.TryCreateAsync(sweepId, time.GetUtcNow(), trigger, cancellationToken).ConfigureAwait(false))
        {
            logger.LogInformation("Sweep {SweepId} exists; resuming its queueing if unfinished", sweepId);
        }
        var cursor = (await sweeps.GetCursorAsync(sweepId, cancellationToken).ConfigureAwait(false))!;
        if (cursor.State == SweepStates.Queueing)
        {
            cursor = await QueueAsync(cursor, cancellationToken).ConfigureAwait(false);
            if (cursor is null) return await sweeps.GetAsync(sweepId, cancellationToken).ConfigureAwait(false); // another instance is queueing it
            logger.LogInformation("Sweep {SweepId} ({Trigger}): {Total} names ({Watchlist} watched) in {Batches} batches", sweepId, trigger, cursor.Total,
                cursor.Watchlist, cursor.Batches);
        }
        var status = await sweeps.GetAsync(sweepId, cancellationToken).ConfigureAwait(false);
        if (status?.Done == true) await reporter.FinishAsync(sweepId, cancellationToken).ConfigureAwait(false); // an empty sweep, or every batch already screened
        return status;
    }

    private async Task<SweepCursor?> QueueAsync(SweepCursor start, CancellationToken cancellationToken)
    {
        var perMessage = options.Value.DomainsPerMessage;
        var batch = new List<Candidate>(perMessage);
        SweepCursor? cursor = start;
        if (start.After is null || !start.After.StartsWith(WatchMark, StringComparison.Ordinal))
        {
            await foreach (var candidate in candidates.StreamAsync(start.After, cancellationToken).ConfigureAwait(false))
            {
                batch.Add(candidate);
                if (batch.Count == perMessage && (cursor = await SendAsync(cursor!, batch, ScreenRequest.SweepSource, cancellationToken).ConfigureAwait(false)) is null) return null;
            }
            if (batch.Count > 0 && (cursor = await SendAsync(cursor!, batch, ScreenRequest.SweepSource, cancellationToken).ConfigureAwait(false)) is null) return null;
            if ((cursor = await sweeps.TryAdvanceAsync(cursor! with { After = WatchMark }, cancellationToken).ConfigureAwait(false)) is null) return null;
        }

        // The watchlist: hosts of cases still in play, unless they were candidates (screened above).
        var resumeAfter = cursor.After![WatchMark.Length..];
        foreach (var host in await review.WatchedHostsAsync(cancellationToken).ConfigureAwait(false))
        {
            if (string.CompareOrdinal(host, resumeAfter) <= 0) continue;
            if ((await storage.Candidates.GetEntityIfExistsAsync<Azure.Data.Tables.TableEntity>("candidate", host, ["RowKey"], cancellationToken).ConfigureAwait(false)).HasValue)
            {
                continue;
            }
            batch.Add(new Candidate(host, host, ["watchlist"], [], null));
            if (batch.Count == perMessage && (cursor = await SendAsync(cursor!, batch, ScreenRequest.WatchlistSource, cancellationToken).ConfigureAwait(false)) is null) return null;
        }
        if (batch.Count > 0 && (cursor = await SendAsync(cursor!, batch, ScreenRequest.WatchlistSource, cancellationToken).ConfigureAwait(false)) is null) return null;
        return await sweeps.TryAdvanceAsync(cursor! with { State = SweepStates.Queued }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends one batch and moves the cursor past it; null when another starter moved the cursor first.</summary>
    private async Task<SweepCursor?> SendAsync(SweepCursor cursor, List<Candidate> batch, string source, CancellationToken cancellationToken)
    {
        var request = new ScreenRequest(1, string.Create(CultureInfo.InvariantCulture, $"{cursor.SweepId}-{cursor.Batches:D6}"), source, cursor.SweepId,
            batch.Select(c => c.Domain).ToList(), cursor.StartedAt);
        await storage.SweepQueue.SendMessageAsync(JsonSerializer.Serialize(request, CoreJson.Default.ScreenRequest), cancellationToken).ConfigureAwait(false);
        var sources = new Dictionary<string, int>(cursor.Sources);
        foreach (var s in batch.SelectMany(c => c.Sources.Count > 0 ? c.Sources : ["unknown"])) sources[SourceKind(s)] = sources.GetValueOrDefault(SourceKind(s)) + 1;
        var watch = source == ScreenRequest.WatchlistSource;
        var next = cursor with
        {
            After = watch ? WatchMark + batch[^1].Domain : batch[^1].Domain,
            Batches = cursor.Batches + 1,
            Total = cursor.Total + batch.Count,
            Watchlist = cursor.Watchlist + (watch ? batch.Count : 0),
            Sources = sources,
        };
        batch.Clear();
        return await sweeps.TryAdvanceAsync(next, cancellationToken).ConfigureAwait(false);
    }

    // "feed:cn-zone-2026-11-30.txt" and "feed:other.csv" are both the feed source in a report; "api" stays "api".
    private static string SourceKind(string source) => source.Split(':', 2)[0];
}
