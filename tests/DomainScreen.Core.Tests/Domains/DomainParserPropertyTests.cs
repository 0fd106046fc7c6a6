using System.Text;
using DomainScreen.Core.Domains;

namespace DomainScreen.Core.Tests.Domains;

/// <summary>Generated inputs: the parser never throws anything but its documented exception, and is idempotent.</summary>
public sealed class DomainParserPropertyTests
{
    private static readonly DomainParser Parser = TestSuffixes.Parser;

    // Pieces analysts paste, mixed at random: letters, IDN, separators, URL syntax and hostile characters.
    private static readonly string[] Pieces =
    [
        "a", "b", "z", "x", "0", "9", "-", "--", ".", "..", "_", "*", "*.", " ", "\t", "\uFEFF", "\u200B", "。", "．",
        "例", "子", "公司", "中国", "ü", "ß", "ς", "\u0627", "\u05D0", "\u0301", "\uD83D\uDE00", "\uD800", "I", "İ", "K",
        "com", "cn", "com.cn", "github.io", "xn--", "xn--fsqu00a", "xn--55qx5d", "http://", "https://", "//", "/", "?",
        "#", ":", ":80", "@", "[", "]", "::1", "1.2.3.4", "%", "\\", "\0", "\u00A0", "\u3000", "ＡＢ", "test",
    ];

    [Fact]
    public void TryParse_RandomInputs_NeverThrowAndStayConsistent()
    {
        var random = new Random(20261125);
        var parsed = 0;
        for (var i = 0; i < 20_000; i++)
        {
            var input = Generate(random);
            var result = Parser.TryParse(input, allowWildcard: random.Next(2) == 0);
            Assert.True(result.Success ^ (result.Error is not null), input);
            if (!result.Success)
            {
                var ex = Assert.Throws<DomainFormatException>(() => Parser.Parse(input));
                Assert.False(string.IsNullOrWhiteSpace(ex.Message));
                continue;
            }
            parsed++;
            AssertCanonical(input, result.Name!);
        }
        Assert.True(parsed > 500, $"only {parsed} generated inputs parsed; the generator is too hostile to test the happy path");
    }

    [Fact]
    public void TryParse_RandomValidNames_RoundTripThroughAsciiAndUnicode()
    {
        var random = new Random(7);
        string[] tlds = ["com", "cn", "com.cn", "net", "公司", "中国", "github.io", "test", "co.uk"];
        for (var i = 0; i < 5_000; i++)
        {
            var labels = Enumerable.Range(0, random.Next(1, 4)).Select(_ => RandomLabel(random));
            var name = string.Join('.', labels) + "." + tlds[random.Next(tlds.Length)];
            var result = Parser.TryParse(name);
            Assert.True(result.Success, $"{name}: {result.Error?.Message}");
            AssertCanonical(name, result.Name!);
        }
    }

    private static void AssertCanonical(string input, DomainName name)
    {
        Assert.True(name.Ascii.Length <= DomainParser.MaxNameLength, input);
        Assert.True(Ascii.IsValid(name.Ascii), input);
        Assert.Equal(name.Ascii.ToLowerInvariant(), name.Ascii);
        Assert.All(name.Ascii.Split('.'), l => Assert.InRange(l.Length, 1, DomainParser.MaxLabelLength));
        Assert.EndsWith(name.RegistrableDomain, name.Ascii, StringComparison.Ordinal);
        Assert.EndsWith("." + name.PublicSuffix, name.RegistrableDomain, StringComparison.Ordinal);
        // Idempotent: the canonical forms parse back to the same name.
        Assert.Equal(name.Ascii, Parser.Parse(name.Ascii, true).Ascii);
        Assert.Equal(name.Ascii, Parser.Parse(name.Unicode, true).Ascii);
    }

    private static string Generate(Random random)
    {
        var sb = new StringBuilder();
        var count = random.Next(0, 12);
        for (var i = 0; i < count; i++)
        {
            sb.Append(random.Next(4) == 0 ? RandomLabel(random) : Pieces[random.Next(Pieces.Length)]);
        }
        if (random.Next(3) == 0) sb.Append('.').Append(random.Next(2) == 0 ? "com" : "cn");
        if (random.Next(50) == 0) sb.Append(new string('a', random.Next(60, 300)));
        return sb.ToString();
    }

    private static string RandomLabel(Random random)
    {
        const string ascii = "abcdefghijklmnopqrstuvwxyz0123456789";
        const string han = "例子公司网络人工智能换脸声音";
        var length = random.Next(1, 12);
        var chars = new char[length];
        var useHan = random.Next(4) == 0;
        for (var i = 0; i < length; i++)
        {
            chars[i] = useHan ? han[random.Next(han.Length)] : ascii[random.Next(ascii.Length)];
        }
        return new string(chars);
    }
}
