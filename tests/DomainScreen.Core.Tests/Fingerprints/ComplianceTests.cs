using DomainScreen.Core.Fingerprints;

namespace DomainScreen.Core.Tests.Fingerprints;

public sealed class ComplianceTests
{
    [Theory]
    [InlineData("备案号：京ICP备12345678号-1", "icp", "京ICP备12345678号-1")]
    [InlineData("沪ICP备2024099014号", "icp", "沪ICP备2024099014号")]
    [InlineData("粤 ICP 备 2021031984 号 - 3", "icp", "粤ICP备2021031984号-3")]
    [InlineData("京ICP证140334号", "icp-license", "京ICP证140334号")]
    [InlineData("增值电信业务经营许可证：浙B2-20120165", "vas-license", "浙B2-20120165")]
    [InlineData("京公网安备 11010502030000号", "psb", "京公网安备11010502030000号")]
    [InlineData("网信算备330110507206401230035号", "algorithm", "网信算备330110507206401230035号")]
    [InlineData("模型备案号 Beijing-YunQue-20230821", "genai-model", "Beijing-YunQue-20230821")]
    [InlineData("上线编号：Shanghai-TingJian-202407250021", "genai-registration", "Shanghai-TingJian-202407250021")]
    public void Find_RecognisesFilingFormats(string text, string type, string number)
    {
        Assert.Contains(Compliance.Find(text), f => f.Type == type && f.Number == number);
    }

    [Theory]
    [InlineData("ICP备12345678号")]
    [InlineData("京ICP备123号")]
    [InlineData("Hello-World-20230901")]
    [InlineData("公网安备 123号")]
    public void Find_IgnoresLookalikes(string text)
    {
        Assert.DoesNotContain(Compliance.Find(text), f => f.Type is "icp" or "genai-model" or "psb");
    }

    /// <summary>
    /// Patterns run in windows around their fixed text: filings at the page's edges, several close together, far apart
    /// in a long page, and a model name glued to a longer word are all handled as a whole-page scan would.
    /// </summary>
    [Fact]
    public void Find_InWindows_MatchesWhatAWholePageScanWould()
    {
        var filler = string.Concat(Enumerable.Repeat("普通的新闻正文 ordinary text, ", 2000));
        var text = "京ICP备11111111号" + filler + "沪ICP备22222222号 苏ICP备33333333号-2 浙B2-20120165" + filler
            + "模型备案 XBeijing-Glued-20230821 and Beijing-Real-20230822 " + filler + "京公网安备 11010502030000号";
        var found = Compliance.Find(text);
        Assert.Equal(["京ICP备11111111号", "沪ICP备22222222号", "苏ICP备33333333号-2"], found.Where(f => f.Type == "icp").Select(f => f.Number));
        Assert.Contains(found, f => f.Type == "vas-license" && f.Number == "浙B2-20120165");
        Assert.Equal(["Beijing-Real-20230822"], found.Where(f => f.Type == "genai-model").Select(f => f.Number));
        Assert.Contains(found, f => f.Type == "psb" && f.Number == "京公网安备11010502030000号" && f.Offset == text.LastIndexOf('京'));
        Assert.Equal(0, found.Single(f => f.Number == "京ICP备11111111号").Offset);
    }

    /// <summary>
    /// A hostile page keeps every window open with near misses (half a megabyte of each): the patterns still reach the
    /// real filings after it — a pattern that gave up at its timeout would stop before them.
    /// </summary>
    [Theory]
    [InlineData("-20-20")]
    [InlineData("京ICP备京ICP备 ")]
    [InlineData("京 ICP 备 1234 号 - ")]
    [InlineData("Beijing-Abcdefghijklmnopqrstuvwxyz0123456789abcdefghij-20")]
    [InlineData("上线编号 ")]
    [InlineData("公网安备网信算备 ")]
    public void Find_AfterHalfAMegabyteOfNearMisses_StillFindsTheRealFilings(string unit)
    {
        var text = "已备案 上线 " + string.Concat(Enumerable.Repeat(unit, 512 * 1024 / unit.Length))
            + " 京ICP备11111111号 Beijing-Real-20230822 上线编号：Beijing-RealAI-20240101 京公网安备11010502030000号";
        var found = Compliance.Find(text);
        Assert.Contains(found, f => f.Type == "icp" && f.Number == "京ICP备11111111号");
        Assert.Contains(found, f => f.Type == "genai-model" && f.Number == "Beijing-Real-20230822");
        Assert.Contains(found, f => f.Type == "psb" && f.Number == "京公网安备11010502030000号");
    }

    /// <summary>
    /// The anchors and windows are a shortcut: on texts made of filings' pieces in random order (fixed parts, provinces,
    /// digits, spaces, near misses, words around them), Find finds what every pattern run over the whole text finds.
    /// </summary>
    [Fact]
    public void Find_OnRandomPiecesOfFilings_FindsWhatTheWholeTextScanFinds()
    {
        string[] pieces =
        [
            "京", "沪", "粤", "浙", "ICP", "ICP备", "ICP证", "备", "证", "号", "B2", "B2-", "-", " ", "  ", "：", "12345678", "2024099014",
            "11010502030000", "330110507206401230035", "20120165", "7", "公网安备", "网信算备", "上线编号", "上线", "备案", "Beijing",
            "Shanghai", "Beijing-YunQue-20230821", "Zhejiang-TongYi", "Hello", "X", "-20230821", "-2024", "-20", "Model", "YunQue", "普通的正文", "ordinary text", "IBM", "Blog", "上海",
        ];
        AssertSameAsWholeText(pieces, 20261204, 3000, Compliance.Find, minWithFilings: 300);
    }

    /// <summary>
    /// The ICP and public-security filings are read in place, not by their patterns: what the patterns call digits and
    /// white space (any decimal digit, ideographic and no-break spaces, a line break), runs of digits longer than the
    /// number, site numbers after it with and without 号 and spaces, read as the whole-text scan reads them.
    /// </summary>
    [Fact]
    public void Find_OnFilingsWithUnicodeDigitsSpacesAndLongRuns_ReadsThemAsThePatternsDo()
    {
        string[] pieces =
        [
            "京", "沪", "粤", "蒙", "ICP", "ICP备", "ICP证", "备", "证", "号", "公网安备", "-", " ", "\u3000", "\u00A0", "\n", "\t",
            "1", "12", "12345", "123456", "12345678", "1234567890123", "１２３４５６７８", "٣٤٥", "11010502030000", "110105020300001234",
            "号-", "号 - ", "-12345", "x", "ICP 备", "<br>",
        ];
        AssertSameAsWholeText(pieces, 20261206, 4000, Compliance.Find, minWithFilings: 400);
        var catalog = CatalogLoader.Compile(CatalogProvider.BuiltInFiles());
        AssertSameAsWholeText(pieces, 20261207, 1000, text => catalog.Run(PageFacts.FromHtml(text)).Filings, minWithFilings: 100);
    }

    [Fact]
    public void FilingsOfACatalogRun_FromTheAnchorsItsScanNoted_AreWhatTheWholeTextGives()
    {
        // The catalog's literal scan notes the patterns' fixed texts outside ASCII in place of Find's own pass (it reads
        // ignoring case; the anchors are exact): random texts of filing pieces, lower-case look-alikes and words around them.
        string[] pieces =
        [
            "京", "沪", "粤", "ICP", "icp", "Icp", "ICP备", "ICP证", "备", "号", "B2", "b2", "B2-", "-", " ", "：", "12345678", "2024099014",
            "11010502030000", "330110507206401230035", "20120165", "公网安备", "网信算备", "上线编号", "上线", "备案", "Beijing", "beijing",
            "Beijing-YunQue-20230821", "-20230821", "-20", "-2024", "YunQue", "普通的正文", "ordinary text", "<p>", "一键换脸", "ai换脸",
        ];
        var catalog = CatalogLoader.Compile(CatalogProvider.BuiltInFiles());
        AssertSameAsWholeText(pieces, 20261205, 1500, text => catalog.Run(PageFacts.FromHtml(text)).Filings, minWithFilings: 150);
    }

    private static void AssertSameAsWholeText(string[] pieces, int seed, int texts, Func<string, IReadOnlyList<Filing>> find, int minWithFilings)
    {
        var random = new Random(seed);
        var differing = new List<string>();
        var withFilings = 0;
        for (var n = 0; n < texts; n++)
        {
            var text = string.Concat(Enumerable.Range(0, random.Next(5, 60)).Select(_ => pieces[random.Next(pieces.Length)]));
            var expected = Compliance.FindOverWholeText(text);
            if (expected.Count > 0) withFilings++;
            if (!find(text).SequenceEqual(expected)) differing.Add(text);
        }
        Assert.Empty(differing);
        Assert.True(withFilings > minWithFilings, $"only {withFilings} texts had a filing: the pieces do not exercise the patterns");
    }
}
