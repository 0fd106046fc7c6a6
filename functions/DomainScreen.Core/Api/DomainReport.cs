using DomainScreen.Core.Screening;

namespace DomainScreen.Core.Api;

/// <summary>GET /api/domains/{domain}: the latest result and the history, newest first.</summary>
public sealed record DomainReport(string Domain, string DisplayName, string RegistrableDomain, ScreeningResult? Latest, IReadOnlyList<ScreeningResult> History);
