using DomainScreen.Core.Fingerprints;

namespace DomainScreen.Core.Tests.Fingerprints;

/// <summary>The CJK-anchored case-insensitive search gives the runtime's answers, faster.</summary>
public class IgnoreCaseTests
{
    [Fact]
    public void CaselessCharacters_EqualOnlyThemselvesIgnoringCase()
    {
        // A character equal to a caseless one ignoring case would be reached from it by a case mapping (either way).
        for (var c = 0; c < 65536; c++)
        {
            var ch = (char)c;
            foreach (var mapped in new[] { char.ToUpperInvariant(ch), char.ToLowerInvariant(ch) })
            {
                if (mapped == ch || !(IgnoreCase.IsCaseless(mapped) || IgnoreCase.IsCaseless(ch))) continue;
                Assert.False(MemoryExtensions.Equals([ch], [mapped], StringComparison.OrdinalIgnoreCase), $"U+{c:X4} equals U+{(int)mapped:X4}");
            }
            if (IgnoreCase.IsCaseless(ch)) Assert.True(char.ToUpperInvariant(ch) == ch && char.ToLowerInvariant(ch) == ch, $"U+{c:X4} has a case");
        }
    }

    [Fact]
    public void IndexOf_AgreesWithTheRuntime_OnMixedText()
    {
        var random = new Random(5);
        string[] pieces = ["换脸", "AI换脸", "ａｉ换脸", "一键", "深度求索", "DeepSeek", "deepseek", "Ｄｅｅｐ", "换", "脸", "ä", "Ä", "ẞ", "ß", "K", "\u212A", "ǅ", "ǆ", "Σ", "σ", "ς", " ", "、"];
        for (var round = 0; round < 3000; round++)
        {
            var text = string.Concat(Enumerable.Range(0, random.Next(0, 12)).Select(_ => pieces[random.Next(pieces.Length)]));
            var value = string.Concat(Enumerable.Range(0, random.Next(1, 4)).Select(_ => pieces[random.Next(pieces.Length)]));
            if (random.Next(3) == 0) value = value.ToUpperInvariant();
            var start = random.Next(0, text.Length + 1);
            Assert.Equal(text.IndexOf(value, StringComparison.OrdinalIgnoreCase), IgnoreCase.IndexOf(text, value));
            var expected = text.IndexOf(value, start, StringComparison.OrdinalIgnoreCase);
            Assert.Equal(expected, IgnoreCase.IndexOf(text, IgnoreCase.Needle.Of(value), start));
        }
    }

    [Theory]
    [InlineData("官方 DeepSeek 深度求索 下载", "深度求索", 12)]
    [InlineData("ai换脸 AI换脸", "Ai换脸", 0)]
    [InlineData("换 脸换", "换脸", -1)]
    [InlineData("脸", "换脸", -1)] // the anchor near the text's start with the value's head before it
    [InlineData("", "换脸", -1)]
    public void IndexOf_FindsTheFirstWholeMatch(string text, string value, int expected) =>
        Assert.Equal(expected, IgnoreCase.IndexOf(text, value));
}
