using DomainScreen.Core.Api;
using DomainScreen.Core.Audit;
using DomainScreen.Core.Domains;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DomainScreen.Core.Review;

/// <summary>The outcome of a decision or appeal: the status to answer with, the case after it, or the refusal.</summary>
internal sealed record CaseChange(int Status, CaseRecord? Case, string? Code = null, string? Message = null);

/// <summary>
/// Reviewers' work on cases: reading them, deciding (with the If-Match check, the second approval and the audit
/// record), appeals, and the allowlist entry a rejection may add.
/// </summary>
internal sealed class CaseService(
    CaseStore store,
    ReviewAllowlist allowlist,
    AuditLog audit,
    IEnumerable<IReviewDecisionConsumer> consumers,
    DomainParser parser,
    TimeProvider time,
    IOptions<ReviewOptions> options,
    ILogger<CaseService> logger)
{
    public async Task<CaseDetail?> GetAsync(string caseId, CancellationToken cancellationToken)
    {
        if (await store.GetAsync(caseId, cancellationToken).ConfigureAwait(false) is not { Case: var record }) return null;
        var history = store.HistoryAsync(caseId, options.Value.HistoryLimit, cancellationToken);
        var events = store.EventsAsync(caseId, cancellationToken);
        var latest = store.LatestResultAsync(caseId, cancellationToken);
        var allowed = allowlist.CoveringAsync(caseId, cancellationToken);
        return new CaseDetail(record.CaseId, record.CaseId, record.State, record.ETag, record, await history.ConfigureAwait(false),
            await events.ConfigureAwait(false), await allowed.ConfigureAwait(false), await latest.ConfigureAwait(false));
    }

    /// <summary>Applies one decision if <paramref name="ifMatch"/> is the case's current ETag.</summary>
    public async Task<CaseChange> DecideAsync(string caseId, string ifMatch, DecisionBody body, Caller caller, string requestId,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (CaseRules.Validate(body, now) is { } problem) return new(400, null, "invalid-decision", problem);
        return await ChangeAsync(caseId, ifMatch, caller, requestId,
            c => CaseRules.Decide(c, body, caller, options.Value.SecondApprovalKinds, now, requestId),
            async (before, after, ev) =>
            {
                if (body.Decision == Decisions.Reject && body.Allowlist == true)
                {
                    var entry = new AllowlistEntry(caseId, before.DisplayName, body.Reason!, caller.Name, now, body.AllowlistUntil, caseId);
                    var previous = await allowlist.GetAsync(caseId, cancellationToken).ConfigureAwait(false);
                    await allowlist.PutAsync(entry, cancellationToken).ConfigureAwait(false);
                    await audit.AppendAsync(new AuditRecord(caller, requestId, AuditActions.AllowlistPut, caseId, caseId,
                        previous is null ? null : AllowlistMap(previous), AllowlistMap(entry), body.Reason), cancellationToken).ConfigureAwait(false);
                }
            }, cancellationToken).ConfigureAwait(false);
    }

    public Task<CaseChange> AppealAsync(string caseId, AppealBody body, Caller caller, string requestId, CancellationToken cancellationToken) =>
        ChangeAsync(caseId, null, caller, requestId, c => CaseRules.Appeal(c, body, caller, time.GetUtcNow(), requestId), null, cancellationToken);

    /// <summary>Puts an allowlist entry (admin) and records it.</summary>
    public async Task<AllowlistEntry> PutAllowlistAsync(DomainName name, AllowlistBody body, Caller caller, string requestId, CancellationToken cancellationToken)
    {
        var entry = new AllowlistEntry(name.Ascii, name.Unicode, body.Reason!.Trim(), caller.Name, time.GetUtcNow(), body.Until);
        var previous = await allowlist.GetAsync(name.Ascii, cancellationToken).ConfigureAwait(false);
        await allowlist.PutAsync(entry, cancellationToken).ConfigureAwait(false);
        await audit.AppendAsync(new AuditRecord(caller, requestId, AuditActions.AllowlistPut, null, name.Ascii,
            previous is null ? null : AllowlistMap(previous), AllowlistMap(entry), entry.Reason), cancellationToken).ConfigureAwait(false);
        return entry;
    }

    public async Task<bool> DeleteAllowlistAsync(DomainName name, Caller caller, string requestId, CancellationToken cancellationToken)
    {
        var previous = await allowlist.GetAsync(name.Ascii, cancellationToken).ConfigureAwait(false);
        if (previous is null) return false;
        await allowlist.DeleteAsync(name.Ascii, cancellationToken).ConfigureAwait(false);
        await audit.AppendAsync(new AuditRecord(caller, requestId, AuditActions.AllowlistDelete, null, name.Ascii, AllowlistMap(previous), null),
            cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Reads a case id from a URL: the registrable domain in any form the parser accepts.</summary>
    public string? CaseIdOf(string raw) =>
        parser.TryParse(raw).Name is { } name && name.Ascii == name.RegistrableDomain ? name.Ascii : null;

    private async Task<CaseChange> ChangeAsync(string caseId, string? ifMatch, Caller caller, string requestId,
        Func<CaseRecord, DecisionOutcomeInternal> apply, Func<CaseRecord, CaseRecord, CaseEvent, Task>? after, CancellationToken cancellationToken)
    {
        if (await store.GetAsync(caseId, cancellationToken).ConfigureAwait(false) is not { Case: var current, ETag: var etag })
        {
            return new(404, null, "not-found", $"No case {caseId}.");
        }
        if (ifMatch is not null && !ETagMatches(ifMatch, current))
        {
            return new(412, current, "stale-etag", Stale(current));
        }
        var outcome = apply(current);
        if (outcome.Updated is not { } updated) return new(outcome.Status, current, outcome.Code, outcome.Message);
        try
        {
            await store.UpdateAsync(current, etag, updated, [], null, outcome.Event, cancellationToken).ConfigureAwait(false);
        }
        catch (CaseConflictException)
        {
            var now = await store.GetAsync(caseId, cancellationToken).ConfigureAwait(false);
            return new(412, now?.Case, "stale-etag", now is { } n ? Stale(n.Case) : "The case changed while your decision was written.");
        }
        var ev = outcome.Event!;
        logger.LogInformation("Case {CaseId}: {Event} by {Actor} ({From} -> {To})", caseId, ev.Event, caller.Name, ev.FromState, ev.ToState);
        await audit.AppendAsync(new AuditRecord(caller, requestId, ev.Event switch
        {
            "appealed" => AuditActions.CaseAppeal,
            "actioned" or "action-failed" => AuditActions.CaseState,
            _ => AuditActions.CaseDecision,
        }, caseId, caseId,
            StateMap(current), StateMap(updated, ev), ev.Note ?? ev.Reason), cancellationToken).ConfigureAwait(false);
        if (after is not null) await after(current, updated, ev).ConfigureAwait(false);
        foreach (var consumer in consumers) await consumer.OnChangedAsync(current, updated, caller, requestId, cancellationToken).ConfigureAwait(false);
        return new(outcome.Status, updated);
    }

    /// <summary>
    /// What partners did with an approval's actions: all applied makes an approved case <c>actioned</c>; a failed or
    /// refused action puts it back before a reviewer (<c>escalated</c>) with the partner's note. Retries on a
    /// concurrent change; nothing happens when the case has moved on to another decision.
    /// </summary>
    public async Task ActionOutcomeAsync(string caseId, int decisionVersion, bool allApplied, string? problem, Caller partner, string requestId,
        CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var change = await ChangeAsync(caseId, null, partner, requestId,
                c => CaseRules.ActionOutcome(c, decisionVersion, allApplied, problem, partner, time.GetUtcNow(), requestId), null, cancellationToken).ConfigureAwait(false);
            if (change.Status != 412) return;
        }
    }

    /// <summary>Calls the decision consumers again for a case (the maintenance pass: actions lost between decision and planning).</summary>
    public async Task ReplayDecisionAsync(string caseId, CancellationToken cancellationToken)
    {
        if (await store.GetAsync(caseId, cancellationToken).ConfigureAwait(false) is not { Case: var c }) return;
        foreach (var consumer in consumers) await consumer.OnChangedAsync(c with { DecisionVersion = -1 }, c, Caller.System, "maintenance", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Ids of cases in a state (for maintenance passes; cases are few).</summary>
    public async Task<IReadOnlyList<string>> IdsInStateAsync(string state, CancellationToken cancellationToken, DateTimeOffset? since = null)
    {
        var ids = new List<string>();
        string? after = null;
        do
        {
            var (cases, last, _) = await store.ListAsync(new CaseQuery([state], Since: since), 200, after, cancellationToken).ConfigureAwait(false);
            ids.AddRange(cases.Select(c => c.CaseId));
            after = last;
        }
        while (after is not null);
        return ids;
    }

    /// <summary>If-Match holds the ETag a client read (<c>"7"</c>; a weak <c>W/"7"</c> is accepted too).</summary>
    internal static bool ETagMatches(string ifMatch, CaseRecord c) =>
        ifMatch.Split(',').Select(t => t.Trim()).Any(t => t == c.ETag || t == "W/" + c.ETag);

    private static string Stale(CaseRecord c) => c.LastEvent is { } last
        ? $"The case changed since you loaded it: {last.Event} by {last.ActorName} at {last.At:u}; it is now '{c.State}' (ETag {c.ETag}). Reload it before deciding."
        : $"The case changed since you loaded it; it is now '{c.State}' (ETag {c.ETag}). Reload it before deciding.";

    private static Dictionary<string, string?> StateMap(CaseRecord c, CaseEvent? ev = null)
    {
        var map = new Dictionary<string, string?>
        {
            ["state"] = c.State, ["version"] = c.Version.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["band"] = c.Band, ["score"] = c.Score.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        if (ev is not null) map["decision"] = ev.Event;
        if (ev?.Actions is { Count: > 0 } actions) map["actions"] = string.Join(",", actions);
        if (ev?.Scope is { } scope) map["scope"] = scope;
        if (c.PendingApproval is { } p) map["awaitingSecondApproval"] = $"{string.Join(",", p.Actions)} (first approval by {p.ActorName})";
        return map;
    }

    private static Dictionary<string, string?> AllowlistMap(AllowlistEntry e) => new()
    {
        ["domain"] = e.Domain, ["reason"] = e.Reason, ["author"] = e.Author, ["until"] = e.Until?.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        ["caseId"] = e.CaseId,
    };
}
