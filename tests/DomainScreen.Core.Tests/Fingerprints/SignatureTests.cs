using DomainScreen.Core.Fingerprints;

namespace DomainScreen.Core.Tests.Fingerprints;

/// <summary>Each signature on a minimal page built from its tool's public markers.</summary>
public sealed class SignatureTests
{
    private static readonly CompiledCatalog Catalog = CatalogLoader.Compile(CatalogProvider.BuiltInFiles());

    private static string Gradio(string title, string components = "[]", string version = "4.44.1") =>
        $$"""<html><head><script>window.gradio_config = {"version":"{{version}}","mode":"blocks","title":"{{title}}","components":{{components}}};</script></head><body><gradio-app></gradio-app></body></html>""";

    private static string Component(string props) => $$"""[{"id":1,"type":"markdown","props":{{props}}}]""";

    public static TheoryData<string, string> MinimalPages() => new()
    {
        { "gradio", Gradio("Gradio") },
        { "a1111", Gradio("Stable Diffusion", """[{"id":1,"type":"textbox","props":{"elem_id":"txt2img_prompt"}}]""", "3.41.2") },
        { "forge", Gradio("Stable Diffusion", """[{"id":1,"type":"radio","props":{"elem_id":"forge_ui_preset"}},{"id":2,"type":"html","props":{"value":"https://github.com/lllyasviel/stable-diffusion-webui-forge"}}]""") },
        { "fooocus", """<html><head><meta name="samples-path" content="file=x/fooocus_v2.jpg"><script>window.gradio_config = {"title":"Fooocus 2.5.5","components":[]};</script></head></html>""" },
        { "facefusion", Gradio("FaceFusion 3.4.1") },
        { "roop-unleashed", Gradio("roop unleashed 4.4.1") },
        { "gpt-sovits", Gradio("GPT-SoVITS WebUI") },
        { "rvc-webui", Gradio("RVC WebUI") },
        { "applio", Gradio("Applio", Component("""{"value":"https://github.com/IAHispano/Applio"}""")) },
        { "so-vits-svc", Gradio("Gradio", Component("""{"value":"# So-vits-svc 4.0 \u63a8\u7406 webui"}""")) },
        { "fish-speech", Gradio("Gradio", Component("""{"value":"# Fish Speech\nhttps://fish.audio"}""")) },
        { "cosyvoice", Gradio("Gradio", Component("""{"value":"[CosyVoice](https://github.com/FunAudioLLM/CosyVoice)"}""")) },
        { "text-generation-webui", Gradio("TextGen") },
        { "comfyui", "<html><head><title>ComfyUI</title></head><body class=\"litegraph\"></body></html>" },
        { "invokeai", "<html><head><title>Invoke - Community Edition</title></head></html>" },
        { "open-webui", "<html><head><title>Open WebUI</title><script src=\"/static/loader.js\"></script></head></html>" },
        { "lobechat", "<html><head><title>LobeChat · LobeChat</title><meta property=\"og:site_name\" content=\"LobeChat\"/></head></html>" },
        { "nextchat", "<html><head><title>NextChat</title><script src=\"/serviceWorkerRegister.js\"></script></head></html>" },
        { "librechat", "<html><head><title>LibreChat</title></head><body><div id=\"root\"><div id=\"loading-container\"></div></div></body></html>" },
        { "anythingllm", "<html><head><title>AnythingLLM | Your personal LLM trained on anything</title></head></html>" },
        { "sillytavern", "<html><head><title>SillyTavern</title></head><body><textarea id=\"send_textarea\"></textarea></body></html>" },
        { "big-agi", "<html><head><title>Big-AGI</title><link rel=\"canonical\" href=\"https://big-agi.com\"></head></html>" },
        { "ollama", "Ollama is running" },
        { "one-api", "<html><head><meta name=\"description\" content=\"OpenAI 接口聚合管理，支持多种渠道包括 Azure，可用于二次分发管理 key\"/><title>One API</title></head></html>" },
        { "new-api", "<html><head><title>New API</title><meta name=\"description\" content=\"Unified AI API gateway and admin dashboard.\"></head></html>" },
        { "deep-live-cam-distribution", "<html><body>Deep-Live-Cam 中文整合包 下载</body></html>" },
        { "deepfacelab-distribution", "<html><body>DeepFaceLab build download</body></html>" },
        { "roop-distribution", "<html><body>roop 一键整合包 下载 (github.com/s0md3v/roop)</body></html>" },
        { "gradio-face-swap", Gradio("Gradio", """[{"id":1,"type":"image","props":{"label":"Source Face"}},{"id":2,"type":"video","props":{"label":"Target Video"}},{"id":3,"type":"checkbox","props":{"label":"Face Enhancer"}}]""") },
        { "gradio-voice-conversion", Gradio("Gradio", """[{"id":1,"type":"radio","props":{"label":"\u97f3\u9ad8\u63d0\u53d6\u7b97\u6cd5","choices":[["rmvpe","rmvpe"]]}}]""") },
        { "gradio-voice-cloning", Gradio("Gradio", """[{"id":1,"type":"audio","props":{"label":"Reference Audio"}},{"id":2,"type":"textbox","props":{"label":"Reference Text"}},{"id":3,"type":"markdown","props":{"value":"Zero-shot voice cloning"}}]""") },
        { "gradio-talking-head", Gradio("Gradio", """[{"id":1,"type":"image","props":{"label":"Source Image"}},{"id":2,"type":"video","props":{"label":"Driving Video"}},{"id":3,"type":"markdown","props":{"value":"LivePortrait: portrait animation with retargeting"}}]""") },
        { "gradio-image-generation", Gradio("Gradio", """[{"id":1,"type":"textbox","props":{"label":"Negative prompt"}},{"id":2,"type":"slider","props":{"label":"CFG Scale"}},{"id":3,"type":"slider","props":{"label":"Sampling steps"}}]""") },
    };

    [Fact]
    public void Terms_AreReportedInPageOrder_OnAPageWithAFewAndOnOneWithHundreds()
    {
        var lab = LabSites.PageFiles().Order(StringComparer.Ordinal).Select(File.ReadAllText).ToArray();
        var few = Catalog.Run(PageFacts.FromHtml(lab.First(p => Catalog.Run(PageFacts.FromHtml(p)).Terms.Count is > 3 and <= 64))).Terms;
        var many = Catalog.Run(PageFacts.FromHtml(string.Concat(lab))).Terms;
        Assert.True(many.Count > 64, $"{many.Count} terms");
        foreach (var terms in new[] { few, many })
        {
            Assert.Equal(terms.Select(t => t.Offset).Order(), terms.Select(t => t.Offset));
        }
    }

    [Fact]
    public void GradioUiRule_DoesNotFireOnOrdinaryPageText()
    {
        var result = Catalog.Run(PageFacts.FromHtml("<html><body><h1>Face swap research</h1><p>Source face, target video, face enhancer and inswapper models compared.</p></body></html>"));

        Assert.DoesNotContain(result.Products, p => p.Id == "gradio-face-swap");
    }

    [Fact]
    public void NamedTool_ReplacesTheFunctionalSignature()
    {
        var result = Catalog.Run(PageFacts.FromHtml(Gradio("roop unleashed 4.4.1", """[{"id":1,"type":"image","props":{"label":"Source Face"}},{"id":2,"type":"checkbox","props":{"label":"Face Enhancer"}},{"id":3,"type":"markdown","props":{"value":"inswapper_128"}}]""")));

        Assert.Contains(result.Products, p => p.Id == "roop-unleashed");
        Assert.DoesNotContain(result.Products, p => p.Id is "gradio-face-swap" or "gradio");
    }

    [Theory]
    [MemberData(nameof(MinimalPages))]
    public void Signature_OnMinimalPage_IsIdentified(string id, string html)
    {
        var result = Catalog.Run(PageFacts.FromHtml(html));

        Assert.Contains(result.Products, p => p.Id == id);
    }

    [Fact]
    public void SpecificProduct_ReplacesTheGenericOneItRefines()
    {
        var result = Catalog.Run(PageFacts.FromHtml(Gradio("FaceFusion 3.4.1")));

        Assert.Contains(result.Products, p => p.Id == "facefusion");
        Assert.DoesNotContain(result.Products, p => p.Id == "gradio");
    }

    [Fact]
    public void Dify_NeedsItsProbe()
    {
        const string html = "<html><head><title>Dify</title></head></html>";
        var landing = PageFacts.FromHtml(html);
        Assert.DoesNotContain(Catalog.Run(landing).Products, p => p.Id == "dify");
        Assert.Contains("/console/api/setup", Catalog.PlanProbes(landing, 8));

        var probed = PageFacts.FromHtml(html, probes: [new ProbeFact("/console/api/setup", 200, """{"step":"finished","setup_at":"2025-03-02T08:11:35"}""")]);

        Assert.Contains(Catalog.Run(probed).Products, p => p.Id == "dify");
    }

    [Fact]
    public void Dify_ByItsBodyAttributes_WithoutProbe()
    {
        const string html = """<html><head><title>Dify</title></head><body class="h-full" data-api-prefix="/console/api" data-pubic-api-prefix="/api" data-public-edition="SELF_HOSTED"></body></html>""";

        Assert.Contains(Catalog.Run(PageFacts.FromHtml(html)).Products, p => p.Id == "dify");
    }

    [Fact]
    public void OneApi_ByHeaderAndStatusProbe_WithoutTitle()
    {
        var headers = new Dictionary<string, string> { ["x-oneapi-request-id"] = "2026112510" };
        var probes = new[] { new ProbeFact("/api/status", 200, """{"success":true,"message":"","data":{"system_name":"My Relay","quota_per_unit":500000}}""") };

        var result = Catalog.Run(PageFacts.FromHtml("<html><head><title>My Relay</title></head></html>", headers: headers, probes: probes));

        Assert.Contains(result.Products, p => p.Id == "one-api");
    }

    [Fact]
    public void FaviconHash_AloneIdentifiesInvokeAi()
    {
        var result = Catalog.Run(PageFacts.FromHtml("<html><head><title>Studio</title><link rel=icon href=assets/images/invoke-favicon.svg></head></html>", faviconMmh3: -871048477));

        Assert.Contains(result.Products, p => p.Id == "invokeai");
    }

    [Fact]
    public void RenamedOpenWebUi_IsStillIdentified()
    {
        var result = Catalog.Run(PageFacts.FromHtml("<html><head><title>Acme Assistant (Open WebUI)</title></head></html>"));

        Assert.Contains(result.Products, p => p.Id == "open-webui");
    }

    [Fact]
    public void OrdinaryPage_MatchesNoProduct()
    {
        var result = Catalog.Run(PageFacts.FromHtml("<html><head><title>Bakery</title></head><body>Fresh bread daily. Stable prices.</body></html>"));

        Assert.Empty(result.Products);
    }

    [Fact]
    public void RuleHits_CarryFieldMatchedTextAndOffset()
    {
        const string html = "<html><body>......<gradio-app></gradio-app><script>window.gradio_config = {\"title\":\"Gradio\",\"components\":[]};</script></body></html>";

        var hit = Catalog.Run(PageFacts.FromHtml(html)).Products.Single(p => p.Id == "gradio").Hits.Single(h => h.RuleId == "gradio-config-script");

        Assert.Equal("html", hit.Field);
        Assert.Equal("window.gradio_config", hit.Matched);
        Assert.Equal(html.IndexOf("window.gradio_config", StringComparison.Ordinal), hit.Offset);
    }
}
