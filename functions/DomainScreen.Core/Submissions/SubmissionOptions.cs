using System.ComponentModel.DataAnnotations;

namespace DomainScreen.Core.Submissions;

/// <summary>Settings under <c>Submissions</c>.</summary>
public sealed class SubmissionOptions
{
    public const string Section = "Submissions";

    /// <summary>Most non-empty lines (or array items, or CSV records) per submission. Default 10,000.</summary>
    [Range(1, 100_000)]
    public int MaxLines { get; set; } = 10_000;

    /// <summary>Largest request body in bytes. Default 4 MiB.</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxBodyBytes { get; set; } = 4 * 1024 * 1024;
}
