using System.ComponentModel.DataAnnotations;
using System.Net;

namespace DomainScreen.Core.Dns;

/// <summary>Settings under <c>Dns</c>.</summary>
public sealed class DnsOptions : IValidatableObject
{
    public const string Section = "Dns";

    /// <summary>Name servers as <c>host</c> or <c>host:port</c> (IPv6 as <c>[addr]:port</c>). Empty: the system's resolvers.</summary>
    public IList<string> Servers { get; } = [];

    /// <summary>Per-attempt timeout in milliseconds. Default 2000.</summary>
    [Range(100, 30_000)]
    public int TimeoutMs { get; set; } = 2000;

    /// <summary>Retries after the first attempt (DnsClient's own; no retries are stacked on top). Default 1.</summary>
    [Range(0, 5)]
    public int Retries { get; set; } = 1;

    /// <summary>
    /// Most DNS queries in flight at once from this process (waiting for a slot does not count against
    /// <see cref="TimeoutMs"/>). A sweep screens many names in parallel and each asks seven questions (more along a
    /// CNAME chain); an unbounded burst overflows a resolver's UDP receive buffer and turns into timeouts. Default 256.
    /// </summary>
    [Range(1, 10_000)]
    public int MaxConcurrentQueries { get; set; } = 256;

    /// <summary>Longest CNAME chain followed and recorded. Default 8.</summary>
    [Range(1, 16)]
    public int MaxCnameChain { get; set; } = 8;

    /// <summary>Most records kept per answer (a hostile server can send many). Default 64.</summary>
    [Range(1, 1000)]
    public int MaxRecordsPerAnswer { get; set; } = 64;

    /// <summary>Use DnsClient's response cache (honours TTLs). Default true.</summary>
    public bool UseCache { get; set; } = true;

    /// <summary>
    /// Longest a cached answer is kept, seconds. Default 30: long enough for the fetch to reuse the screen's own
    /// answers (a screen ends within its 15 s budget), short enough that a sweep of millions of names does not hold
    /// them all in memory (the resolver starts a fresh cache every this many seconds: DnsClient itself drops expired
    /// answers only every ten minutes). At 450 names/s a 60 s cache held ≈ 28,500 answers, ≈ 20 MB.
    /// </summary>
    [Range(1, 86_400)]
    public int MaxCacheSeconds { get; set; } = 30;

    /// <summary>
    /// Ask every question over TCP, on connections DnsClient keeps open and reuses, instead of a new UDP socket per
    /// question. Default false. Cheaper for this process (no socket opened, registered and closed per question) but
    /// every screening process then holds up to <see cref="MaxConcurrentQueries"/> TCP connections to the resolver:
    /// only for a resolver of your own that is configured for that many TCP clients (unbound's
    /// <c>incoming-num-tcp</c> is 10 by default). With the cache on, the client is replaced every
    /// <see cref="MaxCacheSeconds"/> and DnsClient offers no way to close the old one's connections: they stay open until
    /// the resolver's idle timeout (unbound 30 s, knot 10 s by default) or the collector ends them. docs/benchmarks.md
    /// "Twenty-eighth session" has the measurement.
    /// </summary>
    public bool UseTcpOnly { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var server in Servers.Where(s => !string.IsNullOrWhiteSpace(s)))
        {
            if (!TryParseEndpoint(server, out _))
            {
                yield return new ValidationResult($"Dns:Servers entry '{server}' is not an IP address or address:port", [nameof(Servers)]);
            }
        }
    }

    /// <summary>Parses <c>1.2.3.4</c>, <c>1.2.3.4:5353</c>, <c>::1</c> or <c>[::1]:5353</c>; port 53 by default.</summary>
    public static bool TryParseEndpoint(string text, out IPEndPoint endpoint)
    {
        endpoint = null!;
        if (IPAddress.TryParse(text, out var address))
        {
            endpoint = new IPEndPoint(address, 53);
            return true;
        }
        if (IPEndPoint.TryParse(text, out var parsed) && parsed.Port != 0)
        {
            endpoint = parsed;
            return true;
        }
        return false;
    }
}
