using System.Text;
using System.Text.RegularExpressions;
using DomainScreen.Core.Fetching;

namespace DomainScreen.Core.Tests.Fetching;

/// <summary>
/// <see cref="HtmlTags"/> against the regexes it replaced (run here with the NonBacktracking engine, as the product ran
/// them): the same matches, in the same order, on the lab's pages, on random tag soup, and at every length bound.
/// </summary>
public sealed class HtmlTagsTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);
    private static readonly Regex Meta = new(@"<meta\s[^>]{0,4000}>", RegexOptions.IgnoreCase | RegexOptions.NonBacktracking, Guard);
    private static readonly Regex Link = new(@"<link\s[^>]{0,2000}>", RegexOptions.IgnoreCase | RegexOptions.NonBacktracking, Guard);
    private static readonly Regex Title = new(@"<title[^>]{0,100}>([^<]{0,2000})</title", RegexOptions.IgnoreCase | RegexOptions.NonBacktracking, Guard);
    private static readonly Regex Asset = new(@"<(?:script|link|img)\s[^>]{0,2000}?(?:src|href)\s*=\s*(?:""([^""]{1,2000})""|'?([^\s'>]{1,2000}))",
        RegexOptions.IgnoreCase | RegexOptions.NonBacktracking, Guard);

    private static void AssertSame(string text)
    {
        Assert.Equal(Meta.Matches(text).Select(m => (m.Index, m.Length)), HtmlTags.Find(text, "meta", 4000));
        Assert.Equal(Link.Matches(text).Select(m => (m.Index, m.Length)), HtmlTags.Find(text, "link", 2000));
        Assert.Equal(Asset.Matches(text).Select(m => m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value), HtmlTags.AssetUrls(text, int.MaxValue));
        var title = Title.Match(text);
        Assert.Equal(title.Success ? title.Groups[1].Value : null, HtmlTags.Title(text));
    }

    public static TheoryData<string> LabPageNames() => new(LabPages().Select(Path.GetFileName)!);

    [Theory]
    [MemberData(nameof(LabPageNames))]
    public void LabPages_GiveTheSameMatchesAsTheRegexes(string page) =>
        AssertSame(File.ReadAllText(LabPages().Single(p => Path.GetFileName(p) == page)));

    [Fact]
    public void RandomTagSoup_GivesTheSameMatchesAsTheRegexes()
    {
        // Pieces that make and break tags, attributes and values; white space as \s knows it (not only ASCII).
        string[] pieces =
        [
            "<", ">", "\"", "'", " ", "\t", "\n", "\u00A0", "\u2028", "\u0085", "\v", "=", "/", "a", "x", "中", "ı", "ſ",
            "src", "SRC", "sRc", "href", "HrEf", "data-", "set", "script", "SCRIPT", "link", "LiNk", "img", "IMG", "meta", "META",
            "title", "TITLE", "</title", "</TiTlE", "<img ", "<link ", "<meta ", "<script ", "<title>", " src=", " href=\"", "=\"\"", "=''",
        ];
        var random = new Random(20261202);
        for (var round = 0; round < 1500; round++)
        {
            var text = new StringBuilder();
            var count = random.Next(1, 120);
            for (var i = 0; i < count; i++) text.Append(pieces[random.Next(pieces.Length)]);
            AssertSame(text.ToString());
        }
    }

    [Theory]
    [InlineData(3999)]
    [InlineData(4000)]
    [InlineData(4001)]
    public void MetaTag_UpToItsBound(int inner) => AssertSame("<p><meta " + new string('m', inner) + "><meta name=a content=b>");

    [Theory]
    [InlineData(1998)]
    [InlineData(1999)]
    [InlineData(2000)]
    [InlineData(2001)]
    public void AssetAttribute_UpToItsWindow_AndValuesUpToTheirLength(int n)
    {
        AssertSame("<img " + new string('w', n) + "src=\"a.png\"><link " + new string('w', n) + ">");
        AssertSame("<script src=\"" + new string('v', n) + "\"></script><img src=" + new string('u', n + 5) + " >");
        AssertSame("<img src='" + new string('q', n) + "'><img href=\"" + new string('v', n) + "");
        AssertSame("<link rel=icon href=\"" + new string('v', n) + "\"><link " + new string('w', n) + "href=x>");
    }

    [Theory]
    [InlineData(99, 1999)]
    [InlineData(100, 2000)]
    [InlineData(101, 2001)]
    public void Title_UpToItsBounds(int attributes, int content)
    {
        AssertSame("<title" + new string('a', attributes) + ">" + new string('t', content) + "</title>");
        AssertSame("<title" + new string('a', attributes) + ">" + new string('t', content) + "</TITLE><title>second</title>");
    }

    [Fact]
    public void NamesCompareAsciiLettersOnly_AsHtmlDoes()
    {
        // The regex engine's ignore-case took the Kelvin sign for the k of "link"; an HTML parser does not.
        Assert.Single(Link.Matches("<lin\u212A rel=icon href=/x.ico>"));
        Assert.Empty(HtmlTags.Find("<lin\u212A rel=icon href=/x.ico>", "link", 2000));
        Assert.Empty(HtmlTags.AssetUrls("<lin\u212A href=/x.css>", 10));
    }

    [Theory]
    [InlineData("<img ")]
    [InlineData("<img s")]
    [InlineData("<script src")]
    [InlineData("<img src=\"")]
    [InlineData("<meta ")]
    [InlineData("<title")]
    [InlineData("<link href=' ")]
    public void HostileRepetition_IsReadInOnePass_WithTheSameMatches(string unit)
    {
        var text = string.Concat(Enumerable.Repeat(unit, 64 * 1024 / unit.Length));
        AssertSame(text);
    }

    private static readonly Regex AttributePattern = new(@"([a-zA-Z_:][-a-zA-Z0-9_:.]*)\s*=\s*(?:""([^""]*)""|'([^']*)'|([^\s""'>]+))",
        RegexOptions.NonBacktracking, Guard);

    private static string? AttributeByRegex(string tag, string name)
    {
        foreach (Match m in AttributePattern.Matches(tag))
        {
            if (m.Groups[1].Value.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return m.Groups[2].Success ? m.Groups[2].Value : m.Groups[3].Success ? m.Groups[3].Value : m.Groups[4].Value;
            }
        }
        return null;
    }

    [Fact]
    public void Attribute_GivesWhatTheRegexGave_OnLabTagsAndRandomAttributeSoup()
    {
        string[] names = ["name", "content", "property", "rel", "href", "src", "data-src", "charset", "a", "b"];
        var tags = LabPages().SelectMany(p => HtmlTags.Find(File.ReadAllText(p), "meta", 4000).Select(t => File.ReadAllText(p).Substring(t.Start, t.Length))
            .Concat(HtmlTags.Find(File.ReadAllText(p), "link", 2000).Select(t => File.ReadAllText(p).Substring(t.Start, t.Length)))).ToList();
        Assert.NotEmpty(tags);
        string[] pieces = ["name", "NAME", "content", "rel", "href", "data-src", "a", "b", "1", "-", ".", ":", "_", "=", " ", "\t", "\u00A0", "\"", "'", ">", "<", "x y", "中", "/"];
        var random = new Random(1202);
        for (var round = 0; round < 1500; round++)
        {
            var tag = new StringBuilder("<meta ");
            var count = random.Next(1, 40);
            for (var i = 0; i < count; i++) tag.Append(pieces[random.Next(pieces.Length)]);
            tags.Add(tag.Append('>').ToString());
        }
        foreach (var tag in tags)
        {
            foreach (var name in names) Assert.True(AttributeByRegex(tag, name) == HtmlTags.Attribute(tag, name), $"{name} in {tag}");
        }
    }

    [Fact]
    public void AssetUrls_StopAtTheLimit()
    {
        var text = string.Concat(Enumerable.Range(0, 20).Select(i => $"<img src=\"{i}.png\">"));
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"{i}.png"), HtmlTags.AssetUrls(text, 5));
    }

    private static string[] LabPages() => LabSites.PageFiles();
}
