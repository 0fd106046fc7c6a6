namespace DomainScreen.Core.Domains;

/// <summary>Why an input could not be read as a domain name. Stable codes: the API returns them.</summary>
public enum DomainParseErrorCode
{
    Empty,
    InvalidUrl,
    IpLiteral,
    WildcardNotAllowed,
    InvalidCharacter,
    EmptyLabel,
    LabelTooLong,
    NameTooLong,
    HyphenPlacement,
    InvalidPunycode,
    SingleLabel,
    NumericTopLevel,
    UnknownTopLevel,
    PublicSuffixOnly,
}

/// <summary>A rejected input with a message an analyst can act on.</summary>
public sealed record DomainParseError(DomainParseErrorCode Code, string Message)
{
    /// <summary>The code in the form the API and CLI print (kebab-case).</summary>
    public string CodeName => Code switch
    {
        DomainParseErrorCode.Empty => "empty",
        DomainParseErrorCode.InvalidUrl => "invalid-url",
        DomainParseErrorCode.IpLiteral => "ip-literal",
        DomainParseErrorCode.WildcardNotAllowed => "wildcard-not-allowed",
        DomainParseErrorCode.InvalidCharacter => "invalid-character",
        DomainParseErrorCode.EmptyLabel => "empty-label",
        DomainParseErrorCode.LabelTooLong => "label-too-long",
        DomainParseErrorCode.NameTooLong => "name-too-long",
        DomainParseErrorCode.HyphenPlacement => "hyphen-placement",
        DomainParseErrorCode.InvalidPunycode => "invalid-punycode",
        DomainParseErrorCode.SingleLabel => "single-label",
        DomainParseErrorCode.NumericTopLevel => "numeric-tld",
        DomainParseErrorCode.UnknownTopLevel => "unknown-tld",
        DomainParseErrorCode.PublicSuffixOnly => "public-suffix",
        _ => Code.ToString(),
    };
}

/// <summary>Thrown only by <see cref="DomainParser.Parse"/>; <see cref="DomainParser.TryParse"/> never throws.</summary>
public sealed class DomainFormatException(DomainParseError error)
    : FormatException($"{error.CodeName}: {error.Message}")
{
    public DomainParseError Error { get; } = error;
}
