using System.Text.Json;
using System.Text.RegularExpressions;
using DomainScreen.Core.Fingerprints;

namespace DomainScreen.Core.Tests.Fingerprints;

/// <summary>
/// Pattern terms run from the first place any of their fixed leading texts occurs (and not at all on a page with
/// none): that must find exactly what running each of them over the whole page finds.
/// </summary>
public class LeadingLiteralTests
{
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
    [InlineData(@"\bword", null)]
    [InlineData(@"a", null)]
    public void Of_ReadsTheRequiredLeadingText(string pattern, string? expected)
    {
        Assert.Equal(expected, LeadingLiteral.Of(pattern, ignoreCase: true));
    }

    [Fact]
    public void Of_KeepsK_WhenCaseMatters()
    {
        Assert.Equal(".apk", LeadingLiteral.Of(@"\.apk\b", ignoreCase: false));
    }

    public static TheoryData<string> Patterns()
    {
        // Each pattern once: the catalog repeats some (and some of the hand-written ones), and xunit skips a repeated case.
        var patterns = new List<string> { @"\.apk\b", @"\.exe\b", @"ab\d{2}c", @"price: \d+(?:\.\d\d)?", @"-20[0-9]{2}\b" };
        foreach (var (_, json) in CatalogProvider.BuiltInFiles())
        {
            using var doc = JsonDocument.Parse(json);
            patterns.AddRange(Find(doc.RootElement));
        }
        return new TheoryData<string>(patterns.Distinct(StringComparer.Ordinal));

        static IEnumerable<string> Find(JsonElement e) => e.ValueKind switch
        {
            JsonValueKind.Object => e.EnumerateObject().SelectMany(p => p.Name == "pattern" && p.Value.ValueKind == JsonValueKind.String ? [p.Value.GetString()!] : Find(p.Value)),
            JsonValueKind.Array => e.EnumerateArray().SelectMany(Find),
            _ => [],
        };
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
        }
    }

    [Fact]
    public void PatternTerms_FromTheFirstLeadingText_FindWhatEachPatternFindsOverTheWholePage()
    {
        // The catalog runs its pattern terms from the first place any of their leading texts occurs (one search).
        var catalog = CatalogLoader.Compile(CatalogProvider.BuiltInFiles());
        var terms = new List<(string Id, Regex Pattern)>();
        foreach (var (_, json) in CatalogProvider.BuiltInFiles())
        {
            using var doc = JsonDocument.Parse(json);
            if (!doc.RootElement.TryGetProperty("lexicons", out var lexicons)) continue;
            foreach (var term in lexicons.EnumerateArray().SelectMany(l => l.GetProperty("terms").EnumerateArray()))
            {
                if (term.TryGetProperty("pattern", out var p)) terms.Add((term.GetProperty("id").GetString()!, CatalogLoader.CompileRegex(p.GetString()!)));
            }
        }
        Assert.NotEmpty(terms);
        string[] pieces = [".apk", ".ap\u212A", ".exe", "x.EXE.", ".dmg", ".dmgx", "¥ 99", "NT$ 1,000", "$9/mo", "£3.99", "下载 ", "app", ". ", "文本"];
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
