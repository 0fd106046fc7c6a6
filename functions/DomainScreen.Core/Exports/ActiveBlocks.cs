using DomainScreen.Core.Actions;
using DomainScreen.Core.Review;

namespace DomainScreen.Core.Exports;

/// <summary>A name (or a whole registrable domain) blocked now, with why and by whose decision.</summary>
public sealed record ActiveBlock(string CaseId, IReadOnlyList<string> Names, string DisplayName, string Scope, IReadOnlyList<string> Categories,
    DateTimeOffset ApprovedAt, IReadOnlyList<string> ApprovedBy, IReadOnlyList<string> Partners, string ActionId);

/// <summary>
/// What is blocked now, from the actions: for each (case, partner) the latest block-or-unblock that reached the
/// partner (dispatched or applied) decides. The serial is the time of the latest such change in seconds,
/// so a zone's serial rises with every block and every unblock.
/// </summary>
public sealed class ActiveBlocks(ActionStore actions)
{
    private static readonly string[] Reached = [ActionStates.Dispatched, ActionStates.Applied];

    public async Task<(IReadOnlyList<ActiveBlock> Blocks, uint Serial, IReadOnlyList<PartnerAction> Actions)> ComputeAsync(string? partnerId,
        CancellationToken cancellationToken)
    {
        var all = await actions.AllAsync(partnerId, Reached, cancellationToken).ConfigureAwait(false);
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
        var latestChange = blockLike.Select(a => a.AcknowledgedAt ?? a.DispatchedAt ?? a.CreatedAt).DefaultIfEmpty(DateTimeOffset.UnixEpoch).Max();
        return (active, (uint)Math.Max(1, latestChange.ToUnixTimeSeconds()), all);
    }
}
