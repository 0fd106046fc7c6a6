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
    DigestStore digests,
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

    public const string ManualTrigger = "manual", TimerTrigger = "timer";

    /// <summary>
    /// Asks for the sweep of the schedule occurrence the timer fired for: one message on <c>sweep-starts</c>, whose
    /// trigger does the queueing (<see cref="ProcessStartAsync"/>). The id comes from that occurrence, so a second
    /// firing for it (a restart, a second instance) resumes an unfinished start and asks for nothing once its batches
    /// are all queued.
    /// </summary>
    public async Task<SweepStatus?> RequestScheduledAsync(DateTimeOffset firedAt, CancellationToken cancellationToken)
    {
        var occurrence = ScheduledOccurrence(sweepOptions.Value.Schedule, firedAt);
        var sweepId = "sweep-" + occurrence.UtcDateTime.ToString("yyyyMMddHHmm", CultureInfo.InvariantCulture);
        // The meta row alone tells whether anything is left to queue (the full status also reads the counters).
        var existing = await sweeps.GetCursorAsync(sweepId, cancellationToken).ConfigureAwait(false);
        if (existing is { State: SweepStates.Queued }) return await sweeps.GetAsync(sweepId, cancellationToken).ConfigureAwait(false);
        return await RequestAsync(sweepId, TimerTrigger, existing?.StartedAt ?? time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Asks for a sweep now (<c>POST /api/sweeps</c>): creates it and puts its start on <c>sweep-starts</c>, and returns
    /// at once — queueing a large sweep takes minutes, longer than a client or a front end waits for an answer.
    /// </summary>
    public async Task<SweepStatus> RequestManualAsync(CancellationToken cancellationToken) =>
        (await RequestAsync(NewManualId(), ManualTrigger, time.GetUtcNow(), cancellationToken).ConfigureAwait(false))!;

    /// <summary>
    /// Asks again for the queueing of a sweep still in state <c>queueing</c> — one whose start exhausted its retries
    /// (storage down for minutes) and lies on <c>sweep-starts-poison</c>. Null when there is no such sweep; the status
    /// unchanged (state <c>queued</c>) when there is nothing left to queue. A second start running beside one already
    /// under way loses the cursor race and stops, so asking twice does no harm.
    /// </summary>
    public async Task<SweepStatus?> ResumeAsync(string sweepId, CancellationToken cancellationToken)
    {
        var existing = await sweeps.GetAsync(sweepId, cancellationToken).ConfigureAwait(false);
        if (existing is not { State: SweepStates.Queueing }) return existing;
        return await RequestAsync(sweepId, existing.Trigger is TimerTrigger ? TimerTrigger : ManualTrigger, existing.StartedAt, cancellationToken).ConfigureAwait(false);
    }

    private async Task<SweepStatus?> RequestAsync(string sweepId, string trigger, DateTimeOffset startedAt, CancellationToken cancellationToken)
    {
        // The message first: a request that fails before it is sent leaves nothing behind, and one that fails after it
        // still gets its sweep (the queue trigger creates the rows when they are not there yet, with the same values).
        var message = JsonSerializer.Serialize(new SweepStartMessage(1, sweepId, trigger, startedAt), CoreJson.Default.SweepStartMessage);
        await storage.SweepStartQueue.SendMessageAsync(message, cancellationToken).ConfigureAwait(false);
        await sweeps.TryCreateAsync(sweepId, startedAt, trigger, cancellationToken).ConfigureAwait(false);
        logger.LogInformation("Sweep {SweepId} ({Trigger}) requested", sweepId, trigger);
        return await sweeps.GetAsync(sweepId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The <c>sweep-starts</c> trigger: queues the sweep's batches, or resumes queueing them where an earlier attempt
    /// stopped (a redelivered message, a host restart). A message that can never succeed throws
    /// <see cref="InvalidSweepStartException"/> and ends, after the host's retries, on <c>sweep-starts-poison</c>.
    /// </summary>
    public async Task ProcessStartAsync(string message, CancellationToken cancellationToken)
    {
        var start = ReadStart(message);
        await StartAsync(start.SweepId, start.Trigger, start.StartedAt, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Parses and checks a <c>sweep-starts</c> message; throws <see cref="InvalidSweepStartException"/> with the reason.</summary>
    public static SweepStartMessage ReadStart(string message)
    {
        var start = QueueMessageJson.Read(message, CoreJson.Default.SweepStartMessage, "a sweep start", reason => new InvalidSweepStartException(reason));
        if (start.V != 1) throw new InvalidSweepStartException($"unsupported message version {start.V}");
        if (start.SweepId is null || !start.SweepId.StartsWith("sweep-", StringComparison.Ordinal) || !Api.Keys.IsId(start.SweepId))
        {
            throw new InvalidSweepStartException("message has no valid sweepId (sweep-…, letters, digits and '-')");
        }
        if (start.Trigger is not (ManualTrigger or TimerTrigger)) throw new InvalidSweepStartException($"unknown trigger '{start.Trigger}'");
        if (start.StartedAt == default) throw new InvalidSweepStartException("message has no startedAt");
        return start;
    }

    /// <summary>The latest occurrence of an NCRONTAB schedule at or shortly after <paramref name="firedAt"/>.</summary>
    public static DateTimeOffset ScheduledOccurrence(string schedule, DateTimeOffset firedAt)
    {
        var cron = CronExpression.Parse(schedule, schedule.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 6
            ? CronFormat.IncludeSeconds : CronFormat.Standard);
        // Timers fire a little after the occurrence; allow a minute of early firing as well.
        return cron.GetOccurrences(firedAt.AddDays(-8), firedAt.AddMinutes(1), TimeZoneInfo.Utc).LastOrDefault(firedAt);
    }

    /// <summary>Starts a sweep now and queues all of it before returning (tools and benchmarks; the API asks with <see cref="RequestManualAsync"/>).</summary>
    public Task<SweepStatus?> StartManualAsync(CancellationToken cancellationToken) => StartAsync(NewManualId(), ManualTrigger, cancellationToken);

    private string NewManualId() => "sweep-" + Guid.CreateVersion7(time.GetUtcNow()).ToString("N");

    /// <summary>Starts the sweep, or resumes queueing it when an earlier start stopped part-way.</summary>
    public Task<SweepStatus?> StartAsync(string sweepId, string trigger, CancellationToken cancellationToken) =>
        StartAsync(sweepId, trigger, time.GetUtcNow(), cancellationToken);

    /// <summary>Starts the sweep (created with <paramref name="startedAt"/> if it does not exist), or resumes queueing it.</summary>
    public async Task<SweepStatus?> StartAsync(string sweepId, string trigger, DateTimeOffset startedAt, CancellationToken cancellationToken)
    {
        if (!await sweeps.TryCreateAsync(sweepId, startedAt, trigger, cancellationToken).ConfigureAwait(false))
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

    /// <summary>
    /// Batches put on the queue together before the cursor is stored past them all. A start that stops inside a group
    /// re-sends at most this many batches when resumed, with the same request ids and names, which changes nothing.
    /// </summary>
    internal const int BatchesPerCursorWrite = 64;

    /// <summary>Candidates (and digests) read ahead of the queueing: two pages of the stores' queries.</summary>
    private const int ReadAheadItems = 2_000;

    private async Task<SweepCursor?> QueueAsync(SweepCursor start, CancellationToken cancellationToken)
    {
        await using var group = new SendGroup(storage.SweepQueue, sweeps, options.Value.DomainsPerMessage, start);
        // The watchlist is read first so that the candidate pass can strike the hosts it queues: no read per watched host.
        var watched = new SortedSet<string>(await review.WatchedHostsAsync(cancellationToken).ConfigureAwait(false), StringComparer.Ordinal);
        // Candidates up to here were queued by an earlier, interrupted start: for watched hosts among them, ask the table.
        var seenFrom = start.After;
        if (start.After is null || !start.After.StartsWith(WatchMark, StringComparison.Ordinal))
        {
            await foreach (var (candidate, digest) in WithDigestsAsync(start.After, cancellationToken).ConfigureAwait(false))
            {
                watched.Remove(candidate.Domain);
                if (!await group.AddAsync(candidate, ScreenRequest.SweepSource, cancellationToken, digest).ConfigureAwait(false)) return null;
            }
            if (!await group.FlushAsync(cancellationToken).ConfigureAwait(false)) return null;
            if (await sweeps.TryAdvanceAsync(group.Cursor with { After = WatchMark }, cancellationToken).ConfigureAwait(false) is not { } atWatch) return null;
            group.Cursor = atWatch;
        }
        else
        {
            seenFrom = WatchMark; // resumed inside the watchlist: this start saw no candidates
        }

        // The watchlist: hosts of cases still in play, unless they were candidates (screened above).
        var resumeAfter = group.Cursor.After![WatchMark.Length..];
        foreach (var host in watched)
        {
            if (string.CompareOrdinal(host, resumeAfter) <= 0) continue;
            var maybeCandidate = seenFrom is not null && string.CompareOrdinal(host, seenFrom) <= 0;
            if (maybeCandidate && (await storage.Candidates.GetEntityIfExistsAsync<Azure.Data.Tables.TableEntity>("candidate", host, ["RowKey"], cancellationToken)
                .ConfigureAwait(false)).HasValue)
            {
                continue;
            }
            if (!await group.AddAsync(new Candidate(host, host, ["watchlist"], [], null), ScreenRequest.WatchlistSource, cancellationToken).ConfigureAwait(false)) return null;
        }
        if (!await group.FlushAsync(cancellationToken).ConfigureAwait(false)) return null;
        return await sweeps.TryAdvanceAsync(group.Cursor with { State = SweepStates.Queued }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The candidates in name order, each with the digest of its stored result (both streams are in name order, so this
    /// is a merge: one query per thousand of each, no read per name).
    /// </summary>
    private async IAsyncEnumerable<(Candidate Candidate, string? Digest)> WithDigestsAsync(string? after,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Both streams read their next page while this one queues the last (a page read waits behind the screens'
        // writes in the storage service; reading on demand made the start wait for each page in turn).
        await using var known = ReadAhead.Of(digests.StreamAsync(after, cancellationToken), ReadAheadItems, cancellationToken).GetAsyncEnumerator(cancellationToken);
        var hasKnown = await known.MoveNextAsync().ConfigureAwait(false);
        await foreach (var candidate in ReadAhead.Of(candidates.StreamAsync(after, cancellationToken), ReadAheadItems, cancellationToken).ConfigureAwait(false))
        {
            while (hasKnown && string.CompareOrdinal(known.Current.Domain, candidate.Domain) < 0) hasKnown = await known.MoveNextAsync().ConfigureAwait(false);
            yield return (candidate, hasKnown && known.Current.Domain == candidate.Domain ? known.Current.Digest : null);
        }
    }

    /// <summary>
    /// Fills batches of <c>perMessage</c> names; every <see cref="BatchesPerCursorWrite"/> batches sends them at once
    /// and then stores the cursor past them (null cursor: another starter moved it first, so this one stops). A group's
    /// sends and cursor write run while the next group fills from the candidate stream — one group in flight, so the
    /// cursor still moves past the groups in order and a failed group stops the start before the next one is sent.
    /// </summary>
    private sealed class SendGroup(Azure.Storage.Queues.QueueClient queue, SweepStore sweeps, int perMessage, SweepCursor cursor) : IAsyncDisposable
    {
        private List<(ScreenRequest Request, List<Candidate> Names)> _ready = [];
        private List<Candidate> _batch = new(perMessage);
        private Dictionary<string, string> _known = new(StringComparer.Ordinal);
        private string _source = ScreenRequest.SweepSource;
        private int _nextNumber = cursor.Batches;
        private Task<bool>? _inFlight;

        /// <summary>The stored cursor: past every group sent once <see cref="FlushAsync"/> has returned.</summary>
        public SweepCursor Cursor { get; set; } = cursor;

        public async Task<bool> AddAsync(Candidate candidate, string source, CancellationToken cancellationToken, string? digest = null)
        {
            if (_batch.Count > 0 && source != _source) Close();
            _source = source;
            _batch.Add(candidate);
            if (digest is not null) _known[candidate.Domain] = digest;
            if (_batch.Count == perMessage) Close();
            return _ready.Count < BatchesPerCursorWrite || await SendReadyAsync(cancellationToken).ConfigureAwait(false);
        }

        /// <summary>Sends what is left and waits until the cursor is stored past it.</summary>
        public async Task<bool> FlushAsync(CancellationToken cancellationToken)
        {
            if (_batch.Count > 0) Close();
            if (_ready.Count > 0 && !await SendReadyAsync(cancellationToken).ConfigureAwait(false)) return false;
            if (_inFlight is not { } last) return true;
            _inFlight = null;
            return await last.ConfigureAwait(false);
        }

        /// <summary>
        /// A start that failed while a group was in flight lets that group finish before the error leaves the start (the
        /// group's own failure, if any, is the lesser one: a resumed start sends it again).
        /// </summary>
        public async ValueTask DisposeAsync()
        {
            if (_inFlight is not { } last) return;
            _inFlight = null;
            try
            {
                await last.ConfigureAwait(false);
            }
#pragma warning disable CA1031 // the start is already leaving with its own error; this group's is secondary
            catch (Exception)
#pragma warning restore CA1031
            {
                // The cursor stays before this group, so a resumed start sends it again.
            }
        }

        // Waits for the group in flight (its cursor must be stored first), then starts sending the ready one.
        private async Task<bool> SendReadyAsync(CancellationToken cancellationToken)
        {
            if (_inFlight is { } previous)
            {
                _inFlight = null;
                if (!await previous.ConfigureAwait(false)) return false;
            }
            var ready = _ready;
            _ready = [];
            _inFlight = SendAndAdvanceAsync(ready, cancellationToken);
            return true;
        }

        private async Task<bool> SendAndAdvanceAsync(List<(ScreenRequest Request, List<Candidate> Names)> ready, CancellationToken cancellationToken)
        {
            await Task.WhenAll(ready.Select(r => queue.SendMessageAsync(JsonSerializer.Serialize(r.Request, CoreJson.Default.ScreenRequest), cancellationToken)))
                .ConfigureAwait(false);
            var sources = new Dictionary<string, int>(Cursor.Sources);
            var next = Cursor;
            foreach (var (request, names) in ready)
            {
                foreach (var s in names.SelectMany(c => c.Sources.Count > 0 ? c.Sources : ["unknown"])) sources[SourceKind(s)] = sources.GetValueOrDefault(SourceKind(s)) + 1;
                var watch = request.Source == ScreenRequest.WatchlistSource;
                next = next with
                {
                    After = watch ? WatchMark + names[^1].Domain : names[^1].Domain,
                    Batches = next.Batches + 1,
                    Total = next.Total + names.Count,
                    Watchlist = next.Watchlist + (watch ? names.Count : 0),
                };
            }
            var advanced = await sweeps.TryAdvanceAsync(next with { Sources = sources }, cancellationToken).ConfigureAwait(false);
            if (advanced is null) return false;
            Cursor = advanced;
            return true;
        }

        // The batch gets the next request id in order: {sweepId}-{batch number}, the same on a resumed start.
        private void Close()
        {
            var number = _nextNumber++;
            var request = new ScreenRequest(1, string.Create(CultureInfo.InvariantCulture, $"{Cursor.SweepId}-{number:D6}"), _source, Cursor.SweepId,
                _batch.Select(c => c.Domain).ToList(), Cursor.StartedAt, _known.Count > 0 ? _known : null);
            _ready.Add((request, _batch));
            _batch = new List<Candidate>(perMessage);
            _known = new Dictionary<string, string>(StringComparer.Ordinal);
        }
    }

    // "feed:cn-zone-2026-11-30.txt" and "feed:other.csv" are both the feed source in a report; "api" stays "api".
    private static string SourceKind(string source) => source.Split(':', 2)[0];
}
