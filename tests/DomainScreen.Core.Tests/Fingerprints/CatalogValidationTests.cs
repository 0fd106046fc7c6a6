using DomainScreen.Core.Fingerprints;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace DomainScreen.Core.Tests.Fingerprints;

public sealed class CatalogValidationTests
{
    private static string Catalog(string rule, string extra = "") => $$"""
        { "version": "t1", "signatures": [ { "id": "sig-a", "product": "A", "categories": ["genai-service"], "risk": 10, "rules": [ {{rule}} ] {{extra}} } ] }
        """;

    private static CatalogValidationException Reject(params (string File, string Json)[] files) =>
        Assert.Throws<CatalogValidationException>(() => CatalogLoader.Compile(files));

    [Fact]
    public void BuiltInCatalog_Compiles()
    {
        var catalog = CatalogLoader.Compile(CatalogProvider.BuiltInFiles());

        Assert.True(catalog.SignatureCount >= 28);
        Assert.True(catalog.TermCount > 100);
        Assert.Contains("/api/status", catalog.ProbePaths);
    }

    [Fact]
    public void BadRegex_IsRejectedNamingFileAndRule()
    {
        var ex = Reject(("tools.json", Catalog("""{ "id": "r1", "field": "html", "match": "regex", "value": "(unclosed", "weight": 10 }""")));

        Assert.Contains(ex.Problems, p => p.Contains("tools.json", StringComparison.Ordinal) && p.Contains("'r1'", StringComparison.Ordinal) && p.Contains("regex", StringComparison.Ordinal));
    }

    [Fact]
    public void BacktrackingOnlyRegex_IsRejected()
    {
        var ex = Reject(("tools.json", Catalog("""{ "id": "r1", "field": "html", "match": "regex", "value": "(a)\\1", "weight": 10 }""")));

        Assert.Contains(ex.Problems, p => p.Contains("'r1'", StringComparison.Ordinal));
    }

    [Fact]
    public void UnknownField_IsRejected()
    {
        var ex = Reject(("tools.json", Catalog("""{ "id": "r1", "field": "body", "value": "x1234", "weight": 10 }""")));

        Assert.Contains(ex.Problems, p => p.Contains("unknown field 'body'", StringComparison.Ordinal) && p.Contains("tools.json", StringComparison.Ordinal));
    }

    [Fact]
    public void UnknownMember_IsRejectedNamingFile()
    {
        var ex = Reject(("typo.json", Catalog("""{ "id": "r1", "field": "html", "value": "x1234", "wieght": 10 }""")));

        Assert.Contains(ex.Problems, p => p.StartsWith("typo.json", StringComparison.Ordinal));
    }

    [Fact]
    public void DuplicateId_AcrossFiles_IsRejected()
    {
        var ex = Reject(
            ("one.json", Catalog("""{ "id": "same", "field": "html", "value": "abcdef", "weight": 10 }""")),
            ("two.json", Catalog("""{ "id": "same", "field": "title", "value": "abcdef", "weight": 10 }""").Replace("sig-a", "sig-b", StringComparison.Ordinal)));

        Assert.Contains(ex.Problems, p => p.Contains("duplicate id 'same'", StringComparison.Ordinal) && p.Contains("one.json", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("""{ "id": "r1", "field": "html", "value": "ai", "weight": 10 }""", "too short")]
    [InlineData("""{ "id": "r1", "field": "favicon", "match": "mmh3", "values": ["abc"], "weight": 10 }""", "mmh3")]
    [InlineData("""{ "id": "r1", "field": "probe", "match": "jsonKeys", "values": ["a"], "weight": 10 }""", "path")]
    [InlineData("""{ "id": "r1", "field": "header", "match": "exists", "weight": 10 }""", "needs a name")]
    [InlineData("""{ "id": "r1", "field": "html", "value": "abcdef", "weight": 0 }""", "weight")]
    public void MalformedRules_AreRejected(string rule, string expected)
    {
        var ex = Reject(("f.json", Catalog(rule)));

        Assert.Contains(ex.Problems, p => p.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void UnknownCategory_IsRejected()
    {
        var ex = Reject(("f.json", """{ "version": "t1", "lexicons": [ { "category": "weapons", "terms": [ { "id": "t1", "text": "abcdef", "weight": 5 } ] } ] }"""));

        Assert.Contains(ex.Problems, p => p.Contains("'weapons'", StringComparison.Ordinal));
    }

    [Fact]
    public void Provider_RejectedUpdate_KeepsPreviousCatalogInForce()
    {
        using var provider = new CatalogProvider(Options.Create(new CatalogOptions()), new FakeTimeProvider(), NullLogger<CatalogProvider>.Instance);
        var before = provider.Current.Catalog;

        var problems = provider.TryReplace([("bad.json", Catalog("""{ "id": "r1", "field": "nope", "value": "abcdef", "weight": 10 }"""))]);

        Assert.NotEmpty(problems);
        Assert.Same(before, provider.Current.Catalog);
    }

    [Fact]
    public void Provider_ValidUpdate_IsSwappedIn()
    {
        using var provider = new CatalogProvider(Options.Create(new CatalogOptions()), new FakeTimeProvider(), NullLogger<CatalogProvider>.Instance);

        var problems = provider.TryReplace([("good.json", Catalog("""{ "id": "r1", "field": "title", "match": "equals", "value": "Thing", "weight": 60 }"""))]);

        Assert.Empty(problems);
        Assert.Equal("t1", provider.Current.Catalog.Version);
    }

    [Fact]
    public async Task PathologicalRegex_CannotStallTheEngine()
    {
        // (a+)+$ backtracks exponentially on "aaaa…!"; NonBacktracking runs it in linear time.
        var catalog = CatalogLoader.Compile([("evil.json", Catalog("""{ "id": "evil", "field": "html", "match": "regex", "value": "(a+)+$", "weight": 60 }"""))]);
        var page = PageFacts.FromHtml(new string('a', 200_000) + "!");

        var result = await Task.Run(() => catalog.Run(page)).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Empty(result.Products);
    }

    [Theory]
    [InlineData("""{ "id": "t1", "weight": 5 }""", "exactly one of text and pattern")]
    [InlineData("""{ "id": "t1", "text": "abcdef", "pattern": "abc\\d", "weight": 5 }""", "exactly one of text and pattern")]
    [InlineData("""{ "id": "t1", "pattern": "(unclosed", "weight": 5 }""", "not a usable regex")]
    [InlineData("""{ "id": "t1", "pattern": "\\d*", "weight": 5 }""", "matches the empty string")]
    public void BadLexiconTerm_IsRejectedNamingFileAndTerm(string term, string problem)
    {
        var ex = Reject(("cues.json", $$"""{ "version": "t1", "lexicons": [ { "category": "cue:service", "terms": [ {{term}} ] } ] }"""));

        Assert.Contains(ex.Problems, p => p.Contains("cues.json", StringComparison.Ordinal) && p.Contains("'t1'", StringComparison.Ordinal)
            && p.Contains(problem, StringComparison.Ordinal));
    }

    [Fact]
    public void TermListedTwiceInALexicon_IsRejected()
    {
        var ex = Reject(("cues.json", """{ "version": "t1", "lexicons": [ { "category": "cue:service", "terms": [ { "id": "t1", "text": "元/月", "weight": 1 }, { "id": "t2", "text": "元/月", "weight": 1 } ] } ] }"""));

        Assert.Contains(ex.Problems, p => p.Contains("'元/月' twice (t1, t2)", StringComparison.Ordinal));
    }
}
