using System.Collections.Concurrent;
using DomainScreen.Core.Api;
using DomainScreen.Core.Audit;
using DomainScreen.Core.Screening;
using Microsoft.Extensions.Logging;

namespace DomainScreen.Core.Review;

/// <summary>
/// Turns screening results into review cases: a verdict in <c>review</c> or <c>block</c> opens the case of its
/// registrable domain or joins the open one; any later result of a case's host adds to its history. An
/// allowlisted name never opens or reopens a case. Idempotent: history rows are keyed by request and host, and a
/// case changes only through a conditional write (a concurrent writer makes this one read again and retry); the
/// audit record follows a write that succeeded, so a redelivered message that changes nothing records nothing.
/// </summary>
internal sealed class CaseOpener(CaseStore store, CaseDirectory directory, ReviewAllowlist allowlist, AuditLog audit, ResultStore stored,
    TimeProvider time, Microsoft.Extensions.Options.IOptions<Sweeps.SweepOptions> sweepOptions, ILogger<CaseOpener> logger) : IScreeningResultConsumer
{
    private const int Attempts = 8;

    /// <summary>
    /// A flagged result opens or joins a case, and a known case's host adds to its history: both whole. Before the
    /// directory's first load (a process's first batches) only flagged ones: keeping every result whole until then held
    /// ≈ 12,000 whole results at the start of a large sweep, its memory peak; a known case's host screened then is read
    /// back whole when its batch is consumed (<see cref="WholeAsync"/>).
    /// </summary>
    public bool NeedsWhole(ScreeningResult result) =>
        result is { Status: ScreeningResult.Completed, Verdict: { } verdict } && (CaseRules.IsFlagged(verdict.Band) || directory.Knows(result.RegistrableDomain));

    public async Task ConsumeAsync(ScreenedBatch batch, CancellationToken cancellationToken)
    {
        // An unchanged result (same digest as the stored one) adds nothing to a case's verdict history.
        var candidates = batch.Results.Where(r => r is { Status: ScreeningResult.Completed, Verdict: not null } && !batch.IsUnchanged(r)).ToList();
        if (candidates.Count == 0) return;
        var known = await directory.GetAsync(cancellationToken).ConfigureAwait(false);
        var groups = candidates.Where(r => CaseRules.IsFlagged(r.Verdict!.Band) || known.Contains(r.RegistrableDomain))
            .GroupBy(r => r.RegistrableDomain, StringComparer.Ordinal)
            .Select(g => (CaseId: g.Key, Results: g.OrderBy(r => r.ScreenedAt).ToList()))
            .ToList();
        foreach (var (_, results) in groups)
        {
            for (var i = 0; i < results.Count; i++)
            {
                if (results[i].IsAbridged) results[i] = await WholeAsync(results[i], batch.Request, cancellationToken).ConfigureAwait(false);
            }
        }
        // Domains with no case yet are opened together, a transaction for several cases; a conflict (one of them was
        // opened meanwhile) sends that group's domains down the one-by-one path, which joins the existing case.
        var fresh = groups.Where(g => !known.Contains(g.CaseId) && allowlist.Match(g.CaseId) is null).ToList();
        var opened = await OpenTogetherAsync(fresh, batch.Request, cancellationToken).ConfigureAwait(false);
        foreach (var (caseId, results) in groups)
        {
            if (opened.Contains(caseId)) continue;
            await JoinAsync(caseId, results, batch.Request, known.Contains(caseId), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Entities per transaction (the service's limit is 100).</summary>
    private const int MaxEntitiesPerTransaction = 100;

    private async Task<HashSet<string>> OpenTogetherAsync(List<(string CaseId, List<ScreeningResult> Results)> fresh, ScreenRequest request,
        CancellationToken cancellationToken)
    {
        var done = new HashSet<string>(StringComparer.Ordinal);
        if (fresh.Count < 2) return done;
        var now = time.GetUtcNow();
        var pending = new List<(string CaseId, List<Azure.Data.Tables.TableTransactionAction> Actions, AuditRecord Audit)>();
        foreach (var (caseId, results) in fresh)
        {
            var (record, history, latest, opened) = NewCase(caseId, results, request, now);
            var actions = CaseStore.CreateActions(new CaseStore.NewCase(record, history, latest, opened));
            pending.Add((caseId, actions, OpenedAudit(record, opened, request)));
        }
        var chunk = new List<(string CaseId, List<Azure.Data.Tables.TableTransactionAction> Actions, AuditRecord Audit)>();
        foreach (var item in pending.Append(default))
        {
            if (item.Actions is not null && chunk.Sum(c => c.Actions.Count) + item.Actions.Count <= MaxEntitiesPerTransaction)
            {
                chunk.Add(item);
                continue;
            }
            if (chunk.Count > 1 && await store.TryCreateManyAsync(chunk.Select(c => c.Actions).ToList(), cancellationToken).ConfigureAwait(false))
            {
                foreach (var c in chunk)
                {
                    directory.Add(c.CaseId);
                    done.Add(c.CaseId);
                }
                await audit.AppendManyAsync(chunk.Select(c => c.Audit).ToList(), cancellationToken).ConfigureAwait(false);
                logger.LogInformation("{Count} cases opened together ({Cases})", chunk.Count, string.Join(", ", chunk.Select(c => c.CaseId)));
            }
            chunk.Clear();
            if (item.Actions is not null) chunk.Add(item);
        }
        return done;
    }

    private static (CaseRecord Record, List<CaseStore.HistoryRow> History, ScreeningResult? Latest, CaseEvent Opened) NewCase(string caseId,
        IReadOnlyList<ScreeningResult> results, ScreenRequest request, DateTimeOffset now)
    {
        var flagged = results.Where(r => CaseRules.IsFlagged(r.Verdict!.Band)).ToList();
        var first = flagged[0];
        var record = CaseRules.Open(caseId, UnicodeOf(first), Verdict(first), first.DisplayName, now);
        foreach (var r in results.Where(r => !ReferenceEquals(r, first))) record = CaseRules.Join(record, Verdict(r), r.DisplayName, now).Case with { Version = 1 };
        var opened = new CaseEvent(1, now, Caller.System.Id, Caller.System.Name, "opened", "", CaseStates.Pending, request.RequestId,
            Note: $"{first.Domain}: {first.Verdict!.Band} {first.Verdict.Score} ({string.Join(", ", first.Verdict.Categories)})");
        record = record with { LastEvent = opened };
        return (record, History(record, results, request), Latest(record, results), opened);
    }

    // The target is the host whose verdict opened the case (the event's note starts with it).
    private static AuditRecord OpenedAudit(CaseRecord record, CaseEvent opened, ScreenRequest request) =>
        new(Caller.System, request.RequestId, AuditActions.CaseOpened, record.CaseId, opened.Note![..opened.Note!.IndexOf(':')], null,
            new Dictionary<string, string?> { ["state"] = CaseStates.Pending, ["band"] = record.Band, ["score"] = $"{record.Score}" }, opened.Note);

    /// <param name="probablyExists">The directory knows a case for this domain: read it first instead of trying to create it.</param>
    private async Task JoinAsync(string caseId, IReadOnlyList<ScreeningResult> results, ScreenRequest request, bool probablyExists,
        CancellationToken cancellationToken)
    {
        var flagged = results.Where(r => CaseRules.IsFlagged(r.Verdict!.Band)).ToList();
        for (var attempt = 1; attempt <= Attempts; attempt++)
        {
            var now = time.GetUtcNow();
            // A new domain is tried as a new case straight away (one transaction); only a conflict costs a read.
            var existing = probablyExists || attempt > 1 ? await store.GetAsync(caseId, cancellationToken).ConfigureAwait(false) : null;
            if (existing is null)
            {
                if (flagged.Count == 0) return;
                // The scorer caps allowlisted names at watch, so this catches only an entry added since that screen.
                if (allowlist.Match(caseId) is { } entry)
                {
                    logger.LogInformation("{Domain} is allowlisted ({Reason}): no case opened", caseId, entry.Reason);
                    return;
                }
                var (record, history, latest, opened) = NewCase(caseId, results, request, now);
                if (await store.TryCreateAsync(record, history, latest, opened, cancellationToken).ConfigureAwait(false))
                {
                    directory.Add(caseId);
                    await audit.AppendAsync(OpenedAudit(record, opened, request), cancellationToken).ConfigureAwait(false);
                    logger.LogInformation("Case {CaseId} opened ({Band} {Score})", caseId, record.Band, record.Score);
                    return;
                }
                continue; // another writer opened it first: join theirs
            }

            var (current, etag) = existing.Value;
            // A rejected or closed case of an allowlisted name gains history but is not put before a reviewer again.
            var mayReopen = current.State is not (CaseStates.Rejected or CaseStates.Closed) || allowlist.Match(caseId) is null;
            var updated = current;
            CaseEvent? reopened = null;
            foreach (var r in results)
            {
                var (next, ev) = CaseRules.Join(updated, Verdict(r), r.DisplayName, now, mayReopen);
                updated = next;
                reopened ??= ev;
            }
            CaseEvent? gone = null;
            if (request.Source == ScreenRequest.WatchlistSource)
            {
                // All of the case's hosts screened in this batch are gone: one more sweep towards closing it.
                var mine = results.Where(r => updated.Hosts.Any(h => h.Host == r.Domain)).ToList();
                if (mine.Count > 0)
                {
                    (updated, gone) = CaseRules.Watched(updated, mine.All(Sweeps.BatchTally.IsGone), request.RunId, sweepOptions.Value.GoneAfter, now, request.RequestId);
                }
            }
            try
            {
                await store.UpdateAsync(current, etag, updated, History(updated, results, request), Latest(updated, results), gone ?? reopened, cancellationToken)
                    .ConfigureAwait(false);
            }
            catch (CaseConflictException)
            {
                continue;
            }
            if (gone is not null)
            {
                await audit.AppendAsync(new AuditRecord(Caller.System, request.RequestId, AuditActions.CaseState, caseId, caseId,
                    new Dictionary<string, string?> { ["state"] = current.State }, new Dictionary<string, string?> { ["state"] = CaseStates.Closed, ["reason"] = "gone" },
                    gone.Note), cancellationToken).ConfigureAwait(false);
                logger.LogInformation("Case {CaseId} closed: {Why}", caseId, gone.Note);
            }
            else if (reopened is not null)
            {
                await audit.AppendAsync(new AuditRecord(Caller.System, request.RequestId, AuditActions.CaseReopened, caseId, caseId,
                    new Dictionary<string, string?> { ["state"] = current.State }, new Dictionary<string, string?> { ["state"] = updated.State },
                    reopened.Note), cancellationToken).ConfigureAwait(false);
                logger.LogInformation("Case {CaseId} reopened: {Why}", caseId, reopened.Note);
            }
            return;
        }
        throw new InvalidOperationException($"case {caseId}: still conflicting after {Attempts} attempts; the message will be retried");
    }

    /// <summary>
    /// The stored whole of a result the batch holds abridged — its case was not known when its screen ended (opened
    /// meanwhile by another message, or the directory not yet loaded): a case's latest row keeps the whole result.
    /// </summary>
    private async Task<ScreeningResult> WholeAsync(ScreeningResult abridged, ScreenRequest request, CancellationToken cancellationToken)
    {
        if (await stored.GetAsync(abridged.Domain, request.RequestedAt, abridged.RequestId, cancellationToken).ConfigureAwait(false) is { } whole) return whole;
        logger.LogWarning("{Domain}: the result request {RequestId} stored was not found; the case gets its abridged form", abridged.Domain, abridged.RequestId);
        return abridged;
    }

    // History only for the case's own hosts (an unflagged host not in the case is none of its business).
    private static List<CaseStore.HistoryRow> History(CaseRecord c, IEnumerable<ScreeningResult> results, ScreenRequest request) =>
        results.Where(r => c.Hosts.Any(h => h.Host == r.Domain)).Select(r => new CaseStore.HistoryRow(Verdict(r), request.RequestedAt)).ToList();

    private static ScreeningResult? Latest(CaseRecord c, IEnumerable<ScreeningResult> results) =>
        results.Where(r => c.Hosts.Any(h => h.Host == r.Domain)).MaxBy(r => (CaseRules.IsFlagged(r.Verdict!.Band), r.ScreenedAt));

    private static string UnicodeOf(ScreeningResult r)
    {
        // The registrable domain's display form is the tail of the host's display form with as many labels.
        var labels = r.RegistrableDomain.Count(ch => ch == '.') + 1;
        var parts = r.DisplayName.Split('.');
        return parts.Length >= labels ? string.Join('.', parts[^labels..]) : r.RegistrableDomain;
    }

    private static CaseVerdict Verdict(ScreeningResult r) => new(r.Domain, r.ScreenedAt, r.Verdict!.Band, r.Verdict.Score, r.Verdict.Categories,
        r.Verdict.Products.Select(p => p.Id).ToList(), r.Verdict.CatalogVersion, r.Verdict.PolicyVersion, r.Fetch?.BodySha256, r.Fetch?.Favicon?.Sha256,
        r.RequestId, r.Source, r.RunId, r.Verdict.Functions ?? []);
}

/// <summary>
/// Which registrable domains have a case, so an unflagged re-screen of a case's host reaches its history without
/// a storage read per screened domain. Loaded once per process, reloaded every five minutes, and added to as this
/// instance opens cases (a case opened by another instance in the last five minutes may miss an unflagged result).
/// </summary>
/// <remarks>
/// One concurrent set, added to in place. It was a copy-on-write <c>HashSet</c>: every case opened copied the whole
/// set, so a sweep that opens n cases allocated O(n²) — at 30,000 cases (a 100k lab sweep) each opening copied a
/// 600 KB large-object array, gigabytes over the sweep, and memory and GC time grew with the sweep's size.
/// </remarks>
internal sealed class CaseDirectory(CaseStore store, TimeProvider time) : IDisposable
{
    private static readonly TimeSpan Refresh = TimeSpan.FromMinutes(5);
    private readonly SemaphoreSlim _load = new(1, 1);
    private volatile ConcurrentDictionary<string, byte>? _ids;
    private DateTimeOffset _loadedAt;

    /// <summary>The case ids, safe to read while cases are added.</summary>
    public readonly struct Known(ConcurrentDictionary<string, byte> ids)
    {
        public bool Contains(string caseId) => ids.ContainsKey(caseId);
    }

    public async Task<Known> GetAsync(CancellationToken cancellationToken)
    {
        if (_ids is { } ids && time.GetUtcNow() - _loadedAt < Refresh) return new(ids);
        await _load.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_ids is { } again && time.GetUtcNow() - _loadedAt < Refresh) return new(again);
            var loaded = new ConcurrentDictionary<string, byte>(StringComparer.Ordinal);
            foreach (var id in await store.CaseIdsAsync(cancellationToken).ConfigureAwait(false)) loaded.TryAdd(id, 0);
            _loadedAt = time.GetUtcNow();
            return new(_ids = loaded);
        }
        finally
        {
            _load.Release();
        }
    }

    public void Dispose() => _load.Dispose();

    /// <summary>Whether <paramref name="caseId"/> is known to have a case; false before the first load.</summary>
    public bool Knows(string caseId) => _ids is { } ids && ids.ContainsKey(caseId);

    /// <summary>Records a case this instance opened (before the directory's first load it is in the load anyway).</summary>
    public void Add(string caseId) => _ids?.TryAdd(caseId, 0);
}
