using DomainScreen.Core.Screening;

namespace DomainScreen.Core.Scoring;

/// <summary>
/// The CLI's JSON for one verdict (<c>domainscreen inspect --json</c>, and each element of
/// <c>domainscreen screen --json</c>): band, score, category ids, products (id and name), the filing numbers
/// found, the explanation, what the site is for (<c>functions</c>) and what its name says (<c>name</c>, when marked). <c>screen</c> adds the full evidence under <c>result</c>.
/// </summary>
public sealed record VerdictReport(
    string? Domain,
    string? Url,
    string? Title,
    string Band,
    int Score,
    IReadOnlyList<string> Categories,
    IReadOnlyList<ProductRef> Products,
    IReadOnlyList<string> Filings,
    IReadOnlyList<FilingRef> FilingDetails,
    IReadOnlyList<Contribution> Evidence,
    IReadOnlyList<string> Notes,
    string CatalogVersion,
    string PolicyVersion,
    ScreeningResult? Result = null,
    IReadOnlyList<string>? Functions = null,
    Domains.NameMarks? Name = null)
{
    public static VerdictReport From(Verdict v, string? domain, string? url, string? title, ScreeningResult? result = null) =>
        new(domain, url, title, v.Band, v.Score, v.Categories, v.Products, v.Filings.Select(f => f.Number).ToArray(), v.Filings,
            v.Evidence, v.Notes, v.CatalogVersion, v.PolicyVersion, result, v.Functions ?? [], v.Name);
}
