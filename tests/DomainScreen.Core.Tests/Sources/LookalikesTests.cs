using DomainScreen.Core.Dns;
using DomainScreen.Core.Scoring;
using DomainScreen.Core.Sources;

namespace DomainScreen.Core.Tests.Sources;

public sealed class LookalikesTests
{
    private static readonly WatchPolicy Policy = new() { LookalikeTlds = ["com", "top", "xyz"], LookalikeWords = ["app", "官网"] };
    private static readonly WatchedBrand DeepSeek = new() { Name = "deepseek", Official = ["deepseek.com"] };

    [Fact]
    public void Generate_UsesEachTechnique_AndNeverTheOfficialDomain()
    {
        var names = Lookalikes.Generate(DeepSeek, Policy);

        Assert.Contains("depseek.com", names);          // omission
        Assert.Contains("deeepseek.com", names);        // repetition
        Assert.Contains("edepseek.com", names);         // transposition
        Assert.Contains("deeps-eek.com", names);        // hyphenation
        Assert.Contains("d3epseek.com", names);         // ASCII homoglyph
        Assert.Contains("deepseek-app.cn", names);      // added word
        Assert.Contains(new System.Globalization.IdnMapping().GetAscii("deepseek官网.com"), names);
        Assert.Contains(new System.Globalization.IdnMapping().GetAscii("d\u0435epseek.com"), names); // Cyrillic е for the first e
        Assert.Contains("deepseek.top", names);         // TLD swap of the bare brand
        Assert.DoesNotContain("deepseek.com", names);
        Assert.All(names, n => Assert.True(n.All(char.IsAscii), n));
    }

    [Fact]
    public void Generate_IsDeterministic()
    {
        Assert.Equal(Lookalikes.Generate(DeepSeek, Policy), Lookalikes.Generate(DeepSeek, Policy));
        Assert.InRange(Lookalikes.Generate(DeepSeek, Policy).Count, 100, 1000);
    }

    [Fact]
    public void BuiltInPolicy_WatchesTheCampaignsBrands()
    {
        var policy = DomainScreen.Core.Fingerprints.CatalogProvider.BuiltInPolicy();

        Assert.Contains(policy.Watch.Brands, b => b.Name == "deepseek");
        Assert.Contains(policy.Watch.Brands, b => b.Name == "doubao");
        Assert.All(policy.Watch.Brands, b => Assert.NotEmpty(Lookalikes.Generate(b, policy.Watch)));
    }
}
