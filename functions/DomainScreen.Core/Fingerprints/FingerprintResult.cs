namespace DomainScreen.Core.Fingerprints;

/// <summary>A rule that matched: which, where, and the matched text with its character offset in that field.</summary>
public sealed record RuleHit(string RuleId, string Field, int Weight, string Matched, int Offset);

/// <summary>A product the page runs, with the rules that identified it.</summary>
/// <param name="Evidence">Sum of the matched rules' weights (at least the signature's threshold).</param>
/// <param name="Risk">Points the product adds to the score.</param>
/// <param name="Copy">Recognised from the page's wording rather than the tool's code (see <see cref="SignatureSpec.Copy"/>).</param>
public sealed record ProductMatch(string Id, string Name, IReadOnlyList<string> Categories, int Evidence, int Risk, IReadOnlyList<RuleHit> Hits, bool Copy = false,
    IReadOnlyList<string>? Functions = null);

/// <summary>A lexicon term found on the page.</summary>
public sealed record TermHit(string TermId, string Category, string Kind, int Weight, string Field, string Matched, int Offset);

/// <summary>
/// The page presents itself as a brand of the registry: its title or site name leads with the brand's name, or pairs
/// it with a claim (官方, 官网, official, download, 登录 …). Whether that is impersonation depends on the domain.
/// </summary>
public sealed record BrandClaim(string BrandId, string Name, IReadOnlyList<string> Official, string Field, string Matched, int Offset);

/// <summary>What the engine found on one page.</summary>
public sealed record FingerprintResult(
    IReadOnlyList<ProductMatch> Products,
    IReadOnlyList<TermHit> Terms,
    IReadOnlyList<Filing> Filings,
    string CatalogVersion,
    IReadOnlyList<string> Warnings)
{
    public IEnumerable<TermHit> In(string category) => Terms.Where(t => t.Category == category);

    /// <summary>Brands the page claims to be (see <see cref="BrandClaim"/>).</summary>
    public IReadOnlyList<BrandClaim> Brands { get; init; } = [];
}
