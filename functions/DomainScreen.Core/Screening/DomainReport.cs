namespace DomainScreen.Core.Screening;

/// <summary>
/// GET /api/domains/{domain}: the latest result and up to Screening:HistoryLimit earlier ones (not repeating the latest),
/// newest first. A sweep that finds a result unchanged does not store it again, so <paramref name="LastChecked"/> (and the
/// sweep and batch that did it) can be newer than <c>latest.screenedAt</c>: the latest result was still true then.
/// </summary>
public sealed record DomainReport(string Domain, string DisplayName, string RegistrableDomain, ScreeningResult? Latest, IReadOnlyList<ScreeningResult> History,
    DateTimeOffset? LastChecked = null, string? LastCheckedRunId = null, string? LastCheckedRequestId = null);
