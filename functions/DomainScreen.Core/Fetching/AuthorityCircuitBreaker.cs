using Microsoft.Extensions.Caching.Memory;

namespace DomainScreen.Core.Fetching;

/// <summary>
/// A circuit breaker per authority (host:port) with bounded memory: after <see cref="FailureThreshold"/>
/// connection failures within a minute, requests to that authority fail at once for 30 s, so one dead site stops
/// costing connects without affecting any other. States live in a size-limited cache with sliding expiry; a sweep
/// of millions of hosts keeps only the recently active ones (a breaker per authority in a resilience pipeline
/// registry is never evicted, which grew by ~one pipeline per screened host in the 30k-domain benchmark).
/// </summary>
internal sealed class AuthorityCircuitBreaker : IDisposable
{
    public const int FailureThreshold = 5;
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan OpenFor = TimeSpan.FromSeconds(30);

    private sealed class State
    {
        public int Failures;
        public DateTimeOffset WindowStart;
        public DateTimeOffset OpenUntil;
    }

    internal const int Entries = 20_000;
    private readonly MemoryCache _states = new(new MemoryCacheOptions { SizeLimit = Entries });
    private readonly TimeProvider _time;

    public AuthorityCircuitBreaker(TimeProvider time) => _time = time;

    /// <summary>True while the authority's circuit is open.</summary>
    public bool IsOpen(string authority) =>
        _states.TryGetValue(authority, out State? s) && s is not null && s.OpenUntil > _time.GetUtcNow();

    public void Succeeded(string authority) => _states.Remove(authority);

    public void Failed(string authority)
    {
        var now = _time.GetUtcNow();
        // Made room for (MemoryCacheRoom): GetOrCreate on a full cache hands back a state it does not keep, so once
        // 20,000 authorities had failed within two minutes a new one's failures were never counted and its circuit never
        // opened. (Two first failures of one authority at the same moment may each start a state; one count is lost.)
        if (!_states.TryGetValue(authority, out State? state) || state is null)
        {
            state = new State { WindowStart = now };
            _states.SetMakingRoom(Entries, authority, state, new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = TimeSpan.FromMinutes(2) });
        }
        lock (state)
        {
            if (now - state.WindowStart > Window)
            {
                state.WindowStart = now;
                state.Failures = 0;
            }
            if (++state.Failures >= FailureThreshold) state.OpenUntil = now + OpenFor;
        }
    }

    public void Dispose() => _states.Dispose();
}

/// <summary>The HTTP handler that consults and feeds <see cref="AuthorityCircuitBreaker"/> (created per handler chain).</summary>
internal sealed class AuthorityCircuitBreakerHandler(AuthorityCircuitBreaker breaker) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var authority = request.RequestUri!.Authority;
        if (breaker.IsOpen(authority))
        {
            throw new HttpRequestException(HttpRequestError.ConnectionError, $"circuit open for {authority} after repeated failures",
                new FetchConnectException(FetchOutcomes.ConnectionFailed, $"circuit open for {authority} after repeated connection failures"));
        }
        try
        {
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            breaker.Succeeded(authority);
            return response;
        }
        catch (HttpRequestException ex) when (ex.HttpRequestError == HttpRequestError.ConnectionError
            && ex.InnerException is not FetchConnectException { Outcome: FetchOutcomes.BlockedAddress or FetchOutcomes.DnsFailure })
        {
            breaker.Failed(authority);
            throw;
        }
    }
}
