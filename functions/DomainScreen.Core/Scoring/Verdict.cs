namespace DomainScreen.Core.Scoring;

/// <summary>Bands, lowest to highest.</summary>
public static class Bands
{
    public const string Clear = "clear", Watch = "watch", Review = "review", Block = "block";

    public static readonly string[] Ordered = [Clear, Watch, Review, Block];

    public static int Rank(string band) => Array.IndexOf(Ordered, band);
}

/// <summary>
/// One contribution to the score: which rule or signal, its points, and where on the page it was seen (the
/// matched text and its character offset in the named field).
/// </summary>
public sealed record Contribution(string Id, string Signal, int Weight, string Detail, string? Category = null,
    string? Field = null, string? Matched = null, int? Offset = null);

public sealed record ProductRef(string Id, string Name);

public sealed record FilingRef(string Type, string Number);

/// <summary>
/// The scorer's answer: score 0–100, band, categories, and every contribution that produced it; what the site is for
/// (<see cref="Functions"/>, <see cref="Fingerprints.SiteFunctions"/>) and what its name says (<see cref="Name"/>).
/// </summary>
public sealed record Verdict(
    int Score,
    string Band,
    IReadOnlyList<string> Categories,
    IReadOnlyList<ProductRef> Products,
    IReadOnlyList<FilingRef> Filings,
    IReadOnlyList<Contribution> Evidence,
    IReadOnlyList<string> Notes,
    string CatalogVersion,
    string PolicyVersion,
    IReadOnlyList<string>? Functions = null,
    Domains.NameMarks? Name = null)
{
    /// <summary>Without the contributions and notes (<see cref="Screening.ScreeningResult.Abridged"/>).</summary>
    public Verdict Abridged() => this with { Evidence = [], Notes = [] };
}
