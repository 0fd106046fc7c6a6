using DomainScreen.Core.Dns;
using DomainScreen.Core.Fetching;
using DomainScreen.Core.Registration;
using DomainScreen.Core.Scoring;

namespace DomainScreen.Core.Screening;

/// <summary>The stages a result can reach, in order.</summary>
public static class ScreeningStages
{
    public const string Dns = "dns";
    public const string Evidence = "evidence";
    public const string Scored = "scored";
}

/// <summary>What screening found for one domain at one time.</summary>
/// <param name="Domain">Canonical ASCII name.</param>
/// <param name="DisplayName">Unicode display form.</param>
/// <param name="Stage">The last stage completed: <see cref="ScreeningStages"/>.</param>
/// <param name="Status"><c>completed</c>, or <c>failed</c> with <paramref name="Error"/> when a stage broke.</param>
/// <param name="DurationMs">Wall time of the whole screen.</param>
public sealed record ScreeningResult(
    string Domain,
    string DisplayName,
    string RegistrableDomain,
    string Stage,
    string Status,
    string? Error,
    DateTimeOffset ScreenedAt,
    int DurationMs,
    string RequestId,
    string Source,
    string RunId,
    DnsEvidence? Dns,
    FetchEvidence? Fetch = null,
    RegistrationEvidence? Registration = null,
    Verdict? Verdict = null)
{
    public const string Completed = "completed";
    public const string Failed = "failed";

    /// <summary>True for a copy made by <see cref="Abridged"/>: the stored result has the detail this one lacks.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsAbridged { get; init; }

    /// <summary>
    /// This result without the detail only its stored copy is for — DNS answer records, fetch hops, headers, probes and
    /// certificate, the verdict's contributions and notes — keeping everything a consumer of a screened batch reads:
    /// names, status, stage, times, request, DNS and fetch outcomes, addresses, page and favicon hashes, registration,
    /// score, band, categories, products, filings and functions. A batch holds its stored results this way while its
    /// slowest screen runs (<see cref="ScreenBatchProcessor"/>): about a kilobyte each instead of 3–9 KB.
    /// </summary>
    public ScreeningResult Abridged() => IsAbridged
        ? this
        : this with { Dns = Dns?.Abridged(), Fetch = Fetch?.Abridged(), Verdict = Verdict?.Abridged(), IsAbridged = true };
}
