using System.Diagnostics;
using System.Diagnostics.Metrics;
using DomainScreen.Core.Dns;
using DomainScreen.Core.Domains;
using DomainScreen.Core.Fetching;
using DomainScreen.Core.Fingerprints;
using DomainScreen.Core.Scoring;
using DomainScreen.Core.Registration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DomainScreen.Core.Screening;

/// <summary>
/// Screens one domain through the pipeline stages: DNS, then the landing page (when the name resolves) alongside
/// the registration lookup. A failure inside a stage becomes a <c>failed</c> result with its reason (data, so
/// nothing vanishes); only cancellation escapes.
/// </summary>
public sealed class DomainScreener(
    DnsEvidenceCollector dns,
    PageFetcher fetcher,
    RegistrationLookup registration,
    RiskScorer scorer,
    Review.ReviewAllowlist allowlist,
    TimeProvider time,
    IOptions<ScreeningOptions> options,
    IOptions<FetchOptions> fetchOptions,
    ILogger<DomainScreener> logger)
{
    /// <summary>Meter of the screening pipeline (exported by the hosts' telemetry).</summary>
    public static readonly Meter Meter = new("DomainScreen.Screening");

    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>("domainscreen.screen.duration", "ms", "Wall time of one domain's screen");
    private readonly TimeSpan _timeout = TimeSpan.FromSeconds(options.Value.DomainTimeoutSeconds);

    /// <summary>Screens one name with the catalog and policy of <paramref name="snapshot"/> (one snapshot per batch).</summary>
    /// <param name="memory">The screen's share of the page-memory budget, disposed by the caller once it lets the
    /// result's bodies go; null: not counted.</param>
    public async Task<ScreeningResult> ScreenAsync(DomainName name, ScreenRequest request, CatalogSnapshot snapshot, CancellationToken cancellationToken,
        PageMemory.Lease? memory = null)
    {
        var started = Stopwatch.GetTimestamp();
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(_timeout);
        var result = new ScreeningResult(name.Ascii, name.Unicode, name.RegistrableDomain, ScreeningStages.Dns,
            ScreeningResult.Completed, null, time.GetUtcNow(), 0, request.RequestId, request.Source, request.RunId, null);
        try
        {
            var dnsEvidence = await dns.CollectAsync(name, budget.Token).ConfigureAwait(false);
            result = result with { Dns = dnsEvidence };
            var registrationTask = registration.LookupAsync(name, budget.Token);
            var (catalog, policy) = snapshot;
            FingerprintResult? landing = null;
            var fetch = dnsEvidence.Resolves
                ? await fetcher.FetchAsync(name, (html, headers, url) =>
                {
                    var (first, probes) = catalog.RunAndPlanProbes(PageFacts.FromHtml(html, url, headers), fetchOptions.Value.MaxProbes);
                    landing = first;
                    return fetchOptions.Value.ProbePaths.Concat(probes).Distinct(StringComparer.Ordinal).Take(fetchOptions.Value.MaxProbes).ToArray();
                }, budget.Token, memory).ConfigureAwait(false)
                : new FetchEvidence { Outcome = FetchOutcomes.NotAttempted, Error = $"the name does not resolve ({dnsEvidence.Status})" };
            var registrationEvidence = await RegistrationAsync(registrationTask, name, budget.Token).ConfigureAwait(false);
            result = result with { Stage = ScreeningStages.Evidence, Fetch = fetch, Registration = registrationEvidence };

            // The landing page's result stands unless probes or a known favicon add evidence.
            var page = fetch.Body is not { Length: > 0 } ? null
                : landing is not null && fetch.Probes.Count == 0 && (fetch.Favicon?.Mmh3 is not { } icon || !catalog.KnowsFavicon(icon)) ? landing
                : catalog.Run(PageFacts.From(fetch));
            var allowed = allowlist.Match(name.Ascii);
            var verdict = scorer.Score(new ScoringInput(name.Ascii, name.RegistrableDomain, page, dnsEvidence, fetch, registrationEvidence,
                allowed is null ? null : $"allowlisted by {allowed.Author} ({allowed.Reason})", catalog.Names.Inspect(name)), policy);
            result = result with { Stage = ScreeningStages.Scored, Verdict = verdict };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            result = result with { Status = ScreeningResult.Failed, Error = $"screening exceeded its {_timeout.TotalSeconds:0} s budget" };
        }
#pragma warning disable CA1031 // One domain's unexpected failure is recorded as its result, not allowed to sink the batch.
        catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
        {
            logger.LogWarning(ex, "Screening {Domain} failed", name.Ascii);
            result = result with { Status = ScreeningResult.Failed, Error = $"{ex.GetType().Name}: {ex.Message}" };
        }
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        Duration.Record(elapsed, new KeyValuePair<string, object?>("band", result.Verdict?.Band ?? "none"));
        return result with { DurationMs = (int)elapsed };
    }

    /// <summary>
    /// The registration lookup, waited for at most <see cref="ScreeningOptions.RegistrationGraceSeconds"/> after the rest
    /// of the evidence: a lookup still queued behind the RDAP server's rate limit is recorded as such and goes on in the
    /// background (its answer is cached for the next screen of the domain).
    /// </summary>
    private async Task<RegistrationEvidence> RegistrationAsync(Task<RegistrationEvidence> lookup, DomainName name, CancellationToken cancellationToken)
    {
        var grace = TimeSpan.FromSeconds(options.Value.RegistrationGraceSeconds);
        // A lookup whose place in the rate-limit queue is further off than the grace is not waited for at all: with a
        // long submission every screen would otherwise spend its whole grace in the queue.
        if (!lookup.IsCompleted && registration.QueuedUntil(name.RegistrableDomain) is { } until && until - time.GetUtcNow() > grace)
            return StillQueued(name, $"queued behind the RDAP server's rate limit, about {(until - time.GetUtcNow()).TotalSeconds:0} s from its turn");
        try
        {
            return await lookup.WaitAsync(grace, time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return StillQueued(name, $"no answer {options.Value.RegistrationGraceSeconds} s after the rest of the evidence (queued behind the RDAP server's rate limit)");
        }
    }

    private RegistrationEvidence StillQueued(DomainName name, string why) => new()
    {
        Domain = name.RegistrableDomain, Source = "rdap", Outcome = RegistrationOutcomes.RateLimited, FetchedAt = time.GetUtcNow(),
        Error = why + "; the lookup continues and is cached for the next screen",
    };

}
