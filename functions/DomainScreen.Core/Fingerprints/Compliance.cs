using System.Buffers;
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
/// ../shared/research/ai-tool-fingerprints.md §12. The ICP and public-security numbers are read in place at their fixed
/// parts (the patterns stay the reference over a whole text); every other pattern runs only in a short window around its
/// fixed part, has only bounded quantifiers and a timeout.
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

    public static IReadOnlyList<Filing> Find(string text) => Find(text, Anchors.Find(text));

    /// <summary>
    /// What <see cref="Find(string)"/> finds, from the anchors a literal scan of the text noted (every place each of
    /// <see cref="Anchors.Texts"/> starts, in order) instead of a pass of its own.
    /// </summary>
    internal static IReadOnlyList<Filing> FindNoted(string text, Anchors noted)
    {
        noted.FindAscii(text);
        return Find(text, noted);
    }

    /// <summary>What <see cref="Find(string)"/> finds, with every pattern run over the whole text instead of in windows (the tests' reference).</summary>
    internal static IReadOnlyList<Filing> FindOverWholeText(string text) => Find(text, null);

    private static List<Filing> Find(string text, Anchors? at)
    {
        var found = new List<Filing>();
        void Add(string type, string number, int offset)
        {
            if (found.Count >= 50) return;
            foreach (var f in found)
            {
                if (f.Type == type && f.Number == number) return;
            }
            found.Add(new Filing(type, number, offset));
        }
        // Each pattern runs only in a window around each occurrence of its fixed part: most pages skip all of them,
        // and a page that shows its filing pays for a few dozen characters, not for the whole page. The fixed parts
        // are found together in one pass over the page. (Without anchors, the reference: the whole text.)
        IEnumerable<Match> Near(Regex pattern, IReadOnlyList<int>? positions, string anchor, int before, int after) =>
            positions is null ? pattern.Matches(text) : Compliance.Near(pattern, text, positions, anchor, before, after);
        try
        {
            // ICP备 is a filing, ICP证 a licence: each is read only where its character follows (after up to two spaces).
            if (at is null)
            {
                foreach (Match m in IcpPattern().Matches(text))
                {
                    Add(Icp, $"{m.Groups[1].Value}ICP备{m.Groups[2].Value}号" + (m.Groups[3].Success ? "-" + m.Groups[3].Value : ""), m.Index);
                }
                foreach (Match m in IcpLicensePattern().Matches(text)) Add(IcpLicense, $"{m.Groups[1].Value}ICP证{m.Groups[2].Value}号", m.Index);
            }
            else
            {
                // The commonest filings, read in place at each fixed part (what the patterns match, without a regex run each:
                // starting one cost more than reading the few dozen characters).
                foreach (var i in at.Icp)
                {
                    if (Read(text, i, "ICP", '备', 6, 12) is var (start, digits, end))
                    {
                        Add(Icp, $"{text[start]}ICP备{digits}号" + (Suffix(text, end) is { } suffix ? "-" + suffix : ""), start);
                    }
                }
                foreach (var i in at.Icp)
                {
                    if (Read(text, i, "ICP", '证', 6, 12) is var (start, digits, _)) Add(IcpLicense, $"{text[start]}ICP证{digits}号", start);
                }
            }
            foreach (var m in Near(B2Pattern(), at?.B2, "B2", 3, 16)) Add(VasLicense, $"{m.Groups[1].Value}B2-{m.Groups[2].Value}", m.Index);
            if (at is null)
            {
                foreach (Match m in PsbPattern().Matches(text)) Add(Psb, $"{m.Groups[1].Value}公网安备{m.Groups[2].Value}号", m.Index);
            }
            else
            {
                foreach (var i in at.Psb)
                {
                    if (Read(text, i, "公网安备", '\0', 14, 14) is var (start, digits, _)) Add(Psb, $"{text[start]}公网安备{digits}号", start);
                }
            }
            foreach (var m in Near(AlgorithmPattern(), at?.Algorithm, "网信算备", 0, 32)) Add(Algorithm, $"网信算备{m.Groups[1].Value}号", m.Index);
            if (at?.SaysFiledOrOnline ?? (text.Contains("备案", StringComparison.Ordinal) || text.Contains("上线", StringComparison.Ordinal)))
            {
                // Province-Model-20YYMMDD: the date part is the fixed anchor; the word must start at a word boundary of the page.
                foreach (var m in Near(ModelPattern(), at?.ModelDate, "-20", 57, 7))
                {
                    if (ProvincePinyin.Contains(m.Groups[1].Value) && (m.Index == 0 || !char.IsLetterOrDigit(text[m.Index - 1]))) Add(GenAiModel, m.Value, m.Index);
                }
            }
            foreach (var m in Near(RegistrationPattern(), at?.Registration, "上线编号", 0, 48)) Add(GenAiRegistration, m.Groups[1].Value, m.Index);
        }
        catch (RegexMatchTimeoutException)
        {
            // A pathological page: keep what was found so far.
        }
        return found;
    }

    /// <summary>
    /// Where the patterns' fixed parts occur, in order, and whether the page says 备案 or 上线 (which gates the model
    /// pattern). The fixed parts outside ASCII (<see cref="Texts"/>) are noted by whoever reads the page — the catalog's
    /// literal scan, or <see cref="Find(string)"/>'s own pass — and <see cref="FindAscii"/> adds ICP and B2 (one search
    /// for their first characters, compared in place) and "-20", common in any page (dates, CSS), only on a page that
    /// says 备案 or 上线. The page is bounded, so are the lists.
    /// </summary>
    internal sealed class Anchors
    {
        /// <summary>What a fixed text outside ASCII stands for (ICP, B2 and "-20" are found by <see cref="FindAscii"/>).</summary>
        public enum Kind : byte { Online, Filed, Registration, Psb, Algorithm }

        /// <summary>
        /// The fixed texts outside ASCII: <see cref="Find(string)"/> looks for them itself; the catalog's literal scan of a
        /// page has them among its literals and notes where each starts (<see cref="Note"/>), where its search for text
        /// outside ASCII already stops, and <see cref="FindAscii"/> adds the rest. (The ASCII ones as literals cost more
        /// than they saved: the scan reads case-insensitively and its short-literal filter by character classes, so "B2"
        /// stood at every "br" of a page.)
        /// </summary>
        public static readonly (string Text, Kind Kind)[] Texts =
        [
            ("上线", Kind.Online), ("上线编号", Kind.Registration), ("备案", Kind.Filed), ("公网安备", Kind.Psb), ("网信算备", Kind.Algorithm),
        ];

        private static readonly SearchValues<char> AsciiStarts = SearchValues.Create("IB");

        /// <summary>After the scan's notes: where ICP and B2 occur, then "-20" on a page that says 备案 or 上线.</summary>
        public void FindAscii(string text)
        {
            var span = text.AsSpan();
            for (var pos = 0; pos < span.Length; pos++)
            {
                var next = span[pos..].IndexOfAny(AsciiStarts);
                if (next < 0) break;
                pos += next;
                if (span[pos..].StartsWith("ICP", StringComparison.Ordinal)) Add(ref _icp, pos);
                else if (span[pos..].StartsWith("B2", StringComparison.Ordinal)) Add(ref _b2, pos);
            }
            if (SaysFiledOrOnline) FindModelDates(span);
        }

        /// <summary>One of <see cref="Texts"/> starts at <paramref name="position"/> (called in text order).</summary>
        public void Note(Kind kind, int position)
        {
            switch (kind)
            {
                case Kind.Online or Kind.Filed: SaysFiledOrOnline = true; break;
                case Kind.Registration: Add(ref _registration, position); break;
                case Kind.Psb: Add(ref _psb, position); break;
                default: Add(ref _algorithm, position); break;
            }
        }

        /// <summary>Forgets what was noted (the lists keep their room for the next page).</summary>
        public void Clear()
        {
            _icp?.Clear();
            _b2?.Clear();
            _modelDate?.Clear();
            _psb?.Clear();
            _algorithm?.Clear();
            _registration?.Clear();
            SaysFiledOrOnline = false;
        }

        // Most pages have none of them: the lists are made on the first position (a page's run allocates no more than it finds).
        private List<int>? _icp, _b2, _modelDate, _psb, _algorithm, _registration;

        public IReadOnlyList<int> Icp => _icp ?? [];
        public IReadOnlyList<int> B2 => _b2 ?? [];
        public IReadOnlyList<int> ModelDate => _modelDate ?? [];
        public IReadOnlyList<int> Psb => _psb ?? [];
        public IReadOnlyList<int> Algorithm => _algorithm ?? [];
        public IReadOnlyList<int> Registration => _registration ?? [];

        public bool SaysFiledOrOnline { get; private set; }

        private static void Add(ref List<int>? list, int position) => (list ??= []).Add(position);

        /// <summary>Every anchor in a text, without a scan's notes: each of <see cref="Texts"/> has 备 or 上, so one search for those two finds them.</summary>
        public static Anchors Find(string text)
        {
            var found = new Anchors();
            var span = text.AsSpan();
            for (var pos = 0; pos < span.Length; pos++)
            {
                var next = span[pos..].IndexOfAny('备', '上');
                if (next < 0) break;
                pos += next;
                foreach (var (anchor, kind) in Texts)
                {
                    var at = anchor.IndexOf(span[pos]);
                    if (at >= 0 && pos >= at && span[(pos - at)..].StartsWith(anchor, StringComparison.Ordinal)) found.Note(kind, pos - at);
                }
            }
            found.FindAscii(text);
            return found;
        }

        private void FindModelDates(ReadOnlySpan<char> span)
        {
            for (var pos = 0; pos < span.Length; pos++)
            {
                var next = span[pos..].IndexOf("-20", StringComparison.Ordinal);
                if (next < 0) break;
                pos += next;
                Add(ref _modelDate, pos);
            }
        }
    }

    /// <summary>
    /// What <c>([province])\s{0,2}ANCHOR\s{0,2}THEN\s{0,2}(\d{min,max})</c> matches around the anchor at
    /// <paramref name="anchor"/> (<paramref name="then"/> '\0': none, and no spaces for it): where the match starts (the
    /// province), its digits, and where they end; null where it does not match. Digits and white space as the regex
    /// reads them (<see cref="char.IsDigit(char)"/>: any decimal digit; <see cref="char.IsWhiteSpace(char)"/>), the digits greedy.
    /// </summary>
    private static (int Start, string Digits, int End)? Read(string text, int anchor, string fixedText, char then, int min, int max)
    {
        var start = anchor - 1;
        for (var spaces = 0; spaces < 2 && start >= 0 && char.IsWhiteSpace(text[start]); spaces++) start--;
        if (start < 0 || !Provinces.Contains(text[start])) return null;
        var at = anchor + fixedText.Length;
        if (then != '\0')
        {
            at = SkipSpaces(text, at);
            if (at >= text.Length || text[at] != then) return null;
            at++;
        }
        at = SkipSpaces(text, at);
        var digits = DigitsAt(text, at, max);
        return digits < min ? null : (start, text.Substring(at, digits), at + digits);
    }

    /// <summary>The ICP filing's site number after its digits: <c>\s{0,2}号?(?:\s{0,2}-\s{0,2}(\d{1,4}))?</c>'s group, or null.</summary>
    private static string? Suffix(string text, int at)
    {
        at = SkipSpaces(text, at);
        if (at < text.Length && text[at] == '号') at++;
        at = SkipSpaces(text, at);
        if (at >= text.Length || text[at] != '-') return null;
        at = SkipSpaces(text, at + 1);
        var digits = DigitsAt(text, at, 4);
        return digits == 0 ? null : text.Substring(at, digits);
    }

    private static int SkipSpaces(string text, int at)
    {
        for (var spaces = 0; spaces < 2 && at < text.Length && char.IsWhiteSpace(text[at]); spaces++) at++;
        return at;
    }

    private static int DigitsAt(string text, int at, int max)
    {
        var n = 0;
        while (n < max && at + n < text.Length && char.IsDigit(text[at + n])) n++;
        return n;
    }

    /// <summary>
    /// The pattern's matches within <paramref name="before"/> characters before and <paramref name="after"/> after each
    /// occurrence of <paramref name="anchor"/> at <paramref name="positions"/> (overlapping windows are merged, so a
    /// match is found once).
    /// </summary>
    private static IEnumerable<Match> Near(Regex pattern, string text, IReadOnlyList<int> positions, string anchor, int before, int after) =>
        positions.Count == 0 ? [] : Windows(pattern, text, positions, anchor, before, after); // no iterator for an anchor the page lacks

    private static IEnumerable<Match> Windows(Regex pattern, string text, IReadOnlyList<int> positions, string anchor, int before, int after)
    {
        var scannedTo = 0;
        for (var p = 0; p < positions.Count; p++)
        {
            var i = positions[p];
            var start = Math.Max(i - before, scannedTo);
            var end = Math.Min(text.Length, i + anchor.Length + after);
            // Extend over the next anchors whose windows overlap this one.
            while (p + 1 < positions.Count && positions[p + 1] - before <= end)
            {
                i = positions[++p];
                end = Math.Min(text.Length, i + anchor.Length + after);
            }
            for (var m = pattern.Match(text, start, end - start); m.Success; m = m.NextMatch()) yield return m;
            scannedTo = end;
        }
    }

    // Source-generated backtracking code: these are the product's own patterns, with bounded quantifiers only and run
    // over windows of a few dozen characters, so backtracking stays bounded; the generated matcher with its captures
    // costs a fraction of the NonBacktracking engine's (catalog patterns, which are data, keep NonBacktracking).
    private const RegexOptions Options = RegexOptions.CultureInvariant;

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
