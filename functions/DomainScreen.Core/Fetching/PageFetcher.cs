using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using DomainScreen.Core.Domains;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace DomainScreen.Core.Fetching;

/// <summary>Chooses probe paths from the landing page: its HTML, response headers and final URL.</summary>
public delegate IReadOnlyList<string> ProbePlanner(string html, IReadOnlyDictionary<string, string> headers, string finalUrl);

/// <summary>
/// Fetches a domain's landing page safely: https then http, redirects followed by hand (each hop re-resolved and
/// re-checked by the connector), bodies capped after decompression, one wall-clock budget per domain; then the
/// favicon and the probes. Every failure is a recorded outcome; only the caller's cancellation escapes.
/// </summary>
public sealed class PageFetcher(HttpClient http, DomainParser parser, TlsObservations tls, IOptions<FetchOptions> options, GuardedConnector? connector = null)
{
    private const int MaxHeaders = 64, MaxHeaderValue = 1024, PreviewChars = 512;
    private readonly FetchOptions _o = options.Value;

    /// <summary>Fetches the landing page, favicon and probes.</summary>
    /// <param name="planProbes">Given the landing page (HTML, headers, final URL), the paths worth probing; null for none.</param>
    /// <param name="memory">The screen's share of the page-memory budget (<see cref="PageMemory"/>); null: not counted
    /// (a single screen at a terminal). The caller disposes it when it lets the bodies go.</param>
    public async Task<FetchEvidence> FetchAsync(DomainName name, ProbePlanner? planProbes, CancellationToken cancellationToken, PageMemory.Lease? memory = null)
    {
        var started = Stopwatch.GetTimestamp();
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(TimeSpan.FromSeconds(_o.TotalTimeoutSeconds));

        var attempts = new List<FetchAttempt>();
        Page? page = null;
        foreach (var scheme in new[] { "https", "http" })
        {
            var (attempt, landed) = await FollowAsync(new Uri($"{scheme}://{name.Ascii}/"), name, memory, budget.Token, cancellationToken).ConfigureAwait(false);
            attempts.Add(attempt);
            if (landed is not null)
            {
                page = landed;
                break;
            }
            if (budget.IsCancellationRequested) break;
        }

        if (page is null)
        {
            var last = attempts[^1];
            return new FetchEvidence
            {
                Outcome = last.Outcome,
                Error = last.Error,
                Attempts = attempts,
                ElapsedMs = Elapsed(started),
                Tls = tls.For(name.Ascii),
            };
        }

        var favicon = await FaviconAsync(page, memory, budget.Token, cancellationToken).ConfigureAwait(false);
        var probePaths = planProbes?.Invoke(page.Text, page.Headers, page.FinalUrl.AbsoluteUri) ?? [];
        var probes = await ProbesAsync(page.FinalUrl, probePaths, memory, budget.Token, cancellationToken).ConfigureAwait(false);
        var finalHost = page.FinalUrl.IdnHost;
        return new FetchEvidence
        {
            Outcome = page.Outcome,
            Error = page.Error,
            Attempts = attempts,
            FinalUrl = page.FinalUrl.AbsoluteUri,
            Status = page.Status,
            Headers = page.Headers,
            ContentType = page.ContentType,
            Charset = page.Charset,
            BodyBytes = page.Bytes.Length,
            Truncated = page.Truncated,
            BodySha256 = page.Bytes.Length > 0 ? Sha256(page.Bytes.Span) : null,
            Title = HtmlScan.Title(page.Text),
            CrossDomainRedirect = attempts[^1].Hops.Any(h => h.CrossDomain),
            ConnectedAddress = attempts[^1].Hops.Select(h => h.Address).LastOrDefault(a => a is not null),
            ElapsedMs = Elapsed(started),
            Tls = page.FinalUrl.Scheme == Uri.UriSchemeHttps ? tls.For(finalHost) : tls.For(name.Ascii),
            Favicon = favicon.Evidence,
            Probes = probes,
            Body = page.Text,
            RawBody = page.Bytes,
            RawFavicon = favicon.Bytes,
        };
    }

    private sealed record Page(Uri FinalUrl, int Status, IReadOnlyDictionary<string, string> Headers, string? ContentType, string? Charset,
        ReadOnlyMemory<byte> Bytes, bool Truncated, string Text, string Outcome, string? Error);

    private async Task<(FetchAttempt Attempt, Page? Page)> FollowAsync(Uri start, DomainName origin, PageMemory.Lease? memory, CancellationToken budget, CancellationToken caller)
    {
        var hops = new List<FetchHop>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var url = start;
        for (var hop = 0; ; hop++)
        {
            if (!seen.Add(url.AbsoluteUri)) return (new FetchAttempt(start.AbsoluteUri, FetchOutcomes.RedirectLoop, $"{url} was visited before", hops), null);
            if (hop > _o.MaxRedirects)
            {
                return (new FetchAttempt(start.AbsoluteUri, FetchOutcomes.TooManyRedirects, $"more than {_o.MaxRedirects} redirects", hops), null);
            }
            var crossDomain = !SameRegistrable(url, origin);
            var hopStarted = Stopwatch.GetTimestamp();
            if (connector is not null && await connector.KnownRefusedAsync(url.IdnHost, url.Port, budget).ConfigureAwait(false))
            {
                hops.Add(new FetchHop(url.AbsoluteUri, null, null, null, crossDomain, 0));
                return (new FetchAttempt(start.AbsoluteUri, FetchOutcomes.ConnectionFailed, $"{url.Authority}: connection refused (seen within the last 30 s)", hops), null);
            }
            var record = new ConnectionRecord();
            using var request = NewRequest(url, record);
            HttpResponseMessage response;
            try
            {
                response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, budget).ConfigureAwait(false);
            }
            catch (Exception ex) when (!caller.IsCancellationRequested && IsFetchFailure(ex))
            {
                var (outcome, error) = Classify(ex, budget);
                hops.Add(new FetchHop(url.AbsoluteUri, null, null, record.Address?.ToString(), crossDomain, Elapsed(hopStarted)));
                return (new FetchAttempt(start.AbsoluteUri, outcome, error, hops), null);
            }
            using (response)
            {
                var status = (int)response.StatusCode;
                var location = response.Headers.Location;
                if (status is >= 300 and < 400 && location is not null)
                {
                    hops.Add(new FetchHop(url.AbsoluteUri, status, location.OriginalString, record.Address?.ToString(), crossDomain, Elapsed(hopStarted)));
                    var next = location.IsAbsoluteUri ? location : new Uri(url, location);
                    if (next.Scheme is not ("http" or "https") || !string.IsNullOrEmpty(next.UserInfo))
                    {
                        return (new FetchAttempt(start.AbsoluteUri, FetchOutcomes.InvalidRedirect, $"redirect to {Clip(next.OriginalString)} is not a plain http(s) URL", hops), null);
                    }
                    url = next;
                    continue;
                }
                var (bytes, truncated, readError) = await ReadBoundedAsync(response, _o.MaxBodyBytes, memory, waitForMemory: true, budget, caller).ConfigureAwait(false);
                hops.Add(new FetchHop(url.AbsoluteUri, status, null, record.Address?.ToString(), crossDomain, Elapsed(hopStarted)));
                var contentType = response.Content.Headers.ContentType?.ToString();
                var (text, charset) = TextDecoding.Decode(bytes.Span, TextDecoding.CharsetOf(contentType));
                var outcome = readError?.Outcome ?? FetchOutcomes.Ok;
                var page = new Page(url, status, Headers(response), contentType, charset, bytes, truncated, text, outcome, readError?.Error);
                return (new FetchAttempt(start.AbsoluteUri, outcome, readError?.Error, hops), page);
            }
        }
    }

    private async Task<(FaviconEvidence? Evidence, ReadOnlyMemory<byte> Bytes)> FaviconAsync(Page page, PageMemory.Lease? memory, CancellationToken budget, CancellationToken caller)
    {
        var href = HtmlScan.IconHref(page.Text);
        Uri? url = null;
        if (href is not null && !href.StartsWith("data:", StringComparison.OrdinalIgnoreCase)) Uri.TryCreate(page.FinalUrl, href, out url);
        url ??= new Uri(page.FinalUrl, "/favicon.ico");
        if (url.Scheme is not ("http" or "https")) return (null, default);
        var fetched = await GetSmallAsync(url, _o.MaxFaviconBytes, memory, budget, caller).ConfigureAwait(false);
        var ok = fetched.Outcome == FetchOutcomes.Ok && fetched.Status is >= 200 and < 300 && fetched.Bytes.Length > 0;
        return (new FaviconEvidence(url.AbsoluteUri, fetched.Status, fetched.ContentType, fetched.Bytes.Length,
            ok ? Sha256(fetched.Bytes.Span) : null, ok ? Murmur3.IconHash(fetched.Bytes.Span) : null, fetched.Outcome),
            ok ? fetched.Bytes : default);
    }

    private async Task<IReadOnlyList<ProbeResult>> ProbesAsync(Uri baseUrl, IReadOnlyList<string> paths, PageMemory.Lease? memory, CancellationToken budget, CancellationToken caller)
    {
        var results = new List<ProbeResult>();
        foreach (var path in paths.Distinct(StringComparer.Ordinal).Take(_o.MaxProbes))
        {
            if (budget.IsCancellationRequested) break;
            if (!path.StartsWith('/') || path.StartsWith("//", StringComparison.Ordinal)) continue;
            var fetched = await GetSmallAsync(new Uri(baseUrl, path), _o.MaxProbeBytes, memory, budget, caller).ConfigureAwait(false);
            var text = fetched.Bytes.Length > 0 ? TextDecoding.Decode(fetched.Bytes.Span, TextDecoding.CharsetOf(fetched.ContentType)).Text : null;
            results.Add(new ProbeResult(path, fetched.Status, fetched.ContentType, fetched.Bytes.Length,
                fetched.Bytes.Length > 0 ? Sha256(fetched.Bytes.Span) : null, fetched.Outcome,
                text is null ? null : text.Length <= PreviewChars ? text : text[..PreviewChars]) { Body = text, RawBody = fetched.Bytes });
        }
        return results;
    }

    private sealed record Small(int? Status, string? ContentType, ReadOnlyMemory<byte> Bytes, string Outcome);

    /// <summary>One GET, no redirects followed (a favicon or probe that redirects is recorded as such).</summary>
    private async Task<Small> GetSmallAsync(Uri url, int maxBytes, PageMemory.Lease? memory, CancellationToken budget, CancellationToken caller)
    {
        using var request = NewRequest(url, new ConnectionRecord());
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, budget).ConfigureAwait(false);
            var (bytes, _, error) = await ReadBoundedAsync(response, maxBytes, memory, waitForMemory: false, budget, caller).ConfigureAwait(false);
            return new Small((int)response.StatusCode, response.Content.Headers.ContentType?.ToString(), bytes, error?.Outcome ?? FetchOutcomes.Ok);
        }
        catch (Exception ex) when (!caller.IsCancellationRequested && IsFetchFailure(ex))
        {
            return new Small(null, null, default, Classify(ex, budget).Outcome);
        }
    }

    private HttpRequestMessage NewRequest(Uri url, ConnectionRecord record)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url) { Version = HttpVersion.Version11, VersionPolicy = HttpVersionPolicy.RequestVersionOrLower };
        request.Headers.TryAddWithoutValidation("User-Agent", _o.UserAgent);
        request.Headers.TryAddWithoutValidation("Accept", "text/html,application/xhtml+xml,application/json;q=0.9,*/*;q=0.8");
        request.Headers.TryAddWithoutValidation("Accept-Language", "zh-CN,zh;q=0.9,en;q=0.8");
        request.Options.Set(GuardedConnector.RecordKey, record);
        return request;
    }

    /// <summary>
    /// Reads at most <paramref name="max"/> bytes of the (decompressed) body; a stall or reset keeps what arrived. Past
    /// its free part the body is held against <paramref name="memory"/>: a landing page waits for its turn (within the
    /// domain's budget), a favicon or probe stops where the budget has no room (see <see cref="PageMemory"/>).
    /// </summary>
    private static async Task<(ReadOnlyMemory<byte> Bytes, bool Truncated, (string Outcome, string Error)? Error)> ReadBoundedAsync(
        HttpResponseMessage response, int max, PageMemory.Lease? memory, bool waitForMemory, CancellationToken budget, CancellationToken caller)
    {
        var buffer = new BoundedBuffer(max, response.Content.Headers.ContentLength, memory, waitForMemory);
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(budget).ConfigureAwait(false);
            await buffer.FillAsync(stream, budget).ConfigureAwait(false);
        }
        catch (Exception ex) when (!caller.IsCancellationRequested && IsFetchFailure(ex))
        {
            return (buffer.Bytes, buffer.Exceeded, Classify(ex, budget));
        }
        return (buffer.Bytes, buffer.Exceeded, null);
    }

    private static bool IsFetchFailure(Exception ex) =>
        ex is HttpRequestException or IOException or OperationCanceledException or TimeoutRejectedException
            or BrokenCircuitException or AuthenticationException or SocketException or InvalidDataException or NotSupportedException;

    private static (string Outcome, string Error) Classify(Exception ex, CancellationToken budget)
    {
        if (budget.IsCancellationRequested || ex is TimeoutRejectedException || ex is OperationCanceledException)
        {
            return (FetchOutcomes.Timeout, "the domain's time budget ran out");
        }
        for (var e = ex; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case FetchConnectException connect: return (connect.Outcome, connect.Message);
                case AuthenticationException auth: return (FetchOutcomes.TlsFailure, auth.Message);
                case BrokenCircuitException: return (FetchOutcomes.ConnectionFailed, "circuit open for this host after repeated failures");
                case SocketException { SocketErrorCode: SocketError.ConnectionReset or SocketError.ConnectionAborted }:
                    return (FetchOutcomes.ConnectionReset, e.Message);
                case HttpRequestException { HttpRequestError: HttpRequestError.ResponseEnded }:
                    return (FetchOutcomes.ConnectionReset, "the server closed the connection before a complete response");
                case HttpRequestException { HttpRequestError: HttpRequestError.InvalidResponse or HttpRequestError.ConfigurationLimitExceeded } h:
                    return (FetchOutcomes.ProtocolError, h.Message);
                case HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError } h:
                    return (FetchOutcomes.TlsFailure, h.Message);
            }
        }
        return (ex is IOException ? FetchOutcomes.ConnectionReset : FetchOutcomes.ConnectionFailed, Clip(ex.Message));
    }

    private bool SameRegistrable(Uri url, DomainName origin)
    {
        var parsed = parser.TryParse(url.IdnHost);
        return parsed.Name is { } name && name.RegistrableDomain == origin.RegistrableDomain;
    }

    private static Dictionary<string, string> Headers(HttpResponseMessage response)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, values) in response.Headers.Concat(response.Content.Headers))
        {
            if (headers.Count >= MaxHeaders) break;
            var value = string.Join(", ", values);
            headers[key.ToLowerInvariant()] = value.Length <= MaxHeaderValue ? value : value[..MaxHeaderValue];
        }
        return headers;
    }

    private static string Sha256(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static int Elapsed(long started) => (int)Stopwatch.GetElapsedTime(started).TotalMilliseconds;

    private static string Clip(string s) => s.Length <= 300 ? s : s[..300];
}
