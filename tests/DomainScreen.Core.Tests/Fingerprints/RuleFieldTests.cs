using DomainScreen.Core.Fingerprints;

namespace DomainScreen.Core.Tests.Fingerprints;

/// <summary>
/// Every rule field read from the page facts it names, and reported under the field a reviewer sees
/// (<c>header:x-powered-by</c>, <c>meta:generator</c>, <c>probe:/config</c>); a rule whose field the page does not have
/// holds nowhere. One signature per rule, each identified by that rule alone.
/// </summary>
public sealed class RuleFieldTests
{
    private static readonly CompiledCatalog Catalog = CatalogLoader.Compile([("fields.json", """
        { "version": "t1", "signatures": [
          { "id": "by-title", "product": "T", "categories": ["genai-service"], "threshold": 10, "rules": [ { "id": "t", "field": "title", "match": "regex", "value": "^Studio [0-9]", "weight": 10 } ] },
          { "id": "by-url", "product": "U", "categories": ["genai-service"], "threshold": 10, "rules": [ { "id": "u", "field": "url", "match": "contains", "value": "/studio/", "weight": 10 } ] },
          { "id": "by-meta", "product": "M", "categories": ["genai-service"], "threshold": 10, "rules": [ { "id": "m", "field": "meta", "name": "generator", "match": "prefix", "value": "StudioKit", "weight": 10 } ] },
          { "id": "by-header", "product": "H", "categories": ["genai-service"], "threshold": 10, "rules": [ { "id": "h", "field": "header", "name": "X-Studio-Build", "match": "exists", "weight": 10 } ] },
          { "id": "by-cookie", "product": "C", "categories": ["genai-service"], "threshold": 10, "rules": [ { "id": "c", "field": "cookie", "match": "regex", "value": "^studio_sess=", "weight": 10 } ] },
          { "id": "by-asset", "product": "A", "categories": ["genai-service"], "threshold": 10, "rules": [ { "id": "a", "field": "asset", "match": "regex", "value": "/studio-bundle\\.js$", "weight": 10 } ] },
          { "id": "by-favicon", "product": "F", "categories": ["genai-service"], "threshold": 10, "rules": [ { "id": "f", "field": "favicon", "match": "mmh3", "values": ["-1234567"], "weight": 10 } ] },
          { "id": "by-probe", "product": "P", "categories": ["genai-service"], "threshold": 10, "rules": [ { "id": "p", "field": "probe", "path": "/config", "match": "jsonKeys", "values": ["studio.version"], "weight": 10 } ] },
          { "id": "by-gradio-title", "product": "G", "categories": ["genai-service"], "threshold": 10, "rules": [ { "id": "g", "field": "gradio.title", "match": "equals", "value": "Studio UI", "weight": 10 } ] },
          { "id": "by-title-equals", "product": "E", "categories": ["genai-service"], "threshold": 10, "rules": [ { "id": "e", "field": "title", "match": "equals", "value": "Studio Pro", "weight": 10 } ] },
          { "id": "by-elem-id", "product": "I", "categories": ["genai-service"], "threshold": 10, "rules": [ { "id": "i", "field": "gradio.elem_id", "match": "equals", "value": "studio_prompt", "weight": 10 } ] }
        ] }
        """)]);

    private static readonly PageFacts Bare = PageFacts.FromHtml("<html><body><p>nothing here</p></body></html>");

    public static TheoryData<string, string, string> EachField() => new()
    {
        { "by-title", "title", "Studio 3" },
        { "by-url", "url", "/studio/" },
        { "by-meta", "meta:generator", "StudioKit 2.1" },
        { "by-header", "header:X-Studio-Build", "41" },
        { "by-cookie", "cookie", "studio_sess=abc" },
        { "by-asset", "asset", "/studio-bundle.js" },
        { "by-favicon", "favicon", "-1234567" },
        { "by-probe", "probe:/config", "studio.version" },
        { "by-gradio-title", "gradio.title", "Studio UI" },
        { "by-title-equals", "title", "  STUDIO pro " },
        { "by-elem-id", "gradio.elem_id", "Studio_Prompt" },
    };

    private static PageFacts With(string signature) => signature switch
    {
        "by-title" => Bare with { Title = "Studio 3 - make images" },
        "by-url" => Bare with { Url = "https://example.com/studio/" },
        "by-meta" => Bare with { Meta = new Dictionary<string, string> { ["generator"] = "StudioKit 2.1" } },
        "by-header" => Bare with { Headers = new Dictionary<string, string> { ["x-studio-build"] = "41" } },
        "by-cookie" => Bare with { Cookies = ["studio_sess=abc; Path=/"] },
        "by-asset" => Bare with { Assets = ["/static/app.css", "/static/studio-bundle.js"] },
        "by-favicon" => Bare with { FaviconMmh3 = -1234567 },
        "by-probe" => Bare with { Probes = [new ProbeFact("/config", 200, """{"studio":{"version":"1.2"}}""")] },
        "by-gradio-title" => PageFacts.FromHtml("""<html><head><script>window.gradio_config = {"version":"4.44.1","mode":"blocks","title":"Studio UI","components":[]};</script></head><body><gradio-app></gradio-app></body></html>"""),
        // Equals ignores case and the value's surrounding spaces, and reports the value as the page has it.
        "by-title-equals" => Bare with { Title = "  STUDIO pro " },
        "by-elem-id" => PageFacts.FromHtml("""<html><head><script>window.gradio_config = {"version":"4.44.1","mode":"blocks","title":"x","components":[{"id":1,"type":"textbox","props":{"elem_id":"studio_prompt_2"}},{"id":2,"type":"textbox","props":{"elem_id":"Studio_Prompt"}}]};</script></head><body><gradio-app></gradio-app></body></html>"""),
        _ => throw new ArgumentOutOfRangeException(nameof(signature)),
    };

    [Theory]
    [MemberData(nameof(EachField))]
    public void RuleOverAField_HoldsWhenThePageHasIt_AndIsReportedUnderThatField(string signature, string field, string matched)
    {
        var result = Catalog.Run(With(signature));

        var product = Assert.Single(result.Products);
        Assert.Equal(signature, product.Id);
        var hit = Assert.Single(product.Hits);
        Assert.Equal(field, hit.Field);
        Assert.Contains(matched, hit.Matched, StringComparison.Ordinal);
    }

    [Fact]
    public void PageWithoutThoseFields_MatchesNoRule()
    {
        Assert.Empty(Catalog.Run(Bare).Products);
    }

    [Theory]
    [InlineData("STUDIO 3", true)] // catalog regexes ignore case, and so does the search for their required text
    [InlineData("studio 3 - make images", true)]
    [InlineData("My Studio 3", false)] // the required text is there, the anchored pattern still says no
    [InlineData("Stud io 3", false)]
    [InlineData("Studio", false)]
    public void RegexRule_HoldsExactlyWhereItsPatternMatches(string title, bool expected)
    {
        // Short values are first searched for the texts every match contains (for "^Studio [0-9]": "Studio "); that
        // search may only spare the regex, never change its answer.
        Assert.Equal(expected, Catalog.Run(Bare with { Title = title }).Products.Any(p => p.Id == "by-title"));
        Assert.Equal(expected, System.Text.RegularExpressions.Regex.IsMatch(title, "^Studio [0-9]", System.Text.RegularExpressions.RegexOptions.IgnoreCase));
    }

    [Theory]
    [InlineData(true, "/static/app.css", "/vendor/a.js", "/static/STUDIO-BUNDLE.JS")] // the last of many URLs, in capitals
    [InlineData(false, "/static/app.css", "/static/studio-bundle.js.map")] // the required text, the anchored pattern says no
    [InlineData(false, "/x/studio", "-bundle.js")] // the required text only across two URLs
    [InlineData(false)]
    public void AssetRule_HoldsWhereOneUrlMatches_AndRunsStartFromTheirOwnPage(bool expected, params string[] assets)
    {
        // Asset regexes are first ruled out on all of a page's URLs at once; that may only spare the regex. A run after
        // one on a page whose URLs lacked the text must not reuse them.
        Assert.Empty(Catalog.Run(Bare with { Assets = ["/static/other.js"] }).Products);
        Assert.Equal(expected, Catalog.Run(Bare with { Assets = assets }).Products.Any(p => p.Id == "by-asset"));
    }

    [Fact]
    public void TitleRule_AlsoReadsTheGradioAppsTitle()
    {
        var page = PageFacts.FromHtml("""<html><head><script>window.gradio_config = {"version":"4.44.1","mode":"blocks","title":"Studio 7","components":[]};</script></head><body><gradio-app></gradio-app></body></html>""") with { Title = null };

        Assert.Equal("Studio 7", page.Gradio?.Title);
        Assert.Contains(Catalog.Run(page).Products, p => p.Id == "by-title");
    }

    [Fact]
    public void EqualsRule_HoldsOnlyOnTheWholeValue_AndReadsTheGradioTitleWhenThePageTitleDiffers()
    {
        Assert.Empty(Catalog.Run(Bare with { Title = "Studio Pro 2" }).Products);
        Assert.Empty(Catalog.Run(Bare with { Title = "My Studio Pro" }).Products);
        var gradio = PageFacts.FromHtml("""<html><head><script>window.gradio_config = {"version":"4.44.1","mode":"blocks","title":"studio pro","components":[]};</script></head><body></body></html>""") with { Title = "Welcome" };

        var hit = Assert.Single(Assert.Single(Catalog.Run(gradio).Products, p => p.Id == "by-title-equals").Hits);
        Assert.Equal(("title", "studio pro"), (hit.Field, hit.Matched));
    }

    [Fact]
    public void ProbeRule_IsNotHeldByAnotherPathOrAFailedProbe()
    {
        Assert.Empty(Catalog.Run(Bare with { Probes = [new ProbeFact("/other", 200, """{"studio":{"version":"1.2"}}""")] }).Products);
        Assert.Empty(Catalog.Run(Bare with { Probes = [new ProbeFact("/config", 404, """{"studio":{"version":"1.2"}}""")] }).Products);
    }
}

/// <summary>A run keeps per-thread scratch state between pages: nothing of one page may reach the next one's result.</summary>
public sealed class RunIsolationTests
{
    private static readonly CompiledCatalog Catalog = CatalogLoader.Compile(CatalogProvider.BuiltInFiles());

    [Fact]
    public void PageAfterAnAbusivePage_CarriesNoneOfItsHits()
    {
        const string abusive = "<html><head><title>换脸大师 - 一键AI换脸</title></head><body><p>一键换脸，视频换脸，声音克隆</p>" +
            "<script>window.gradio_config = {\"version\":\"4.44.1\",\"mode\":\"blocks\",\"title\":\"FaceFusion 3.0.0\",\"components\":[]};</script></body></html>";
        const string plain = "<html><head><title>Weather</title></head><body><p>Sunny, then rain.</p></body></html>";

        var first = Catalog.Run(PageFacts.FromHtml(abusive));
        var second = Catalog.Run(PageFacts.FromHtml(plain));
        var again = Catalog.Run(PageFacts.FromHtml(abusive));

        Assert.NotEmpty(first.Terms);
        Assert.NotEmpty(first.Products);
        Assert.Empty(second.Terms);
        Assert.Empty(second.Products);
        Assert.Equal(first.Terms.Select(t => (t.TermId, t.Offset)), again.Terms.Select(t => (t.TermId, t.Offset)));
        Assert.Equal(first.Products.Select(p => (p.Id, p.Evidence)), again.Products.Select(p => (p.Id, p.Evidence)));
    }

    [Fact]
    public void ARun_LeavesNothingBehindForTheNextOnTheSameThread()
    {
        // A run keeps its hits in this thread's scratch and clears what it touched: each page's result, with products
        // below their threshold, must be the same whichever page ran before it (every minimal page and every lab page,
        // each after a seventh of the others; and a download page's regex, which runs only for a product with evidence,
        // after a page that gave that product evidence).
        string[] evidenceThenRegex = ["<p>Deep-Live-Cam</p>", "<p>整合包</p>"];
        var pages = evidenceThenRegex.Concat(SignatureTests.MinimalPages().Select(row => (string)row[1])).Concat(LabSites.PageFiles().Order(StringComparer.Ordinal).Select(File.ReadAllText)).ToArray();
        static string Summary(FingerprintResult r) =>
            string.Join(";", r.Products.Select(p => $"{p.Id}={p.Evidence}:{string.Join(",", p.Hits.Select(h => $"{h.RuleId}@{h.Field}@{h.Offset}"))}"))
            + "|" + string.Join(",", r.Terms.Select(t => $"{t.TermId}@{t.Offset}")) + "|" + string.Join(",", r.Filings.Select(f => f.Number));
        var empty = PageFacts.FromHtml("<html></html>");
        var alone = pages.Select(p =>
        {
            Catalog.RunAll(empty);
            return Summary(Catalog.RunAll(PageFacts.FromHtml(p)));
        }).ToArray();
        Assert.Contains(alone, s => s.Split('|')[0].Length > 0); // pages that identify products: something to leave behind
        Assert.StartsWith("deep-live-cam-distribution=", alone[0]);
        Assert.Equal("", alone[1].Split('|')[0]);
        for (var i = 0; i < pages.Length; i++)
        {
            for (var j = i % 7; j < pages.Length; j += 7)
            {
                Catalog.RunAll(PageFacts.FromHtml(pages[j]));
                Assert.Equal(alone[i], Summary(Catalog.RunAll(PageFacts.FromHtml(pages[i]))));
            }
        }
    }

    [Fact]
    public void MatchedText_IsThePagesOwnSpelling()
    {
        var lower = Catalog.Run(PageFacts.FromHtml("<p>Try our ai换脸 app</p>")).Terms;
        var upper = Catalog.Run(PageFacts.FromHtml("<p>Try our AI换脸 app</p>")).Terms;

        Assert.Contains(lower, t => t.Matched == "ai换脸");
        Assert.Contains(upper, t => t.Matched == "AI换脸");
        Assert.DoesNotContain(lower, t => t.Matched == "AI换脸");
    }
}

/// <summary>
/// A regex rule over the page runs only for a signature with other evidence, and then reports the first match over the
/// whole page — before the evidence too.
/// </summary>
public sealed class PageRegexRuleTests
{
    // LeadPattern has leading text ("file="): it runs from where the page first has it.
    private const string ZhPattern = "(整合包|下载|破解)", EnPattern = "(download|portable|license key)", BarePattern = "[0-9]{3}-tool",
        LeadPattern = "file=[a-z/]{0,20}script[.]js[?]";

    private static readonly CompiledCatalog Catalog = CatalogLoader.Compile([("marks.json", $$"""
        { "version": "t1", "signatures": [
          { "id": "acme", "product": "Acme", "categories": ["face-swap"], "threshold": 50, "rules": [
            { "id": "name", "field": "html", "match": "contains", "value": "acme-swap", "weight": 30 },
            { "id": "zh", "field": "html", "match": "regex", "value": "{{ZhPattern}}", "weight": 20 },
            { "id": "en", "field": "html", "match": "regex", "value": "{{EnPattern}}", "weight": 20 },
            { "id": "bare", "field": "html", "match": "regex", "value": "{{BarePattern}}", "weight": 20 },
            { "id": "lead", "field": "html", "match": "regex", "value": "{{LeadPattern}}", "weight": 20 } ] }
        ] }
        """)]);

    [Fact]
    public void PageRegex_FindsTheFirstMatchBeforeOrAfterTheEvidence()
    {
        var html = "<p>免费下载</p><p>ACME-SWAP 整合包</p><p>Portable build, DOWNLOAD now</p>";
        var hits = Assert.Single(Catalog.RunAll(PageFacts.FromHtml(html)).Products).Hits.ToDictionary(h => h.RuleId);

        Assert.Equal(("下载", html.IndexOf("下载", StringComparison.Ordinal)), (hits["zh"].Matched, hits["zh"].Offset));
        Assert.Equal(("Portable", html.IndexOf("Portable", StringComparison.Ordinal)), (hits["en"].Matched, hits["en"].Offset));
        Assert.False(hits.ContainsKey("bare"));
    }

    [Fact]
    public void PageRegex_WithLeadingText_FindsAMatchAfterItsFirstOccurrence()
    {
        // The first "file=" leads nowhere; the match starts at the second.
        const string html = "<p>acme-swap</p><link href=\"file=a.css\"><script src=\"FILE=x/script.js?v=2\"></script>";

        var hit = Assert.Single(Assert.Single(Catalog.RunAll(PageFacts.FromHtml(html)).Products).Hits, h => h.RuleId == "lead");

        Assert.Equal(("FILE=x/script.js?", html.IndexOf("FILE=", StringComparison.Ordinal)), (hit.Matched, hit.Offset));
    }

    [Fact]
    public void PageRegex_DoesNotHoldOnAPageWithoutAMatch()
    {
        var hits = Assert.Single(Catalog.RunAll(PageFacts.FromHtml("<p>acme-swap 下 载, down load, licence key, 123-tool</p>")).Products).Hits;

        Assert.Equal(["bare", "name"], hits.Select(h => h.RuleId).Order());
    }

    [Fact]
    public void PageRegex_FindsWhatTheRegexFindsOverTheWholePage()
    {
        string[] pieces = ["acme-swap", "下载", "下 载", "整合", "整合包", "破解版", "DOWNLOAD", "down", "load", "Portable", "license", " key", "license ke",
            "license \u212Aey", "7", "123-tool", "-tool", "<p>", " ", "文本", "x", "file=", "FILE=", "a/b/", "script.js?", "script.js", "Script.JS?"];
        var random = new Random(11);
        var rules = new[] { ("zh", ZhPattern), ("en", EnPattern), ("bare", BarePattern), ("lead", LeadPattern) }.Select(r => (Id: r.Item1, Regex: CatalogLoader.CompileRegex(r.Item2))).ToArray();
        var compared = 0;
        for (var round = 0; round < 500; round++)
        {
            var html = string.Concat(Enumerable.Range(0, random.Next(1, 14)).Select(_ => pieces[random.Next(pieces.Length)]));
            var product = Catalog.RunAll(PageFacts.FromHtml(html)).Products.SingleOrDefault();
            if (product is null || !product.Hits.Any(h => h.RuleId == "name")) continue; // page regexes run for a signature with evidence
            compared++;
            foreach (var (id, regex) in rules)
            {
                var m = regex.Match(html);
                var hit = product.Hits.SingleOrDefault(h => h.RuleId == id);
                Assert.Equal(m.Success ? (m.Value, m.Index) : default, hit is null ? default : (hit.Matched, hit.Offset));
            }
        }
        Assert.True(compared > 100, $"only {compared} pages had evidence");
    }
}
