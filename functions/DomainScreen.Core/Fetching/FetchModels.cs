using System.Text.Json.Serialization;

namespace DomainScreen.Core.Fetching;

/// <summary>How one fetch ended. Every outcome is data.</summary>
public static class FetchOutcomes
{
    public const string Ok = "ok";
    public const string DnsFailure = "dns-failure";
    public const string BlockedAddress = "blocked-address";
    public const string ConnectionFailed = "connection-failed";
    public const string ConnectionReset = "connection-reset";
    public const string TlsFailure = "tls-failure";
    public const string Timeout = "timeout";
    public const string TooManyRedirects = "too-many-redirects";
    public const string RedirectLoop = "redirect-loop";
    public const string InvalidRedirect = "invalid-redirect";
    public const string ProtocolError = "protocol-error";
    public const string NotAttempted = "not-attempted";
}

/// <summary>One request of a redirect chain.</summary>
/// <param name="Address">The address actually connected to (when a new connection was made).</param>
/// <param name="CrossDomain">The hop's host has another registrable domain than the screened one.</param>
public sealed record FetchHop(string Url, int? Status, string? Location, string? Address, bool CrossDomain, int ElapsedMs);

/// <summary>A scheme tried for the landing page and how it ended.</summary>
public sealed record FetchAttempt(string Url, string Outcome, string? Error, IReadOnlyList<FetchHop> Hops);

/// <summary>The server certificate as seen, valid or not.</summary>
/// <param name="ChainErrors">Empty when the chain validated; otherwise what failed (invalidity is evidence).</param>
public sealed record TlsEvidence(
    string Host,
    string Subject,
    string Issuer,
    IReadOnlyList<string> SubjectAltNames,
    DateTimeOffset NotBefore,
    DateTimeOffset NotAfter,
    bool SelfSigned,
    bool ChainValid,
    IReadOnlyList<string> ChainErrors,
    string Sha256Thumbprint,
    string? Protocol);

/// <summary>The favicon: where it came from and its hashes.</summary>
/// <param name="Mmh3">MurmurHash3-32 of the base64 (76-char lines) of the bytes: Shodan's and FOFA's <c>icon_hash</c>.</param>
public sealed record FaviconEvidence(string Url, int? Status, string? ContentType, int Bytes, string? Sha256, int? Mmh3, string Outcome);

/// <summary>One probe of a well-known path.</summary>
public sealed record ProbeResult(string Path, int? Status, string? ContentType, int Bytes, string? Sha256, string Outcome, string? Preview)
{
    /// <summary>The decoded body, kept in memory for the fingerprint engine; not stored in the result row.</summary>
    [JsonIgnore]
    public string? Body { get; init; }

    /// <summary>The bytes as received, stored as evidence under <see cref="Sha256"/> (re-scoring reads them back).</summary>
    [JsonIgnore]
    public ReadOnlyMemory<byte> RawBody { get; init; }
}

/// <summary>The landing page and everything fetched with it.</summary>
public sealed record FetchEvidence
{
    public required string Outcome { get; init; }
    public string? Error { get; init; }
    public IReadOnlyList<FetchAttempt> Attempts { get; init; } = [];
    public string? FinalUrl { get; init; }
    public int? Status { get; init; }
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();
    public string? ContentType { get; init; }
    public string? Charset { get; init; }
    public int BodyBytes { get; init; }
    public bool Truncated { get; init; }
    public string? BodySha256 { get; init; }
    public string? Title { get; init; }
    public bool CrossDomainRedirect { get; init; }
    public string? ConnectedAddress { get; init; }
    public int ElapsedMs { get; init; }
    public TlsEvidence? Tls { get; init; }
    public FaviconEvidence? Favicon { get; init; }
    public IReadOnlyList<ProbeResult> Probes { get; init; } = [];

    /// <summary>Decoded page text, for the fingerprint engine; stored in blob storage by hash, not in the row.</summary>
    [JsonIgnore]
    public string? Body { get; init; }

    /// <summary>Raw body bytes (decompressed, capped), for content-addressed storage.</summary>
    [JsonIgnore]
    public ReadOnlyMemory<byte> RawBody { get; init; }

    /// <summary>Raw favicon bytes, for content-addressed storage.</summary>
    [JsonIgnore]
    public ReadOnlyMemory<byte> RawFavicon { get; init; }

    /// <summary>
    /// Without contents, hops, headers, probes and certificate (<see cref="Screening.ScreeningResult.Abridged"/>); the
    /// outcome, status, final URL, sizes, title and page and favicon hashes stay.
    /// </summary>
    public FetchEvidence Abridged() => this with
    {
        Body = null,
        RawBody = default,
        RawFavicon = default,
        Attempts = [],
        Headers = NoHeaders,
        Probes = [],
        Tls = null,
    };

    private static readonly IReadOnlyDictionary<string, string> NoHeaders = new Dictionary<string, string>();

    /// <summary>The same evidence without the page, probe and favicon contents (kept: their hashes and sizes).</summary>
    public FetchEvidence WithoutContent() => this with
    {
        Body = null,
        RawBody = default,
        RawFavicon = default,
        Probes = Probes.Select(p => p with { Body = null, RawBody = default }).ToArray(),
    };
}
