using System.Buffers;
using System.Globalization;
using System.Net;

namespace DomainScreen.Core.Domains;

/// <summary>The outcome of <see cref="DomainParser.TryParse"/>: a name or an error, never both.</summary>
public readonly record struct DomainParseResult(DomainName? Name, DomainParseError? Error)
{
    public bool Success => Name is not null;
}

/// <summary>
/// Reads what analysts paste (<c>Example.COM.</c>, <c>https://例子.公司/x?y</c>, <c>xn--fsqu00a.xn--55qx5d</c>,
/// <c>*.foo.cn</c>, with spaces or a BOM) into one canonical <see cref="DomainName"/>: UTS-46 via
/// <see cref="IdnMapping"/> with STD3 rules, then the Public Suffix List. Thread-safe.
/// </summary>
public sealed class DomainParser(PublicSuffixList suffixes)
{
    /// <summary>RFC 1035 limits, in octets of the ASCII form.</summary>
    public const int MaxLabelLength = 63, MaxNameLength = 253;

    private static readonly SearchValues<char> PathStart = SearchValues.Create("/?#\\");
    private static readonly SearchValues<char> LdhChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.");
    // Characters that are invisible in a paste but not whitespace to string.Trim().
    private static readonly char[] Invisible = ['\uFEFF', '\u200B', '\u200C', '\u200D', '\u2060', '\u00A0', '\u3000'];
    private static readonly IdnMapping Idn = new() { UseStd3AsciiRules = true, AllowUnassigned = false };

    public PublicSuffixList Suffixes => suffixes;

    /// <summary>Parses or throws <see cref="DomainFormatException"/> (and nothing else).</summary>
    public DomainName Parse(string? input, bool allowWildcard = false)
    {
        var result = TryParse(input, allowWildcard);
        return result.Name ?? throw new DomainFormatException(result.Error!);
    }

    /// <summary>Parses without throwing.</summary>
    /// <param name="input">A name, URL or host[:port] as pasted.</param>
    /// <param name="allowWildcard">Accept a leading <c>*.</c> (exports); submissions do not.</param>
    public DomainParseResult TryParse(string? input, bool allowWildcard = false)
    {
        var text = (input ?? string.Empty).Trim().Trim(Invisible).Trim();
        if (text.Length == 0) return Fail(DomainParseErrorCode.Empty, "the input is empty");

        var hostResult = ExtractHost(text, out var host);
        if (hostResult is not null) return hostResult.Value;

        var wildcard = false;
        if (host.StartsWith("*.", StringComparison.Ordinal))
        {
            if (!allowWildcard)
            {
                return Fail(DomainParseErrorCode.WildcardNotAllowed,
                    $"wildcards are not accepted here; submit the name itself ({host[2..]})");
            }
            wildcard = true;
            host = host[2..];
        }

        // UTS-46 maps the ideographic and full-width full stops to '.'; do it first so a trailing one is dropped.
        host = host.Replace('。', '.').Replace('．', '.').Replace('｡', '.');
        if (host.EndsWith('.')) host = host[..^1];
        if (host.Length == 0) return Fail(DomainParseErrorCode.Empty, "the input has no host name");
        if (IPAddress.TryParse(host, out _))
        {
            return Fail(DomainParseErrorCode.IpLiteral, $"'{host}' is an IP address, not a domain name");
        }

        var ascii = ToAscii(host, out var error);
        if (error is not null) return new DomainParseResult(null, error);

        error = CheckLabels(ascii!, out var unicode, out var labelCount);
        if (error is not null) return new DomainParseResult(null, error);
        return WithSuffix(ascii!, unicode!, labelCount, wildcard);
    }

    private static DomainParseResult? ExtractHost(string text, out string host)
    {
        host = text;
        var scheme = text.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            if (scheme == 0 || !text.AsSpan(0, scheme).ContainsOnlyAsciiLettersDigitsOrPlus())
            {
                return Fail(DomainParseErrorCode.InvalidUrl, $"'{Truncate(text)}' is not a URL this tool can read");
            }
            host = text[(scheme + 3)..];
        }
        else if (text.StartsWith("//", StringComparison.Ordinal))
        {
            host = text[2..];
        }
        var pathAt = host.AsSpan().IndexOfAny(PathStart);
        if (pathAt >= 0) host = host[..pathAt];
        var at = host.LastIndexOf('@');
        if (at >= 0) host = host[(at + 1)..];
        if (host.StartsWith('['))
        {
            return Fail(DomainParseErrorCode.IpLiteral, $"'{Truncate(host)}' is an IP address, not a domain name");
        }
        var colon = host.IndexOf(':');
        if (colon >= 0)
        {
            if (host.IndexOf(':', colon + 1) >= 0 && IPAddress.TryParse(host, out _))
            {
                return Fail(DomainParseErrorCode.IpLiteral, $"'{Truncate(host)}' is an IP address, not a domain name");
            }
            if (colon == host.Length - 1 || !host.AsSpan(colon + 1).ContainsOnlyDigits())
            {
                return Fail(DomainParseErrorCode.InvalidCharacter, $"'{Truncate(host)}' has a ':' that is not followed by a port number");
            }
            host = host[..colon];
        }
        if (host.Length == 0) return Fail(DomainParseErrorCode.InvalidUrl, $"'{Truncate(text)}' has no host name");
        return null;
    }

    private static string? ToAscii(string host, out DomainParseError? error)
    {
        error = null;
        var isAscii = System.Text.Ascii.IsValid(host);
        if (isAscii)
        {
            var bad = host.AsSpan().IndexOfAnyExcept(LdhChars);
            if (bad >= 0)
            {
                var c = host[bad];
                error = c switch
                {
                    '_' => Error(DomainParseErrorCode.InvalidCharacter, $"'{Truncate(host)}' contains '_', which host names may not (STD3)"),
                    '*' => Error(DomainParseErrorCode.WildcardNotAllowed, $"'{Truncate(host)}' has a '*' that is not a leading '*.' wildcard"),
                    _ => Error(DomainParseErrorCode.InvalidCharacter, $"'{Truncate(host)}' contains {Describe(c)}, which domain names may not"),
                };
                return null;
            }
        }
        foreach (var range in host.AsSpan().Split('.'))
        {
            var label = host.AsSpan(range);
            if (label.IsEmpty)
            {
                error = Error(DomainParseErrorCode.EmptyLabel, $"'{Truncate(host)}' has an empty label (two dots together or a leading dot)");
                return null;
            }
            if (isAscii && label.Length > MaxLabelLength)
            {
                error = Error(DomainParseErrorCode.LabelTooLong, $"label '{Truncate(label.ToString())}' is {label.Length} octets; the limit is {MaxLabelLength}");
                return null;
            }
        }
        if (isAscii)
        {
            return host.Length > MaxNameLength
                ? Fail(out error, DomainParseErrorCode.NameTooLong, $"the name is {host.Length} octets; the limit is {MaxNameLength}")
                : host.ToLowerInvariant();
        }
        try
        {
            return Idn.GetAscii(host).ToLowerInvariant();
        }
        catch (ArgumentException)
        {
            error = DiagnoseUnicode(host);
            return null;
        }
    }

    // IdnMapping reports only "invalid": find which label failed and why, so the analyst can fix it.
    private static DomainParseError DiagnoseUnicode(string host)
    {
        foreach (var label in host.Split('.'))
        {
            try
            {
                var ascii = Idn.GetAscii(label);
                if (ascii.Length > MaxLabelLength) return LabelTooLongError(label, ascii.Length);
            }
            catch (ArgumentException)
            {
                var rough = label.Length * 3;
                return rough > MaxLabelLength && label.All(char.IsLetterOrDigit)
                    ? LabelTooLongError(label, rough)
                    : Error(DomainParseErrorCode.InvalidCharacter,
                        $"label '{Truncate(label)}' is not a valid internationalized label (UTS-46: disallowed character, symbol or mixed direction)");
            }
        }
        return Error(DomainParseErrorCode.NameTooLong, $"'{Truncate(host)}' is longer than {MaxNameLength} octets in ASCII form");
    }

    private static DomainParseError LabelTooLongError(string label, int length) =>
        Error(DomainParseErrorCode.LabelTooLong, $"label '{Truncate(label)}' is about {length} octets in ASCII form; the limit is {MaxLabelLength}");

    private static DomainParseError? CheckLabels(string ascii, out string? unicode, out int labelCount)
    {
        unicode = null;
        labelCount = 0;
        if (ascii.Length > MaxNameLength)
        {
            return Error(DomainParseErrorCode.NameTooLong, $"the name is {ascii.Length} octets in ASCII form; the limit is {MaxNameLength}");
        }
        string? lastLabel = null;
        foreach (var range in ascii.AsSpan().Split('.'))
        {
            var label = ascii.AsSpan(range);
            labelCount++;
            if (label.IsEmpty)
            {
                // UTS-46 maps some characters (soft hyphen, joiners) to nothing, which can leave a label empty.
                return Error(DomainParseErrorCode.EmptyLabel, $"'{Truncate(ascii)}' has an empty label after IDNA mapping");
            }
            if (label.Length > MaxLabelLength)
            {
                return Error(DomainParseErrorCode.LabelTooLong, $"label '{Truncate(label.ToString())}' is {label.Length} octets; the limit is {MaxLabelLength}");
            }
            if (label[0] == '-' || label[^1] == '-')
            {
                return Error(DomainParseErrorCode.HyphenPlacement, $"label '{label}' starts or ends with a hyphen");
            }
            var isAce = label.StartsWith("xn--", StringComparison.Ordinal);
            if (!isAce && label.Length >= 4 && label[2] == '-' && label[3] == '-')
            {
                return Error(DomainParseErrorCode.HyphenPlacement, $"label '{label}' has '--' in the third and fourth positions but is not punycode (xn--)");
            }
            if (isAce && !IsCanonicalPunycode(label.ToString()))
            {
                return Error(DomainParseErrorCode.InvalidPunycode, $"label '{label}' is not valid punycode");
            }
            lastLabel = label.ToString();
        }
        if (labelCount < 2)
        {
            return Error(DomainParseErrorCode.SingleLabel, $"'{ascii}' is a single label; give a full domain name such as example.com");
        }
        if (lastLabel!.AsSpan().ContainsOnlyDigits())
        {
            return Error(DomainParseErrorCode.NumericTopLevel, $"'{ascii}' ends in an all-numeric label, which no top-level domain is");
        }
        try
        {
            unicode = Idn.GetUnicode(ascii);
        }
        catch (ArgumentException)
        {
            return Error(DomainParseErrorCode.InvalidPunycode, $"'{ascii}' does not decode to a valid internationalized name");
        }
        return null;
    }

    private static bool IsCanonicalPunycode(string label)
    {
        try
        {
            var decoded = Idn.GetUnicode(label);
            return !string.Equals(decoded, label, StringComparison.Ordinal)
                && string.Equals(Idn.GetAscii(decoded), label, StringComparison.Ordinal);
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private DomainParseResult WithSuffix(string ascii, string unicode, int labelCount, bool wildcard)
    {
        var tld = ascii.AsSpan(ascii.LastIndexOf('.') + 1);
        if (!suffixes.IsKnownTopLevel(tld))
        {
            return Fail(DomainParseErrorCode.UnknownTopLevel, $"'.{tld}' is not a top-level domain in the Public Suffix List (a typo?)");
        }
        var (suffixLabels, isPrivate) = suffixes.GetSuffix(ascii);
        if (suffixLabels >= labelCount)
        {
            return Fail(DomainParseErrorCode.PublicSuffixOnly,
                $"'{unicode}' is a public suffix, under which anyone can register names; give a name registered under it");
        }
        var suffixStart = StartOfLastLabels(ascii, suffixLabels);
        var registrableStart = StartOfLastLabels(ascii, suffixLabels + 1);
        return new DomainParseResult(
            new DomainName(ascii, unicode, ascii[registrableStart..], ascii[suffixStart..], wildcard, isPrivate), null);
    }

    private static int StartOfLastLabels(string ascii, int count)
    {
        var end = ascii.Length;
        for (var i = 0; i < count; i++)
        {
            end = ascii.LastIndexOf('.', end - 1);
            if (end < 0) return 0;
        }
        return end + 1;
    }

    private static string Describe(char c) => c switch
    {
        ' ' => "a space",
        '\t' => "a tab",
        '\u00A0' => "a no-break space (U+00A0)",
        '\u3000' => "an ideographic space (U+3000)",
        _ when char.IsWhiteSpace(c) => $"whitespace U+{(int)c:X4}",
        _ when char.IsControl(c) => $"control character U+{(int)c:X4}",
        _ when char.IsSurrogate(c) => $"an unpaired surrogate U+{(int)c:X4}",
        _ => $"'{c}'",
    };

    private static string Truncate(string s) => s.Length <= 80 ? s : string.Concat(s.AsSpan(0, 77), "...");

    private static DomainParseError Error(DomainParseErrorCode code, string message) => new(code, message);

    private static DomainParseResult Fail(DomainParseErrorCode code, string message) => new(null, new DomainParseError(code, message));

    private static string? Fail(out DomainParseError error, DomainParseErrorCode code, string message)
    {
        error = new DomainParseError(code, message);
        return null;
    }
}

internal static class SpanChecks
{
    public static bool ContainsOnlyDigits(this ReadOnlySpan<char> s) => !s.IsEmpty && !s.ContainsAnyExceptInRange('0', '9');

    public static bool ContainsOnlyAsciiLettersDigitsOrPlus(this ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not '+' and not '-' and not '.') return false;
        }
        return true;
    }
}
