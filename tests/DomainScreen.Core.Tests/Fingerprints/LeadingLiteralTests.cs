using System.Text.Json;
using System.Text.RegularExpressions;
using DomainScreen.Core.Fingerprints;

namespace DomainScreen.Core.Tests.Fingerprints;

/// <summary>
/// Pattern terms run from the first place their fixed leading text occurs in any of its spellings (and not at all on a
/// page without it): that must find exactly what running each of them over the whole page finds.
/// </summary>
public class LeadingLiteralTests
{
    [Theory]
    [InlineData("(download|portable|license key)", "download,portable,license key")]
    [InlineData("(?:整合包|下载)", null)] // Chinese choices stay with the regex engine
    [InlineData("down|download", "down,download")]
    [InlineData("download", "download")]
    [InlineData("(down.load|x)", null)]
    [InlineData("(ab|c)", null)] // a one-character text
    [InlineData("^(ab|cd)$", null)]
    [InlineData("(ab)(cd)", null)]
    [InlineData("(ab|cd)?", null)]
    [InlineData("(Ångström|ab)", null)] // Å has a second upper case (U+212B) the regex engine knows
    public void Alternatives_ReadsAPatternThatIsOnlyAChoiceOfTexts(string pattern, string? expected) =>
        Assert.Equal(expected?.Split(','), LeadingLiteral.Alternatives(pattern));

    [Fact]
    public void PageRuleOfAlternatives_FindsWhatTheRegexFinds()
    {
        // Run as a catalog rule (for ASCII texts a search for all of them, not the regex): the first place any of them
        // occurs, and there the first in the pattern's order, as the regex engine chooses; k also as U+212A.
        string[] patterns = ["(down|download|load)", "(download|down)", "(one-click|portable|license key)", "(整合包|下载|破解|激活码)", "(ab|abc|bc)"];
        string[] pieces = ["down", "load", "DOWNLOAD", "one-clic\u212A", "one-CLICK", "port", "able", "license key", "license \u212AEY", "整合", "包", "下载",
            "破解版", "激活", "码", "ab", "abc", "Bc", " ", "x"];
        var random = new Random(3);
        foreach (var pattern in patterns)
        {
            // The ASCII choices run as one search; the Chinese one stays a regex (compared all the same).
            Assert.Equal(pattern.All(char.IsAscii), LeadingLiteral.Alternatives(pattern) is not null);
            var catalog = CatalogLoader.Compile([("alt.json", JsonSerializer.Serialize(new
            {
                version = "t1",
                signatures = new[]
                {
                    new
                    {
                        id = "acme", product = "Acme", categories = new[] { "face-swap" }, threshold = 50,
                        rules = new object[]
                        {
                            new { id = "name", field = "html", match = "contains", value = "acme-swap", weight = 30 },
                            new { id = "alt", field = "html", match = "regex", value = pattern, weight = 20 },
                        },
                    },
                },
            }))]);
            var regex = CatalogLoader.CompileRegex(pattern);
            for (var round = 0; round < 300; round++)
            {
                var text = string.Concat(Enumerable.Range(0, random.Next(0, 10)).Select(_ => pieces[random.Next(pieces.Length)])) + " acme-swap";
                var m = regex.Match(text);
                var hit = Assert.Single(catalog.RunAll(PageFacts.FromHtml(text)).Products).Hits.SingleOrDefault(h => h.RuleId == "alt");
                Assert.Equal(m.Success ? (m.Value, m.Index) : default, hit is null ? default : (hit.Matched, hit.Offset));
            }
        }
    }

    [Theory]
    [InlineData(@"\.exe\b", ".exe")]
    [InlineData(@"\.dmg\b", ".dmg")]
    [InlineData(@"\.apk\b", ".ap")] // k: the regex engine also matches U+212A KELVIN SIGN there
    [InlineData(@"price: \d+", "price: ")]
    [InlineData(@"abc?d", "ab")]
    [InlineData(@"ab*", null)]
    [InlineData(@"x{2}y", null)]
    [InlineData(@"(?:NT|HK)\$\s?\d{1,6}", null)]
    [InlineData(@"[¥￥]\s?\d{1,6}", null)]
    [InlineData(@"ab\dc", "ab")]
    [InlineData(@"abc|xyz", null)]
    [InlineData(@"abc(?:d|e)", null)]
    [InlineData(@"ab\|c", "ab|c")]
    [InlineData(@"ab[|]c", "ab")] // a '|' in a character class is one of its characters, not an alternation
    [InlineData(@"\bword", null)]
    [InlineData(@"a", null)]
    public void Of_ReadsTheRequiredLeadingText(string pattern, string? expected)
    {
        Assert.Equal(expected, LeadingLiteral.Of(pattern, ignoreCase: true));
    }

    [Theory]
    [InlineData(@"^(NextChat|ChatGPT Next Web)$", "NextChat", "ChatGPT Next Web")]
    [InlineData(@"^Fooocus( |$)", "Fooocus")]
    [InlineData(@"^FaceFusion [0-9]", "FaceFusion ")]
    [InlineData(@"(^Open WebUI$|\(Open WebUI\)$)", "Open WebUI", "(Open WebUI)")]
    [InlineData(@"(?:ab|cd)", "ab", "cd")]
    [InlineData(@"\bword\b", "word")]
    [InlineData(@"ab[|]c|xyz", "ab", "xyz")]
    [InlineData(@"ab[]|(]cd|xyz", "ab", "xyz")] // ']' first in a class is a character of it
    [InlineData(@"ab[^]|)]cd", "ab")]
    [InlineData(@"/embed\.min\.js(?:\?|$)", "/embed.min.js")]
    [InlineData(@"(· LobeChat$|^LobeChat)", "· LobeChat", "LobeChat")] // a symbol outside ASCII without case is itself
    [InlineData(@"(é LobeChat$|^LobeChat)")] // a letter outside ASCII is not read: no answer for the whole pattern
    [InlineData(@"abc|")]
    [InlineData(@"(abc)?def")]
    [InlineData(@"(abc)+")]
    [InlineData(@"(?=abc)abc")]
    [InlineData(@"(?i)abc")]
    [InlineData(@"\bkling")] // k: U+212A matches it under the catalog's ignore-case
    [InlineData(@"(ab|cd")]
    [InlineData(@"ab)|cd")]
    [InlineData(@"a|bc")]
    public void RequiredAnyOf_ReadsTheTextsEveryMatchContains(string pattern, params string[] expected)
    {
        var required = LeadingLiteral.RequiredAnyOf(pattern, ignoreCase: true);
        if (expected.Length == 0) Assert.Null(required);
        else Assert.Equal(expected, required);
        if (expected.Length > 0) _ = CatalogLoader.CompileRegex(pattern); // a pattern the catalog would accept
    }

    [Fact]
    public void ClassWithALeadingBracket_IsReadAsTheRegexEngineReadsIt()
    {
        // What the two bracket cases above rely on: "[]|(]" is one class of three characters.
        Assert.Matches(CatalogLoader.CompileRegex(@"ab[]|(]cd|xyz"), "AB(cd");
        Assert.Matches(CatalogLoader.CompileRegex(@"ab[^]|)]cd"), "abxcd");
        Assert.DoesNotMatch(CatalogLoader.CompileRegex(@"ab[^]|)]cd"), "ab)cd");
    }

    /// <summary>The built-in catalog read with the loader's own model.</summary>
    private static List<CatalogFile> CatalogFiles() =>
        CatalogProvider.BuiltInFiles().Select(f => JsonSerializer.Deserialize(f.Json, CatalogJson.Default.CatalogFile)!).ToList();

    private static IEnumerable<string> PatternTerms() =>
        CatalogFiles().SelectMany(f => f.Lexicons).SelectMany(l => l.Terms).Select(t => t.Pattern).OfType<string>();

    /// <summary>Every regex the catalog runs: its regex rules (pattern in "value") and its pattern terms.</summary>
    private static IEnumerable<string> CatalogRegexes() =>
        CatalogFiles().SelectMany(f => f.Signatures).SelectMany(sig => sig.Rules).Where(r => r.Match == "regex").Select(r => r.Value).OfType<string>()
            .Concat(PatternTerms()).Distinct(StringComparer.Ordinal);

    [Fact]
    public void RequiredAnyOf_NeverRulesOutAMatch()
    {
        // Every catalog regex with required texts, over the lab's pages (whole, and their titles and asset URLs) and
        // over texts built from the required texts themselves (in other cases, cut short, with U+212A for k): whenever
        // the regex matches, one required text is in the value.
        var lab = LabTexts();
        var checkedPatterns = 0;
        var matchedPatterns = new List<string>();
        foreach (var pattern in CatalogRegexes())
        {
            var required = LeadingLiteral.RequiredAnyOf(pattern, ignoreCase: true);
            if (required is null) continue;
            checkedPatterns++;
            var regex = CatalogLoader.CompileRegex(pattern);
            var pieces = required.SelectMany(r => new[] { r, r.ToUpperInvariant(), r.ToLowerInvariant(), r[..^1], r[1..], r.Replace('k', '\u212A') })
                .Concat([" ", "·", "(", ")", "3", "?", "x", "v1", ":", "true", "\"", "abcdefgh12"]).ToArray();
            var random = new Random(pattern.Length);
            var generated = Enumerable.Range(0, 300).Select(_ => string.Concat(Enumerable.Range(0, random.Next(1, 5)).Select(_ => pieces[random.Next(pieces.Length)])));
            var matched = false;
            foreach (var text in lab.Concat(generated))
            {
                if (!regex.IsMatch(text)) continue;
                matched = true;
                Assert.True(required.Any(r => text.Contains(r, StringComparison.OrdinalIgnoreCase)),
                    $"{pattern} matches a text with none of {string.Join(", ", required)}: {text[..Math.Min(200, text.Length)]}");
            }
            if (matched) matchedPatterns.Add(pattern);
        }
        // The check proves something only where texts matched: most of the patterns, or it is too weak.
        Assert.True(checkedPatterns >= 10, $"only {checkedPatterns} patterns have required texts");
        Assert.True(matchedPatterns.Count * 3 >= checkedPatterns * 2, $"only {matchedPatterns.Count} of {checkedPatterns} patterns matched any text");
    }

    private static List<string> LabTexts()
    {
        var texts = new List<string> { File.ReadAllText(Path.Combine(LabSites.Directory, "sites.json")) };
        foreach (var file in LabSites.PageFiles())
        {
            var html = File.ReadAllText(file);
            var facts = PageFacts.FromHtml(html);
            texts.Add(html);
            if (facts.Title is { } title) texts.Add(title);
            texts.AddRange(facts.Assets);
        }
        return texts;
    }

    [Theory]
    [InlineData(@"\.apk\b", ".apk", ".ap\u212A")]
    [InlineData(@"\.exe\b", ".exe")]
    [InlineData(@"kk-\d", "kk-", "k\u212A-", "\u212Ak-", "\u212A\u212A-")]
    [InlineData(@"kkk\d")] // past two k, Of's text: none here
    [InlineData(@"abkkk\d", "ab")]
    [InlineData(@"(?:NT|HK)\$\s?\d{1,6}")]
    [InlineData(@"a")]
    public void Spellings_WriteEachKBothWays(string pattern, params string[] expected)
    {
        Assert.Equal(expected.Length == 0 ? null : expected, LeadingLiteral.Spellings(pattern, ignoreCase: true));
    }

    [Fact]
    public void Spellings_FindWhereEveryMatchStarts()
    {
        // One of the spellings, searched ordinal ignore-case, occurs at or before every match's start.
        foreach (var pattern in new[] { @"\.apk\b", @"kk-\d", @"Kite\d" })
        {
            var regex = CatalogLoader.CompileRegex(pattern);
            var spellings = LeadingLiteral.Spellings(pattern, ignoreCase: true)!;
            foreach (var text in new[] { "x.APK", "x.ap\u212A", "\u212AK-1", "k\u212A-2", "KK-3", "\u212Aite4", "kITE5" })
            {
                var match = regex.Match(text);
                if (!match.Success) continue;
                var first = spellings.Select(s => text.IndexOf(s, StringComparison.OrdinalIgnoreCase)).Where(i => i >= 0).DefaultIfEmpty(-1).Min();
                Assert.True(first >= 0 && first <= match.Index, $"{pattern} on {text}: first spelling at {first}, match at {match.Index}");
            }
        }
    }

    [Theory]
    [InlineData(@"[¥￥]\s?\d{1,6}(?:\.\d{1,2})?", "¥￥", 0)]
    [InlineData(@"(?:NT|HK)\$\s?\d{1,6}(?:,\d{3})*", "$", 2)]
    [InlineData(@"[$€£]\s?\d{1,4}", "$€£", 0)]
    [InlineData(@"(US|A)\$\d", null, 0)] // choices of two lengths: no fixed offset
    [InlineData(@"USD?\$\d", null, 0)] // an optional character before it
    [InlineData(@"ab[\$#]x", "$#", 2)]
    [InlineData(@"ab\d\$", null, 0)] // a class escape ends the reading
    [InlineData(@"[a-c]\$", null, 0)] // a range
    [InlineData(@"[^$]x", null, 0)] // a negated class
    [InlineData(@"(?=a)\$", null, 0)] // a lookaround
    [InlineData(@"price", null, 0)] // letters only
    [InlineData(@"€+5", null, 0)] // quantified
    [InlineData(@"-20[0-9]{2}\b", "-", 0)]
    public void Anchor_ReadsCharactersAtAFixedOffset(string pattern, string? characters, int offset)
    {
        Assert.Equal(characters is null ? null : (characters, offset), LeadingLiteral.Anchor(pattern));
    }

    [Fact]
    public void AnchorCharactersOfTheCatalog_HaveNoOtherCaseUnderItsIgnoreCase()
    {
        // What running a pattern from its anchor relies on: an ordinal search for the anchor's characters finds every
        // character the regex engine, ignoring case, takes for one of them.
        // So does a required or leading text with a symbol outside ASCII in it ("· LobeChat"), searched ordinal ignore-case.
        var patterns = CatalogRegexes().Concat(PatternTerms()).ToList();
        var anchors = patterns.Select(LeadingLiteral.Anchor).OfType<(string Characters, int Offset)>().SelectMany(a => a.Characters)
            .Concat(patterns.SelectMany(p => LeadingLiteral.RequiredAnyOf(p, ignoreCase: true) ?? []).SelectMany(t => t).Where(c => c > 127))
            .Distinct().ToList();
        Assert.Contains('$', anchors);
        Assert.Contains('·', anchors);
        var unit = new char[1];
        foreach (var anchor in anchors)
        {
            var regex = CatalogLoader.CompileRegex("^" + System.Text.RegularExpressions.Regex.Escape(anchor.ToString()) + "$");
            for (var c = 0; c < 65536; c++)
            {
                if (c is >= 0xD800 and <= 0xDFFF || c == anchor) continue;
                unit[0] = (char)c;
                Assert.False(regex.IsMatch(unit), $"U+{c:X4} matches {anchor}");
            }
        }
    }

    [Fact]
    public void Of_KeepsK_WhenCaseMatters()
    {
        Assert.Equal(".apk", LeadingLiteral.Of(@"\.apk\b", ignoreCase: false));
    }

    public static TheoryData<string> Patterns()
    {
        // Each pattern once: the catalog repeats some (and some of the hand-written ones), and xunit skips a repeated case.
        string[] handWritten = [@"\.apk\b", @"\.exe\b", @"ab\d{2}c", @"price: \d+(?:\.\d\d)?", @"-20[0-9]{2}\b"];
        return new TheoryData<string>(handWritten.Concat(PatternTerms()).Distinct(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Patterns))]
    public void MatchFromTheLeadingText_FindsWhatTheWholePageScanFinds(string pattern)
    {
        var regex = CatalogLoader.CompileRegex(pattern);
        var leading = LeadingLiteral.Of(pattern, ignoreCase: true);
        string[] pieces = [".apk", ".APK", ".ap\u212A", ".apkx", "app.apk", ".exe", ".EXE", "x.exe.", ".dmg", "ab12c", "AB34C", "price: 12.50",
            "-2024", "-2024x", "¥ 99", "￥12.5", "NT$ 1,000", "HK$5", "$9/mo", "€5 per month", "£3.99", " ", "下载", "a", ".", "-20", "ab"];
        var random = new Random(pattern.Length);
        for (var round = 0; round < 300; round++)
        {
            var text = string.Concat(Enumerable.Range(0, random.Next(0, 12)).Select(_ => pieces[random.Next(pieces.Length)]));
            var whole = regex.Match(text);
            var from = leading is null ? 0 : text.IndexOf(leading, StringComparison.OrdinalIgnoreCase);
            var fromLeading = from < 0 ? Match.Empty : regex.Match(text, from);
            Assert.Equal((whole.Success, whole.Index, whole.Value), (fromLeading.Success, fromLeading.Success ? fromLeading.Index : 0, fromLeading.Value));
            // And from the anchor, where the pattern has one: that far before the first of its characters.
            if (LeadingLiteral.Anchor(pattern) is var (characters, offset))
            {
                var at = text.AsSpan().IndexOfAny(characters);
                var fromAnchor = at < 0 ? Match.Empty : regex.Match(text, Math.Max(0, at - offset));
                Assert.Equal((whole.Success, whole.Index, whole.Value), (fromAnchor.Success, fromAnchor.Success ? fromAnchor.Index : 0, fromAnchor.Value));
            }
        }
    }

    [Fact]
    public void PatternTerms_FromTheFirstLeadingText_FindWhatEachPatternFindsOverTheWholePage()
    {
        // The catalog runs each pattern term from the first place its leading text occurs, which the literal scan notes
        // (the leading texts are literals of the scan), and not at all where the text is absent.
        var catalog = CatalogLoader.Compile(CatalogProvider.BuiltInFiles());
        var terms = CatalogFiles().SelectMany(f => f.Lexicons).SelectMany(l => l.Terms).Where(t => t.Pattern is not null)
            .Select(t => (Id: t.Id!, Pattern: CatalogLoader.CompileRegex(t.Pattern!))).ToList();
        Assert.NotEmpty(terms);
        string[] pieces = [".apk", ".ap\u212A", ".exe", "x.EXE.", ".dmg", ".dmgx", "¥ 99", "￥5", "NT$ 1,000", "hk$7", "H\u212A$ 8", "$9/mo", "£3.99", "€12 per month", "下载 ", "app", ". ", "文本", "5"];
        var random = new Random(5);
        for (var round = 0; round < 400; round++)
        {
            var text = string.Concat(Enumerable.Range(0, random.Next(0, 10)).Select(_ => pieces[random.Next(pieces.Length)]));
            var expected = terms.Select(t => (t.Id, Match: t.Pattern.Match(text))).Where(t => t.Match.Success).Select(t => (t.Id, t.Match.Index, t.Match.Value)).OrderBy(t => t.Id);
            var actual = catalog.ScanPatternsOnly(text).Select(h => (h.TermId, h.Offset, h.Matched)).OrderBy(t => t.TermId);
            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public void OnlyK_HasAnotherCaseUnderTheCatalogsIgnoreCase()
    {
        // What Of relies on: under the catalog's options every ASCII letter but k matches only its own two cases.
        var others = new List<string>();
        var unit = new char[1];
        for (var letter = 'a'; letter <= 'z'; letter++)
        {
            var regex = CatalogLoader.CompileRegex("^" + letter + "$");
            for (var c = 128; c < 65536; c++)
            {
                if (c is >= 0xD800 and <= 0xDFFF) continue;
                unit[0] = (char)c;
                if (regex.IsMatch(unit)) others.Add($"{letter} ~ U+{c:X4}");
            }
        }
        Assert.Equal(["k ~ U+212A"], others);
    }
}
