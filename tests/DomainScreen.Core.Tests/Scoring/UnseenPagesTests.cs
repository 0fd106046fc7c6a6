using System.Text.Json;
using DomainScreen.Core.Fingerprints;
using DomainScreen.Core.Scoring;
using Microsoft.Extensions.Time.Testing;

namespace DomainScreen.Core.Tests.Scoring;

/// <summary>
/// Pages the catalog was not written from (Scoring/Unseen): abuse services and AI services described in other
/// words, and news, research, notices, tutorials, parked and shop pages quoting the same terms. A generalisation
/// check next to the lab corpus; expectations are in Unseen/expected.json.
/// </summary>
public sealed class UnseenPagesTests
{
    private static readonly CompiledCatalog Catalog = CatalogLoader.Compile(CatalogProvider.BuiltInFiles());
    private static readonly ScoringPolicy Policy = CatalogProvider.BuiltInPolicy();
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "Scoring", "Unseen");

    public static TheoryData<string, bool, string?> Pages()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "expected.json")));
        var data = new TheoryData<string, bool, string?>();
        foreach (var page in doc.RootElement.GetProperty("pages").EnumerateArray())
        {
            data.Add(page.GetProperty("file").GetString()!, page.GetProperty("flagged").GetBoolean(),
                page.TryGetProperty("category", out var c) ? c.GetString() : null);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public void UnseenPage_IsFlaggedOnlyWhenItShould(string file, bool flagged, string? category)
    {
        var page = Catalog.Run(PageFacts.FromHtml(File.ReadAllText(Path.Combine(Folder, file))));
        var verdict = new RiskScorer(new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 0, 0, 0, TimeSpan.Zero)))
            .Score(new ScoringInput("unseen.example", "unseen.example", page, null, null, null), Policy);

        var why = $"{verdict.Band} {verdict.Score} [{string.Join(", ", verdict.Categories)}]: "
            + string.Join("; ", verdict.Evidence.Where(e => e.Weight != 0).Select(e => $"{e.Id} {e.Weight:+0;-0} {e.Matched}"));
        Assert.True(flagged == Bands.Rank(verdict.Band) >= Bands.Rank(Bands.Review), why);
        if (category is not null) Assert.True(verdict.Categories.Contains(category), why);
    }
}
