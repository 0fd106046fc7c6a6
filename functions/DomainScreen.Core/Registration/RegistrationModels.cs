namespace DomainScreen.Core.Registration;

/// <summary>How a registration lookup ended. Every outcome is data.</summary>
public static class RegistrationOutcomes
{
    public const string Found = "found";
    public const string NotFound = "not-found";
    public const string RateLimited = "rate-limited";
    public const string Timeout = "timeout";
    public const string NoService = "no-service";
    public const string Error = "error";
    public const string Disabled = "disabled";
}

/// <summary>
/// Who registered a domain and when, from RDAP (or port-43 WHOIS where a TLD has no RDAP). <see cref="Domain"/>
/// is the registrable domain; <see cref="Source"/> is <c>rdap</c>, <c>whois</c> or <c>none</c>;
/// <see cref="Server"/> the RDAP base URL or WHOIS server asked.
/// </summary>
public sealed record RegistrationEvidence
{
    public required string Domain { get; init; }
    public required string Source { get; init; }
    public required string Outcome { get; init; }
    public string? Server { get; init; }
    public string? Error { get; init; }
    public DateTimeOffset? Created { get; init; }
    public DateTimeOffset? Expires { get; init; }
    public DateTimeOffset? Updated { get; init; }
    public string? Registrar { get; init; }
    public string? RegistrarIanaId { get; init; }
    public string? AbuseEmail { get; init; }
    public string? AbusePhone { get; init; }
    public IReadOnlyList<string> Statuses { get; init; } = [];
    public IReadOnlyList<string> NameServers { get; init; } = [];
    public DateTimeOffset FetchedAt { get; init; }
}
