using System.ComponentModel.DataAnnotations;

namespace DomainScreen.Core.Registration;

/// <summary>Settings under <c>Registration</c>.</summary>
public sealed class RegistrationOptions
{
    public const string Section = "Registration";

    /// <summary>Look registrations up at all. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>IANA's RDAP bootstrap file for domains (RFC 9224). Default https://data.iana.org/rdap/dns.json.</summary>
    [Required]
    public Uri BootstrapUrl { get; set; } = new("https://data.iana.org/rdap/dns.json");

    /// <summary>Refetch the bootstrap file when the cached copy is older than this many hours. Default 24.</summary>
    [Range(1, 24 * 30)]
    public int BootstrapMaxAgeHours { get; set; } = 24;

    /// <summary>
    /// Requests per second to any one RDAP server (token bucket, per process). Default 2: be polite to public
    /// registries; raise it only for a mirror you run.
    /// </summary>
    [Range(1, 10_000)]
    public int RequestsPerSecondPerServer { get; set; } = 2;

    /// <summary>Most requests waiting for one server's bucket before the lookup is recorded as rate-limited. Default 200.</summary>
    [Range(0, 100_000)]
    public int QueueLimitPerServer { get; set; } = 200;

    /// <summary>Timeout of one RDAP or WHOIS exchange, seconds. Default 10.</summary>
    [Range(1, 120)]
    public int TimeoutSeconds { get; set; } = 10;

    /// <summary>Reuse a stored lookup for this many hours. Default 168 (a week).</summary>
    [Range(0, 24 * 365)]
    public int CacheHours { get; set; } = 168;

    /// <summary>Largest RDAP answer read, bytes. Default 512 KiB.</summary>
    [Range(1024, 16 * 1024 * 1024)]
    public int MaxResponseBytes { get; set; } = 512 * 1024;

    /// <summary>
    /// Port-43 WHOIS servers for TLDs without RDAP, <c>tld → host[:port]</c>. A TLD not listed and without RDAP is
    /// recorded as <c>no-service</c>.
    /// </summary>
    public IDictionary<string, string> WhoisServers { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
}
