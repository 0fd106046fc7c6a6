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
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    public void Parse_ReadsWhatADocumentWalkReads_OnRandomConfigs(int seed)
    {
        // Configs of random shape: props of every kind and repeated, components and props that are not objects, nested
        // choices, escapes, root fields given twice or of the wrong type. The one-pass reader must keep what a walk over
        // the parsed document keeps (a name given twice by its last occurrence).
        var random = new Random(seed);
        string[] words = ["Swap face", "换脸", "\\u6362\\u8138", "a \\\"quoted\\\" label", "x", "", "Prompt\\n2"];
        string Str() => "\"" + words[random.Next(words.Length)] + "\"";
        string Value(int depth) => random.Next(depth > 2 ? 4 : 7) switch
        {
            0 => Str(),
            1 => random.Next(100).ToString(System.Globalization.CultureInfo.InvariantCulture),
            2 => random.Next(2) == 0 ? "true" : "null",
            3 => Str(),
            4 => "[" + string.Join(",", Enumerable.Range(0, random.Next(0, 6)).Select(_ => Value(depth + 1))) + "]",
            5 => "{\"label\":" + Value(depth + 1) + "}",
            _ => "[" + string.Join(",", Enumerable.Range(0, random.Next(0, 4)).Select(_ => "[" + Str() + "," + Str() + "]")) + "]",
        };
        string[] propNames = ["label", "value", "placeholder", "info", "elem_id", "choices", "visible", "lines"];
        string Props() => "{" + string.Join(",", Enumerable.Range(0, random.Next(0, 7)).Select(_ => $"\"{propNames[random.Next(propNames.Length)]}\":{Value(0)}")) + "}";
        string Component() => random.Next(8) switch
        {
            0 => Value(2),
            1 => "{\"id\":1,\"props\":" + Value(2) + "}",
            2 => "{\"props\":" + Props() + ",\"props\":" + Props() + "}",
            _ => "{\"id\":" + random.Next(50) + ",\"type\":\"textbox\",\"props\":" + Props() + "}",
        };
        string Components() => "[" + string.Join(",", Enumerable.Range(0, random.Next(0, 9)).Select(_ => Component())) + "]";
        string[] rootNames = ["title", "version", "head", "auth_required", "components", "mode", "components"];
        for (var round = 0; round < 300; round++)
        {
            var fields = Enumerable.Range(0, random.Next(1, 7)).Select(_ => rootNames[random.Next(rootNames.Length)])
                .Select(n => $"\"{n}\":" + (n == "components" && random.Next(4) > 0 ? Components() : n == "auth_required" && random.Next(2) == 0 ? "true" : Value(1)));
            var json = "{" + string.Join(",", fields) + "}";
            var parsed = GradioConfig.Parse($"<script>window.gradio_config = {json};</script>");
            using var doc = System.Text.Json.JsonDocument.Parse(json);
            var expected = Walk(doc.RootElement);
            Assert.NotNull(parsed);
            Assert.Equal((expected.Title, expected.Version, expected.AuthRequired, expected.Text), (parsed.Title, parsed.Version, parsed.AuthRequired, parsed.Text));
            Assert.Equal(expected.ElemIds.Order(StringComparer.Ordinal), parsed.ElemIds.Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public void Parse_OnEveryLabPageWithAnApp_ReadsWhatADocumentWalkReads()
    {
        // The lab's own Gradio pages (raw and escaped configs, several Gradio versions' shapes), through the page's parse.
        var pages = 0;
        foreach (var file in LabSites.PageFiles())
        {
            var html = File.ReadAllText(file);
            if (GradioConfig.Parse(html) is not { } parsed) continue;
            pages++;
            var start = html.IndexOf('{', html.IndexOf("window.gradio_config", StringComparison.Ordinal));
            using var doc = System.Text.Json.JsonDocument.Parse(html.AsMemory(start, ConfigLength(html, start)));
            var expected = Walk(doc.RootElement);
            Assert.Equal((expected.Title, expected.Version, expected.AuthRequired, expected.Text), (parsed.Title, parsed.Version, parsed.AuthRequired, parsed.Text));
            Assert.Equal(expected.ElemIds.Order(StringComparer.Ordinal), parsed.ElemIds.Order(StringComparer.Ordinal));
        }
        Assert.True(pages >= 5, $"only {pages} lab pages carry a Gradio config");
    }

    // The config object's length from its opening brace: the JSON reader reads one value and says how far it went.
    private static int ConfigLength(string html, int start)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(html[start..]);
        var reader = new System.Text.Json.Utf8JsonReader(bytes);
        reader.Read();
        reader.Skip();
        return System.Text.Encoding.UTF8.GetCharCount(bytes, 0, (int)reader.BytesConsumed);
    }

    // The reference: a walk over the parsed document, each object's properties by name, the last one of a name winning.
    internal static GradioConfig Walk(System.Text.Json.JsonElement root, string separator = "\n")
    {
        static System.Text.Json.JsonElement? Last(System.Text.Json.JsonElement o, string name) =>
            o.EnumerateObject().LastOrDefault(p => p.NameEquals(name)) is { Value.ValueKind: not System.Text.Json.JsonValueKind.Undefined } p ? p.Value : null;
        static string? Str(System.Text.Json.JsonElement o, string name) =>
            Last(o, name) is { ValueKind: System.Text.Json.JsonValueKind.String } v ? v.GetString() : null;
        void Strings(System.Text.Json.JsonElement e, System.Text.StringBuilder text)
        {
            if (e.ValueKind == System.Text.Json.JsonValueKind.String) text.Append(e.GetString()).Append(separator);
            else if (e.ValueKind == System.Text.Json.JsonValueKind.Array) foreach (var item in e.EnumerateArray().Take(4)) Strings(item, text);
        }
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var text = new System.Text.StringBuilder();
        if (Last(root, "components") is { ValueKind: System.Text.Json.JsonValueKind.Array } components)
        {
            foreach (var component in components.EnumerateArray())
            {
                if (component.ValueKind != System.Text.Json.JsonValueKind.Object || Last(component, "props") is not { ValueKind: System.Text.Json.JsonValueKind.Object } props) continue;
                if (Str(props, "elem_id") is { } id) ids.Add(id);
                foreach (var name in new[] { "label", "value", "placeholder", "info" })
                {
                    if (Str(props, name) is { } s && s.Length <= 20_000) text.Append(s).Append(separator);
                }
                if (Last(props, "choices") is { ValueKind: System.Text.Json.JsonValueKind.Array } choices)
                {
                    foreach (var choice in choices.EnumerateArray().Take(200)) Strings(choice, text);
                }
            }
        }
        foreach (var name in new[] { "title", "head" })
        {
            if (Str(root, name) is { } s && s.Length <= 100_000) text.Append(s).Append(separator);
        }
        var auth = Last(root, "auth_required") is { ValueKind: System.Text.Json.JsonValueKind.True };
        return new GradioConfig(Str(root, "title"), Str(root, "version"), auth, ids, text.ToString());
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

/// <summary>
/// A config read from its page: the UI's strings written without escapes are found by the page's own scan where they
/// stand, the escaped ones in a scan of their decoded text; either way a rule over the Gradio text holds only inside the
/// UI's strings and reports where the page wrote the text.
/// </summary>
public sealed class GradioTextInPageTests
{
    private static readonly CompiledCatalog Catalog = CatalogLoader.Compile([("gradio-text.json", """
        { "version": "t1", "signatures": [
          { "id": "studio", "product": "S", "categories": ["genai-service"], "threshold": 10, "rules": [ { "id": "s", "field": "gradio.text", "match": "contains", "value": "Swap Studio", "weight": 10 } ] }
        ] }
        """)]);

    private static readonly CompiledCatalog BuiltIn = CatalogLoader.Compile(CatalogProvider.BuiltInFiles());

    private static string Page(string before, string props) =>
        $$"""<html><body><p>{{before}}</p><script>window.gradio_config = {"version":"4.44.1","components":[{"id":1,"type":"textbox","props":{{props}}}]};</script></body></html>""";

    [Fact]
    public void TextOnThePageBeforeTheApp_DoesNotUseUpTheRuleOverTheAppsText()
    {
        // The page's scan meets "Swap Studio" in a paragraph first: that find is not the app's, and the literal stays
        // live for the label.
        var html = Page("Swap Studio", """{"label":"swap studio"}""");

        var hit = Assert.Single(Assert.Single(Catalog.Run(PageFacts.FromHtml(html)).Products).Hits);

        Assert.Equal(("gradio.text", "swap studio", html.IndexOf("swap studio", StringComparison.Ordinal)), (hit.Field, hit.Matched, hit.Offset));
    }

    [Fact]
    public void TextInTheConfigOutsideTheUisStrings_IsNotTheAppsText()
    {
        // A class name, a property name and a component type are in the config, not in the UI.
        var html = Page("nothing", """{"elem_classes":"Swap Studio","Swap Studio":"x","label":"Swap"}""");

        Assert.Empty(Catalog.Run(PageFacts.FromHtml(html)).Products);
    }

    [Fact]
    public void EscapedLabel_IsFoundDecoded_AtWhereThePageWroteIt()
    {
        var html = Page("nothing", """{"info":"a \"quoted\" line","label":"Swap \u0053tudio"}""");

        var hit = Assert.Single(Assert.Single(Catalog.Run(PageFacts.FromHtml(html)).Products).Hits);

        Assert.Equal(("gradio.text", "Swap Studio", html.IndexOf("Swap \\u0053", StringComparison.Ordinal)), (hit.Field, hit.Matched, hit.Offset));
    }

    [Fact]
    public void EveryLabPageWithAnApp_GivesWhatScanningTheWholeTextGives()
    {
        // The whole decoded text scanned apart (what a config from a /config probe gets) against the page's scan plus
        // the escaped strings': the same products, rule hits and terms, and every Gradio text hit where the page has it.
        var pages = 0;
        foreach (var file in LabSites.PageFiles())
        {
            var html = File.ReadAllText(file);
            var facts = PageFacts.FromHtml(html);
            if (facts.Gradio is null) continue;
            pages++;
            Compare(html, facts);
        }
        Assert.True(pages >= 5, $"only {pages} lab pages carry a Gradio config");
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    public void RandomApps_WrittenRawOrEscaped_GiveWhatScanningTheWholeTextGives(int seed)
    {
        // UI strings made of words the built-in catalog knows (tools, Gradio UI labels, Chinese terms), each written raw,
        // partly escaped or wholly escaped, with some of the words also on the page outside the app.
        var random = new Random(seed);
        // Negators and line breaks too: a find next to an escape is read in the decoded text's context ("\nUpload a
        // photo" starts a word, "\u62d2\u7edd换脸" is refused).
        string[] words = ["FaceFusion", "face swapper", "Source", "Target", "一键换脸", "AI换脸", "voice clone", "txt2img", "img2img", "Generate",
            "Stable Diffusion", "深度伪造", "roop", "Deep-Live-Cam", "声音克隆", "会员充值", "lipsync", " ", "x", "模型", "拒绝", "no ", "upload a photo", "\\n"];
        string Escaped(string s) => string.Concat(s.Select(c => random.Next(3) == 0 ? $"\\u{(int)c:x4}" : c == '"' ? "\\\"" : c.ToString()));
        // A negator is followed by a word of its own string: the whole text puts the next string one line break after
        // this one, where "no" would negate a term of another component (the page's scan reads them apart).
        string[] negators = ["拒绝", "no "];
        string Word() => words[random.Next(words.Length)] is var w && negators.Contains(w) ? w + words[random.Next(words.Length - 4)] : w;
        string Label() => string.Concat(Enumerable.Range(0, random.Next(1, 5)).Select(_ => Word() + " "));
        for (var round = 0; round < 300; round++)
        {
            var props = Enumerable.Range(0, random.Next(1, 8)).Select(i =>
            {
                var label = Label();
                var written = random.Next(3) switch { 0 => label, 1 => Escaped(label), _ => string.Concat(label.Select(c => $"\\u{(int)c:x4}")) };
                var name = new[] { "label", "value", "placeholder", "info", "elem_classes" }[random.Next(5)];
                return $$$"""{"id":{{{i}}},"type":"textbox","props":{"{{{name}}}":"{{{written}}}","choices":[["{{{Escaped(Label())}}}","v"],"{{{Label()}}}"]}}""";
            });
            var outside = random.Next(2) == 0 ? Label() : "";
            var html = $$"""<html><head><title>{{outside}}</title></head><body><p>{{Label()}}</p><script>window.gradio_config = {"title":"{{Escaped(Label())}}","components":[{{string.Join(",", props)}}]};</script><p>{{outside}}</p></body></html>""";
            Compare(html, PageFacts.FromHtml(html));
        }
    }

    private static void Compare(string html, PageFacts facts)
    {
        var inPage = BuiltIn.RunAll(facts);
        // The reference: the app's whole text scanned on its own (as a /config probe's is), its strings spaced apart so
        // that nothing read around a find in one (a negation before it, a word boundary) reaches into another — the
        // page's scan reads each where it stands.
        var start = html.IndexOf('{', html.IndexOf("window.gradio_config", StringComparison.Ordinal));
        using var doc = System.Text.Json.JsonDocument.Parse(html.AsMemory(start, html.IndexOf(";</script>", start, StringComparison.Ordinal) - start));
        var whole = BuiltIn.RunAll(facts with { Gradio = GradioConfigTests.Walk(doc.RootElement, "\n" + new string(' ', 13)) });
        static string Products(FingerprintResult r) =>
            string.Join(";", r.Products.Select(p => $"{p.Id}={p.Evidence}:{string.Join(",", p.Hits.Select(h => $"{h.RuleId}@{h.Field}@{h.Matched.ToLowerInvariant()}"))}"));
        Assert.Equal(Products(whole), Products(inPage));
        var a = whole.Terms.Select(t => t.TermId).Order(StringComparer.Ordinal).ToArray();
        var b = inPage.Terms.Select(t => t.TermId).Order(StringComparer.Ordinal).ToArray();
        if (!a.SequenceEqual(b)) Assert.Fail(html + "\nWHOLE " + string.Join(" | ", whole.Terms.Where(t => !b.Contains(t.TermId)).Select(t => $"{t.TermId} {t.Field} {t.Matched} @{t.Offset}")) + "\nINPAGE " + string.Join(" | ", inPage.Terms.Where(t => !a.Contains(t.TermId)).Select(t => $"{t.TermId} {t.Field} {t.Matched} @{t.Offset}")) + "\nTEXT " + facts.Gradio!.Text.Replace("\n", "⏎"));
        foreach (var (matched, offset) in inPage.Products.SelectMany(p => p.Hits).Where(h => h.Field == Fields.GradioText).Select(h => (h.Matched, h.Offset))
            .Concat(inPage.Terms.Where(t => t.Field == Fields.GradioText).Select(t => (t.Matched, t.Offset))))
        {
            Assert.Equal(matched, Decoded(html, offset, matched.Length), ignoreCase: true);
        }
    }

    // The text the page's JSON writes from 'at' on, decoded ("\u0053" is S, "\"" a quote), this many characters of it.
    internal static string Decoded(string html, int at, int length)
    {
        var text = new System.Text.StringBuilder();
        while (text.Length < length && at < html.Length)
        {
            if (html[at] != '\\')
            {
                text.Append(html[at++]);
                continue;
            }
            if (html[at + 1] == 'u')
            {
                text.Append((char)int.Parse(html.AsSpan(at + 2, 4), System.Globalization.NumberStyles.HexNumber, null));
                at += 6;
                continue;
            }
            text.Append(html[at + 1] switch { 'n' => '\n', 't' => '\t', _ => html[at + 1] });
            at += 2;
        }
        return text.ToString();
    }
}
