using DomainScreen.Core.Dns;
using DomainScreen.Core.Fetching;
using DomainScreen.Core.Fingerprints;
using DomainScreen.Core.Registration;
using DomainScreen.Core.Scoring;
using Microsoft.Extensions.Time.Testing;

namespace DomainScreen.Core.Tests.Scoring;

public sealed class RiskScorerTests
{
    private static readonly CompiledCatalog Catalog = CatalogLoader.Compile(CatalogProvider.BuiltInFiles());
    private static readonly ScoringPolicy Policy = CatalogProvider.BuiltInPolicy();
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    private static Verdict Score(string html, string domain = "site.example.com", RegistrationEvidence? registration = null,
        DnsEvidence? dns = null, FetchEvidence? fetch = null, FakeTimeProvider? time = null)
    {
        var registrable = string.Join('.', domain.Split('.').TakeLast(2));
        var page = Catalog.Run(PageFacts.FromHtml(html));
        return new RiskScorer(time ?? new FakeTimeProvider(Now)).Score(new ScoringInput(domain, registrable, page, dns, fetch, registration), Policy);
    }

    private static RegistrationEvidence Registered(DateTimeOffset created) =>
        new() { Domain = "example.com", Source = "rdap", Outcome = RegistrationOutcomes.Found, Created = created, FetchedAt = Now };

    private const string FaceSwapService = "<title>一键换脸 在线换脸</title><p>视频换脸，任何人的脸都能换。会员充值 99元/月，支付宝。</p>";
    private const string NudifyService = "<h1>Undress AI</h1><p>Nudify any photo. Buy credits: $9.99. Pricing</p>";

    [Fact]
    public void AbuseServiceWithPayment_IsBlock_WithExplanation()
    {
        var verdict = Score(FaceSwapService);

        Assert.Equal(Bands.Block, verdict.Band);
        Assert.Contains(Categories.FaceSwap, verdict.Categories);
        Assert.Contains(verdict.Evidence, c => c.Id == "fs-zh-01" && c.Matched == "一键换脸" && c.Field == "html" && c.Offset is not null);
        Assert.Contains(verdict.Evidence, c => c.Id == "no-filing");
        Assert.Equal(verdict.Score, Math.Clamp(verdict.Evidence.Sum(c => c.Weight), 0, 100));
        Assert.Equal(Catalog.Version, verdict.CatalogVersion);
        Assert.Equal(Policy.Version, verdict.PolicyVersion);
    }

    [Fact]
    public void SameTermsInANewsReport_StayClear()
    {
        var verdict = Score("<title>新闻</title><p>记者报道：警方提醒谨防一键换脸、AI脱衣诈骗，专项行动依法打击。</p>");

        Assert.Equal(Bands.Clear, verdict.Band);
        Assert.Empty(verdict.Categories);
    }

    [Fact]
    public void LicensedAiService_WithFilingsAndLabel_IsNotFlagged()
    {
        var verdict = Score("<title>AI绘画平台</title><p>AI绘画 文生图 会员 29元/月。内容由AI生成。</p><p>网信算备110108823483901230031号 京ICP备2022016840号-34</p>");

        Assert.True(Bands.Rank(verdict.Band) <= Bands.Rank(Bands.Watch), $"{verdict.Band} {verdict.Score}");
        Assert.Contains(verdict.Filings, f => f.Type == "algorithm");
    }

    [Fact]
    public void GenAiServiceWithoutFiling_IsReview()
    {
        var verdict = Score("<title>小智AI</title><p>AI对话 AI绘画 ChatGPT中文版，免费试用，充值会员不限次数。</p>");

        Assert.Equal(Bands.Review, verdict.Band);
        Assert.Contains(verdict.Evidence, c => c.Id == "no-filing");
    }

    [Fact]
    public void ShownGenAiFiling_CapsBlockAtReview()
    {
        var verdict = Score(FaceSwapService + "<p>无需对方同意，明星换脸、实时换脸、直播换脸。克隆任何人的声音。</p><p>网信算备330110507206401230035号</p>",
            registration: Registered(Now.AddDays(-5)));

        Assert.Equal(Bands.Review, verdict.Band);
        Assert.Contains(verdict.Notes, n => n.Contains("filing", StringComparison.Ordinal));
    }

    [Fact]
    public void ShownGenAiFiling_NeverHidesStrongAbuseEvidenceBelowReview()
    {
        var verdict = Score(FaceSwapService + "<p>网信算备330110507206401230035号 京ICP备12345678号</p>");

        Assert.Equal(Bands.Review, verdict.Band);
        Assert.Contains(verdict.Notes, n => n.Contains("raised to review", StringComparison.Ordinal));
    }

    [Fact]
    public void HighScoreWithoutAbuseCategory_IsCappedAtReview()
    {
        // An unlicensed chat service on a ten-day-old domain with a self-signed certificate: high score, but no abuse category.
        var fetch = new FetchEvidence
        {
            Outcome = "ok",
            Tls = new TlsEvidence("x", "CN=x", "CN=x", [], Now.AddDays(-2), Now.AddDays(60), true, false, ["UntrustedRoot"], "00", null),
            CrossDomainRedirect = true,
        };
        var verdict = Score("<title>AI</title><p>AI对话 AI绘画 AI写作 文生图 AI助手，充值 会员 免费试用</p>", registration: Registered(Now.AddDays(-10)), fetch: fetch);

        Assert.True(verdict.Score >= Policy.Bands.Block, $"score {verdict.Score}");
        Assert.Equal(Bands.Review, verdict.Band);
    }

    [Theory]
    [InlineData(10, "domain-age-30d")]
    [InlineData(60, "domain-age-90d")]
    [InlineData(400, null)]
    public void DomainAge_IsMeasuredAgainstTheClock(int days, string? signal)
    {
        var time = new FakeTimeProvider(Now);

        var verdict = Score("<p>hello</p>", registration: Registered(Now.AddDays(-days)), time: time);

        if (signal is null) Assert.DoesNotContain(verdict.Evidence, c => c.Id.StartsWith("domain-age", StringComparison.Ordinal));
        else Assert.Contains(verdict.Evidence, c => c.Id == signal);
    }

    [Fact]
    public void DomainAge_SameRegistrationLaterClock_NoLongerYoung()
    {
        var time = new FakeTimeProvider(Now);
        var registration = Registered(Now.AddDays(-20));
        Assert.Contains(Score("<p>x</p>", registration: registration, time: time).Evidence, c => c.Id == "domain-age-30d");

        time.Advance(TimeSpan.FromDays(100));

        Assert.DoesNotContain(Score("<p>x</p>", registration: registration, time: time).Evidence, c => c.Id.StartsWith("domain-age", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("www.city.gov.cn", "city.gov.cn")]
    [InlineData("baidu.com", "baidu.com")]
    [InlineData("www.bilibili.com", "bilibili.com")]
    public void Allowlisted_IsNeverAboveWatch(string domain, string registrable)
    {
        var page = Catalog.Run(PageFacts.FromHtml(NudifyService));

        var verdict = new RiskScorer(new FakeTimeProvider(Now)).Score(new ScoringInput(domain, registrable, page), Policy);

        Assert.Equal(Bands.Watch, verdict.Band);
        Assert.Contains(verdict.Notes, n => n.Contains("allowlist", StringComparison.Ordinal));
    }

    [Fact]
    public void ReviewerAllowlisted_IsCappedAtWatch_WithTheReviewersReason()
    {
        var page = Catalog.Run(PageFacts.FromHtml(NudifyService));
        var scorer = new RiskScorer(new FakeTimeProvider(Now));

        var free = scorer.Score(new ScoringInput("app.studio.example", "studio.example", page), Policy);
        var allowed = scorer.Score(new ScoringInput("app.studio.example", "studio.example", page, AllowlistedBecause: "allowlisted by alice (licensed studio)"), Policy);

        Assert.Equal(Bands.Block, free.Band);
        Assert.Equal(Bands.Watch, allowed.Band);
        Assert.Contains("capped at watch: allowlisted by alice (licensed studio)", allowed.Notes);
    }

    [Fact]
    public void ParkedPage_IsNotFlagged()
    {
        var verdict = Score("<title>This domain may be for sale</title><p>Buy this domain. Related searches: AI chat, face swap online</p>");

        Assert.True(Bands.Rank(verdict.Band) <= Bands.Rank(Bands.Watch));
        Assert.Contains(verdict.Evidence, c => c.Id == "parked");
    }

    [Fact]
    public void ParkingNameServers_CountAsParked()
    {
        var dns = new DnsEvidence("x.example.com", DnsOutcome.Answer, [], ["198.51.100.1"],
            [new DnsAnswer("example.com", DnsRecordType.NS, DnsOutcome.Answer, "NOERROR", [new DnsRecord("example.com", DnsRecordType.NS, 3600, "ns1.sedoparking.com")], 1)],
            null, new FastFluxHints(1, 300, 1, 0));

        Assert.Contains(Score("<p>x</p>", dns: dns).Evidence, c => c.Id == "parked");
    }

    [Fact]
    public void FastFluxAndWildcard_AreSignals()
    {
        var dns = new DnsEvidence("x.example.com", DnsOutcome.Answer, [], ["1.1.1.1"], [],
            new WildcardProbe("ds-1.example.com", true, ["1.1.1.1"], true, DnsOutcome.Answer), new FastFluxHints(6, 60, 5, 0));

        var verdict = Score("<p>x</p>", dns: dns);

        Assert.Contains(verdict.Evidence, c => c.Id == "fast-flux");
        Assert.Contains(verdict.Evidence, c => c.Id == "wildcard-dns");
    }

    [Fact]
    public void NoPage_ScoresOnInfrastructureOnly()
    {
        var verdict = new RiskScorer(new FakeTimeProvider(Now)).Score(new ScoringInput("gone.example.com", "example.com", null), Policy);

        Assert.Equal((0, Bands.Clear), (verdict.Score, verdict.Band));
    }

    [Fact]
    public void Policy_RejectsBadBandsAndUnknownSignals()
    {
        var ex = Assert.Throws<CatalogValidationException>(() => ScoringPolicy.Parse(
            """{"version":"x","bands":{"watch":50,"review":40,"block":90},"signals":{"made-up":5}}""", "policy.json"));

        Assert.Contains(ex.Problems, p => p.Contains("bands", StringComparison.Ordinal));
        Assert.Contains(ex.Problems, p => p.Contains("made-up", StringComparison.Ordinal));
    }

    [Fact]
    public void ParkedPageKeywordList_ReportsNoCategory()
    {
        var verdict = Score("<title>aifaceswap.com is for sale!</title><p>The domain may be for sale. Buy now. Related searches: deepfake app, face swap video, voice changer</p>");

        Assert.Empty(verdict.Categories);
        Assert.True(Bands.Rank(verdict.Band) <= Bands.Rank(Bands.Watch), $"{verdict.Band} {verdict.Score}");
        Assert.Contains(verdict.Notes, n => n.Contains("parked", StringComparison.Ordinal));
    }

    [Fact]
    public void NewsWithASubscribeBox_StillReadsAsNews()
    {
        var verdict = Score("<title>Police warn of nudify apps</title><p>Police and researchers say victims of nudify apps and deepfake porn rarely report. " +
            "According to the survey, law enforcement lacks tools.</p><aside>Go premium: $4.99/month</aside>");

        Assert.Equal(Bands.Clear, verdict.Band);
        Assert.Empty(verdict.Categories);
    }

    [Fact]
    public void TopicTermsAlone_DoNotReportACategory()
    {
        var verdict = Score("<title>视频工具</title><p>以假乱真的特效，会员 99元/月，支付宝付款。</p>");

        Assert.DoesNotContain(Categories.FakeNews, verdict.Categories);
    }

    [Fact]
    public void LicensedServiceOfferingFaceSwapOfOwnPhotos_IsNotRaised_ButOfferingAnyonesFaceIs()
    {
        const string licensed = "<p>AI写真、照片换脸特效。会员 18元/月。本服务由人工智能生成合成内容。</p><p>网信算备350203123456701230015号 闽ICP备08110193号-5</p>";

        var own = Score("<title>美颜相机 AI换脸特效</title>" + licensed);
        var anyone = Score("<title>明星换脸 任意换脸</title><p>无需对方同意，任何人的脸都能换。</p>" + licensed);

        Assert.Equal(Bands.Clear, own.Band);
        Assert.Equal(Bands.Review, anyone.Band);
        Assert.Contains(anyone.Notes, n => n.StartsWith("raised to review", StringComparison.Ordinal));
    }

    [Fact]
    public void RelayPitchQuotedInAnArticle_IsNotTakenForARelay()
    {
        const string pitch = "<p>兼容OpenAI接口，一个Key调用GPT-4、Claude、Gemini、DeepSeek，按量计费，充值即用。</p>";

        var relay = Score("<title>星河API</title>" + pitch);
        var article = Score("<title>调查：API中转黑产</title><p>记者调查发现，有网站宣称：</p>" + pitch + "<p>专家提醒警惕数据风险。责任编辑：王五</p>");

        Assert.Contains(relay.Products, p => p.Id == "llm-api-relay");
        Assert.True(Bands.Rank(relay.Band) >= Bands.Rank(Bands.Review), $"{relay.Band} {relay.Score}");
        Assert.Empty(article.Products);
        Assert.Equal(Bands.Clear, article.Band);
        Assert.Contains(article.Notes, n => n.Contains("LLM API relay", StringComparison.Ordinal));
    }

    [Fact]
    public void OfferHiddenWithZeroWidthCharacters_IsFound_AndTheHidingCounts()
    {
        var plain = Score("<title>相册工具</title><p>一键脱衣 会员 99元/月</p>");
        var masked = Score("<title>相册工具</title><p>一\u200B键\u200B脱\u200B衣 会员 99元/月</p>");

        Assert.Equal(Bands.Block, masked.Band);
        Assert.Contains(masked.Evidence, c => c.Id == "masked-terms" && c.Field == Fields.UnmaskedText);
        Assert.DoesNotContain(plain.Evidence, c => c.Id == "masked-terms");
    }
}
