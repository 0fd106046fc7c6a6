using System.Text;
using DomainScreen.Core.Fingerprints;

namespace DomainScreen.Core.Tests.Fingerprints;

/// <summary>
/// The negation check before a term ("拒绝刷量", "we never sell accounts") reads its window once, comparing only the
/// negators that start with each character; it must say exactly what searching for every negator's last occurrence said.
/// </summary>
public sealed class NegatedTests
{
    private static readonly string[] Negators = ["拒绝", "杜绝", "严禁", "禁止", "不提供", "不做", "绝不", "从不", "不支持", "反对", "抵制", "远离", "谨防",
        "no ", "not ", "never ", "don't ", "do not ", "won't ", "we refuse ", "against ", "beware of ", "free of ", "zero "];

    /// <summary>The check as it was: a case-insensitive LastIndexOf for every negator.</summary>
    private static bool Reference(ReadOnlySpan<char> text, int at)
    {
        var from = Math.Max(0, at - 12);
        var before = text[from..at];
        foreach (var n in Negators)
        {
            var i = before.LastIndexOf(n, StringComparison.OrdinalIgnoreCase);
            if (i < 0) continue;
            var gap = before.Length - (i + n.Length);
            var start = from + i;
            if (n[0] > 127 ? gap <= 1 : gap <= 6 && (start == 0 || !char.IsAsciiLetter(text[start - 1]))) return true;
        }
        return false;
    }

    [Fact]
    public void SaysWhatSearchingForEveryNegatorSaid_AtEveryPosition()
    {
        string[] pieces = [.. Negators, .. Negators.Select(n => n.ToUpperInvariant()), "NoT ", "Never", "d", "o", "n", "'", " ", "x", "刷量", "换脸", "，", "a", "W", "ZERO", "ſ", "ı"];
        var random = new Random(1202);
        var agreed = 0;
        for (var round = 0; round < 2000; round++)
        {
            var text = new StringBuilder();
            var count = random.Next(1, 12);
            for (var i = 0; i < count; i++) text.Append(pieces[random.Next(pieces.Length)]);
            var s = text.ToString();
            for (var at = 0; at <= s.Length; at++)
            {
                Assert.True(Reference(s, at) == CompiledCatalog.Negated(s, at), $"at {at} in \"{s}\"");
                agreed++;
            }
        }
        Assert.True(agreed > 10_000);
    }

    [Theory]
    [InlineData("我们拒绝刷量", 4, true)]
    [InlineData("We NEVER sell accounts", 9, true)]
    [InlineData("Casino sells accounts", 13, false)] // "no" inside a word is not a negation
    [InlineData("免费换脸", 2, false)]
    public void KnownCases(string text, int at, bool negated) => Assert.Equal(negated, CompiledCatalog.Negated(text, at));
}
