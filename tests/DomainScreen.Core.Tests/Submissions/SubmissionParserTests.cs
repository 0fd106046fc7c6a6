using System.Text;
using DomainScreen.Core.Submissions;
using DomainScreen.Core.Tests.Domains;

namespace DomainScreen.Core.Tests.Submissions;

public sealed class SubmissionParserTests
{
    private static readonly SubmissionParser Parser = new(TestSuffixes.Parser);

    private static ParsedSubmission Parse(string body, string? contentType, int maxLines = 100) =>
        Parser.Parse(Encoding.UTF8.GetBytes(body), contentType, maxLines);

    [Fact]
    public void Parse_PlainText_OnePerLineSkippingBlanksAndComments()
    {
        var result = Parse("example.com\r\n\r\n# a comment\r\n https://例子.公司/x \r\nbad_name.com\r\nEXAMPLE.com.\n", "text/plain; charset=utf-8");

        Assert.Equal(["example.com", "xn--fsqu00a.xn--55qx5d"], result.Accepted.Select(d => d.Ascii));
        var error = Assert.Single(result.Errors);
        Assert.Equal(5, error.Line);
        Assert.Equal("invalid-character", error.Code);
        Assert.Equal(1, result.Duplicates);
    }

    [Fact]
    public void Parse_JsonArray_ReportsNonStringsByPosition()
    {
        var result = Parse("""["example.com", 42, "com.cn", "foo.cn"]""", "application/json");

        Assert.Equal(["example.com", "foo.cn"], result.Accepted.Select(d => d.Ascii));
        Assert.Collection(result.Errors,
            e => Assert.Equal((2, "invalid-item"), (e.Line, e.Code)),
            e => Assert.Equal((3, "public-suffix"), (e.Line, e.Code)));
    }

    [Fact]
    public void Parse_NoContentType_SniffsJson()
    {
        Assert.Single(Parse("""  ["example.com"]""", null).Accepted);
    }

    [Theory]
    [InlineData("{\"domains\":[]}")]
    [InlineData("[\"a.com\"")]
    [InlineData("[\"a.com\"] trailing")]
    public void Parse_BadJson_Is400(string body)
    {
        var ex = Assert.Throws<SubmissionFormatException>(() => Parse(body, "application/json"));

        Assert.Equal(400, ex.Status);
    }

    [Fact]
    public void Parse_Csv_ReadsDomainColumnWithQuotes()
    {
        const string csv = "id,Domain,note\r\n1,example.com,ok\r\n2,\"foo.cn\",\"has, comma\"\r\n3,\"bad name.com\",x\r\n4\r\n";
        var result = Parse(csv, "text/csv");

        Assert.Equal(["example.com", "foo.cn"], result.Accepted.Select(d => d.Ascii));
        Assert.Equal([4, 5], result.Errors.Select(e => e.Line));
    }

    [Fact]
    public void Parse_CsvWithoutDomainColumn_Is400()
    {
        var ex = Assert.Throws<SubmissionFormatException>(() => Parse("host,note\nexample.com,x\n", "text/csv"));

        Assert.Equal("missing-domain-column", ex.Code);
    }

    [Fact]
    public void Parse_OverLineLimit_Is413()
    {
        var body = string.Join('\n', Enumerable.Range(0, 11).Select(i => $"d{i}.example.com"));

        var ex = Assert.Throws<SubmissionFormatException>(() => Parse(body, "text/plain", maxLines: 10));

        Assert.Equal(413, ex.Status);
    }

    [Fact]
    public void Parse_AtLineLimit_IsAccepted()
    {
        var body = string.Join('\n', Enumerable.Range(0, 10).Select(i => $"d{i}.example.com"));

        Assert.Equal(10, Parse(body, "text/plain", maxLines: 10).Accepted.Count);
    }

    [Fact]
    public void Parse_UnsupportedContentType_Is415()
    {
        var ex = Assert.Throws<SubmissionFormatException>(() => Parse("x", "application/xml"));

        Assert.Equal(415, ex.Status);
    }

    [Fact]
    public void Parse_InvalidUtf8_Is400()
    {
        var ex = Assert.Throws<SubmissionFormatException>(() => Parser.Parse([0x65, 0xFF, 0xFE, 0x0A], "text/plain", 10));

        Assert.Equal("invalid-encoding", ex.Code);
    }

    [Fact]
    public void Parse_JsonItemsThatAreNotStrings_AreEchoedAsWritten()
    {
        var result = Parse("""["ok.cn", {"domain": "x.cn"}, 42, null, [1, 2], true]""", "application/json");

        Assert.Equal(["""{"domain": "x.cn"}""", "42", "null", "[1, 2]", "true"], result.Errors.Select(e => e.Input));
        Assert.Equal(["item 2 is an object, not a string", "item 3 is a number, not a string", "item 4 is null, not a string",
            "item 5 is an array, not a string", "item 6 is a boolean, not a string"], result.Errors.Select(e => e.Message));
    }

    [Fact]
    public void Parse_JsonStringsThatAreNotUnicode_AreLineErrorsNotExceptions()
    {
        var bytes = Encoding.UTF8.GetBytes("""["ok.cn", "\ud800.com", "X.com"]""").ToList();
        var at = bytes.IndexOf((byte)'X');
        bytes[at] = 0xFF; // invalid UTF-8 inside the third string

        var result = Parser.Parse(bytes.ToArray(), "application/json", 100);

        Assert.Equal(["ok.cn"], result.Accepted.Select(d => d.Ascii));
        Assert.Equal([2, 3], result.Errors.Select(e => e.Line));
        Assert.All(result.Errors, e => Assert.Contains("not valid Unicode", e.Message, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("exa\tmple.com", "a tab")]
    [InlineData("exa mple.com", "a space")]
    public void Parse_Whitespace_IsNamedForWhatItIs(string line, string expected)
    {
        var result = Parse(System.Text.RegularExpressions.Regex.Unescape(line), "text/plain");

        Assert.Contains(expected, Assert.Single(result.Errors).Message, StringComparison.Ordinal);
    }
}
