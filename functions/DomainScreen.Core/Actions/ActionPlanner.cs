using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using DomainScreen.Core.Api;
using DomainScreen.Core.Review;
using DomainScreen.Core.Scoring;
using DomainScreen.Core.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DomainScreen.Core.Actions;

/// <summary>
/// Turns a case decision into partner actions: an approval plans one action per (case, kind, partner) for every
/// partner that handles the kind and the name; a rejection after an approval (or a reversed appeal) plans
/// <c>unblock</c> for every partner that was sent <c>block</c>. Each action is signed once, stored under an id
/// derived from (case, kind, partner, decision version) — so a replay plans nothing new — and queued on
/// <c>actions</c> for <see cref="ActionDispatcher"/>.
/// </summary>
public sealed class ActionPlanner(
    PartnerStore partners,
    ActionStore actions,
    IActionSigner signer,
    StorageClients storage,
    TimeProvider time,
    IOptions<ActionOptions> options,
    ILogger<ActionPlanner> logger) : IReviewDecisionConsumer
{
    public async Task OnChangedAsync(CaseRecord before, CaseRecord after, Caller actor, string requestId, CancellationToken cancellationToken)
    {
        if (before.DecisionVersion == after.DecisionVersion) return; // not a decision (an escalation, a note, an appeal)
        if (after.State == CaseStates.Approved && after.Approved is { } approved) await PlanApprovalAsync(after, approved, cancellationToken).ConfigureAwait(false);
        else if (after.State == CaseStates.Rejected) await PlanUnblocksAsync(after, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The id of an action: the same (case, kind, partner, decision version) always gives the same id.</summary>
    public static string ActionId(string caseId, string kind, string partnerId, int decisionVersion) =>
        "a" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{caseId}\n{kind}\n{partnerId}\n{decisionVersion}")))[..31];

    private async Task PlanApprovalAsync(CaseRecord c, ApprovedActions approved, CancellationToken cancellationToken)
    {
        var all = await partners.ListAsync(cancellationToken).ConfigureAwait(false);
        foreach (var kind in approved.Actions)
        {
            var targets = all.Where(p => p.Handles(kind, c.CaseId)).ToList();
            if (targets.Count == 0) logger.LogWarning("Case {CaseId}: no partner handles {Kind} for this name; the approval cannot be carried out", c.CaseId, kind);
            foreach (var partner in targets) await PlanAsync(c, kind, approved.Scope, partner.PartnerId, approved.ApprovedBy, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task PlanUnblocksAsync(CaseRecord c, CancellationToken cancellationToken)
    {
        var sent = (await actions.ForCaseAsync(c.CaseId, cancellationToken).ConfigureAwait(false))
            .Where(a => a.Kind == ActionVerbs.Block && a.State is ActionStates.Dispatched or ActionStates.Applied && a.DecisionVersion < c.DecisionVersion)
            .GroupBy(a => a.PartnerId);
        foreach (var blocks in sent)
        {
            var last = blocks.MaxBy(a => a.DecisionVersion)!;
            await PlanAsync(c, ActionVerbs.Unblock, last.Scope, blocks.Key, [], cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task PlanAsync(CaseRecord c, string kind, string scope, string partnerId, IReadOnlyList<string> approvedBy, CancellationToken cancellationToken)
    {
        var id = ActionId(c.CaseId, kind, partnerId, c.DecisionVersion);
        var existing = await actions.GetAsync(partnerId, id, cancellationToken).ConfigureAwait(false);
        if (existing is { Action.State: not ActionStates.Planned }) return; // planned and dispatched before
        if (existing is null)
        {
            var now = time.GetUtcNow();
            var hosts = scope == ActionScopes.RegistrableDomain
                ? [c.CaseId]
                : c.Hosts.Where(h => h.Band is Bands.Review or Bands.Block).OrderByDescending(h => h.Score).Select(h => h.Host).DefaultIfEmpty(c.CaseId).ToList();
            var message = new ActionMessage(1, id, kind, hosts[0], scope == ActionScopes.RegistrableDomain ? c.DisplayName : c.Hosts.FirstOrDefault(h => h.Host == hosts[0])?.DisplayName ?? hosts[0],
                scope, c.CaseId, c.CaseId, c.Categories, c.Band, c.Score, now, now.AddHours(options.Value.MessageLifetimeHours), options.Value.Issuer, hosts);
            var jws = await Jws.SignAsync(signer, JsonSerializer.SerializeToUtf8Bytes(message, CoreJson.Default.ActionMessage), cancellationToken).ConfigureAwait(false);
            var action = new PartnerAction
            {
                ActionId = id, PartnerId = partnerId, CaseId = c.CaseId, Kind = kind, Domain = message.Domain, DisplayName = message.DisplayName, Scope = scope,
                Hosts = hosts, Categories = c.Categories, DecisionVersion = c.DecisionVersion, Jws = jws, State = ActionStates.Planned,
                CreatedAt = now, ExpiresAt = message.ExpiresAt, ApprovedBy = approvedBy,
            };
            if (await actions.TryAddAsync(action, cancellationToken).ConfigureAwait(false))
            {
                logger.LogInformation("Case {CaseId}: planned {Kind} for partner {PartnerId} ({ActionId})", c.CaseId, kind, partnerId, id);
            }
        }
        // Queued whenever the action is still planned: a lost queue message is replaced, a duplicate does nothing.
        await storage.ActionsQueue.SendMessageAsync(JsonSerializer.Serialize(new ActionRef(partnerId, id), CoreJson.Default.ActionRef), cancellationToken)
            .ConfigureAwait(false);
    }
}

/// <summary>A message on the <c>actions</c> queue: which action to dispatch.</summary>
public sealed record ActionRef(string PartnerId, string ActionId);
