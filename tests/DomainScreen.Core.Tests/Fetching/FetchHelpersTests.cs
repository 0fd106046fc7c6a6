using System.Text;
using DomainScreen.Core.Fetching;

namespace DomainScreen.Core.Tests.Fetching;

public sealed class Murmur3Tests
{
    [Theory]
    [InlineData("", 0)]
    [InlineData("foo", -156908512)]
    [InlineData("hello", 613153351)]
    [InlineData("The quick brown fox jumps over the lazy dog", 776992547)]
    public void Hash32_MatchesPythonMmh3(string text, int expected)
    {
        Assert.Equal(expected, Murmur3.Hash32(Encoding.UTF8.GetBytes(text)));
    }

    [Fact]
    public void IconHash_InvokeAiFavicon_MatchesPublishedShodanHash()
    {
        // invokeai/frontend/web/public/assets/images/invoke-favicon.svg (265 bytes, sha256 236a084f…):
        // its published icon_hash is -871048477 (docs/signatures.md cites the source).
        const string svg = "<svg width=\"16\" height=\"16\" viewBox=\"0 0 16 16\" fill=\"none\" xmlns=\"http://www.w3.org/2000/svg\">\n" +
            "<rect width=\"16\" height=\"16\" rx=\"2\" fill=\"#E6FD13\"/>\n" +
            "<path d=\"M9.61889 5.45H12.5V3.5H3.5V5.45H6.38111L9.61889 10.55H12.5V12.5H3.5V10.55H6.38111\" stroke=\"black\"/>\n</svg>\n";
        var bytes = Encoding.UTF8.GetBytes(svg);
        Assert.Equal(265, bytes.Length);

        Assert.Equal(-871048477, Murmur3.IconHash(bytes));
    }
}

public sealed class TextDecodingTests
{
    private const string Chinese = "人工智能换脸";

    [Theory]
    [InlineData("GBK")]
    [InlineData("gb2312")]
    [InlineData("GB18030")]
    public void Decode_DeclaredGbkFamily_ReadsAsGb18030(string declared)
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var bytes = Encoding.GetEncoding("GBK").GetBytes($"<p>{Chinese}</p>");

        var (text, charset) = TextDecoding.Decode(bytes, declared);

        Assert.Contains(Chinese, text, StringComparison.Ordinal);
        Assert.Equal("gb18030", charset);
    }

    [Fact]
    public void Decode_MetaCharsetOnly_IsHonoured()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var bytes = Encoding.GetEncoding("big5").GetBytes("<html><head><meta charset=\"big5\"><title>社區公告</title>");

        Assert.Contains("社區公告", TextDecoding.Decode(bytes, null).Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_NoDeclarationInvalidUtf8_FallsBackToGb18030()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var bytes = Encoding.GetEncoding("GBK").GetBytes(Chinese);

        var (text, charset) = TextDecoding.Decode(bytes, null);

        Assert.Equal(Chinese, text);
        Assert.Equal("gb18030", charset);
    }

    [Fact]
    public void Decode_Utf8Bom_Wins()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(Chinese)).ToArray();

        Assert.Equal((Chinese, "utf-8"), TextDecoding.Decode(bytes, "iso-8859-1"));
    }

    [Theory]
    [InlineData("text/html; charset=UTF-8", "UTF-8")]
    [InlineData("text/html;charset=\"gbk\"", "gbk")]
    [InlineData("text/html", null)]
    public void CharsetOf_ReadsParameter(string contentType, string? expected)
    {
        Assert.Equal(expected, TextDecoding.CharsetOf(contentType));
    }
}

public sealed class HtmlScanTests
{
    [Fact]
    public void Title_DecodesEntitiesAndCollapsesSpace()
    {
        Assert.Equal("A & B test", HtmlScan.Title("<html><head><TITLE lang=en>\n A &amp; B\n  test </TITLE>"));
    }

    [Theory]
    [InlineData("<link rel=\"icon\" href=\"/static/favicon.png\">", "/static/favicon.png")]
    [InlineData("<link href='/x.ico' rel='shortcut icon'>", "/x.ico")]
    [InlineData("<link rel=apple-touch-icon href=/a.png><link rel=icon href=/b.svg>", "/b.svg")]
    [InlineData("<link rel=\"stylesheet\" href=\"/s.css\">", null)]
    public void IconHref_FindsIconLink(string html, string? expected)
    {
        Assert.Equal(expected, HtmlScan.IconHref(html));
    }
}
