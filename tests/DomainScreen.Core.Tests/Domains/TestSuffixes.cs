using DomainScreen.Core.Domains;

namespace DomainScreen.Core.Tests.Domains;

/// <summary>The real list shipped with Core, loaded once for all tests.</summary>
internal static class TestSuffixes
{
    private static readonly Lazy<PublicSuffixList> List = new(() =>
        PublicSuffixList.Load(Path.Combine(AppContext.BaseDirectory, "public_suffix_list.dat"), includePrivate: true, ["test"]));

    public static PublicSuffixList Instance => List.Value;

    public static DomainParser Parser { get; } = new(Instance);
}
