using DomainScreen.Core.Fingerprints;

namespace DomainScreen.Core.Tests.Fingerprints;

public sealed class LexiconTests
{
    private static readonly CompiledCatalog Catalog = CatalogLoader.Compile(CatalogProvider.BuiltInFiles());

    private static IReadOnlyList<TermHit> Terms(string html) => Catalog.Run(PageFacts.FromHtml(html)).Terms;

    [Theory]
    [InlineData("<p>一键换脸，视频换脸</p>", "face-swap", "一键换脸")]
    [InlineData("<p>一鍵換臉</p>", "face-swap", "一鍵換臉")]
    [InlineData("<p>ＡＩ脫衣 神器</p>", "nudify", "ＡＩ脫衣")]
    [InlineData("<p>AI脱衣</p>", "nudify", "AI脱衣")]
    [InlineData("<p>克隆任何人的聲音</p>", "voice-clone", "克隆任何人的聲音")]
    [InlineData("<p>GPT中轉 低價API</p>", "llm-resale", "GPT中轉")]
    [InlineData("<p>一鍵生成新聞</p>", "fake-news", "一鍵生成新聞")]
    [InlineData("<p>换脸整合包</p>", "abuse-tool-sale", "换脸整合包")]
    [InlineData("<h1>Undress AI</h1>", "nudify", "Undress AI")]
    [InlineData("<h1>NUDIFY any photo</h1>", "nudify", "NUDIFY")]
    [InlineData("<p>Clone Any Voice in seconds</p>", "voice-clone", "Clone Any Voice")]
    [InlineData("<p>NSFW AI chat</p>", "ai-companion", "NSFW AI chat")]
    [InlineData("<p>Fake news generator</p>", "fake-news", "Fake news generator")]
    [InlineData("<p>Resell API keys</p>", "llm-resale", "Resell API keys")]
    [InlineData("<p>ｎｕｄｉｆｙ</p>", "nudify", "ｎｕｄｉｆｙ")]
    public void Term_InEitherScriptOrWidth_IsFoundWithItsOriginalText(string html, string category, string matched)
    {
        var hit = Assert.Single(Terms(html), t => t.Category == category && t.Matched == matched);

        Assert.Equal(html.IndexOf(matched, StringComparison.Ordinal), hit.Offset);
    }

    [Theory]
    [InlineData("<p>She undressed the doll</p>")]
    [InlineData("<p>nudifying</p>")]
    [InlineData("<a href=/deepfaked>x</a>")]
    public void EnglishTerms_RespectWordBoundaries(string html)
    {
        Assert.DoesNotContain(Terms(html), t => t.Category is "nudify" or "face-swap");
    }

    [Fact]
    public void AWordMetFirstInsideALongerWord_IsStillFoundWhereItStandsAlone()
    {
        // "face swapper" is not the word "face swap"; that find must not use the literal up for the rest of the page.
        const string html = "<p>Best face swapper of 2026.</p><p>Free face swap online</p>";

        var hit = Assert.Single(Terms(html), t => t.Matched == "face swap");

        Assert.Equal(html.IndexOf("face swap online", StringComparison.Ordinal), hit.Offset);
    }

    [Fact]
    public void Cues_AreRecognised()
    {
        var terms = Terms("<p>会员充值 价格 pricing</p><p>记者报道 research</p><p>This domain may be for sale</p><p>内容由AI生成</p>");

        Assert.Contains(terms, t => t.Category == "cue:service");
        Assert.Contains(terms, t => t.Category == "cue:discourse");
        Assert.Contains(terms, t => t.Category == "cue:parked");
        Assert.Contains(terms, t => t.Category == "cue:ai-label");
    }

    [Fact]
    public void GradioLabels_AreSearchedAfterJsonUnescaping()
    {
        // Gradio's config escapes non-ASCII (\uXXXX), so the label is only readable after parsing the JSON.
        const string html = """<script>window.gradio_config = {"title":"Gradio","components":[{"id":1,"type":"markdown","props":{"value":"\u4e00\u952e\u6362\u8138"}}]};</script>""";

        var hit = Assert.Single(Terms(html), t => t.TermId == "fs-zh-01");

        Assert.Equal("gradio.text", hit.Field);
    }

    [Fact]
    public void Variants_IncludeTraditionalAndFullWidth()
    {
        Assert.Equal(["AI换脸", "AI換臉", "ＡＩ换脸", "ＡＩ換臉"], ChineseVariants.Of("AI换脸"));
    }

    [Theory]
    [InlineData("<p>Premium $12.99/mo</p>", "$12.99/mo")]
    [InlineData("<p>Starter: US$ 9.99</p>", "$ 9.99")]
    [InlineData("<p>only €5 per month</p>", "€5 per month")]
    [InlineData("<p>月卡 99元/月</p>", "元/月")]
    [InlineData("<p>低至0.3元/刀</p>", "元/刀")]
    [InlineData("<p>体验卡 ￥9.9</p>", "￥9.9")]
    [InlineData("<p>体验卡 9.9元起</p>", "元起")]
    [InlineData("<p>月費 NT$2,490</p>", "NT$2,490")]
    [InlineData("<p>HK$88 / 30次</p>", "HK$88")]
    public void Prices_AreServiceCues(string html, string matched)
    {
        // Pattern cues run on pages that name a category; the face-swap term makes this one.
        html += "<p>一键换脸</p>";
        var hit = Assert.Single(Terms(html), t => t.Category == "cue:service" && t.Matched == matched);

        Assert.Equal(html.IndexOf(matched, StringComparison.Ordinal), hit.Offset);
    }

    [Theory]
    [InlineData("<p>骗走40万元，警方提醒</p>")]
    [InlineData("<script>s.replace(/(a)/, '$1')</script>")]
    [InlineData("<p>2026年11月</p>")]
    public void AmountsThatAreNotPrices_AreNotServiceCues(string html)
    {
        html += "<p>一键换脸</p>";
        Assert.DoesNotContain(Terms(html), t => t.Category == "cue:service");
    }

    [Theory]
    [InlineData("<p>一\u200B键\u200B脱\u200B衣</p>", "一键脱衣")]
    [InlineData("<p>&#19968;&#38190;&#33073;&#34915;</p>", "一键脱衣")]
    [InlineData("<p>&#x4E00;&#x952E;&#x6362;&#x8138;</p>", "一键换脸")]
    [InlineData("<p>&#110;&#117;&#100;&#105;&#102;&#121; any photo</p>", "nudify")]
    public void MaskedTerms_AreFoundInTheUnmaskedText(string html, string matched)
    {
        Assert.Contains(Terms(html), t => t.Field == Fields.UnmaskedText && string.Equals(t.Matched, matched, StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [InlineData("<p>It&#39;s a face&#160;swap&#x2019;s demo</p>")]
    [InlineData("<p>plain page</p>")]
    public void OrdinaryReferences_DoNotCostASecondScan(string html)
    {
        Assert.Null(Unmasking.Unmask(html));
    }
}
