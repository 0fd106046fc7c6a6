using DomainScreen.Core.Fingerprints;

namespace DomainScreen.Core.Tests.Fingerprints;

public sealed class GradioConfigTests
{
    [Fact]
    public void Parse_ReadsTitleVersionIdsAndText_WithBracesInsideStrings()
    {
        const string html = """<script>window.gradio_config = {"version":"5.9.1","title":"roop unleashed 4.4.1","css":"a { b: c }","components":[{"id":1,"type":"markdown","props":{"value":"}{ tricky \" quote","elem_id":"versions"}},{"id":2,"type":"dropdown","props":{"label":"\u6a21\u578b","choices":[["x","y"]]}}]};</script><p>after</p>""";

        var config = GradioConfig.Parse(html)!;

        Assert.Equal(("roop unleashed 4.4.1", "5.9.1"), (config.Title, config.Version));
        Assert.Contains("versions", config.ElemIds);
        Assert.Contains("}{ tricky \" quote", config.Text, StringComparison.Ordinal);
        Assert.Contains("模型", config.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void TextFoundInTheConfig_HasItsOffsetInThePageFile_EscapedOrNot()
    {
        // The second label is JSON-escaped (\u6362\u8138 = 换脸), as Python's json.dumps writes it.
        const string html = """<html><head><title>x</title></head><body><script>window.gradio_config = {"version":"4.44.0","title":"demo","components":[{"id":1,"props":{"label":"Swap face"}},{"id":2,"props":{"label":"一键\u6362\u8138 video"}}]};</script></body></html>""";
        var catalog = CatalogLoader.Compile(CatalogProvider.BuiltInFiles());

        var page = catalog.Run(PageFacts.FromHtml(html));

        var hit = Assert.Single(page.Terms, t => t.Field == Fields.GradioText && t.Matched == "一键换脸");
        Assert.Equal(html.IndexOf("一键\\u6362", StringComparison.Ordinal), hit.Offset);
        var config = GradioConfig.Parse(html)!;
        Assert.Equal(html.IndexOf("Swap face", StringComparison.Ordinal), config.FileOffset("Swap face", config.Text.IndexOf("Swap face", StringComparison.Ordinal)));
        Assert.Null(GradioConfig.FromJson(System.Text.Json.JsonDocument.Parse("{\"title\":\"t\"}").RootElement).FileOffset("t", 0));
    }

    [Theory]
    [InlineData("<p>no config</p>")]
    [InlineData("<script>window.gradio_config = {\"title\": \"unterminated</script>")]
    [InlineData("<script>window.gradio_config = {not json};</script>")]
    public void Parse_AbsentOrBroken_IsNull(string html)
    {
        Assert.Null(GradioConfig.Parse(html));
    }

    [Fact]
    public void Parse_AuthPage_IsFlagged()
    {
        var config = GradioConfig.Parse("""<script>window.gradio_config = {"auth_required":true,"auth_message":null,"components":[]};</script>""")!;

        Assert.True(config.AuthRequired);
    }
}
