namespace DomainScreen.Core.Submissions;

/// <summary>A line that was not accepted, with the parser's specific reason.</summary>
/// <param name="Line">1-based line (text), record (CSV, header = 1) or array position (JSON).</param>
public sealed record SubmissionLineError(int Line, string Input, string Code, string Message);

/// <summary>
/// A domain accepted for screening; <paramref name="Marks"/> says when its name mixes scripts, is displayed like
/// another (ASCII) name, or borrows or imitates a registered AI brand (absent when nothing is marked).
/// </summary>
public sealed record AcceptedDomain(string Domain, string DisplayName, Domains.NameMarks? Marks = null);

/// <summary>The 202 answer to POST /api/submissions.</summary>
public sealed record SubmissionAccepted(
    string SubmissionId,
    int AcceptedCount,
    int DuplicateCount,
    IReadOnlyList<AcceptedDomain> Accepted,
    IReadOnlyList<SubmissionLineError> Errors,
    string StatusUrl);

/// <summary>Status of one domain of a submission, with its verdict once screened.</summary>
public sealed record SubmissionDomainStatus(string Domain, string Status, string? Stage, DateTimeOffset? ScreenedAt, string? Error,
    string? Band = null, int? Score = null, IReadOnlyList<string>? Categories = null);

/// <summary>
/// The answer to GET /api/submissions/{id}: totals and counts by band over the whole submission, one page of
/// domains (<c>top</c>, in name order), and the token for the next page.
/// </summary>
public sealed record SubmissionStatus(
    string SubmissionId,
    DateTimeOffset CreatedAt,
    string? SubmittedBy,
    int Total,
    int Pending,
    int Completed,
    int Failed,
    IReadOnlyDictionary<string, int> Counts,
    IReadOnlyList<SubmissionDomainStatus> Domains,
    IReadOnlyList<SubmissionLineError> Errors,
    string? ContinuationToken = null);

/// <summary>Per-domain states in a submission.</summary>
public static class DomainStates
{
    public const string Queued = "queued";
    public const string Completed = "completed";
    public const string Failed = "failed";
}
