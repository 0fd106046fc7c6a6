using DomainScreen.Core.Dns;
using DomainScreen.Core.Fetching;
using DomainScreen.Core.Screening;

namespace DomainScreen.Core.Sweeps;

/// <summary>
/// Progress of a sweep, read in O(1) (two rows): <c>state</c> is <c>queueing</c> while candidates are being queued and
/// <c>queued</c> after; <c>done</c> once every queued batch has been screened.
/// </summary>
public sealed record SweepStatus(
    string SweepId, DateTimeOffset StartedAt, string Trigger, int Total, int Batches, int BatchesDone, int Screened, int Failed,
    IReadOnlyDictionary<string, int>? Counts = null, string State = SweepStates.Queued, int Watchlist = 0)
{
    public bool Done => State == SweepStates.Queued && BatchesDone >= Batches;
}

public static class SweepStates
{
    public const string Queueing = "queueing", Queued = "queued";
}

/// <summary>
/// The message on <c>sweep-starts</c> (version 1): queue the batches of this sweep, or resume queueing them. The
/// sweep's id, trigger and start time travel with it, so whichever of the requester and the queue trigger creates
/// the sweep's rows first, they are the same.
/// </summary>
public sealed record SweepStartMessage(int V, string SweepId, string Trigger, DateTimeOffset StartedAt);

/// <summary>A <c>sweep-starts</c> message that can never succeed (not JSON, wrong version, not a sweep id).</summary>
public sealed class InvalidSweepStartException(string message) : Exception(message);

/// <summary>What happened to the watched hosts (open, approved and actioned cases) in a sweep.</summary>
public sealed record WatchOutcomes(int Screened, int StillUp, int Gone, int BlockNotEffective);

/// <summary>
/// A sweep's report: what was looked at, what was found, what failed and why. Stored when the last batch is done
/// and served by <c>GET /api/sweeps/{id}/report</c> (computed live while the sweep runs).
/// </summary>
public sealed record SweepReport(
    string SweepId, string Trigger, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, double DurationSeconds, double DomainsPerSecond,
    bool Complete, int Total, int Screened, int Failed, int Unscreened,
    IReadOnlyDictionary<string, int> Bands, IReadOnlyDictionary<string, int> Categories, IReadOnlyDictionary<string, int> Products,
    IReadOnlyDictionary<string, int> Sources, IReadOnlyDictionary<string, int> Failures, int NotResolving,
    IReadOnlyList<string> NewFlags, IReadOnlyList<string> Flagged, int CasesOpened, WatchOutcomes Watchlist, string? PreviousSweepId);

/// <summary>One screened batch of a sweep, summed into the sweep's progress and report (keyed by request id).</summary>
/// <summary>The names a sweep batch screened (all of them, changed or not) and when: its check row.</summary>
internal sealed record BatchCheck(IReadOnlyList<string> Domains, bool Watchlist, DateTimeOffset At);

public sealed record BatchTally(
    int Count, int Failed, Dictionary<string, int> Bands, Dictionary<string, int> Categories, Dictionary<string, int> Products,
    Dictionary<string, int> Failures, int NotResolving, List<string> Flagged, int WatchScreened, int WatchUp, int WatchGone)
{
    /// <summary>Why a result could not give a full picture, or null when it did.</summary>
    public static string? FailureReason(ScreeningResult r)
    {
        if (r.Status == ScreeningResult.Failed) return r.Error?.Contains("budget", StringComparison.Ordinal) == true ? "budget" : "screening-error";
        switch (r.Dns?.Status)
        {
            case DnsOutcome.Timeout: return "dns-timeout";
            case DnsOutcome.ServFail: return "dns-servfail";
            case DnsOutcome.Refused: return "dns-refused";
            case DnsOutcome.Error: return "dns-error";
        }
        return r.Fetch?.Outcome switch
        {
            FetchOutcomes.BlockedAddress => "fetch-refused-by-guard",
            FetchOutcomes.TlsFailure => "tls",
            FetchOutcomes.Timeout => "fetch-timeout",
            FetchOutcomes.ConnectionFailed or FetchOutcomes.ConnectionReset => "fetch-connection",
            FetchOutcomes.TooManyRedirects or FetchOutcomes.RedirectLoop or FetchOutcomes.InvalidRedirect => "fetch-redirects",
            FetchOutcomes.ProtocolError => "fetch-protocol",
            _ => null,
        };
    }

    /// <summary>Gone: the name does not resolve, or nothing answers on the web.</summary>
    public static bool IsGone(ScreeningResult r) =>
        r.Dns?.Status == DnsOutcome.NxDomain || r.Fetch?.Outcome is FetchOutcomes.ConnectionFailed or FetchOutcomes.NotAttempted or FetchOutcomes.DnsFailure;

    public static BatchTally Of(ScreenedBatch batch)
    {
        var results = batch.Results;
        var bands = new Dictionary<string, int>();
        var categories = new Dictionary<string, int>();
        var products = new Dictionary<string, int>();
        var failures = new Dictionary<string, int>();
        static void Add(Dictionary<string, int> d, string key) => d[key] = d.GetValueOrDefault(key) + 1;
        foreach (var r in results)
        {
            if (r.Verdict is { } v)
            {
                Add(bands, v.Band);
                foreach (var c in v.Categories) Add(categories, c);
                foreach (var p in v.Products) Add(products, p.Id);
            }
            if (FailureReason(r) is { } reason) Add(failures, reason);
        }
        foreach (var rejected in batch.Rejected ?? []) Add(failures, "invalid-name:" + rejected.Reason);
        var watch = batch.Request.Source == ScreenRequest.WatchlistSource;
        var gone = watch ? results.Count(IsGone) : 0;
        return new BatchTally(results.Count + (batch.Rejected?.Count ?? 0), results.Count(r => r.Status == ScreeningResult.Failed) + (batch.Rejected?.Count ?? 0),
            bands, categories, products, failures, results.Count(r => r.Dns?.Status == DnsOutcome.NxDomain),
            results.Where(r => r.Verdict?.Band is Scoring.Bands.Review or Scoring.Bands.Block).Select(r => r.Domain).ToList(),
            watch ? results.Count : 0, watch ? results.Count - gone : 0, gone);
    }
}

/// <summary>
/// What a sweep learns from review, without knowing its store: the hosts to re-screen (the watchlist) and how many
/// cases a sweep opened. Implemented in Review.
/// </summary>
public interface ISweepReviewView
{
    /// <summary>Hosts of pending, escalated, appealed, approved and actioned cases, in name order.</summary>
    Task<IReadOnlyList<string>> WatchedHostsAsync(CancellationToken cancellationToken);

    Task<int> CasesOpenedByAsync(string runId, CancellationToken cancellationToken);
}

/// <summary>What a sweep report learns from partner actions: blocks its watchlist found not effective. Implemented in Actions.</summary>
public interface ISweepActionView
{
    Task<int> BlocksNotEffectiveAsync(string runId, CancellationToken cancellationToken);
}

/// <summary>GET /api/sweeps/reports: the newest reports, newest first.</summary>
public sealed record SweepReportList(IReadOnlyList<SweepReport> Reports);
