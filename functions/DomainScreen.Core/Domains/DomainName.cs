namespace DomainScreen.Core.Domains;

/// <summary>
/// A canonical domain name: lower-case ASCII (punycode, UTS-46), its Unicode display form, and the
/// registrable domain and public suffix from the Public Suffix List. Equality is by <see cref="Ascii"/> and
/// <see cref="IsWildcard"/>.
/// </summary>
public sealed record DomainName
{
    internal DomainName(string ascii, string unicode, string registrable, string publicSuffix, bool isWildcard, bool isPrivateSuffix)
    {
        Ascii = ascii;
        Unicode = unicode;
        RegistrableDomain = registrable;
        PublicSuffix = publicSuffix;
        IsWildcard = isWildcard;
        IsPrivateSuffix = isPrivateSuffix;
    }

    /// <summary>Lower-case ASCII form without trailing dot or wildcard, e.g. <c>xn--fsqu00a.xn--55qx5d</c>.</summary>
    public string Ascii { get; }

    /// <summary>Unicode display form, e.g. <c>例子.公司</c>.</summary>
    public string Unicode { get; }

    /// <summary>The public suffix plus one label, e.g. <c>example.com.cn</c> for <c>www.example.com.cn</c>.</summary>
    public string RegistrableDomain { get; }

    /// <summary>The longest matching Public Suffix List rule, e.g. <c>com.cn</c>.</summary>
    public string PublicSuffix { get; }

    /// <summary>True when the input was <c>*.name</c>: the name and everything under it.</summary>
    public bool IsWildcard { get; }

    /// <summary>True when the suffix came from the list's private section (e.g. <c>github.io</c>).</summary>
    public bool IsPrivateSuffix { get; }

    /// <summary>True when this name is its own registrable domain.</summary>
    public bool IsRegistrable => Ascii.Length == RegistrableDomain.Length;

    public bool Equals(DomainName? other) =>
        other is not null && IsWildcard == other.IsWildcard && string.Equals(Ascii, other.Ascii, StringComparison.Ordinal);

    public override int GetHashCode() => HashCode.Combine(Ascii, IsWildcard);

    public override string ToString() => IsWildcard ? "*." + Ascii : Ascii;
}
