using System.ComponentModel.DataAnnotations;

namespace DomainScreen.Core.Fingerprints;

/// <summary>Settings under <c>Catalog</c>.</summary>
public sealed class CatalogOptions
{
    public const string Section = "Catalog";

    /// <summary>
    /// Blob container operators update the catalog in without a deploy: <c>fingerprints/*.json</c> (the whole
    /// catalog; replaces the built-in one) and <c>policy.json</c>. Default <c>catalog</c>.
    /// </summary>
    [Required]
    public string Container { get; set; } = "catalog";

    /// <summary>How often a worker checks the container for a newer catalog, minutes. Default 5; 0 turns checks off.</summary>
    [Range(0, 24 * 60)]
    public int RefreshMinutes { get; set; } = 5;

    /// <summary>A local folder with <c>fingerprints/*.json</c> and/or <c>policy.json</c> to use instead of the built-in ones (CLI, tests).</summary>
    public string? Directory { get; set; }
}
