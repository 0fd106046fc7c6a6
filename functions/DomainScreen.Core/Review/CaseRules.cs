using DomainScreen.Core.Api;
using DomainScreen.Core.Scoring;

namespace DomainScreen.Core.Review;

/// <summary>The result of applying a decision to a case: the new case and its log entry, or a refusal.</summary>
internal sealed record DecisionOutcomeInternal(CaseRecord? Updated, CaseEvent? Event, int Status, string? Code = null, string? Message = null)
{
    public static DecisionOutcomeInternal Refuse(int status, string code, string message) => new(null, null, status, code, message);
}

/// <summary>
/// The review rules, pure (no storage, no clock of their own): which decision is allowed from which state, the
/// second approval, and how a screening result joins a case, updates it or reopens it.
/// </summary>
internal static class CaseRules
{
    private const int MaxPageHashes = 50;
    private const int MaxText = 4000;

    /// <summary>The states each decision may be taken from.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> AllowedFrom = new Dictionary<string, string[]>
    {
        [Decisions.Approve] = [CaseStates.Pending, CaseStates.Escalated],
        [Decisions.Reject] = [CaseStates.Pending, CaseStates.Escalated, CaseStates.Approved, CaseStates.Actioned],
        [Decisions.Escalate] = [CaseStates.Pending],
        [Decisions.Uphold] = [CaseStates.Appealed],
        [Decisions.Reverse] = [CaseStates.Appealed],
        [Decisions.Close] = [CaseStates.Pending, CaseStates.Escalated, CaseStates.Rejected, CaseStates.Actioned],
        ["appeal"] = [CaseStates.Approved, CaseStates.Actioned],
    };

    public static bool IsFlagged(string band) => band is Bands.Review or Bands.Block;

    /// <summary>A new case for the registrable domain of a flagged result.</summary>
    public static CaseRecord Open(string caseId, string displayName, CaseVerdict verdict, string hostDisplay, DateTimeOffset now) => new()
    {
        CaseId = caseId,
        DisplayName = displayName,
        State = CaseStates.Pending,
        Band = verdict.Band,
        Score = verdict.Score,
        Categories = verdict.Categories,
        Products = verdict.Products,
        Functions = verdict.Functions ?? [],
        Hosts = [new CaseHost(verdict.Host, hostDisplay, verdict.Band, verdict.Score, verdict.ScreenedAt)],
        Sources = [verdict.Source],
        OpenedAt = now,
        UpdatedAt = now,
        OpenedRunId = verdict.RunId,
        LastRunId = verdict.RunId,
        PageHashes = verdict.PageSha256 is { } h ? [h] : [],
    };

    /// <summary>
    /// A screening result of one of the case's hosts (or a new host under its registrable domain). Updates the host's
    /// latest verdict and the case's summary; a flagged result with evidence no decision has seen reopens a rejected
    /// or closed case. Returns the case unchanged (same <see cref="CaseRecord.Version"/>) when nothing a reviewer
    /// sees changed, and the log entry when the state changed.
    /// </summary>
    public static (CaseRecord Case, CaseEvent? Event) Join(CaseRecord c, CaseVerdict verdict, string hostDisplay, DateTimeOffset now, bool mayReopen = true)
    {
        var flagged = IsFlagged(verdict.Band);
        var hosts = c.Hosts.ToList();
        var at = hosts.FindIndex(h => h.Host == verdict.Host);
        if (at >= 0 && hosts[at].ScreenedAt > verdict.ScreenedAt) return (c, null); // an older result arriving late
        if (at < 0 && !flagged) return (c, null); // an unflagged host is not added to a case
        var entry = new CaseHost(verdict.Host, hostDisplay, verdict.Band, verdict.Score, verdict.ScreenedAt);
        if (at >= 0) hosts[at] = entry;
        else hosts.Add(entry);
        var top = hosts.OrderByDescending(h => h.Score).First();
        var categories = flagged ? Union(c.Categories, verdict.Categories) : c.Categories;
        var products = flagged ? Union(c.Products, verdict.Products) : c.Products;
        var functions = flagged ? Union(c.Functions, verdict.Functions ?? []) : c.Functions;
        var hashes = verdict.PageSha256 is { } hash && !c.PageHashes.Contains(hash) ? c.PageHashes.Append(hash).TakeLast(MaxPageHashes).ToList() : c.PageHashes;
        var reopen = mayReopen && flagged && c.State is CaseStates.Rejected or CaseStates.Closed && IsNewEvidence(c.Decided, verdict);
        var updated = c with
        {
            Hosts = hosts,
            Band = top.Band,
            Score = top.Score,
            Categories = categories,
            Products = products,
            Functions = functions,
            PageHashes = hashes,
            Sources = c.Sources.Contains(verdict.Source) ? c.Sources : [.. c.Sources, verdict.Source],
            LastRunId = flagged ? verdict.RunId : c.LastRunId,
            State = reopen ? CaseStates.Pending : c.State,
        };
        var visible = updated.State != c.State || updated.Band != c.Band || updated.Score != c.Score || hosts.Count != c.Hosts.Count
            || !updated.Categories.SequenceEqual(c.Categories) || !updated.Products.SequenceEqual(c.Products) || !updated.Functions.SequenceEqual(c.Functions);
        if (!visible) return (updated with { Version = c.Version, UpdatedAt = c.UpdatedAt }, null);
        updated = updated with { Version = c.Version + 1, UpdatedAt = now };
        var ev = reopen
            ? new CaseEvent(updated.Version, now, Caller.System.Id, Caller.System.Name, "reopened", c.State, CaseStates.Pending,
                verdict.RequestId, Note: $"new evidence on {verdict.Host}: {Describe(c.Decided, verdict)}")
            : null;
        return (ev is null ? updated : updated with { LastEvent = ev }, ev);
    }

    /// <summary>True when a result shows what no decision saw: a new category or product, or a page not seen before.</summary>
    public static bool IsNewEvidence(DecidedEvidence? decided, CaseVerdict verdict) =>
        decided is null
        || verdict.Categories.Except(decided.Categories).Any()
        || verdict.Products.Except(decided.Products).Any()
        || (verdict.PageSha256 is { } hash && !decided.PageHashes.Contains(hash));

    /// <summary>Checks a decision body on its own (before the case is read).</summary>
    public static string? Validate(DecisionBody body, DateTimeOffset now)
    {
        if (body.Decision is null || !Decisions.All.Contains(body.Decision))
        {
            return $"decision must be one of: {string.Join(", ", Decisions.All)}.";
        }
        if (body.Note?.Length > MaxText || body.Reason?.Length > MaxText) return $"note and reason hold at most {MaxText} characters.";
        switch (body.Decision)
        {
            case Decisions.Approve:
                if (body.Actions is not { Count: > 0 }) return $"an approval needs actions: one or more of {string.Join(", ", ActionKinds.All)}.";
                if (body.Actions.FirstOrDefault(a => !ActionKinds.All.Contains(a)) is { } bad) return $"'{bad}' is not an action; use {string.Join(", ", ActionKinds.All)}.";
                if (body.Scope is not (null or ActionScopes.Host or ActionScopes.RegistrableDomain))
                {
                    return $"scope must be {ActionScopes.Host} or {ActionScopes.RegistrableDomain}.";
                }
                break;
            case Decisions.Reject:
                if (string.IsNullOrWhiteSpace(body.Reason)) return "a rejection needs a reason.";
                if (body.AllowlistUntil is { } until && until <= now) return "allowlistUntil must be in the future.";
                if (body.AllowlistUntil is not null && body.Allowlist != true) return "allowlistUntil needs \"allowlist\": true.";
                break;
        }
        if (body.Decision != Decisions.Approve && (body.Actions is not null || body.Scope is not null)) return "actions and scope belong to an approval.";
        if (body.Decision != Decisions.Reject && (body.Allowlist is not null || body.AllowlistUntil is not null || body.Reason is not null))
        {
            return "reason, allowlist and allowlistUntil belong to a rejection.";
        }
        return null;
    }

    /// <summary>Applies a validated decision. Refuses (409) a decision the state does not allow and a second approval by the first approver.</summary>
    public static DecisionOutcomeInternal Decide(CaseRecord c, DecisionBody body, Caller actor, IReadOnlyList<string> secondApprovalKinds,
        DateTimeOffset now, string requestId)
    {
        var decision = body.Decision!;
        if (!AllowedFrom[decision].Contains(c.State))
        {
            return DecisionOutcomeInternal.Refuse(409, "invalid-transition",
                $"A case in state '{c.State}' cannot take the decision '{decision}'; it is allowed from: {string.Join(", ", AllowedFrom[decision])}.");
        }
        CaseEvent Event(string name, string to, CaseRecord updated) => new(updated.Version, now, actor.Id, actor.Name, name, c.State, to, requestId,
            body.Actions?.Distinct().ToList(), body.Scope ?? (decision == Decisions.Approve ? ActionScopes.Host : null), body.Note, body.Reason,
            body.Allowlist, body.AllowlistUntil);
        var evidence = new DecidedEvidence(c.Categories, c.Products, c.PageHashes);
        var next = c with { Version = c.Version + 1, UpdatedAt = now };
        switch (decision)
        {
            case Decisions.Approve:
            {
                var actions = body.Actions!.Distinct().OrderBy(a => Array.IndexOf(ActionKinds.All, a)).ToList();
                var scope = body.Scope ?? ActionScopes.Host;
                var gated = actions.Intersect(secondApprovalKinds).ToList();
                var first = c.PendingApproval;
                if (gated.Count > 0 && first is not null && first.ActorId == actor.Id)
                {
                    return DecisionOutcomeInternal.Refuse(409, "same-approver",
                        $"{string.Join(", ", gated)} needs a second approval from another reviewer; {first.ActorName} approved first at {first.At:u}.");
                }
                if (gated.Count > 0 && (first is null || gated.Except(first.Actions).Any()))
                {
                    next = next with { PendingApproval = new PendingApproval(actor.Id, actor.Name, now, actions, scope, body.Note) };
                    return Done(next, Event("approval-requested", c.State, next), 202);
                }
                var approvers = first is not null && gated.Count > 0 ? new[] { first.ActorName, actor.Name } : [actor.Name];
                next = next with
                {
                    State = CaseStates.Approved, PendingApproval = null, Decided = evidence, DecisionVersion = c.DecisionVersion + 1,
                    Approved = new ApprovedActions(actions, scope, c.DecisionVersion + 1, approvers),
                };
                return Done(next, Event("approved", CaseStates.Approved, next), 200);
            }
            case Decisions.Reject:
            case Decisions.Reverse:
                next = next with
                {
                    State = CaseStates.Rejected, PendingApproval = null, Decided = evidence, DecisionVersion = c.DecisionVersion + 1,
                    Approved = null, Appeal = decision == Decisions.Reverse ? null : c.Appeal,
                };
                return Done(next, Event(decision == Decisions.Reject ? "rejected" : "appeal-reversed", CaseStates.Rejected, next), 200);
            case Decisions.Escalate:
                next = next with { State = CaseStates.Escalated };
                return Done(next, Event("escalated", CaseStates.Escalated, next), 200);
            case Decisions.Uphold:
                next = next with { State = c.Appeal?.PriorState ?? CaseStates.Approved, Appeal = null };
                return Done(next, Event("appeal-upheld", next.State, next), 200);
            default: // close
                next = next with { State = CaseStates.Closed, PendingApproval = null, Decided = evidence };
                return Done(next, Event("closed", CaseStates.Closed, next), 200);
        }
    }

    /// <summary>The partners' answer to an approval: actioned when all applied, escalated on a failure or refusal.</summary>
    public static DecisionOutcomeInternal ActionOutcome(CaseRecord c, int decisionVersion, bool allApplied, string? problem, Caller partner,
        DateTimeOffset now, string requestId)
    {
        if (c.DecisionVersion != decisionVersion) return DecisionOutcomeInternal.Refuse(409, "superseded", "the case has had another decision since");
        if (problem is not null && c.State is CaseStates.Approved or CaseStates.Actioned)
        {
            var next = c with { State = CaseStates.Escalated, Version = c.Version + 1, UpdatedAt = now };
            return Done(next, new CaseEvent(next.Version, now, partner.Id, partner.Name, "action-failed", c.State, CaseStates.Escalated, requestId, Note: problem), 200);
        }
        if (allApplied && c.State == CaseStates.Approved)
        {
            var next = c with { State = CaseStates.Actioned, Version = c.Version + 1, UpdatedAt = now };
            return Done(next, new CaseEvent(next.Version, now, partner.Id, partner.Name, "actioned", c.State, CaseStates.Actioned, requestId,
                Actions: c.Approved?.Actions), 200);
        }
        return DecisionOutcomeInternal.Refuse(409, "no-change", "nothing to change");
    }

    /// <summary>
    /// A sweep's watchlist verdict on the case's hosts: all gone (NXDOMAIN or no web answer) counts one more sweep
    /// in a row (once per sweep), anything up resets the count; at <paramref name="goneAfter"/> the case is closed as
    /// <c>gone</c>. Returns the event when the case closes.
    /// </summary>
    public static (CaseRecord Case, CaseEvent? Event) Watched(CaseRecord c, bool allGone, string runId, int goneAfter, DateTimeOffset now, string requestId)
    {
        if (!allGone) return (c.GoneSweeps == 0 ? c : c with { GoneSweeps = 0, LastGoneRun = null }, null);
        if (c.LastGoneRun == runId) return (c, null);
        var counted = c with { GoneSweeps = c.GoneSweeps + 1, LastGoneRun = runId };
        if (counted.GoneSweeps < goneAfter || c.State is CaseStates.Rejected or CaseStates.Closed) return (counted, null);
        var closed = counted with { State = CaseStates.Closed, Version = c.Version + 1, UpdatedAt = now, Decided = new DecidedEvidence(c.Categories, c.Products, c.PageHashes) };
        var ev = new CaseEvent(closed.Version, now, Caller.System.Id, Caller.System.Name, "gone", c.State, CaseStates.Closed, requestId,
            Note: $"every host gone (NXDOMAIN or no web answer) in {counted.GoneSweeps} sweeps in a row, the last {runId}");
        return (closed with { LastEvent = ev }, ev);
    }

    /// <summary>Records a site owner's appeal against an approval in force.</summary>
    public static DecisionOutcomeInternal Appeal(CaseRecord c, AppealBody body, Caller actor, DateTimeOffset now, string requestId)
    {
        if (string.IsNullOrWhiteSpace(body.Contact) || string.IsNullOrWhiteSpace(body.Text))
        {
            return DecisionOutcomeInternal.Refuse(400, "invalid-appeal", "An appeal needs the site owner's contact and the text of the appeal.");
        }
        if (body.Contact.Length > 500 || body.Text.Length > MaxText)
        {
            return DecisionOutcomeInternal.Refuse(400, "invalid-appeal", $"contact holds at most 500 characters and text at most {MaxText}.");
        }
        if (!AllowedFrom["appeal"].Contains(c.State))
        {
            return DecisionOutcomeInternal.Refuse(409, "invalid-transition",
                $"Only an approved or actioned case can be appealed; this one is '{c.State}'.");
        }
        var next = c with
        {
            State = CaseStates.Appealed, Version = c.Version + 1, UpdatedAt = now,
            Appeal = new CaseAppeal(now, body.Contact.Trim(), body.Text.Trim(), actor.Name, c.State),
        };
        return Done(next, new CaseEvent(next.Version, now, actor.Id, actor.Name, "appealed", c.State, CaseStates.Appealed, requestId,
            Note: body.Text.Trim(), Contact: body.Contact.Trim()), 200);
    }

    private static DecisionOutcomeInternal Done(CaseRecord next, CaseEvent ev, int status) => new(next with { LastEvent = ev }, ev, status);

    private static IReadOnlyList<string> Union(IReadOnlyList<string> a, IReadOnlyList<string> b) =>
        b.All(a.Contains) ? a : a.Union(b).ToList();

    private static string Describe(DecidedEvidence? decided, CaseVerdict v)
    {
        if (decided is null) return "no decision has seen it";
        var parts = new List<string>();
        if (v.Categories.Except(decided.Categories).ToList() is { Count: > 0 } cats) parts.Add("categories " + string.Join(", ", cats));
        if (v.Products.Except(decided.Products).ToList() is { Count: > 0 } prods) parts.Add("products " + string.Join(", ", prods));
        if (v.PageSha256 is { } h && !decided.PageHashes.Contains(h)) parts.Add("a page not seen before (sha256 " + h[..Math.Min(12, h.Length)] + "…)");
        return string.Join("; ", parts);
    }
}
