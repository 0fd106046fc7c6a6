using DomainScreen.Core.Fingerprints;

namespace DomainScreen.Core.Tests.Fingerprints;

/// <summary>The brand-name prefilter never says no where a name is (ignoring case), and says no on text naming none.</summary>
public class BrandNameFilterTests
{
    private static readonly string[] BuiltInNames =
        CatalogLoader.Compile(CatalogProvider.BuiltInFiles()).Brands.SelectMany(b => b.Names).Where(n => n.Length > 0).ToArray();

    [Fact]
    public void RandomTexts_WithAName_AreNeverMissed_AndTextsWithoutOne_AreRuledOut()
    {
        var filter = new BrandNameFilter(BuiltInNames);
        var random = new Random(34);
        // Pieces of names too (a name cut short names nothing), the letters' case changed at random, and other text.
        string[] filler = ["官方", "下载", " - ", "|", "AI", "app", "智能", "助手", "模型", "ä", "ß", "K", "\u212A", "Σ", "、", "2026"];
        int named = 0, ruledOut = 0;
        for (var round = 0; round < 5000; round++)
        {
            var parts = new List<string>();
            for (var k = random.Next(1, 6); k > 0; k--)
            {
                var name = BuiltInNames[random.Next(BuiltInNames.Length)];
                var piece = random.Next(4) switch
                {
                    0 => name,
                    1 => name[..Math.Max(1, name.Length - 1)],
                    2 => name[Math.Min(name.Length - 1, 1)..],
                    _ => filler[random.Next(filler.Length)],
                };
                parts.Add(new string(piece.Select(c => random.Next(2) == 0 ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c)).ToArray()));
            }
            var text = string.Concat(parts);
            var hasName = BuiltInNames.Any(n => text.Contains(n, StringComparison.OrdinalIgnoreCase));
            var may = filter.MayName(text);
            if (hasName)
            {
                Assert.True(may, $"missed a name in \"{text}\"");
                named++;
            }
            else if (!may)
            {
                ruledOut++;
            }
        }
        Assert.True(named > 1000, $"only {named} texts named a brand");
        Assert.True(ruledOut > 500, $"only {ruledOut} texts without a name were ruled out");
    }

    [Theory]
    [InlineData("智谱ai 官网")]
    [InlineData("KIMI智能助手")]
    [InlineData("deepseek r1 review")]
    [InlineData("通义千问 - 阿里云")]
    [InlineData("即梦Ai，一站式创作")]
    public void NamesInTitles_AreKept(string title)
    {
        Assert.Contains(BuiltInNames, n => title.Contains(n, StringComparison.OrdinalIgnoreCase));
        Assert.True(new BrandNameFilter(BuiltInNames).MayName(title));
    }

    [Theory]
    [InlineData("城市新闻 Daily picks")]
    [InlineData("智 谱")]
    [InlineData("")]
    public void TextsNamingNoBrand_AreRuledOut(string text) => Assert.False(new BrandNameFilter(BuiltInNames).MayName(text));

    [Fact]
    public void ANameWithCasedLettersOutsideAscii_IsFoundIgnoringCase()
    {
        // No caseless run to stand for it and not ASCII: found by the search ignoring case.
        var filter = new BrandNameFilter(["Ωmega", "Kimi"]);
        Assert.True(filter.MayName("ωMEGA app"));
        Assert.True(filter.MayName("官方ΩMEGA"));
        Assert.False(filter.MayName("omega app"));
        Assert.False(filter.MayName("官方 mega"));
    }
}
