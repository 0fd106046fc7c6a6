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
}
