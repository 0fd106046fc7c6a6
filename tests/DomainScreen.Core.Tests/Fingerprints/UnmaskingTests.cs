using DomainScreen.Core.Fingerprints;

namespace DomainScreen.Core.Tests.Fingerprints;

public class UnmaskingTests
{
    private const string Invisible = "\u200B\u200C\u200D\u2060\uFEFF\u00AD\u180E\u2062\u2063\u2064";

    // Neighbours of every invisible character (and the one gap inside their range, U+2061), plus ordinary text.
    private const string NearMisses = "\u200A\u200E\u205F\u2061\u2065\u00AC\u00AE\u180D\u180F\uFEFE\uFF00\u201C\u201D\u2026\u2014 a换脸。";

    [Fact]
    public void IndexOfInvisible_AgreesWithTheObviousSearch()
    {
        var random = new Random(7);
        for (var round = 0; round < 500; round++)
        {
            var length = random.Next(0, 200);
            var chars = new char[length];
            for (var i = 0; i < length; i++) chars[i] = NearMisses[random.Next(NearMisses.Length)];
            // Half the texts get one invisible character somewhere (first, last, inside or across a vector's edge).
            if (length > 0 && random.Next(2) == 0) chars[random.Next(length)] = Invisible[random.Next(Invisible.Length)];
            var text = new string(chars);
            Assert.Equal(Obvious(text), Unmasking.IndexOfInvisible(text));
        }
    }

    [Fact]
    public void IndexOfMasking_AgreesWithTheObviousSearch()
    {
        // '&' and '#' apart, in the wrong order and across a vector's edge; sometimes one invisible character too.
        const string Pieces = "ab&#;x#&\u2061\u200A换";
        var random = new Random(11);
        for (var round = 0; round < 1000; round++)
        {
            var length = random.Next(0, 120);
            var chars = new char[length];
            for (var i = 0; i < length; i++) chars[i] = random.Next(4) == 0 ? Pieces[random.Next(Pieces.Length)] : 'x';
            if (length > 0 && random.Next(3) == 0) chars[random.Next(length)] = Invisible[random.Next(Invisible.Length)];
            var text = new string(chars);
            Assert.Equal(Obvious(text, references: true), Unmasking.IndexOfMasking(text));
            Assert.Equal(Obvious(text), Unmasking.IndexOfInvisible(text));
        }
    }

    [Theory]
    // Ordinary references first, then the masking ones; either kind first when a page has both.
    [InlineData("it&#39;s &#160; &#x2019; then &#25442;&#33080;", "it's \u00A0 \u2019 then 换脸")]
    [InlineData("&#39;一\u200B键 and later &#x6362;&#x8138;", "'一键 and later 换脸")]
    [InlineData("一\u200B键 and later &#25442;&#33080;", "一键 and later 换脸")]
    [InlineData("&#25442;&#33080; and later 一\u200B键", "换脸 and later 一键")]
    [InlineData("&#39;一\u200B键 &amp;# &#", "&#39;一键 &amp;# &#")] // no reference to a letter: not decoded
    public void Unmask_UndoesBothKindsWhicheverComesFirst(string html, string expected)
    {
        Assert.Equal(expected, Unmasking.Unmask(html));
    }

    [Fact]
    public void Unmask_OfAPageOfUnfinishedReferences_FindsNoneAndStillFindsAFinishedOne()
    {
        // "&#" 100,000 times and no ';' (each is read a few characters on: reading each to the end of the page took seconds).
        var page = string.Concat(Enumerable.Repeat("&#1", 100_000));
        Assert.Null(Unmasking.Unmask(page));
        Assert.Equal("&#1" + "换", Unmasking.Unmask(page[..3] + "&#25442;")); // one that ends is still found
    }

    /// <summary>
    /// A page goes through the decoder exactly when it has a numeric reference to a letter or a CJK character: one to
    /// eight decimal or hexadecimal digits and a ';' — checked against a pattern on random pieces of references.
    /// </summary>
    [Fact]
    public void Unmask_DecodesExactlyThePagesWithAReferenceToAWord()
    {
        string[] pieces = ["&#25442", "&#x6362", "&#65", "&#39", "&#x2000", "25442", "6362", "&#000", "&#x000", "000", "&#00025442", "&#000025442", "&#x00006362", "&#x000006362", "&#", "&#x", "&#X", "6", "5", "9", "1", "0", "4", "e", "E", "f", "a", "g", ";", " ", "&", "#", "x"];
        var reference = new System.Text.RegularExpressions.Regex("&#(?:([0-9]{1,8})|[xX]([0-9a-fA-F]{1,8}));");
        bool Expected(string text) => reference.Matches(text).Any(m =>
        {
            var code = m.Groups[1].Success ? long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)
                : long.Parse(m.Groups[2].Value, System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);
            return code is >= 'A' and <= 'Z' or >= 'a' and <= 'z' or >= 0x2E80 and <= 0x9FFF or >= 0xF900 and <= 0xFAFF;
        });
        var random = new Random(2026);
        var decoded = 0;
        for (var round = 0; round < 5000; round++)
        {
            var text = string.Concat(Enumerable.Range(0, random.Next(1, 16)).Select(_ => pieces[random.Next(pieces.Length)]));
            var expected = Expected(text);
            if (expected) decoded++;
            Assert.True(expected == Unmasking.Unmask(text) is not null, $"'{text}': expected {(expected ? "decoded" : "left alone")}");
        }
        Assert.True(decoded > 100, $"only {decoded} texts had a reference to a word");
    }

    private static int Obvious(string text, bool references = false)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (Invisible.Contains(text[i], StringComparison.Ordinal) || (references && text[i] == '&' && i + 1 < text.Length && text[i + 1] == '#')) return i;
        }
        return -1;
    }

    [Theory]
    [InlineData('\u200B')]
    [InlineData('\u200D')]
    [InlineData('\u2060')]
    [InlineData('\u2064')]
    [InlineData('\u00AD')]
    [InlineData('\u180E')]
    [InlineData('\uFEFF')]
    public void EachInvisibleCharacter_IsFoundAtEveryPositionOfALongPage(char invisible)
    {
        var page = new string('x', 100) + "“quoted”…" + new string('y', 100);
        for (var at = 0; at < page.Length; at += 7)
        {
            var text = page[..at] + invisible + page[at..];
            Assert.Equal(at, Unmasking.IndexOfInvisible(text));
        }
        Assert.Equal(-1, Unmasking.IndexOfInvisible(page + "\u2061"));
    }

    [Fact]
    public void FirstMaskedAndAnchor_IsWhereUnmaskingStartsAndTheFirstAnchor_InOnePass()
    {
        // References to words and to punctuation, invisible characters and their neighbours, currency signs and '#',
        // '&' apart: the pass's masking position must leave Unmask's result unchanged (and be -1 exactly when Unmask
        // finds nothing), its anchor must be the first anchor character; lengths cross 32-unit vectors. Anchors in ASCII
        // other than '$' and '&' ("b") turn off the pass's shortcut over ASCII vectors.
        string[] pieces = ["&#25442;", "&#x6362;", "&#39;", "&#160;", "&#x2019;", "&#65;", "&#", "&", "#", ";", "¥", "￥", "$", "€", "£", "换脸", "ab", " ", "x"];
        var random = new Random(17);
        foreach (var anchors in new[] { "¥￥$€£", "$", "", "€b", "&" })
        {
            for (var round = 0; round < 2000; round++)
            {
                var sb = new System.Text.StringBuilder();
                var length = random.Next(0, 160);
                while (sb.Length < length)
                {
                    sb.Append(random.Next(6) switch
                    {
                        0 => pieces[random.Next(pieces.Length)],
                        1 when random.Next(4) == 0 => Invisible[random.Next(Invisible.Length)].ToString(),
                        1 => NearMisses[random.Next(NearMisses.Length)].ToString(),
                        _ => "x",
                    });
                }
                var text = sb.ToString();
                if (Unmasking.FirstMaskedAndAnchor(text, anchors) is not var (masked, anchor)) return; // no 512-bit vectors here: the engine searches apart
                Assert.Equal(anchors.Length == 0 ? -1 : text.AsSpan().IndexOfAny(anchors), anchor);
                var whole = Unmasking.Unmask(text);
                Assert.Equal(whole is null, masked < 0);
                if (masked >= 0) Assert.Equal(whole, Unmasking.Unmask(text, masked));
            }
        }
        // An ASCII anchor in a vector of nothing but plain ASCII.
        var plain = new string('x', 100) + "b" + new string('x', 100);
        if (Unmasking.FirstMaskedAndAnchor(plain, "€b") is var (none, b)) Assert.Equal((-1, 100), (none, b));
    }
}
