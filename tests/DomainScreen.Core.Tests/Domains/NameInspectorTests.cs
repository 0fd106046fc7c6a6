using DomainScreen.Core.Domains;
using DomainScreen.Core.Fingerprints;

namespace DomainScreen.Core.Tests.Domains;

/// <summary>Names marked from the name alone: TR39 skeletons and scripts through ICU, and the catalog's brand registry.</summary>
public sealed class NameInspectorTests
{
    private static readonly NameInspector Names = CatalogLoader.Compile(CatalogProvider.BuiltInFiles()).Names;

    private static NameMarks Inspect(string input) => Names.Inspect(TestSuffixes.Parser.Parse(input));

    [Fact]
    public void Tr39_IsAvailableOnThisPlatform()
    {
        // ICU ships with .NET's globalization on Linux; without it names would go unmarked, so the suite says so.
        Assert.True(NameInspector.Tr39Available);
    }

    [Fact]
    public void CyrillicLetterInALatinName_IsMixedScript_AndShownLikeTheAsciiName()
    {
        var marks = Inspect("ex\u0430mple.com");

        Assert.Equal(["Latn", "Cyrl"], marks.MixedScript);
        Assert.Equal("example.com", marks.LooksLike);
        Assert.True(marks.Any);
    }

    [Theory]
    [InlineData("d\u0435\u0435pseek.com", "deepseek.com")] // Cyrillic е twice
    [InlineData("deeps\u0435ek.net", "deepseek.com")]
    [InlineData("c\u04bbatgpt.com", "chatgpt.com")] // Cyrillic һ
    [InlineData("rnidjourney.com", "midjourney.com")] // ASCII only: rn looks like m
    public void NameWithTheSkeletonOfAnOfficialDomain_IsConfusableWithIt(string input, string official)
    {
        var marks = Inspect(input);

        Assert.Equal(official, marks.ConfusableWith);
        Assert.NotNull(marks.Brand);
    }

    [Theory]
    [InlineData("deepseek-download.top", "brand-deepseek")]
    [InlineData("chatgpt-cn.xyz", "brand-chatgpt")]
    [InlineData("xn--uir82r474a92k.com", "brand-doubao")] // 豆包官网.com
    [InlineData("d33pseek-login.xyz", null)] // digits for letters are not TR39 confusables; the CT watch list covers them
    public void NameBorrowingABrand_NamesTheBrand(string input, string? brand)
    {
        Assert.Equal(brand, Inspect(input).Brand);
    }

    [Theory]
    [InlineData("chat.deepseek.com")]
    [InlineData("deepseek.com")]
    [InlineData("www.openai.com")]
    [InlineData("xn--fiq228c.cn")] // 中文.cn: one script
    [InlineData("xn--ai-py2c206a.cn")] // 中国ai.cn: Han with Latin is allowed (TR39 highly restrictive)
    [InlineData("bakery-shop.com")]
    public void OfficialOrOrdinaryNames_AreNotMarked(string input)
    {
        var marks = Inspect(input);

        Assert.False(marks.Any, $"{input}: {marks}");
    }

    [Fact]
    public void ManyThreadsInspecting_GetTheSameMarksAsOne()
    {
        // Screening inspects names in parallel through one ICU spoof checker (no lock).
        string[] inputs = ["ex\u0430mple.com", "d\u0435\u0435pseek.com", "deepseek-download.top", "bakery-shop.com", "\u03bbambda.com", "rnidjourney.com"];
        static string Render(NameMarks m) => $"{string.Join('+', m.MixedScript ?? [])}|{m.LooksLike}|{m.ConfusableWith}|{m.Brand}|{m.Skeleton}";
        var expected = inputs.Select(i => Render(Inspect(i))).ToArray();

        var mismatches = 0;
        Parallel.For(0, 4000, i =>
        {
            if (Render(Inspect(inputs[i % inputs.Length])) != expected[i % inputs.Length]) Interlocked.Increment(ref mismatches);
        });

        Assert.Equal(0, mismatches);
    }

    [Fact]
    public void GreekAndLatin_AreMixed_WithoutAnAsciiLookAlikeWhenALetterHasNone()
    {
        var marks = Inspect("\u03bbambda.com"); // Greek λ has no ASCII look-alike

        Assert.Equal(["Grek", "Latn"], marks.MixedScript);
        Assert.Null(marks.LooksLike);
    }
}
