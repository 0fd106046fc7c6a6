using DomainScreen.Core.Fingerprints;

namespace DomainScreen.Core.Tests.Fingerprints;

/// <summary>
/// The literal scanner against the obvious search (every literal compared at every position): its tables may only
/// skip positions where nothing can start, dead literals stay dead only within one scan.
/// </summary>
public class LiteralScannerTests
{
    private static readonly string[] Literals =
    [
        "news", "news spinner", "news about anyone", "claude", "Claude中转", "face swap", "faceswap", "换脸", "一键换脸", "AI换脸",
        "ＡＩ换脸", "脫衣", "脱衣", "voice clone", "ab", "abc", "abcd", "abcde", "ICP", "ßx", "straße", "Kelvin", "ĳs",
    ];

    private static List<(int Literal, int At)> Obvious(string[] literals, string text, int maxHits)
    {
        var found = new List<(int, int)>();
        var hits = new int[literals.Length];
        for (var at = 0; at < text.Length; at++)
        {
            // Longest first at one position, like the scanner.
            foreach (var id in Enumerable.Range(0, literals.Length).OrderByDescending(i => literals[i].Length))
            {
                if (hits[id] < maxHits && text.AsSpan(at).StartsWith(literals[id], StringComparison.OrdinalIgnoreCase))
                {
                    found.Add((id, at));
                    hits[id]++;
                }
            }
        }
        return found;
    }

    private static List<(int Literal, int At)> Scanned(LiteralScanner scanner, string text, int maxHits)
    {
        var found = new List<(int, int)>();
        scanner.Scan(text, maxHits, (id, at) =>
        {
            found.Add((id, at));
            return true;
        });
        return found;
    }

    private static string RandomText(Random random, string[] literals, int length)
    {
        // Pieces of literals, whole literals in mixed case, CJK, markup and full-width letters: near misses galore.
        string[] noise = ["<div class=\"x\">", " ", "新闻", "换", "脸", "ｆａｃｅ", "NEWS", "New", "cla", "clau", "中", "ab", "a", "Ｉ", "\u200B", "ä", "ẞ", "K"];
        var sb = new System.Text.StringBuilder();
        while (sb.Length < length)
        {
            var literal = literals[random.Next(literals.Length)];
            sb.Append(random.Next(4) switch
            {
                0 => literal,
                1 => literal.ToUpperInvariant(),
                2 => literal[..random.Next(1, literal.Length + 1)],
                _ => noise[random.Next(noise.Length)],
            });
        }
        return sb.ToString();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Scan_FindsWhatComparingEveryPositionFinds(bool vectorised)
    {
        var scanner = new LiteralScanner(Literals, vectorised);
        var random = new Random(7);
        for (var round = 0; round < 200; round++)
        {
            var text = RandomText(random, Literals, random.Next(0, 400));
            Assert.Equal(Obvious(Literals, text, int.MaxValue), Scanned(scanner, text, int.MaxValue));
            Assert.Equal(Obvious(Literals, text, 1), Scanned(scanner, text, 1));
        }
    }

    [Fact]
    public void DeadLiteral_DoesNotHideLongerLiteralsWithTheSameStart()
    {
        var scanner = new LiteralScanner(Literals);
        var found = Scanned(scanner, "news. news. news spinner", 1).Select(f => (Scanner: Literals[f.Literal], f.At)).ToList();
        Assert.Equal([("news", 0), ("news spinner", 12)], found);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void NextScan_StartsClean_AfterOneThatKilledLiterals(bool vectorised)
    {
        const string text = "claude 换脸 news abcde";
        var expected = Scanned(new LiteralScanner(Literals, vectorised), text, 1);
        var scanner = new LiteralScanner(Literals, vectorised);
        // Each literal twice: a dead literal is killed (its bits cleared) when the scan meets it again. The next scan
        // on this thread reuses the tables (no other scanner in between).
        Scanned(scanner, "news claude 换脸 abcde face swap ICP news claude 换脸 abcde face swap ICP", 1);
        Assert.Equal(expected, Scanned(scanner, text, 1));
        Assert.Equal(4 + 3, expected.Count); // claude, 换脸, news, abcde + abcd, abc, ab
    }

    [Fact]
    public void FindThatDoesNotCount_LeavesTheLiteralAlive()
    {
        var scanner = new LiteralScanner(Literals);
        var seen = new List<int>();
        // The first find is refused (a negated mention); the second counts; the third is past the limit.
        scanner.Scan("换脸 换脸 换脸", 1, (id, at) =>
        {
            if (Literals[id] != "换脸") return true;
            seen.Add(at);
            return at > 0;
        });
        Assert.Equal([0, 3], seen);
    }

    [Fact]
    public void ScansOnManyThreads_AgreeWithOneScan()
    {
        var scanner = new LiteralScanner(Literals);
        var random = new Random(11);
        var texts = Enumerable.Range(0, 64).Select(_ => RandomText(random, Literals, 300)).ToArray();
        var expected = texts.Select(t => Obvious(Literals, t, 1)).ToArray();
        Parallel.For(0, texts.Length * 4, i => Assert.Equal(expected[i % texts.Length], Scanned(scanner, texts[i % texts.Length], 1)));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Scan_FindsWhatComparingEveryPositionFinds_ForEveryKindOfLiteral(bool vectorised)
    {
        // Generated literals of every kind the scanner treats apart: long ASCII (six or more, found from every third
        // position), short ASCII (found by a vectorised search), and those with CJK among their first six characters
        // (up to five ASCII ones before it, compared only near such characters), at every phase and up to the text's end.
        var random = new Random(23);
        string Word(int length, string alphabet) => new(Enumerable.Range(0, length).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
        const string ascii = "abcdeAB-. ", cjk = "换脸中文";
        for (var round = 0; round < 40; round++)
        {
            var literals = Enumerable.Range(0, 12).Select(i => (i % 3) switch
            {
                0 => Word(random.Next(6, 11), ascii),
                1 => Word(random.Next(2, 6), ascii),
                _ => Word(random.Next(0, 6), ascii) + Word(random.Next(1, 3), cjk) + Word(random.Next(0, 3), ascii),
            }).Where(l => l.Length >= 2).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
            var scanner = new LiteralScanner(literals, vectorised);
            for (var text = 0; text < 10; text++)
            {
                var sb = new System.Text.StringBuilder(Word(random.Next(0, 3), ascii));
                while (sb.Length < 200)
                {
                    var literal = literals[random.Next(literals.Length)];
                    sb.Append(random.Next(3) switch { 0 => literal, 1 => literal.ToUpperInvariant(), _ => Word(random.Next(1, 4), ascii + cjk) });
                }
                var page = sb.ToString();
                Assert.Equal(Obvious(literals, page, int.MaxValue), Scanned(scanner, page, int.MaxValue));
                Assert.Equal(Obvious(literals, page, 1), Scanned(scanner, page, 1));
            }
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ShortAsciiLiterals_AreFound_AtEveryPlaceInAndAcrossBlocksOf64_AndAtTheEnd(bool vectorised)
    {
        // The vectorised search reads 64 positions at once: while a whole block follows, the three characters after a
        // block from the next one; then blocks with the three characters after them, the last block overlapping the one
        // before; the last positions one by one. Each literal is put at every position of texts from 1 to 330 characters
        // (every seventh past 70), among characters whose low byte is an ASCII letter of it (š is 0x161: 'a').
        string[] literals = ["nsfw", "scam", "gpt-4", "ab", "xyz", "abcd", "long enough"];
        var scanner = new LiteralScanner(literals, vectorised);
        foreach (var literal in literals.Where(l => l.Length < 6))
        {
            for (var length = literal.Length; length <= 330; length++)
            {
                for (var at = 0; at + literal.Length <= length; at += length < 70 ? 1 : 7)
                {
                    var text = (new string('š', at) + literal.ToUpperInvariant()).PadRight(length, 'ų'); // 0x173: 's'
                    Assert.Equal(Obvious(literals, text, 1), Scanned(scanner, text, 1));
                    Assert.Contains(Array.IndexOf(literals, literal), Scanned(scanner, text, 1).Select(f => f.Literal));
                }
            }
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void LongLiterals_SharingTheirFirstSixWithCommonText_AreFoundWhereTheyStand_AndAtTheEnd(bool vectorised)
    {
        // Where every long literal with a given first six has ten characters or more, the scan reads the text's first ten
        // before it compares ("https:" starts every link; "https://big-agi.com" few). Each literal, in either case and cut
        // at every length, at every phase of the scan's steps, at the text's end or before a character that ends it
        // differently (outside ASCII too): found exactly where comparing every position finds it.
        string[] literals =
        [
            "https://big-agi.com", "https://anythingllm.com", "window.gradio_config", "midjourney", "generate fake news",
            "generated", "face swap online", "face swap", "deepswap换脸神器",
        ];
        var scanner = new LiteralScanner(literals, vectorised);
        string[] tails = ["", " ", "é", "x", "/", "换脸"];
        foreach (var literal in literals)
        {
            foreach (var piece in new[] { literal, literal.ToUpperInvariant() })
            {
                for (var cut = 6; cut <= piece.Length; cut++)
                {
                    for (var phase = 0; phase < 6; phase++)
                    {
                        foreach (var tail in tails)
                        {
                            var text = "<a href=\"https://example.com/x\">".PadRight(33 + phase, '.') + piece[..cut] + tail;
                            Assert.Equal(Obvious(literals, text, int.MaxValue), Scanned(scanner, text, int.MaxValue));
                        }
                    }
                }
            }
        }
        // The ten read at the text's very end: a ten-character literal there is found, nine of it are not.
        Assert.Equal([(3, 3)], Scanned(scanner, "ok MIDJOURNEY", int.MaxValue));
        Assert.Empty(Scanned(scanner, "ok midjourne", int.MaxValue));
    }

    [Fact]
    public void LongerThanTheKeys_TheRestIsCompared_ExactlyWhereItHasNoCase()
    {
        // Past the eight characters the keys settle, a Chinese rest is compared exactly and any other ignoring case: a
        // rest one character off, in another case, or with a look-alike (U+212A KELVIN SIGN is not K ignoring case).
        string[] literals = ["一键换脸在线免费使用", "AI换脸工具ProMax版", "deepfake换脸教程大全", "voiceclone软件Kelvin", "abcdefgh换", "abcdefghK", "straßenfest换脸"];
        var scanner = new LiteralScanner(literals);
        const string text = "一键换脸在线免费使用 一键换脸在线免费试用 ai换脸工具promax版 AI换脸工具ProMax板 DEEPFAKE换脸教程大全 deepfake换脸教程大"
            + " voiceclone软件\u212Aelvin VOICECLONE软件KELVIN ABCDEFGH换 abcdefgh\u212A ABCDEFGHk STRASSENFEST换脸 straẞenfest换脸 STRAßENFEST换脸";
        var found = Scanned(scanner, text, int.MaxValue);
        Assert.Equal(Obvious(literals, text, int.MaxValue), found);
        Assert.Equal(["一键换脸在线免费使用", "AI换脸工具ProMax版", "deepfake换脸教程大全", "voiceclone软件Kelvin", "abcdefgh换", "abcdefghK", "straßenfest换脸"],
            found.Select(f => literals[f.Literal]));
    }

    [Fact]
    public void NoOtherCharacter_EqualsAnAsciiLetterIgnoringCase()
    {
        // The scanner reads long ASCII literals only where the text is ASCII, and steps over ASCII text for the others:
        // both rest on this. (U+212A KELVIN SIGN lower-cases to 'k' but does not equal it ignoring case.)
        Span<char> other = stackalloc char[1], letter = stackalloc char[1];
        var equal = new List<int>();
        for (var c = 128; c < 65536; c++)
        {
            other[0] = (char)c;
            for (var a = 'A'; a <= 'z'; a++)
            {
                letter[0] = a;
                if (((ReadOnlySpan<char>)other).Equals(letter, StringComparison.OrdinalIgnoreCase)) equal.Add(c);
            }
        }
        Assert.Empty(equal);
    }

    [Fact]
    public void CharactersSharingALowerCase_MatchOnlyWhereTheyAreEqualIgnoringCase()
    {
        // ẞ lower-cases to ß, U+2126 OHM SIGN to ω, U+212B ANGSTROM SIGN to å, U+212A KELVIN SIGN to k, ϴ to θ — and none
        // equals the other ignoring case (ordinal ignore-case goes by upper case): a short literal with one of them is
        // still compared in full where its lower-cased keys match; one without is settled by the keys.
        string[] literals = ["ßx换", "ωm换", "åb换", "kö换", "θe换", "换脸ab"];
        var scanner = new LiteralScanner(literals);
        const string text = "ẞx换 ßX换 \u2126m换 ΩM换 \u212Bb换 Åb换 \u212Aö换 Kö换 ϴe换 Θe换 换脸AB";

        var found = Scanned(scanner, text, int.MaxValue);
        Assert.Equal(Obvious(literals, text, int.MaxValue), found);
        Assert.Equal(6, found.Count); // ßX换 ΩM换 Åb换 Kö换 Θe换 换脸AB, and none of the look-alikes
    }

    [Fact]
    public void EveryAsciiCharacter_MatchesItsOtherCaseAndNothingElse_InEveryPlaceOfTheKeys()
    {
        // The keys of ASCII text are lower-cased four characters at once: every printable character at each of the
        // four places, in literals of every kind (short, long, with Chinese after), against the text in both cases and
        // against its neighbours in the code table ('@' and '[' around the capitals, '`' and '{' around the small letters).
        var literals = new List<string>();
        for (var c = ' '; c <= '~'; c++)
        {
            for (var place = 0; place < 4; place++)
            {
                var word = "qjxv".ToCharArray();
                word[place] = c;
                literals.Add(new string(word) + "!");
                literals.Add(new string(word) + "longer");
                literals.Add(new string(word) + "换");
            }
        }
        var distinct = literals.Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        var scanner = new LiteralScanner(distinct); // hundreds of short ones: the runtime's search, not the 64-literal filter
        var text = string.Join(" ", distinct.Select(l => l.ToUpperInvariant()).Concat(distinct.Select(l => l.ToLowerInvariant()))
            .Concat(distinct.Select(l => l.Replace('A', '@').Replace('Z', '[').Replace('a', '`').Replace('z', '{'))));
        Assert.Equal(Obvious(distinct, text, int.MaxValue), Scanned(scanner, text, int.MaxValue));
    }

    [Fact]
    public void ShortLiteral_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => new LiteralScanner(["a"]));
    }
}
