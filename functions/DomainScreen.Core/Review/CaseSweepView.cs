using DomainScreen.Core.Sweeps;

namespace DomainScreen.Core.Review;

/// <summary>What sweeps need from review: the watchlist (hosts of cases still in play) and the cases a sweep opened.</summary>
internal sealed class CaseSweepView(CaseStore store) : ISweepReviewView
{
    /// <summary>States whose hosts are re-screened every sweep: anything not rejected or closed.</summary>
    public static readonly string[] Watched = [CaseStates.Pending, CaseStates.Escalated, CaseStates.Appealed, CaseStates.Approved, CaseStates.Actioned];

    public Task<IReadOnlyList<string>> WatchedHostsAsync(CancellationToken cancellationToken) => store.HostsInStatesAsync(Watched, cancellationToken);

    public Task<int> CasesOpenedByAsync(string runId, CancellationToken cancellationToken) => store.CountOpenedByAsync(runId, cancellationToken);
}
