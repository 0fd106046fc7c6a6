namespace DomainScreen.Core.Domains;

/// <summary>Settings under <c>Domains</c>.</summary>
public sealed class DomainOptions
{
    public const string Section = "Domains";

    /// <summary>
    /// Path of the Public Suffix List. Empty: Debian's <c>/usr/share/publicsuffix/public_suffix_list.dat</c> when
    /// present, else the copy shipped next to the application.
    /// </summary>
    public string? PublicSuffixListPath { get; set; }

    /// <summary>Honour the list's private section (<c>github.io</c>, <c>blogspot.com</c>…). Default true.</summary>
    public bool IncludePrivateSuffixes { get; set; } = true;

    /// <summary>
    /// Extra top-level suffixes to accept although the list does not name them, e.g. <c>test</c> for a lab
    /// (RFC 6761 reserves it). Default none: an unknown TLD is rejected as a likely typo.
    /// </summary>
    public IList<string> ExtraSuffixes { get; } = [];
}
