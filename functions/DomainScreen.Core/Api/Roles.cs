namespace DomainScreen.Core.Api;

/// <summary>
/// App roles the routes require. In Azure they come from Entra ID app roles through App Service
/// authentication; locally from API keys.
/// </summary>
public static class Roles
{
    /// <summary>Reads results and submissions.</summary>
    public const string Reader = "reader";

    /// <summary>Submits domains and reads.</summary>
    public const string Analyst = "analyst";

    /// <summary>Decides review cases and reads.</summary>
    public const string Reviewer = "reviewer";

    /// <summary>Operates the service: sweeps, catalogs, partners.</summary>
    public const string Admin = "admin";

    public static readonly string[] All = [Reader, Analyst, Reviewer, Admin];

    public static readonly string[] CanRead = All;
    public static readonly string[] CanSubmit = [Analyst, Admin];
    public static readonly string[] CanOperate = [Admin];
}

/// <summary>An authenticated caller.</summary>
public sealed record Caller(string Name, IReadOnlySet<string> Roles)
{
    public bool IsInAny(IEnumerable<string> roles) => roles.Any(Roles.Contains);
}
