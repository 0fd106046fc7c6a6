using System.Globalization;
using System.Text;
using DomainScreen.Core.Fingerprints;

namespace DomainScreen.Core.Domains;

/// <summary>
/// What a domain name itself says, before any page is fetched (all null/false when nothing is marked).
/// </summary>
/// <param name="MixedScript">The scripts of a label that mixes them beyond what TR39's "highly restrictive" level allows
/// (Latin with Han and Kana, Bopomofo or Hangul is allowed; Latin with Cyrillic is not), e.g. <c>["Latn","Cyrl"]</c>.</param>
/// <param name="LooksLike">The ASCII name a non-ASCII name is displayed like (<c>exаmple.com</c> with a Cyrillic а →
/// <c>example.com</c>), when every character has an ASCII look-alike.</param>
/// <param name="ConfusableWith">A brand's official domain whose label has the same TR39 skeleton as this one's.</param>
/// <param name="Brand">A brand of the registry whose name the labels borrow (<c>deepseek-app.com</c>), or that the name
/// is confusable with.</param>
/// <param name="Skeleton">The TR39 skeleton of the registrable label (null without ICU).</param>
public sealed record NameMarks(IReadOnlyList<string>? MixedScript, string? LooksLike, string? ConfusableWith, string? Brand, string? Skeleton)
{
    public bool Any => MixedScript is not null || LooksLike is not null || ConfusableWith is not null || Brand is not null;
}

/// <summary>
/// Marks mixed-script and confusable names (Unicode TR39 through ICU, <see cref="IcuSpoof"/>) and names that borrow
/// a registered AI brand. One per brand registry (a catalog); thread-safe.
/// </summary>
public sealed class NameInspector
{
    private sealed record BrandKey(BrandSpec Brand, string[] LabelSkeletons, (string Domain, string Skeleton, string Label, string DotDomain)[] Official, string[] CjkNames);

    private static readonly HashSet<string>[] AllowedScriptSets =
    [
        ["Latn", "Hani", "Hira", "Kana"],
        ["Latn", "Hani", "Bopo"],
        ["Latn", "Hani", "Hang"],
    ];

    private readonly List<BrandKey> _brands;

    public NameInspector(IReadOnlyList<BrandSpec> brands)
    {
        _brands = brands.Select(b => new BrandKey(b,
            b.Labels.Select(l => IcuSpoof.Skeleton(l) ?? l).ToArray(),
            b.Official.Select(o => (o, IcuSpoof.Skeleton(FirstLabel(o)) ?? FirstLabel(o), FirstLabel(o), "." + o)).ToArray(),
            b.Names.Where(n => n.Any(c => c > 0x2E80)).ToArray())).ToList();
    }

    /// <summary>True when ICU's TR39 data is available (otherwise only brand names are checked, literally).</summary>
    public static bool Tr39Available => IcuSpoof.Available;

    public NameMarks Inspect(DomainName name)
    {
        var suffixLabels = name.PublicSuffix.Length == 0 ? 0 : name.PublicSuffix.Count(c => c == '.') + 1;
        var labels = name.Unicode.Split('.');
        var own = labels[..Math.Max(0, labels.Length - suffixLabels)];
        var registrableLabel = own.Length > 0 ? own[^1] : name.Unicode;

        List<string>? mixed = null;
        foreach (var label in own)
        {
            if (MixedScripts(label) is { } scripts)
            {
                mixed = scripts;
                break;
            }
        }
        var looksLike = name.Unicode.Any(c => c > 127) && AsciiLookAlike(name.Unicode) is { } ascii && ascii != name.Unicode ? ascii : null;
        var skeleton = IcuSpoof.Skeleton(registrableLabel);
        // Each label's skeleton once per name, not once per brand.
        var labelSkeletons = own.Select(l => l == registrableLabel ? skeleton : IcuSpoof.Skeleton(l)).ToArray();

        string? confusableWith = null, brand = null;
        // Loops, not LINQ: this runs for every brand of every screened name.
        foreach (var key in _brands)
        {
            if (IsOfficial(name, key)) continue;
            if (skeleton is not null && confusableWith is null)
            {
                foreach (var (domain, officialSkeleton, officialLabel, _) in key.Official)
                {
                    if (skeleton == officialSkeleton && registrableLabel != officialLabel)
                    {
                        confusableWith = domain;
                        brand = key.Brand.Id;
                        break;
                    }
                }
            }
            if (brand is not null) break;
            for (var i = 0; i < own.Length; i++)
            {
                if (!Borrows(own[i], labelSkeletons[i], key)) continue;
                brand = key.Brand.Id;
                break;
            }
        }
        return new NameMarks(mixed, looksLike, confusableWith, brand, skeleton);
    }

    /// <summary>The name is one of the brand's official domains or a host under one.</summary>
    private static bool IsOfficial(DomainName name, BrandKey key)
    {
        foreach (var official in key.Official)
        {
            if (name.RegistrableDomain == official.Domain || name.Ascii.EndsWith(official.DotDomain, StringComparison.Ordinal)) return true;
        }
        return false;
    }

    private static bool Borrows(string label, string? skeleton, BrandKey key)
    {
        if (ContainsAny(label, key.CjkNames) || ContainsAny(label, key.Brand.Labels)) return true;
        return skeleton is not null && ContainsAny(skeleton, key.LabelSkeletons);
    }

    private static bool ContainsAny(string text, IReadOnlyList<string> parts)
    {
        for (var i = 0; i < parts.Count; i++)
        {
            if (text.Contains(parts[i], StringComparison.Ordinal)) return true;
        }
        return false;
    }

    /// <summary>The label's scripts when it mixes them beyond the highly restrictive level; null otherwise or without ICU.</summary>
    internal static List<string>? MixedScripts(string label)
    {
        if (!IcuSpoof.Available) return null;
        var scripts = new List<string>();
        foreach (var rune in label.EnumerateRunes())
        {
            var code = IcuSpoof.Script(rune.Value);
            if (code is IcuSpoof.Common or IcuSpoof.Inherited or < 0) continue;
            var script = IcuSpoof.ScriptName(code);
            if (!scripts.Contains(script)) scripts.Add(script);
        }
        if (scripts.Count <= 1 || AllowedScriptSets.Any(set => scripts.All(set.Contains))) return null;
        return scripts;
    }

    /// <summary>The name with each non-ASCII character replaced by its ASCII look-alike (its TR39 skeleton), or null when some character has none.</summary>
    internal static string? AsciiLookAlike(string name)
    {
        if (!IcuSpoof.Available) return null;
        var builder = new StringBuilder(name.Length);
        foreach (var rune in name.EnumerateRunes())
        {
            if (rune.IsAscii)
            {
                builder.Append((char)rune.Value);
                continue;
            }
            var skeleton = IcuSpoof.Skeleton(rune.ToString());
            // One ASCII letter or digit: 'а' → 'a'. Skeletons of several characters ('m' → "rn") are not a look-alike of one.
            if (skeleton is not { Length: 1 } || !char.IsAsciiLetterOrDigit(skeleton[0])) return null;
            builder.Append(char.ToLower(skeleton[0], CultureInfo.InvariantCulture));
        }
        return builder.ToString();
    }

    private static string FirstLabel(string domain) => domain.Split('.')[0];
}
