using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Threading.RateLimiting;
using DomainScreen.Core.Domains;
using DomainScreen.Core.Fetching;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DomainScreen.Core.Registration;

/// <summary>
/// Registration evidence for a registrable domain: from the cache when fresh, else RDAP (via the bootstrap
/// registry) with a token bucket per RDAP server, else port-43 WHOIS for TLDs without RDAP. Concurrent screens of
/// hosts under one domain share one lookup. 404, 429 and timeouts are recorded outcomes.
/// </summary>
public sealed class RegistrationLookup(
    IHttpClientFactory httpFactory,
    RdapBootstrap bootstrap,
    WhoisClient whois,
    IRegistrationCache cache,
    TimeProvider time,
    IOptions<RegistrationOptions> options,
    ILogger<RegistrationLookup> logger) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<Task<RegistrationEvidence>>> _inFlight = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, RateLimiter> _limiters = new(StringComparer.OrdinalIgnoreCase);
    private readonly RegistrationOptions _o = options.Value;

    public async Task<RegistrationEvidence> LookupAsync(DomainName name, CancellationToken cancellationToken)
    {
        var domain = name.RegistrableDomain;
        if (!_o.Enabled) return Outcome(domain, "none", RegistrationOutcomes.Disabled, null, "registration lookups are disabled");
        var lazy = _inFlight.GetOrAdd(domain, d => new Lazy<Task<RegistrationEvidence>>(() => LookupUncachedAsync(d, name.PublicSuffix)));
        try
        {
            return await lazy.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (lazy.IsValueCreated && lazy.Value.IsCompleted) _inFlight.TryRemove(new KeyValuePair<string, Lazy<Task<RegistrationEvidence>>>(domain, lazy));
        }
    }

    // Not tied to one caller's token: other screens of the same domain may be waiting on it.
    private async Task<RegistrationEvidence> LookupUncachedAsync(string domain, string suffix)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(_o.TimeoutSeconds * 3));
        var token = timeout.Token;
        var cached = await cache.GetAsync(domain, token).ConfigureAwait(false);
        if (cached is not null && time.GetUtcNow() - cached.FetchedAt < TimeSpan.FromHours(_o.CacheHours) && cached.Outcome != RegistrationOutcomes.RateLimited)
        {
            return cached;
        }
        RegistrationEvidence result;
        try
        {
            var tld = suffix[(suffix.LastIndexOf('.') + 1)..];
            var rdap = await bootstrap.BaseUrlForAsync(suffix, token).ConfigureAwait(false)
                ?? await bootstrap.BaseUrlForAsync(tld, token).ConfigureAwait(false);
            if (rdap is not null) result = await RdapAsync(domain, rdap, token).ConfigureAwait(false);
            else if (_o.WhoisServers.TryGetValue(tld, out var server)) result = await whois.LookupAsync(domain, server, token).ConfigureAwait(false);
            else result = Outcome(domain, "none", RegistrationOutcomes.NoService, null, $"no RDAP service for .{tld} and no WHOIS server configured");
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or InvalidDataException or OperationCanceledException)
        {
            logger.LogInformation("Registration lookup for {Domain} failed: {Reason}", domain, ex.Message);
            result = Outcome(domain, "none", ex is OperationCanceledException ? RegistrationOutcomes.Timeout : RegistrationOutcomes.Error, null, ex.Message);
        }
        if (result.Outcome is RegistrationOutcomes.Found or RegistrationOutcomes.NotFound or RegistrationOutcomes.NoService)
        {
            await cache.SetAsync(result, CancellationToken.None).ConfigureAwait(false);
        }
        return result;
    }

    private async Task<RegistrationEvidence> RdapAsync(string domain, Uri baseUrl, CancellationToken cancellationToken)
    {
        var limiter = _limiters.GetOrAdd(baseUrl.Authority, _ => new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = _o.RequestsPerSecondPerServer,
            TokensPerPeriod = _o.RequestsPerSecondPerServer,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = _o.QueueLimitPerServer,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        }));
        using var lease = await limiter.AcquireAsync(1, cancellationToken).ConfigureAwait(false);
        var server = baseUrl.AbsoluteUri;
        if (!lease.IsAcquired) return Outcome(domain, "rdap", RegistrationOutcomes.RateLimited, server, "too many lookups queued for this RDAP server");

        var http = httpFactory.CreateClient(RdapBootstrap.HttpClientName);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(baseUrl, "domain/" + domain));
        request.Headers.TryAddWithoutValidation("Accept", "application/rdap+json, application/json");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(_o.TimeoutSeconds));
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            switch (response.StatusCode)
            {
                case HttpStatusCode.NotFound:
                    return Outcome(domain, "rdap", RegistrationOutcomes.NotFound, server, "the registry has no such domain (404)");
                case HttpStatusCode.TooManyRequests:
                    return Outcome(domain, "rdap", RegistrationOutcomes.RateLimited, server,
                        $"the RDAP server asked to slow down (429{(response.Headers.RetryAfter is { } ra ? ", Retry-After " + ra : "")})");
                case var code when (int)code >= 400:
                    return Outcome(domain, "rdap", RegistrationOutcomes.Error, server, $"HTTP {(int)code}");
            }
            var body = await BoundedRead.ReadAsync(response, _o.MaxResponseBytes, timeout.Token).ConfigureAwait(false);
            return RdapParser.Parse(domain, server, body.Span, time.GetUtcNow());
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Outcome(domain, "rdap", RegistrationOutcomes.Timeout, server, $"no answer within {_o.TimeoutSeconds} s");
        }
        catch (HttpRequestException ex)
        {
            var reason = ex.InnerException is FetchConnectException fc ? fc.Message : ex.Message;
            return Outcome(domain, "rdap", RegistrationOutcomes.Error, server, reason);
        }
    }

    private RegistrationEvidence Outcome(string domain, string source, string outcome, string? server, string error) =>
        new() { Domain = domain, Source = source, Outcome = outcome, Server = server, Error = error, FetchedAt = time.GetUtcNow() };

    public void Dispose()
    {
        foreach (var limiter in _limiters.Values) limiter.Dispose();
    }
}
