namespace DomainScreen.Core.Review;

/// <summary>The states of a review case; docs/review.md has the transitions.</summary>
public static class CaseStates
{
    public const string Pending = "pending", Escalated = "escalated", Approved = "approved", Rejected = "rejected",
        Appealed = "appealed", Actioned = "actioned", Closed = "closed";

    public static readonly string[] All = [Pending, Escalated, Approved, Rejected, Appealed, Actioned, Closed];
}

/// <summary>What a reviewer may approve for a partner to do.</summary>
public static class ActionKinds
{
    /// <summary>Stop resolution of or access to the name.</summary>
    public const string Block = "block";

    /// <summary>Cancel the name or its access service (the hardest to undo).</summary>
    public const string Deregister = "deregister";

    public static readonly string[] All = [Block, Deregister];
}

/// <summary>What an approval covers: the flagged hosts only, or every name under the registrable domain.</summary>
public static class ActionScopes
{
    public const string Host = "host", RegistrableDomain = "registrable-domain";
}

/// <summary>Decisions a reviewer posts to <c>POST /api/cases/{caseId}/decision</c>.</summary>
public static class Decisions
{
    public const string Approve = "approve", Reject = "reject", Escalate = "escalate", Uphold = "uphold", Reverse = "reverse", Close = "close";

    public static readonly string[] All = [Approve, Reject, Escalate, Uphold, Reverse, Close];
}

/// <summary>The latest verdict of one host of a case.</summary>
public sealed record CaseHost(string Host, string DisplayName, string Band, int Score, DateTimeOffset ScreenedAt);

/// <summary>
/// One entry of a case's verdict history: which host was screened when, what the verdict said, which catalog and
/// policy produced it, and the content hashes of the stored evidence (page body and favicon blobs).
/// </summary>
public sealed record CaseVerdict(string Host, DateTimeOffset ScreenedAt, string Band, int Score, IReadOnlyList<string> Categories,
    IReadOnlyList<string> Products, string CatalogVersion, string PolicyVersion, string? PageSha256, string? FaviconSha256,
    string RequestId, string Source, string RunId, IReadOnlyList<string>? Functions = null);

/// <summary>What a decision saw: a closed or rejected case reopens only when new evidence falls outside it.</summary>
public sealed record DecidedEvidence(IReadOnlyList<string> Categories, IReadOnlyList<string> Products, IReadOnlyList<string> PageHashes);

/// <summary>A first approval of an action kind that needs a second reviewer (see <see cref="ReviewOptions.SecondApprovalFor"/>).</summary>
public sealed record PendingApproval(string ActorId, string ActorName, DateTimeOffset At, IReadOnlyList<string> Actions, string Scope, string? Note);

/// <summary>A site owner's appeal, recorded by an analyst.</summary>
public sealed record CaseAppeal(DateTimeOffset At, string Contact, string Text, string RecordedBy, string PriorState);

/// <summary>An approval in force: the actions, their scope and the decision version that approved them.</summary>
public sealed record ApprovedActions(IReadOnlyList<string> Actions, string Scope, int DecisionVersion, IReadOnlyList<string> ApprovedBy);

/// <summary>
/// A review case: one per registrable domain (its id), gathering every flagged host under it. <see cref="Version"/>
/// rises with every change and is the case's ETag.
/// </summary>
public sealed record CaseRecord
{
    public required string CaseId { get; init; }
    public required string DisplayName { get; init; }
    public required string State { get; init; }
    public required string Band { get; init; }
    public required int Score { get; init; }
    public IReadOnlyList<string> Categories { get; init; } = [];
    public IReadOnlyList<string> Products { get; init; } = [];

    /// <summary>What the case's flagged hosts are for (<see cref="Fingerprints.SiteFunctions"/>).</summary>
    public IReadOnlyList<string> Functions { get; init; } = [];
    public IReadOnlyList<CaseHost> Hosts { get; init; } = [];
    public IReadOnlyList<string> Sources { get; init; } = [];
    public required DateTimeOffset OpenedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
    public string? OpenedRunId { get; init; }
    public string? LastRunId { get; init; }
    public int Version { get; init; } = 1;
    public int DecisionVersion { get; init; }
    public DecidedEvidence? Decided { get; init; }
    public PendingApproval? PendingApproval { get; init; }
    public CaseAppeal? Appeal { get; init; }
    public ApprovedActions? Approved { get; init; }

    /// <summary>Sweeps in a row whose watchlist found every host of the case gone, and the last of them.</summary>
    public int GoneSweeps { get; init; }
    public string? LastGoneRun { get; init; }

    /// <summary>The latest entry of the decision log: who changed the case last, and how.</summary>
    public CaseEvent? LastEvent { get; init; }

    /// <summary>Every page hash seen on the case's hosts (most recent 50).</summary>
    public IReadOnlyList<string> PageHashes { get; init; } = [];

    public string ETag => $"\"{Version}\"";
}

/// <summary>One entry of a case's decision log (human decisions and state changes the service made).</summary>
public sealed record CaseEvent(int Version, DateTimeOffset At, string ActorId, string ActorName, string Event, string FromState, string ToState,
    string? RequestId = null, IReadOnlyList<string>? Actions = null, string? Scope = null, string? Note = null, string? Reason = null,
    bool? Allowlist = null, DateTimeOffset? AllowlistUntil = null, string? Contact = null);

/// <summary>A case in a list (GET /api/cases).</summary>
public sealed record CaseSummary(string CaseId, string Domain, string DisplayName, string State, string Band, int Score,
    IReadOnlyList<string> Categories, IReadOnlyList<string> Products, DateTimeOffset OpenedAt, DateTimeOffset UpdatedAt, string Etag,
    int Hosts = 1, bool AwaitingSecondApproval = false, IReadOnlyList<string>? Functions = null);

/// <summary>GET /api/cases: one page, sorted by score (highest first) then newest, with counts by band over every match.</summary>
public sealed record CaseList(IReadOnlyList<CaseSummary> Cases, IReadOnlyDictionary<string, int> Counts, string? ContinuationToken);

/// <summary>GET /api/cases/{caseId}: the whole case, its history and decisions, and the latest full screening result.</summary>
public sealed record CaseDetail(string CaseId, string Domain, string State, string Etag, CaseRecord Case, IReadOnlyList<CaseVerdict> History, IReadOnlyList<CaseEvent> Events,
    AllowlistEntry? Allowlisted, Screening.ScreeningResult? Latest);

/// <summary>
/// The body of a decision (and one item of a bulk decision, which adds <see cref="CaseId"/> and <see cref="Etag"/>).
/// </summary>
public sealed class DecisionBody
{
    public string? CaseId { get; set; }
    public string? Etag { get; set; }
    public string? Decision { get; set; }
    public List<string>? Actions { get; set; }
    public string? Scope { get; set; }
    public string? Note { get; set; }
    public string? Reason { get; set; }
    public bool? Allowlist { get; set; }
    public DateTimeOffset? AllowlistUntil { get; set; }
}

/// <summary>POST /api/cases/decisions: the items, each decided on its own.</summary>
public sealed class BulkDecisionBody
{
    public List<DecisionBody>? Decisions { get; set; }
}

/// <summary>The outcome of one item of a bulk decision.</summary>
public sealed record DecisionOutcome(string? CaseId, int Status, string? State = null, string? Etag = null, string? Code = null, string? Message = null);

/// <summary>The answer to a bulk decision.</summary>
public sealed record BulkDecisionResult(IReadOnlyList<DecisionOutcome> Results);

/// <summary>POST /api/cases/{caseId}/appeal.</summary>
public sealed class AppealBody
{
    public string? Contact { get; set; }
    public string? Text { get; set; }
}

/// <summary>An allowlist entry: never flagged above watch, never a case. Covers the name and every name under it.</summary>
public sealed record AllowlistEntry(string Domain, string DisplayName, string Reason, string Author, DateTimeOffset CreatedAt,
    DateTimeOffset? Until = null, string? CaseId = null)
{
    public bool InForce(DateTimeOffset now) => Until is not { } until || until > now;
}

/// <summary>PUT /api/allowlist/{domain}.</summary>
public sealed class AllowlistBody
{
    public string? Reason { get; set; }
    public DateTimeOffset? Until { get; set; }
}

/// <summary>GET /api/allowlist.</summary>
public sealed record AllowlistPage(IReadOnlyList<AllowlistEntry> Entries, string? ContinuationToken);
