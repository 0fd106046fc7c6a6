using Microsoft.Extensions.Logging;

namespace DomainScreen.Core.Sweeps;

/// <summary>
/// Builds a sweep's report from its batch tallies (stored once, when the last batch is done; computed live on
/// request before that), with what is new since the previous sweep and what review made of it.
/// </summary>
public sealed class SweepReporter(SweepStore sweeps, ISweepReviewView review, ISweepActionView actions, TimeProvider time, ILogger<SweepReporter> logger)
{
    /// <summary>Stores the report if the sweep is done and it is not stored yet.</summary>
    public async Task FinishAsync(string sweepId, CancellationToken cancellationToken)
    {
        if (await sweeps.GetReportAsync(sweepId, cancellationToken).ConfigureAwait(false) is not null) return;
        var report = await BuildAsync(sweepId, cancellationToken).ConfigureAwait(false);
        if (report is not { Complete: true }) return;
        if (await sweeps.TrySaveReportAsync(report, cancellationToken).ConfigureAwait(false))
        {
            logger.LogInformation("Sweep {SweepId} done: {Screened} screened, {Failed} failed, {Flagged} flagged ({New} new), {Cases} cases opened",
                sweepId, report.Screened, report.Failed, report.Flagged.Count, report.NewFlags.Count, report.CasesOpened);
        }
    }

    /// <summary>The stored report, or the report so far.</summary>
    public async Task<SweepReport?> GetAsync(string sweepId, CancellationToken cancellationToken) =>
        await sweeps.GetReportAsync(sweepId, cancellationToken).ConfigureAwait(false) ?? await BuildAsync(sweepId, cancellationToken).ConfigureAwait(false);

    private async Task<SweepReport?> BuildAsync(string sweepId, CancellationToken cancellationToken)
    {
        var status = await sweeps.GetAsync(sweepId, cancellationToken).ConfigureAwait(false);
        var cursor = await sweeps.GetCursorAsync(sweepId, cancellationToken).ConfigureAwait(false);
        if (status is null || cursor is null) return null;
        var tallies = await sweeps.TalliesAsync(sweepId, cancellationToken).ConfigureAwait(false);
        var previous = await sweeps.PreviousReportAsync(sweepId, status.StartedAt, cancellationToken).ConfigureAwait(false);
        var casesOpened = await review.CasesOpenedByAsync(sweepId, cancellationToken).ConfigureAwait(false);
        var notEffective = await actions.BlocksNotEffectiveAsync(sweepId, cancellationToken).ConfigureAwait(false);
        static Dictionary<string, int> Sum(IEnumerable<Dictionary<string, int>> parts)
        {
            var total = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var part in parts) foreach (var (k, n) in part) total[k] = total.GetValueOrDefault(k) + n;
            return total.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).ToDictionary(kv => kv.Key, kv => kv.Value);
        }
        var flagged = tallies.SelectMany(t => t.Flagged).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var previouslyFlagged = previous?.Flagged.ToHashSet(StringComparer.Ordinal) ?? [];
        var screened = tallies.Sum(t => t.Count);
        var now = time.GetUtcNow();
        var seconds = Math.Max(0.001, (now - status.StartedAt).TotalSeconds);
        var bands = Scoring.Bands.Ordered.ToDictionary(b => b, b => tallies.Sum(t => t.Bands.GetValueOrDefault(b)));
        return new SweepReport(sweepId, status.Trigger, status.StartedAt, status.Done ? now : null, Math.Round(seconds, 1), Math.Round(screened / seconds, 1),
            status.Done, status.Total, screened, tallies.Sum(t => t.Failed), Math.Max(0, status.Total - screened), bands,
            Sum(tallies.Select(t => t.Categories)), Sum(tallies.Select(t => t.Products)), cursor.Sources.OrderByDescending(kv => kv.Value).ToDictionary(),
            Sum(tallies.Select(t => t.Failures)), tallies.Sum(t => t.NotResolving),
            previous is null ? [] : flagged.Where(f => !previouslyFlagged.Contains(f)).ToList(), flagged.Take(10_000).ToList(), casesOpened,
            new WatchOutcomes(tallies.Sum(t => t.WatchScreened), tallies.Sum(t => t.WatchUp), tallies.Sum(t => t.WatchGone), notEffective), previous?.SweepId);
    }
}
