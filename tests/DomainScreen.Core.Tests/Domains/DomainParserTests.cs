using DomainScreen.Core.Domains;

namespace DomainScreen.Core.Tests.Domains;

public sealed class DomainParserTests
{
    private static readonly DomainParser Parser = TestSuffixes.Parser;

    [Theory]
    [InlineData("Example.COM.", "example.com", "example.com", "example.com")]
    [InlineData("  www.Example.com  ", "www.example.com", "www.example.com", "example.com")]
    [InlineData("\uFEFFexample.com", "example.com", "example.com", "example.com")]
    [InlineData("https://例子.公司/x?y", "xn--fsqu00a.xn--55qx5d", "例子.公司", "xn--fsqu00a.xn--55qx5d")]
    [InlineData("xn--fsqu00a.xn--55qx5d", "xn--fsqu00a.xn--55qx5d", "例子.公司", "xn--fsqu00a.xn--55qx5d")]
    [InlineData("HTTP://user:pw@Shop.Example.com.cn:8443/path#frag", "shop.example.com.cn", "shop.example.com.cn", "example.com.cn")]
    [InlineData("example.com/login?x=1", "example.com", "example.com", "example.com")]
    [InlineData("例子。公司", "xn--fsqu00a.xn--55qx5d", "例子.公司", "xn--fsqu00a.xn--55qx5d")]
    [InlineData("ＥＸＡＭＰＬＥ．ｃｏｍ", "example.com", "example.com", "example.com")]
    [InlineData("foo.bar.github.io", "foo.bar.github.io", "foo.bar.github.io", "bar.github.io")]
    [InlineData("a.b.c.kawasaki.jp", "a.b.c.kawasaki.jp", "a.b.c.kawasaki.jp", "b.c.kawasaki.jp")]
    [InlineData("www.city.kawasaki.jp", "www.city.kawasaki.jp", "www.city.kawasaki.jp", "city.kawasaki.jp")]
    [InlineData("lab-site.test", "lab-site.test", "lab-site.test", "lab-site.test")]
    public void TryParse_ValidInput_GivesCanonicalForms(string input, string ascii, string unicode, string registrable)
    {
        var result = Parser.TryParse(input);

        Assert.True(result.Success, result.Error?.Message);
        Assert.Equal(ascii, result.Name!.Ascii);
        Assert.Equal(unicode, result.Name.Unicode);
        Assert.Equal(registrable, result.Name.RegistrableDomain);
    }

    [Fact]
    public void TryParse_PrivateSectionSuffix_IsHonouredAndMarked()
    {
        var name = Parser.Parse("someone.github.io");

        Assert.Equal("github.io", name.PublicSuffix);
        Assert.True(name.IsPrivateSuffix);
        Assert.True(name.IsRegistrable);
    }

    [Fact]
    public void TryParse_WildcardWhenAllowed_KeepsBaseAndFlag()
    {
        var name = Parser.Parse("*.Foo.cn", allowWildcard: true);

        Assert.True(name.IsWildcard);
        Assert.Equal("foo.cn", name.Ascii);
        Assert.Equal("*.foo.cn", name.ToString());
    }

    [Theory]
    [InlineData("", DomainParseErrorCode.Empty)]
    [InlineData("   \uFEFF ", DomainParseErrorCode.Empty)]
    [InlineData("1.2.3.4", DomainParseErrorCode.IpLiteral)]
    [InlineData("http://10.0.0.1:8080/", DomainParseErrorCode.IpLiteral)]
    [InlineData("[::1]", DomainParseErrorCode.IpLiteral)]
    [InlineData("https://[2001:db8::1]/x", DomainParseErrorCode.IpLiteral)]
    [InlineData("2001:db8::1", DomainParseErrorCode.IpLiteral)]
    [InlineData("*.foo.cn", DomainParseErrorCode.WildcardNotAllowed)]
    [InlineData("foo.*.cn", DomainParseErrorCode.WildcardNotAllowed)]
    [InlineData("under_score.com", DomainParseErrorCode.InvalidCharacter)]
    [InlineData("exa mple.com", DomainParseErrorCode.InvalidCharacter)]
    [InlineData("exa!mple.com", DomainParseErrorCode.InvalidCharacter)]
    [InlineData("example.com:http", DomainParseErrorCode.InvalidCharacter)]
    [InlineData("a..b.com", DomainParseErrorCode.EmptyLabel)]
    [InlineData(".example.com", DomainParseErrorCode.EmptyLabel)]
    [InlineData("-example.com", DomainParseErrorCode.HyphenPlacement)]
    [InlineData("example-.com", DomainParseErrorCode.HyphenPlacement)]
    [InlineData("ab--cd.com", DomainParseErrorCode.HyphenPlacement)]
    [InlineData("xn--zzzzzzzzzzzzzzzzz9.com", DomainParseErrorCode.InvalidPunycode)]
    [InlineData("localhost", DomainParseErrorCode.SingleLabel)]
    [InlineData("公司", DomainParseErrorCode.SingleLabel)]
    [InlineData("example.123", DomainParseErrorCode.NumericTopLevel)]
    [InlineData("example.notarealtld", DomainParseErrorCode.UnknownTopLevel)]
    [InlineData("com.cn", DomainParseErrorCode.PublicSuffixOnly)]
    [InlineData("github.io", DomainParseErrorCode.PublicSuffixOnly)]
    [InlineData("foo.kawasaki.jp", DomainParseErrorCode.PublicSuffixOnly)]
    [InlineData("://example.com", DomainParseErrorCode.InvalidUrl)]
    [InlineData("ex ample://example.com", DomainParseErrorCode.InvalidUrl)]
    [InlineData("https:///path", DomainParseErrorCode.InvalidUrl)]
    [InlineData("例\uFFFF.com", DomainParseErrorCode.InvalidCharacter)]
    [InlineData("例\u00A0子.com", DomainParseErrorCode.InvalidCharacter)]
    public void TryParse_InvalidInput_GivesSpecificError(string input, DomainParseErrorCode expected)
    {
        var result = Parser.TryParse(input);

        Assert.False(result.Success, $"parsed as {result.Name}");
        Assert.Equal(expected, result.Error!.Code);
        Assert.False(string.IsNullOrWhiteSpace(result.Error.Message));
    }

    [Fact]
    public void TryParse_LabelOf64Octets_IsTooLong()
    {
        var result = Parser.TryParse(new string('a', 64) + ".com");

        Assert.Equal(DomainParseErrorCode.LabelTooLong, result.Error!.Code);
        Assert.Contains("64", result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_LabelOf63Octets_IsAccepted()
    {
        Assert.True(Parser.TryParse(new string('a', 63) + ".com").Success);
    }

    [Fact]
    public void TryParse_UnicodeLabelLongerThan63InPunycode_IsTooLong()
    {
        var label = string.Concat(Enumerable.Range(0, 40).Select(i => (char)('\u4E00' + (i * 37))));
        var result = Parser.TryParse(label + ".com");

        Assert.Equal(DomainParseErrorCode.LabelTooLong, result.Error!.Code);
    }

    [Fact]
    public void TryParse_NameOf254Octets_IsTooLong_And253IsAccepted()
    {
        var label = new string('a', 61);
        var ok = string.Join('.', label, label, label, new string('b', 63)) + ".com";
        Assert.Equal(253, ok.Length);
        Assert.True(Parser.TryParse(ok).Success);

        var result = Parser.TryParse("x" + ok);

        Assert.Equal(DomainParseErrorCode.NameTooLong, result.Error!.Code);
    }

    [Fact]
    public void Parse_Invalid_ThrowsDomainFormatExceptionWithError()
    {
        var ex = Assert.Throws<DomainFormatException>(() => Parser.Parse("com.cn"));

        Assert.Equal(DomainParseErrorCode.PublicSuffixOnly, ex.Error.Code);
        Assert.StartsWith("public-suffix:", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Equality_IsByCanonicalAscii()
    {
        Assert.Equal(Parser.Parse("https://例子.公司/"), Parser.Parse("XN--FSQU00A.xn--55qx5d."));
        Assert.NotEqual(Parser.Parse("foo.cn", true), Parser.Parse("*.foo.cn", true));
    }
}
