namespace DomainScreen.Core.Api;

/// <summary>
/// App roles the routes require. In Azure they come from Entra ID app roles through App Service
/// authentication; locally from API keys.
/// </summary>
public static class Roles
{
    /// <summary>Reads results, submissions and cases.</summary>
    public const string Reader = "reader";

    /// <summary>Submits domains, records appeals, and reads.</summary>
    public const string Analyst = "analyst";

    /// <summary>Decides review cases and reads.</summary>
    public const string Reviewer = "reviewer";

    /// <summary>Operates the service: sweeps, allowlist, catalogs, partners.</summary>
    public const string Admin = "admin";

    /// <summary>A telecom partner: sees and acknowledges its own actions only (needs a partner id on the principal).</summary>
    public const string Partner = "partner";

    public static readonly string[] All = [Reader, Analyst, Reviewer, Admin, Partner];

    public static readonly string[] CanRead = [Reader, Analyst, Reviewer, Admin];
    public static readonly string[] CanSubmit = [Analyst, Admin];
    public static readonly string[] CanDecide = [Reviewer, Admin];
    public static readonly string[] CanAppeal = [Analyst, Admin];
    public static readonly string[] CanReadAllowlist = [Reviewer, Admin];
    public static readonly string[] CanOperate = [Admin];
}

/// <summary>An authenticated caller: a stable principal id (what the audit trail keys on), a display name, roles.</summary>
public sealed record Caller(string Id, string Name, IReadOnlySet<string> Roles, string? PartnerId = null)
{
    /// <summary>The caller of an anonymous route.</summary>
    public static readonly Caller Anonymous = new("anonymous", "anonymous", new HashSet<string>());

    /// <summary>The service itself (timers, queue consumers) in the audit trail.</summary>
    public static readonly Caller System = new("system", "DomainScreen", new HashSet<string>());

    public bool IsInAny(IEnumerable<string> roles) => roles.Any(Roles.Contains);
}
