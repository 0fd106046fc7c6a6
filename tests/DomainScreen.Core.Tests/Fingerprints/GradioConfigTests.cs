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
