using DomainScreen.Core.Fingerprints;
using DomainScreen.Core.Scoring;
using DomainScreen.Core.Tests.Domains;
using Microsoft.Extensions.Time.Testing;

namespace DomainScreen.Core.Tests.Scoring;

/// <summary>
/// Round two of detection: brand claims against the registry, names, the minors rule, negated offers, the site-function
/// facet and a readable cap. Small pages written for the rule, not copies of the corpus.
/// </summary>
public sealed class CampaignScoringTests
{
    private static readonly CompiledCatalog Catalog = CatalogLoader.Compile(CatalogProvider.BuiltInFiles());
    private static readonly ScoringPolicy Policy = CatalogProvider.BuiltInPolicy();

    private static Verdict Score(string html, string domain = "site.example.com")
    {
        var page = Catalog.Run(PageFacts.FromHtml(html));
        var name = domain.Length == 0 ? null : TestSuffixes.Parser.Parse(domain);
        return new RiskScorer(new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero)))
            .Score(new ScoringInput(name?.Ascii ?? "", name?.RegistrableDomain ?? "", page, Name: name is null ? null : Catalog.Names.Inspect(name)), Policy);
    }

    private const string FakeDownload = "<title>Kimi智能助手官方下载</title><p>立即下载 Windows版 安卓版 安装包</p>";

    [Theory]
    [InlineData("<title>DeepSeek官方下载 - 电脑版</title>", "brand-deepseek")]
    [InlineData("<title>DeepSeek - 探索未至之境</title>", "brand-deepseek")]
    [InlineData("<title>ChatGPT | Log in</title>", "brand-chatgpt")]
    [InlineData("<title>免费ChatGPT中文版</title>", "brand-chatgpt")]
    [InlineData("<title>官方Kimi智能助手</title>", "brand-kimi")] // a claim word just before the name
    [InlineData("<title>OFFICIAL ChatGPT</title>", "brand-chatgpt")] // an English one, in either case
    [InlineData("<title>官网｜豆包</title><meta property=\"og:site_name\" content=\"豆包\">", "brand-doubao")]
    // Only the site-name metadata names the brand (each place a page names itself is read).
    [InlineData("<title>欢迎</title><meta property=\"og:site_name\" content=\"豆包\">", "brand-doubao")]
    [InlineData("<title>欢迎</title><meta name=\"application-name\" content=\"DeepSeek\">", "brand-deepseek")]
    [InlineData("<title>欢迎</title><meta property=\"og:title\" content=\"ChatGPT | Log in\">", "brand-chatgpt")]
    public void PageClaimingABrand_OnAnotherDomain_IsImpersonation(string html, string brand)
    {
        var verdict = Score(html, "lookalike-site.top");

        Assert.Contains(Categories.BrandImpersonation, verdict.Categories);
        var claim = Assert.Single(verdict.Evidence, c => c.Id == "brand-claim:" + brand);
        Assert.Contains("lookalike-site.top is not one of the brand's domains", claim.Detail, StringComparison.Ordinal);
        Assert.NotNull(claim.Field);
    }

    [Theory]
    [InlineData("<title>接入DeepSeek大模型的智能客服系统 | 云帆科技官网</title>")]
    [InlineData("<title>DeepSeek R1 review: is it any good?</title>")]
    [InlineData("<title>Kimiko's bakery</title>")]
    public void TitleThatOnlyMentionsABrand_ClaimsNothing(string html)
    {
        Assert.DoesNotContain(Categories.BrandImpersonation, Score(html, "someone-else.com").Categories);
    }

    [Fact]
    public void BrandsOwnDomain_IsNotImpersonatingItself()
    {
        var verdict = Score("<title>DeepSeek - 探索未至之境</title>", "chat.deepseek.com");

        Assert.DoesNotContain(Categories.BrandImpersonation, verdict.Categories);
        Assert.DoesNotContain(verdict.Evidence, c => c.Signal is "brand-claim" or "brand-in-name");
    }

    [Fact]
    public void BrandClaim_WithoutAKnownDomain_IsAtMostReview()
    {
        var verdict = Score(FakeDownload + "<p>会员 ¥9/月</p><p>换脸 一键换脸 视频换脸 任何人的脸</p>", domain: "");

        Assert.Contains(Categories.BrandImpersonation, verdict.Categories);
        Assert.Equal(Bands.Review, verdict.Band);
        Assert.Contains(verdict.Notes, n => n.Contains("domain is unknown", StringComparison.Ordinal));
    }

    [Fact]
    public void ConfusableName_IsFlaggedFromTheNameAlone_WithTheSkeleton()
    {
        var verdict = Score("", "d\u0435\u0435pseek.com");

        Assert.Contains(Categories.BrandImpersonation, verdict.Categories);
        var c = Assert.Single(verdict.Evidence, e => e.Id == "confusable-name");
        Assert.Contains("deepseek.com", c.Detail, StringComparison.Ordinal);
        Assert.Contains(verdict.Evidence, e => e.Id == "mixed-script");
        Assert.Equal(Bands.Review, verdict.Band);
        Assert.Equal("deepseek.com", verdict.Name!.LooksLike);
    }

    [Fact]
    public void BorrowedBrandInTheName_AddsASmallSignal_AndWithAClaimingPageItIsImpersonation()
    {
        var nameOnly = Score("<title>Bakery</title>", "deepseek-download.top");
        Assert.Contains(nameOnly.Evidence, e => e.Id == "brand-in-name");
        Assert.Equal(Bands.Clear, nameOnly.Band);

        var withPage = Score("<title>DeepSeek官方下载</title><p>立即下载 Windows版</p>", "deepseek-download.top");
        Assert.Contains(Categories.BrandImpersonation, withPage.Categories);
        Assert.True(withPage.Score > nameOnly.Score);
    }

    [Fact]
    public void CompanionForChildrenWithoutAnAgeGate_HarmsMinors_AndAnAgeGateRemovesTheSignal()
    {
        const string page = "<title>AI女友 虚拟恋人</title><p>专属中小学生的AI伴侣，陪聊 角色扮演。会员 9元/月 开始对话</p>";

        var open = Score(page);
        Assert.Contains(Categories.Minors, open.Categories);
        Assert.Contains(open.Evidence, e => e.Id == "minors-audience" && e.Category == Categories.Minors);

        var gated = Score(page + "<p>未成年人模式已开启，18岁以上方可使用</p>");
        Assert.DoesNotContain(gated.Evidence, e => e.Id == "minors-audience");
    }

    [Theory]
    [InlineData("<p>我们拒绝刷量与虚假评论。套餐 ¥6800/月</p>")]
    [InlineData("<p>We never buy reviews and we do not sell aged accounts. Pricing $99/month</p>")]
    public void RefusedOffers_AreNotOffers(string html)
    {
        var verdict = Score(html);

        Assert.DoesNotContain(Categories.TrollFarm, verdict.Categories);
        Assert.Equal(Bands.Clear, verdict.Band);
    }

    [Fact]
    public void RefusalEarlierOnThePage_DoesNotHideALaterOffer()
    {
        var verdict = Score("<p>拒绝刷量？</p><p>专业刷量、刷评论、控评，批量养号。套餐 ¥399/月 支付宝</p>");

        Assert.Contains(Categories.TrollFarm, verdict.Categories);
    }

    [Fact]
    public void Functions_ComeFromProductsAndWording_EvenOnALicensedClearSite()
    {
        var licensed = Score("<title>墨境 AI绘画</title><p>文生图 图生图 AI绘画 生成图片。会员 ¥30/月</p><p>内容由AI生成</p>"
            + "<footer>京ICP备2023001234号-2 网信算备110108123456701240019号</footer>");
        Assert.Contains(SiteFunctions.Image, licensed.Functions!);
        Assert.True(Bands.Rank(licensed.Band) < Bands.Rank(Bands.Review), licensed.Band);

        var news = Score("<title>记者调查</title><p>据悉，AI绘画 文生图 图生图 类应用……责任编辑：王五 新闻 报道</p>");
        Assert.Empty(news.Functions!);
    }

    [Theory]
    [InlineData("<script>window.difyChatbotConfig = { token: 'abcdEFGH1234', baseUrl: 'https://x.example' }</script><script src=\"https://x.example/embed.min.js\" id=\"abcdEFGH1234\"></script>", "dify-widget")]
    [InlineData("<script src=\"https://bot.example/js/iframe.js\" id=\"fastgpt-iframe\" data-src=\"https://bot.example/chat/share?shareId=abc123\"></script>", "fastgpt-widget")]
    public void EmbeddedAiWidget_IsIdentified_WithoutFlaggingTheHostSite(string widget, string product)
    {
        var verdict = Score("<title>Riverside Dental</title><p>Check-ups from $60. Book now.</p>" + widget, "riverside-dental.com");

        Assert.Contains(verdict.Products, p => p.Id == product);
        Assert.Equal(Bands.Clear, verdict.Band);
        Assert.Empty(verdict.Categories);
        Assert.Contains(SiteFunctions.Chat, verdict.Functions!);
        Assert.Contains(verdict.Notes, n => n.Contains("embeds an AI assistant", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("", "watch")] // nobody paying: somebody's private tool
    [InlineData("<p>购买访问码 ¥20/月，微信支付</p>", "review")] // access codes sold: a service
    public void FrontEndBehindItsOwnAccessCode_StaysInWatch_UnlessAccessIsSold(string extra, string band)
    {
        const string config = """{"needCode":true,"hideUserApiKey":true,"disableGPT4":false,"hideBalanceQuery":true,"disableFastLink":true,"customModels":"","defaultModel":""}""";
        var page = Catalog.Run(PageFacts.FromHtml("<title>NextChat</title><script src=\"/serviceWorkerRegister.js\"></script>" + extra,
            probes: [new ProbeFact("/api/config", 200, config)]));
        var verdict = new RiskScorer(new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero)))
            .Score(new ScoringInput("chat.example.com", "example.com", page), Policy);

        Assert.Contains(verdict.Products, p => p.Id == "nextchat");
        Assert.Contains(verdict.Evidence, e => e.Id == "gradio-auth");
        Assert.Equal(band, verdict.Band);
    }

    [Fact]
    public void RenamedFooocus_IsStillFooocus_FromTheStructureItKeeps()
    {
        // Title and branding changed to a Chinese image service; the Gradio UI definition is Fooocus's own.
        const string html = """<html><head><title>星图AI绘画 - 在线出图</title></head><body><script>window.gradio_config = {"version":"3.41.2","title":"星图AI绘画","components":[""" +
            """{"id":1,"props":{"elem_id":"final_gallery","label":"Gallery"}},{"id":2,"props":{"elem_id":"positive_prompt","placeholder":"输入提示词"}},""" +
            """{"id":3,"props":{"elem_id":"load_parameter_button","value":"载入参数"}},{"id":4,"props":{"label":"Upscale or Variation"}},""" +
            """{"id":5,"props":{"elem_id":"inpaint_additional_prompt","label":"Inpaint Additional Prompt"}},{"id":6,"props":{"value":"* Powered by Fooocus Inpaint Engine"}}]};</script></body></html>""";

        var verdict = Score(html, "xingtu-ai.example.com");

        Assert.Contains(verdict.Products, p => p.Id == "fooocus");
        Assert.Contains(SiteFunctions.Image, verdict.Functions!);
    }

    [Fact]
    public void RenamedAnythingLlm_IsIdentifiedFromThePromoLinkItKeeps_AndItsPingAnswer()
    {
        const string html = """<html><head><title>企业知识库助手</title><meta property="og:image" content="https://raw.githubusercontent.com/Mintplex-Labs/anything-llm/master/images/promo.png"></head><body><div id="root"></div></body></html>""";
        var (landing, probes) = Catalog.RunAndPlanProbes(PageFacts.FromHtml(html), 4);
        Assert.DoesNotContain(landing.Products, p => p.Id == "anythingllm"); // 30 of 50 from the page alone
        Assert.Contains("/api/ping", probes); // so the probe is planned

        var page = Catalog.Run(PageFacts.FromHtml(html, probes: [new ProbeFact("/api/ping", 200, """{"online":true}""")]));
        Assert.Contains(page.Products, p => p.Id == "anythingllm");
    }

    [Fact]
    public void RenamedInvokeAi_IsIdentifiedFromItsFaviconElementAndVersionAnswer()
    {
        const string html = """<html><head><title>梦绘工作室</title><link id="invoke-favicon" rel="icon" type="icon" href="assets/images/invoke-favicon.svg" /></head><body dir="ltr"><div id="root"></div></body></html>""";

        var (_, probes) = Catalog.RunAndPlanProbes(PageFacts.FromHtml(html), 4);
        Assert.Contains("/api/v1/app/version", probes);
        var page = Catalog.Run(PageFacts.FromHtml(html, probes: [new ProbeFact("/api/v1/app/version", 200, """{"version":"5.6.0"}""")]));

        Assert.Contains(page.Products, p => p.Id == "invokeai");
    }

    [Fact]
    public void ScoreOverAHundred_SaysItWasCappedAndByHowMuch()
    {
        var verdict = Score("<title>一键换脸 一键脱衣</title><p>视频换脸 任何人的脸 无需对方同意 AI脱衣 去衣 会员 99元/月 支付宝 USDT</p>");

        Assert.Equal(100, verdict.Score);
        var sum = verdict.Evidence.Sum(e => e.Weight);
        Assert.Contains(verdict.Notes, n => n == $"score capped at 100: the contributions add up to {sum} ({sum - 100} over)");
    }
}

public sealed class WilsonIntervalTests
{
    [Theory]
    [InlineData(0, 10, 0.0, 0.2775)]
    [InlineData(10, 10, 0.7225, 1.0)]
    [InlineData(5, 10, 0.2366, 0.7634)]
    public void Wilson_MatchesTheTextbookValues(int successes, int n, double low, double high)
    {
        var (l, h) = DomainScreen.Core.Calibration.Calibrator.Wilson(successes, n);

        Assert.Equal(low, l, 3);
        Assert.Equal(high, h, 3);
    }
}
