namespace DomainScreen.Core.Screening;

/// <summary>
/// One queue message: a batch of domains to screen. Version 1. A redelivered message produces the same keys,
/// so screening it twice changes nothing the second time.
/// </summary>
/// <param name="V">Schema version; only 1 exists.</param>
/// <param name="RequestId">Unique per message; part of every key the message writes.</param>
/// <param name="Source"><c>submission</c>, <c>sweep</c> or <c>watchlist</c> (a sweep's batch of case hosts).</param>
/// <param name="RunId">The submission id or sweep id this batch belongs to.</param>
/// <param name="Domains">Canonical ASCII names (re-validated on receipt).</param>
/// <param name="RequestedAt">When the batch was queued; orders the domain's history.</param>
/// <param name="Known">
/// Optional (sweeps): the <see cref="ResultDigest"/> of each domain's stored result when the batch was queued. A domain
/// whose new result has the same digest is recorded as checked, not written again.
/// </param>
public sealed record ScreenRequest(int V, string RequestId, string Source, string RunId, IReadOnlyList<string> Domains, DateTimeOffset RequestedAt,
    IReadOnlyDictionary<string, string>? Known = null)
{
    public const string SubmissionSource = "submission";
    public const string SweepSource = "sweep";

    /// <summary>A sweep's re-screen of the hosts of open, approved and actioned cases.</summary>
    public const string WatchlistSource = "watchlist";

    /// <summary>Names from new certificates that match the watch terms, screened as soon as they are seen.</summary>
    public const string CtSource = "ct";

    public static readonly string[] Sources = [SubmissionSource, SweepSource, WatchlistSource, CtSource];
}

/// <summary>A queue message that can never succeed (not JSON, wrong version, no domains).</summary>
public sealed class InvalidScreenRequestException(string message) : Exception(message);
