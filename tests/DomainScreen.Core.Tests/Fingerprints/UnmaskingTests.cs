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

    private static int Obvious(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (Invisible.Contains(text[i], StringComparison.Ordinal)) return i;
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
}
