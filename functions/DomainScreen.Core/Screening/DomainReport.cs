

namespace DomainScreen.Core.Screening;

/// <summary>GET /api/domains/{domain}: the latest result and up to Screening:HistoryLimit earlier ones (not repeating the latest), newest first.</summary>
public sealed record DomainReport(string Domain, string DisplayName, string RegistrableDomain, ScreeningResult? Latest, IReadOnlyList<ScreeningResult> History);
