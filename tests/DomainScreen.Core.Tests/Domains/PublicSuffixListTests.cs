using DomainScreen.Core.Domains;

namespace DomainScreen.Core.Tests.Domains;

public sealed class PublicSuffixListTests
{
    private const string Sample = """
        // ===BEGIN ICANN DOMAINS===
        com
        cn
        com.cn
        *.ck
        !www.ck
        // 公司 : comment
        公司
        // ===END ICANN DOMAINS===
        // ===BEGIN PRIVATE DOMAINS===
        github.io
        *.compute.example-cloud.com
        // ===END PRIVATE DOMAINS===
        """;

    [Theory]
    [InlineData("example.com", 1, false)]
    [InlineData("a.example.com.cn", 2, false)]
    [InlineData("foo.bar.ck", 2, false)]
    [InlineData("www.ck", 1, false)]
    [InlineData("a.www.ck", 1, false)]
    [InlineData("x.xn--55qx5d", 1, false)]
    [InlineData("me.github.io", 2, true)]
    [InlineData("host.r1.compute.example-cloud.com", 4, true)]
    [InlineData("unlisted.zz", 1, false)]
    public void GetSuffix_FollowsListAlgorithm(string name, int labels, bool isPrivate)
    {
        var list = PublicSuffixList.Parse(new StringReader(Sample));

        Assert.Equal((labels, isPrivate), list.GetSuffix(name));
    }

    [Fact]
    public void Parse_WithoutPrivate_IgnoresPrivateSection()
    {
        var list = PublicSuffixList.Parse(new StringReader(Sample), includePrivate: false);

        Assert.Equal((1, false), list.GetSuffix("me.github.io"));
    }

    [Fact]
    public void IsKnownTopLevel_CoversRulesWildcardsAndExtras()
    {
        var list = PublicSuffixList.Parse(new StringReader(Sample), extraSuffixes: ["test"]);

        Assert.True(list.IsKnownTopLevel("com"));
        Assert.True(list.IsKnownTopLevel("ck"));
        Assert.True(list.IsKnownTopLevel("test"));
        Assert.False(list.IsKnownTopLevel("zz"));
    }

    [Fact]
    public void ResolvePath_MissingConfiguredFile_Throws()
    {
        Assert.Throws<FileNotFoundException>(() => PublicSuffixList.ResolvePath("/nonexistent/psl.dat"));
    }

    [Fact]
    public void RealList_HasThousandsOfRules()
    {
        Assert.True(TestSuffixes.Instance.RuleCount > 5000);
    }
}
