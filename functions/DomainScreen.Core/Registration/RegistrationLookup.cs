using System.Collections.Concurrent;
using Microsoft.Extensions.Caching.Memory;
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
    private static readonly RegistrationEvidence Absent = new() { Domain = "", Source = "none", Outcome = "absent" };
    private readonly ConcurrentDictionary<string, Lazy<Task<RegistrationEvidence>>> _inFlight = new(StringComparer.Ordinal);
    internal const int MemoryEntries = 20_000;
    private readonly Microsoft.Extensions.Caching.Memory.MemoryCache _memory = new(new Microsoft.Extensions.Caching.Memory.MemoryCacheOptions { SizeLimit = MemoryEntries });
    private readonly ConcurrentQueue<RegistrationEvidence> _unsaved = new();
    private readonly ConcurrentDictionary<string, RateLimiter> _limiters = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _queuedUntil = new(StringComparer.Ordinal);
    private readonly RegistrationOptions _o = options.Value;

    /// <summary>
    /// When a lookup of <paramref name="registrableDomain"/> waiting in an RDAP server's rate-limit queue is expected to
    /// be sent (its place in the queue over the server's rate); null when it is not waiting there.
    /// </summary>
    public DateTimeOffset? QueuedUntil(string registrableDomain) =>
        _queuedUntil.TryGetValue(registrableDomain, out var until) ? until : null;

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

    /// <summary>
    /// Loads the stored lookups of a batch's domains with a few queries, so the screens that follow do not each read
    /// the store; domains not stored are remembered as absent and go straight to RDAP/WHOIS.
    /// </summary>
    public async Task PrefetchAsync(IEnumerable<string> registrableDomains, CancellationToken cancellationToken)
    {
        if (!_o.Enabled) return;
        var wanted = registrableDomains.Distinct(StringComparer.Ordinal).Where(d => !_memory.TryGetValue(d, out _)).ToList();
        if (wanted.Count == 0) return;
        var found = await cache.GetManyAsync(wanted, cancellationToken).ConfigureAwait(false);
        foreach (var e in found.Where(Fresh)) Remember(e.Domain, e);
        foreach (var d in wanted.Where(d => !_memory.TryGetValue(d, out _))) Remember(d, Absent, TimeSpan.FromMinutes(10));
    }

    /// <summary>Writes the lookups made since the last flush to the store, a few transactions for a whole batch.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        var batch = new List<RegistrationEvidence>();
        while (_unsaved.TryDequeue(out var e)) batch.Add(e);
        if (batch.Count > 0) await cache.SetManyAsync(batch, cancellationToken).ConfigureAwait(false);
    }

    private bool Fresh(RegistrationEvidence e) =>
        time.GetUtcNow() - e.FetchedAt < TimeSpan.FromHours(_o.CacheHours) && e.Outcome != RegistrationOutcomes.RateLimited;

    /// <summary>
    /// Made room for (<see cref="MemoryCacheRoom"/>): a full cache dropped the "not stored" marks a batch's prefetch had
    /// just set, and each of those screens read the store again (12–14 thousand point reads in a 100k sweep, none in a 10k).
    /// </summary>
    private void Remember(string domain, RegistrationEvidence evidence, TimeSpan? ttl = null) =>
        _memory.SetMakingRoom(MemoryEntries, domain, evidence, new Microsoft.Extensions.Caching.Memory.MemoryCacheEntryOptions
        {
            Size = 1,
            AbsoluteExpirationRelativeToNow = ttl ?? TimeSpan.FromHours(Math.Max(1, Math.Min(_o.CacheHours, 24))),
        });

    // Not tied to one caller's token: other screens of the same domain may be waiting on it.
    private async Task<RegistrationEvidence> LookupUncachedAsync(string domain, string suffix)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(_o.TimeoutSeconds * 3));
        var token = timeout.Token;
        if (_memory.TryGetValue(domain, out RegistrationEvidence? known) && known is not null)
        {
            if (!ReferenceEquals(known, Absent)) return known;
        }
        else if (await cache.GetManyAsync([domain], token).ConfigureAwait(false) is [var stored, ..] && Fresh(stored))
        {
            Remember(domain, stored);
            return stored;
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
            Remember(domain, result);
            _unsaved.Enqueue(result);
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
        using var lease = await AcquireAsync(limiter, domain, cancellationToken).ConfigureAwait(false);
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
            var body = await BoundedBuffer.ReadAsync(response, _o.MaxResponseBytes, timeout.Token).ConfigureAwait(false);
            if (body.Exceeded) return Outcome(domain, "rdap", RegistrationOutcomes.Error, server, $"answer larger than {_o.MaxResponseBytes} bytes");
            return RdapParser.Parse(domain, server, body.Bytes.Span, time.GetUtcNow());
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

    private async Task<RateLimitLease> AcquireAsync(RateLimiter limiter, string domain, CancellationToken cancellationToken)
    {
        if (limiter.GetStatistics() is not { CurrentAvailablePermits: <= 0 } stats) return await limiter.AcquireAsync(1, cancellationToken).ConfigureAwait(false);
        // Joining the queue: remember when this lookup should leave it, so a screen can decide not to wait for it.
        _queuedUntil[domain] = time.GetUtcNow() + TimeSpan.FromSeconds((stats.CurrentQueuedCount + 1) / (double)_o.RequestsPerSecondPerServer);
        try
        {
            return await limiter.AcquireAsync(1, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _queuedUntil.TryRemove(domain, out _);
        }
    }

    private RegistrationEvidence Outcome(string domain, string source, string outcome, string? server, string error) =>
        new() { Domain = domain, Source = source, Outcome = outcome, Server = server, Error = error, FetchedAt = time.GetUtcNow() };

    public void Dispose()
    {
        foreach (var limiter in _limiters.Values) limiter.Dispose();
        _memory.Dispose();
    }
}
