using System.ComponentModel.DataAnnotations;

namespace DomainScreen.Core.Sources;

/// <summary>Settings under <c>Sources</c>.</summary>
public sealed class SourceOptions : IValidatableObject
{
    public const string Section = "Sources";

    /// <summary>
    /// Certificate Transparency logs to follow: an RFC 6962 log's URL prefix (<c>https://ct.example.com/2026h1/</c>), or
    /// a static-ct-api log's monitoring prefix written <c>static+https://…/</c>. Empty: CT is not followed.
    /// </summary>
    public IList<string> CtLogs { get; } = [];

    /// <summary>Where following a log starts the first time: <c>end</c> (default: new certificates only) or <c>beginning</c>.</summary>
    public string CtStartAt { get; set; } = "end";

    /// <summary>Entries read from one log per run (a run is every minute). Default 20,000.</summary>
    [Range(1, 1_000_000)]
    public int CtMaxEntriesPerRun { get; set; } = 20_000;

    /// <summary>Entries asked for per <c>get-entries</c> request. Default 256.</summary>
    [Range(1, 1024)]
    public int CtBatch { get; set; } = 256;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        for (var i = 0; i < CtLogs.Count; i++)
        {
            var url = CtLogs[i].StartsWith("static+", StringComparison.Ordinal) ? CtLogs[i]["static+".Length..] : CtLogs[i];
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                yield return new ValidationResult($"Sources__CtLogs__{i}='{CtLogs[i]}' is not an http(s) URL (prefix static+ for a static-ct-api log)", [nameof(CtLogs)]);
            }
        }
        if (CtStartAt is not ("end" or "beginning")) yield return new ValidationResult($"Sources__CtStartAt='{CtStartAt}' is end or beginning", [nameof(CtStartAt)]);
    }
}
