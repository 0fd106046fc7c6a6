using System.ComponentModel.DataAnnotations;

namespace DomainScreen.Core.Fetching;

/// <summary>Settings under <c>Fetching</c>. Every read from a screened host is bounded by these.</summary>
public sealed class FetchOptions : IValidatableObject
{
    public const string Section = "Fetching";

    /// <summary>Largest body kept, bytes after decompression. Default 2 MiB; the rest is not read.</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxBodyBytes { get; set; } = 2 * 1024 * 1024;

    /// <summary>Wall-clock cap on everything fetched for one domain (landing page, redirects, favicon, probes). Default 15 s.</summary>
    [Range(1, 300)]
    public int TotalTimeoutSeconds { get; set; } = 15;

    /// <summary>Cap on one TCP connect. Default 5 s.</summary>
    [Range(1, 60)]
    public int ConnectTimeoutSeconds { get; set; } = 5;

    /// <summary>Redirects followed by hand. Default 5.</summary>
    [Range(0, 20)]
    public int MaxRedirects { get; set; } = 5;

    /// <summary>Cap on response headers, KiB. Default 64.</summary>
    [Range(4, 1024)]
    public int MaxResponseHeadersKiB { get; set; } = 64;

    /// <summary>Largest favicon read, bytes. Default 256 KiB.</summary>
    [Range(1024, 8 * 1024 * 1024)]
    public int MaxFaviconBytes { get; set; } = 256 * 1024;

    /// <summary>Largest probe answer read, bytes. Default 256 KiB.</summary>
    [Range(1024, 8 * 1024 * 1024)]
    public int MaxProbeBytes { get; set; } = 256 * 1024;

    /// <summary>
    /// Budget for fetched bodies held in memory by all screens of this process together, MiB (<see cref="PageMemory"/>):
    /// each read's first 64 KiB is free, past that a byte of body holds three of budget (the byte and its decoded
    /// text). A landing page waits for room, a favicon or probe stops where there is none. It bounds what the screens
    /// in flight hold whatever the pages weigh, which is what lets <c>Screening:HeapLimitMiB</c> cap the heap. Below
    /// three times <see cref="MaxBodyBytes"/> one large page at a time takes all of it. Default 128 (≈ 21 landing pages of unannounced length read at once, any number of small ones).
    /// </summary>
    [Range(8, 65536)]
    public int PageMemoryMiB { get; set; } = 128;

    /// <summary>Most probe requests per domain. Default 8.</summary>
    [Range(0, 64)]
    public int MaxProbes { get; set; } = 8;

    /// <summary>
    /// User-Agent sent on every request: honest, naming the operator and a contact URL, so site owners can
    /// see who visited and why.
    /// </summary>
    [Required]
    public string UserAgent { get; set; } = "DomainScreen/1.0 (+https://github.com/domainscreen; AI-abuse screening for a communications administration; contact via the URL)";

    /// <summary>Well-known paths requested after the landing page (at most <see cref="MaxProbes"/>). The fingerprint catalog adds its own.</summary>
    public IList<string> ProbePaths { get; } = [];

    /// <summary>
    /// Longest a host's resolution is reused by the fetcher's own connections, seconds (never longer than the records'
    /// TTL; a host with no address is remembered this long too). One screen connects several times — https, then http,
    /// redirects, a favicon on a new connection — and each connect resolved A and AAAA again; DnsClient's cache keeps
    /// answers but never an empty (NODATA) one, so an IPv4-only host's AAAA went to the network every time. The guard
    /// still checks every remembered address and pins the socket to it. 0: resolve for every connection. Default 30.
    /// </summary>
    [Range(0, 300)]
    public int ResolutionMemorySeconds { get; set; } = 30;

    /// <summary>Allow loopback addresses (a lab or tests only). Every other private range stays refused.</summary>
    public bool AllowLoopback { get; set; }

    /// <summary>Connect to another port than the URL's (a lab: <c>80 → 18080</c>). Keys and values are ports.</summary>
    public IDictionary<string, string> PortMap { get; } = new Dictionary<string, string>();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (from, to) in PortMap)
        {
            if (!int.TryParse(from, out var f) || f is < 1 or > 65535 || !int.TryParse(to, out var t) || t is < 1 or > 65535)
            {
                yield return new ValidationResult($"Fetching:PortMap entry '{from}' → '{to}' is not a pair of ports", [nameof(PortMap)]);
            }
        }
    }

    /// <summary>The port to connect to for a URL's port.</summary>
    public int MapPort(int port) =>
        PortMap.TryGetValue(port.ToString(System.Globalization.CultureInfo.InvariantCulture), out var mapped) && int.TryParse(mapped, out var p) ? p : port;
}
