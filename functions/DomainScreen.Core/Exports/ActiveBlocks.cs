using DomainScreen.Core.Actions;
using DomainScreen.Core.Review;

namespace DomainScreen.Core.Exports;

/// <summary>A name (or a whole registrable domain) blocked now, with why and by whose decision.</summary>
public sealed record ActiveBlock(string CaseId, IReadOnlyList<string> Names, string DisplayName, string Scope, IReadOnlyList<string> Categories,
    DateTimeOffset ApprovedAt, IReadOnlyList<string> ApprovedBy, IReadOnlyList<string> Partners, string ActionId);

/// <summary>
/// What is blocked now, from the actions: for each (case, partner) the latest block-or-unblock that reached the
/// partner (dispatched or applied) decides. The serial is the time of the latest such change in seconds plus the
/// number of block and unblock actions, so a zone's serial rises with every block and every unblock.
/// </summary>
public sealed class ActiveBlocks(ActionStore actions)
{
    private static readonly string[] Reached = [ActionStates.Dispatched, ActionStates.Applied];

    public async Task<(IReadOnlyList<ActiveBlock> Blocks, uint Serial, IReadOnlyList<PartnerAction> Actions)> ComputeAsync(string? partnerId,
        CancellationToken cancellationToken)
    {
        var every = await actions.AllAsync(partnerId, null, cancellationToken).ConfigureAwait(false);
        var all = every.Where(a => Reached.Contains(a.State)).ToList();
        var blockLike = all.Where(a => a.Kind is ActionVerbs.Block or ActionVerbs.Unblock).ToList();
        var active = blockLike.GroupBy(a => (a.CaseId, a.PartnerId))
            .Select(g => g.OrderBy(a => a.DecisionVersion).ThenBy(a => a.Kind == ActionVerbs.Unblock).Last())
            .Where(a => a.Kind == ActionVerbs.Block)
            .GroupBy(a => a.CaseId)
            .Select(g =>
            {
                var latest = g.MaxBy(a => a.DecisionVersion)!;
                var names = latest.Scope == ActionScopes.RegistrableDomain ? [latest.CaseId] : latest.Hosts.DefaultIfEmpty(latest.Domain).ToList();
                return new ActiveBlock(g.Key, names, latest.DisplayName, latest.Scope, latest.Categories, g.Min(a => a.CreatedAt), latest.ApprovedBy,
                    g.Select(a => a.PartnerId).Distinct().Order(StringComparer.Ordinal).ToList(), latest.ActionId);
            })
            .OrderBy(b => b.CaseId, StringComparer.Ordinal)
            .ToList();
        // Time of the latest change plus the number of block and unblock actions ever planned: neither ever falls, and
        // a new action raises the serial even within the same second as the last change.
        var ofBlocks = every.Where(a => a.Kind is ActionVerbs.Block or ActionVerbs.Unblock).ToList();
        var latestChange = ofBlocks.Select(a => a.AcknowledgedAt ?? a.DispatchedAt ?? a.CreatedAt).DefaultIfEmpty(DateTimeOffset.UnixEpoch).Max();
        return (active, (uint)Math.Max(1, latestChange.ToUnixTimeSeconds() + ofBlocks.Count), all);
    }
}
