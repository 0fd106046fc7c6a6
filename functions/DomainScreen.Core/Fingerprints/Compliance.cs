using System.Text.RegularExpressions;

namespace DomainScreen.Core.Fingerprints;

/// <summary>A filing or licence number shown on a page.</summary>
/// <param name="Type"><c>icp</c>, <c>icp-license</c>, <c>vas-license</c> (B2), <c>psb</c>, <c>algorithm</c> (网信算备), <c>genai-model</c> (生成式AI服务备案), <c>genai-registration</c> (上线编号).</param>
/// <param name="Offset">Character offset in the page text.</param>
public sealed record Filing(string Type, string Number, int Offset);

/// <summary>
/// Finds the filing numbers Chinese sites must display: ICP filing (<c>京ICP备12345678号-1</c>) and licence
/// (<c>京ICP证140334号</c>, <c>浙B2-20120165</c>), public-security filing (<c>京公网安备11010502030000号</c>),
/// algorithm / deep-synthesis filing (<c>网信算备…号</c>), generative-AI model filing
/// (<c>ZheJiang-TongYiQianWen-20230901</c>) and registration numbers (<c>上线编号</c>). Formats per
/// ../shared/research/ai-tool-fingerprints.md §12; every pattern is linear-time with a timeout.
/// </summary>
internal static partial class Compliance
{
    public const string Icp = "icp", IcpLicense = "icp-license", VasLicense = "vas-license", Psb = "psb",
        Algorithm = "algorithm", GenAiModel = "genai-model", GenAiRegistration = "genai-registration";

    /// <summary>Types that show a generative-AI or deep-synthesis service is on record with the CAC.</summary>
    public static readonly string[] GenAiTypes = [Algorithm, GenAiModel, GenAiRegistration];

    private const string Provinces = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼";

    private static readonly HashSet<string> ProvincePinyin = new(StringComparer.OrdinalIgnoreCase)
    {
        "Beijing", "Tianjin", "Shanghai", "Chongqing", "Hebei", "Henan", "Yunnan", "Liaoning", "Heilongjiang", "Hunan", "Anhui",
        "Shandong", "Xinjiang", "Jiangsu", "Zhejiang", "Jiangxi", "Hubei", "Guangxi", "Gansu", "Shanxi", "Neimenggu", "NeiMengGu",
        "Shaanxi", "Jilin", "Fujian", "Guizhou", "Guangdong", "Qinghai", "Xizang", "Sichuan", "Ningxia", "Hainan",
    };

    public static IReadOnlyList<Filing> Find(string text)
    {
        var found = new List<Filing>();
        void Add(string type, string number, int offset)
        {
            if (found.Count < 50 && !found.Any(f => f.Type == type && f.Number == number)) found.Add(new Filing(type, number, offset));
        }
        try
        {
            // Each pattern runs only in a window around each occurrence of its fixed part: most pages skip all of them,
            // and a page that shows its filing pays for a few dozen characters, not for the whole page.
            foreach (var m in Near(IcpPattern(), text, "ICP", 3, 40))
            {
                Add(Icp, $"{m.Groups[1].Value}ICP备{m.Groups[2].Value}号" + (m.Groups[3].Success ? "-" + m.Groups[3].Value : ""), m.Index);
            }
            foreach (var m in Near(IcpLicensePattern(), text, "ICP", 3, 30)) Add(IcpLicense, $"{m.Groups[1].Value}ICP证{m.Groups[2].Value}号", m.Index);
            foreach (var m in Near(B2Pattern(), text, "B2", 3, 16)) Add(VasLicense, $"{m.Groups[1].Value}B2-{m.Groups[2].Value}", m.Index);
            foreach (var m in Near(PsbPattern(), text, "公网安备", 3, 24)) Add(Psb, $"{m.Groups[1].Value}公网安备{m.Groups[2].Value}号", m.Index);
            foreach (var m in Near(AlgorithmPattern(), text, "网信算备", 0, 32)) Add(Algorithm, $"网信算备{m.Groups[1].Value}号", m.Index);
            if (text.Contains("备案", StringComparison.Ordinal) || text.Contains("上线", StringComparison.Ordinal))
            {
                // Province-Model-20YYMMDD: the date part is the fixed anchor; the word must start at a word boundary of the page.
                foreach (var m in Near(ModelPattern(), text, "-20", 57, 7))
                {
                    if (ProvincePinyin.Contains(m.Groups[1].Value) && (m.Index == 0 || !char.IsLetterOrDigit(text[m.Index - 1]))) Add(GenAiModel, m.Value, m.Index);
                }
            }
            foreach (var m in Near(RegistrationPattern(), text, "上线编号", 0, 48)) Add(GenAiRegistration, m.Groups[1].Value, m.Index);
        }
        catch (RegexMatchTimeoutException)
        {
            // A pathological page: keep what was found so far.
        }
        return found;
    }

    /// <summary>
    /// The pattern's matches within <paramref name="before"/> characters before and <paramref name="after"/> after each
    /// occurrence of <paramref name="anchor"/> (overlapping windows are merged, so a match is found once).
    /// </summary>
    private static IEnumerable<Match> Near(Regex pattern, string text, string anchor, int before, int after)
    {
        var scannedTo = 0;
        for (var i = text.IndexOf(anchor, StringComparison.Ordinal); i >= 0; i = text.IndexOf(anchor, i + anchor.Length, StringComparison.Ordinal))
        {
            var start = Math.Max(i - before, scannedTo);
            var end = Math.Min(text.Length, i + anchor.Length + after);
            // Extend over the next anchors whose windows overlap this one.
            int next;
            while ((next = text.IndexOf(anchor, i + anchor.Length, StringComparison.Ordinal)) >= 0 && next - before <= end)
            {
                i = next;
                end = Math.Min(text.Length, i + anchor.Length + after);
            }
            for (var m = pattern.Match(text, start, end - start); m.Success; m = m.NextMatch()) yield return m;
            scannedTo = end;
        }
    }

    private const RegexOptions Options = RegexOptions.NonBacktracking | RegexOptions.CultureInvariant;

    [GeneratedRegex("([" + Provinces + @"])\s{0,2}ICP\s{0,2}备\s{0,2}(\d{6,12})\s{0,2}号?(?:\s{0,2}-\s{0,2}(\d{1,4}))?", Options, 500)]
    private static partial Regex IcpPattern();

    [GeneratedRegex("([" + Provinces + @"])\s{0,2}ICP\s{0,2}证\s{0,2}(\d{6,12})\s{0,2}号?", Options, 500)]
    private static partial Regex IcpLicensePattern();

    [GeneratedRegex("([" + Provinces + @"])\s{0,2}B2\s{0,2}-\s{0,2}(\d{8})", Options, 500)]
    private static partial Regex B2Pattern();

    [GeneratedRegex("([" + Provinces + @"])\s{0,2}公网安备\s{0,2}(\d{14})\s{0,2}号?", Options, 500)]
    private static partial Regex PsbPattern();

    [GeneratedRegex(@"网信算备\s{0,2}(\d{15,24})\s{0,2}号?", Options, 500)]
    private static partial Regex AlgorithmPattern();

    [GeneratedRegex(@"\b([A-Z][A-Za-z]{3,14})-([A-Za-z][A-Za-z0-9]{1,39})-(20[0-9]{6})\b", Options, 500)]
    private static partial Regex ModelPattern();

    [GeneratedRegex(@"上线编号\s{0,2}[:：]?\s{0,2}([A-Za-z0-9][A-Za-z0-9\-]{5,39})", Options, 500)]
    private static partial Regex RegistrationPattern();
}
