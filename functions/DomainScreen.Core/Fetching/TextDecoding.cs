using System.Text;
using System.Text.RegularExpressions;

namespace DomainScreen.Core.Fetching;

/// <summary>
/// Decodes page bytes with the declared or sniffed charset: BOM, then the Content-Type charset, then a
/// <c>&lt;meta charset&gt;</c> in the first 2 KiB, then UTF-8 if valid, else GB18030 (pages here that declare
/// nothing and are not UTF-8 are most often GBK). GB2312 and GBK are read as GB18030, their superset.
/// </summary>
public static partial class TextDecoding
{
    static TextDecoding() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static (string Text, string Charset) Decode(ReadOnlySpan<byte> bytes, string? declared)
    {
        if (bytes.StartsWith(Encoding.UTF8.Preamble)) return (Encoding.UTF8.GetString(bytes[3..]), "utf-8");
        if (bytes.StartsWith(Encoding.Unicode.Preamble)) return (Encoding.Unicode.GetString(bytes[2..]), "utf-16le");
        if (bytes.StartsWith(Encoding.BigEndianUnicode.Preamble)) return (Encoding.BigEndianUnicode.GetString(bytes[2..]), "utf-16be");
        var encoding = ByName(declared) ?? ByName(MetaCharset(bytes));
        if (encoding is null)
        {
            encoding = System.Text.Unicode.Utf8.IsValid(bytes) ? Encoding.UTF8 : Encoding.GetEncoding("GB18030");
        }
        return (encoding.GetString(bytes), encoding.WebName);
    }

    /// <summary>The charset parameter of a Content-Type header value, or null.</summary>
    public static string? CharsetOf(string? contentType)
    {
        if (contentType is null) return null;
        var match = CharsetParameter().Match(contentType);
        return match.Success ? match.Groups[1].Value : null;
    }

    private static Encoding? ByName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) return null;
        name = name.Trim().Trim('"', '\'').ToLowerInvariant();
        if (name is "gb2312" or "gbk" or "x-gbk" or "cp936" or "gb_2312-80" or "euc-cn") name = "gb18030";
        if (name is "big5-hkscs" or "x-x-big5") name = "big5";
        try
        {
            return Encoding.GetEncoding(name);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static string? MetaCharset(ReadOnlySpan<byte> bytes)
    {
        var head = Encoding.Latin1.GetString(bytes[..Math.Min(bytes.Length, 2048)]);
        try
        {
            var match = MetaCharsetPattern().Match(head);
            return match.Success ? match.Groups[1].Value : null;
        }
        catch (RegexMatchTimeoutException)
        {
            // Only a starved process gets here (2 KiB, bounded pattern): sniff the bytes instead of failing the screen.
            return null;
        }
    }

    [GeneratedRegex(@"charset\s*=\s*[""']?([A-Za-z0-9_\-:.]{1,40})", RegexOptions.IgnoreCase | RegexOptions.NonBacktracking, 2000)]
    private static partial Regex CharsetParameter();

    [GeneratedRegex(@"<meta[^>]{0,200}?charset\s*=\s*[""']?([A-Za-z0-9_\-:.]{1,40})", RegexOptions.IgnoreCase, 2000)]
    private static partial Regex MetaCharsetPattern();
}
