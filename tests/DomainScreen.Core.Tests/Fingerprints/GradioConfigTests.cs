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
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void FileOffset_IsWhereTheDecodedConfigHasTheText_OnConfigsMixingRawTextAndEscapes(int seed)
    {
        // Labels built from raw words and their JSON-escaped spellings (\uXXXX as Python writes it, \n, \", \\),
        // some configs without any escape; every place of every piece of the app's text is mapped as the obvious way
        // does (decode the whole span, a source index per character).
        var random = new Random(seed);
        string[] raw = ["Swap face", "换脸", "一键", "Prompt", " ", "模型", "voice", "x"];
        for (var round = 0; round < 40; round++)
        {
            var escapes = round % 4 != 0;
            var labels = Enumerable.Range(0, 6).Select(_ => string.Concat(Enumerable.Range(0, random.Next(1, 8)).Select(_ =>
            {
                var word = raw[random.Next(raw.Length)];
                if (!escapes || random.Next(3) == 0) return word;
                return random.Next(4) switch
                {
                    0 => "\\n",
                    1 => "\\\"",
                    2 => "\\\\",
                    _ => string.Concat(word.Select(c => $"\\u{(int)c:x4}")),
                };
            }))).ToArray();
            var html = "<html><body><p>Prompt 换脸</p><script>window.gradio_config = {\"title\":\"" + labels[0] + "\",\"components\":[" +
                string.Join(",", labels.Skip(1).Select((l, i) => $"{{\"id\":{i},\"props\":{{\"label\":\"{l}\",\"elem_id\":\"e{i}\"}}}}")) + "]};</script></body></html>";
            var config = GradioConfig.Parse(html)!;
            var (decoded, origins) = Reference(html, html.IndexOf('{', html.IndexOf("gradio_config", StringComparison.Ordinal)), html.LastIndexOf('}') + 1);
            foreach (var word in raw.Where(w => w.Trim().Length > 0))
            {
                for (var at = config.Text.IndexOf(word, StringComparison.OrdinalIgnoreCase); at >= 0; at = config.Text.IndexOf(word, at + 1, StringComparison.OrdinalIgnoreCase))
                {
                    var nth = 0;
                    for (var i = config.Text.IndexOf(word, StringComparison.OrdinalIgnoreCase); i >= 0 && i < at; i = config.Text.IndexOf(word, i + 1, StringComparison.OrdinalIgnoreCase)) nth++;
                    var place = -1;
                    for (var k = 0; k <= nth && (k == 0 || place >= 0); k++) place = decoded.IndexOf(word, place + 1, StringComparison.OrdinalIgnoreCase);
                    Assert.Equal(place < 0 ? null : origins[place], config.FileOffset(word, at));
                }
            }
        }
    }

    private static (string Decoded, int[] Origins) Reference(string source, int start, int end)
    {
        var text = new System.Text.StringBuilder();
        var origins = new List<int>();
        for (var i = start; i < end; i++)
        {
            origins.Add(i);
            if (source[i] == '\\' && i + 1 < end)
            {
                if (source[i + 1] == 'u' && i + 5 < end && int.TryParse(source.AsSpan(i + 2, 4), System.Globalization.NumberStyles.HexNumber, null, out var code))
                {
                    text.Append((char)code);
                    i += 5;
                    continue;
                }
                text.Append(source[i + 1] switch { 'n' => '\n', _ => source[i + 1] });
                i++;
                continue;
            }
            text.Append(source[i]);
        }
        return (text.ToString(), origins.ToArray());
    }

    [Theory]
    [InlineData("""{"title":"a\\","components":[]}""", "a\\")]
    [InlineData("""{"title":"}\"{","components":[]}""", "}\"{")]
    [InlineData("""{"css":"\\\"}{","title":"t","components":[{"id":1,"props":{"value":"{{{"}}]}""", "t")]
    [InlineData("""{"components":[{"props":{"label":"x"}}],"head":"<style>a{}</style>","title":"last"}""", "last")]
    public void Parse_FindsTheConfigsEnd_PastEscapesQuotesAndBracesInStrings(string config, string title)
    {
        // A brace after the config (in the script that follows) must not be taken for its end, nor one inside a string.
        var parsed = GradioConfig.Parse($"<script>window.gradio_config = {config};function f(){{return 1;}}</script>");

        Assert.NotNull(parsed);
        Assert.Equal(title, parsed.Title);
    }

    [Fact]
    public void FromJson_SkipsComponentsThatAreNotObjects_AndReadsRepeatedPropsByTheirLast()
    {
        using var doc = System.Text.Json.JsonDocument.Parse("""{"components":[7,"x",{"props":{"label":"first","label":"Swap face","elem_id":"a"}},{"props":[1]}]}""");

        var config = GradioConfig.FromJson(doc.RootElement);

        Assert.Equal("Swap face\n", config.Text);
        Assert.Equal(["a"], config.ElemIds);
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
