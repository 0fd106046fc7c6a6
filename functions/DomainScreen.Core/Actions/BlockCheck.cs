using System.Net;
using DnsClient;
using DomainScreen.Core.Api;
using DomainScreen.Core.Review;
using DomainScreen.Core.Screening;
using DomainScreen.Core.Sweeps;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DomainScreen.Core.Actions;

/// <summary>
/// For a sweep's watchlist: each applied block of a re-screened host is checked at the partner's own resolvers
/// (<see cref="Partner.Resolvers"/>). If one still answers with an address, the block is not effective: the action
/// is marked <c>not-effective</c> (with the sweep and the resolver) and the case goes back to a reviewer. Also what
/// the sweep report counts (<see cref="ISweepActionView"/>). An answer that only points at the walled-garden
/// addresses (<see cref="ActionOptions.GardenAddresses"/>, the <c>garden</c> RPZ policy) is the block working.
/// </summary>
internal sealed class BlockCheck(ActionStore actions, PartnerStore partners, CaseService cases, IOptions<ActionOptions> options, ILogger<BlockCheck> logger)
    : IScreeningResultConsumer, ISweepActionView
{
    private readonly HashSet<IPAddress> _garden = options.Value.GardenAddresses.Select(IPAddress.Parse).ToHashSet();

    public async Task ConsumeAsync(ScreenedBatch batch, CancellationToken cancellationToken)
    {
        if (batch.Request.Source != ScreenRequest.WatchlistSource) return;
        var byPartner = (await partners.ListAsync(cancellationToken).ConfigureAwait(false)).ToDictionary(p => p.PartnerId);
        foreach (var result in batch.Results)
        {
            var applied = (await actions.ForCaseAsync(result.RegistrableDomain, cancellationToken).ConfigureAwait(false))
                .Where(a => a is { Kind: ActionVerbs.Block, State: ActionStates.Applied } && a.Hosts.Concat([a.Domain]).Any(h => Covers(a, h, result.Domain)))
                .ToList();
            foreach (var action in applied)
            {
                if (!byPartner.TryGetValue(action.PartnerId, out var partner) || partner.Resolvers is not { Count: > 0 } resolvers) continue;
                foreach (var resolver in resolvers)
                {
                    if (!await StillResolvesAsync(resolver, result.Domain, cancellationToken).ConfigureAwait(false)) continue;
                    await MarkAsync(action, resolver, result.Domain, batch.Request, cancellationToken).ConfigureAwait(false);
                    break;
                }
            }
        }
    }

    public async Task<int> BlocksNotEffectiveAsync(string runId, CancellationToken cancellationToken) =>
        (await actions.AllAsync(null, [ActionStates.NotEffective], cancellationToken).ConfigureAwait(false)).Count(a => a.NotEffectiveRun == runId);

    private static bool Covers(PartnerAction a, string blocked, string host) =>
        host == blocked || (a.Scope == ActionScopes.RegistrableDomain && host.EndsWith("." + blocked, StringComparison.Ordinal));

    private async Task<bool> StillResolvesAsync(string resolver, string host, CancellationToken cancellationToken)
    {
        var endpoint = IPEndPoint.Parse(resolver);
        if (endpoint.Port == 0) endpoint.Port = 53;
        var client = new LookupClient(new LookupClientOptions(endpoint) { UseCache = false, Retries = 1, Timeout = TimeSpan.FromSeconds(2), ThrowDnsErrors = false });
        try
        {
            var answer = await client.QueryAsync(host, QueryType.A, cancellationToken: cancellationToken).ConfigureAwait(false);
            return !answer.HasError && answer.Answers.ARecords().Any(a => !_garden.Contains(a.Address));
        }
        catch (DnsResponseException ex)
        {
            logger.LogWarning("Block check: resolver {Resolver} did not answer for {Host}: {Reason}", resolver, host, ex.Message);
            return false; // no answer is no evidence either way
        }
    }

    private async Task MarkAsync(PartnerAction action, string resolver, string host, ScreenRequest request, CancellationToken cancellationToken)
    {
        if (await actions.GetAsync(action.PartnerId, action.ActionId, cancellationToken).ConfigureAwait(false) is not { Action.State: ActionStates.Applied } found) return;
        var note = $"block not effective: {resolver} still answers for {host} (sweep {request.RunId})";
        if (!await actions.TryUpdateAsync(found.Action with { State = ActionStates.NotEffective, Note = note, NotEffectiveRun = request.RunId }, found.ETag, cancellationToken)
            .ConfigureAwait(false))
        {
            return;
        }
        logger.LogWarning("Action {ActionId}: {Note}", action.ActionId, note);
        await cases.ActionOutcomeAsync(action.CaseId, action.DecisionVersion, false, $"partner {action.PartnerId}: {note}", Caller.System, request.RequestId, cancellationToken)
            .ConfigureAwait(false);
    }
}
