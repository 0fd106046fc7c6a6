using System.Net;
using System.Net.Sockets;
using DomainScreen.Core.Dns;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace DomainScreen.Core.Fetching;

/// <summary>Why a connection was not made; surfaces as the inner exception of an HttpRequestException.</summary>
public sealed class FetchConnectException(string outcome, string message) : Exception(message)
{
    public string Outcome { get; } = outcome;
}

/// <summary>The address a request's new connection went to (set by <see cref="GuardedConnector"/>).</summary>
public sealed class ConnectionRecord
{
    public IPAddress? Address { get; set; }
}

/// <summary>
/// The <see cref="SocketsHttpHandler.ConnectCallback"/> of the fetcher: resolves the host with our own resolver,
/// keeps only addresses the <see cref="AddressGuard"/> allows, and connects to exactly one of those. The socket
/// goes to the address that was checked, so a name that re-resolves elsewhere (DNS rebinding) cannot redirect it.
/// </summary>
public sealed class GuardedConnector(IDnsResolver resolver, IOptions<FetchOptions> options) : IDisposable
{
    public static readonly HttpRequestOptionsKey<ConnectionRecord> RecordKey = new("DomainScreen.Connection");

    private const int MaxAddressesTried = 3;
    private static readonly TimeSpan RefusalMemory = TimeSpan.FromSeconds(30);

    // Endpoints that just refused a TCP connection (nothing listening): shared hosting puts thousands of sites on
    // one address, so an https attempt against a closed port 443 is answered from here instead of by a failed
    // connect and its exception.
    private const int Entries = 100_000;
    private readonly MemoryCache _refused = new(new MemoryCacheOptions { SizeLimit = Entries, ExpirationScanFrequency = ExpiredScan });

    // Whether any refusal was ever remembered: the fast "none" answer without MemoryCache.Count, which takes every lock
    // of the cache's table (see MemoryCacheRoom).
    private volatile bool _anyRefused;

    /// <summary>
    /// How often the two caches drop expired entries (MemoryCache's default is a minute: with 30 s entries a sweep at
    /// 450 names/s held ≈ 40,000 resolutions, most of them expired).
    /// </summary>
    private static readonly TimeSpan ExpiredScan = TimeSpan.FromSeconds(5);

    /// <summary>
    /// True when every address <paramref name="host"/> resolves to (and the guard allows) refused a connection on
    /// <paramref name="port"/> in the last 30 s; the caller records the attempt as failed without sending.
    /// </summary>
    public async ValueTask<bool> KnownRefusedAsync(string host, int port, CancellationToken cancellationToken)
    {
        if (!_anyRefused) return false;
        var mapped = options.Value.MapPort(port);
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await ResolveAsync(host, cancellationToken).ConfigureAwait(false);
        var allowed = addresses.Where(a => AddressGuard.IsAllowed(a, options.Value.AllowLoopback)).Take(MaxAddressesTried).ToList();
        return allowed.Count > 0 && allowed.All(a => _refused.TryGetValue(new IPEndPoint(a, mapped), out _));
    }

    // Recent resolutions by host (see FetchOptions.ResolutionMemorySeconds): the addresses, not the decision, so
    // every connect still runs them through the guard.
    private readonly MemoryCache _resolved = new(new MemoryCacheOptions { SizeLimit = Entries, ExpirationScanFrequency = ExpiredScan });

    public void Dispose()
    {
        _refused.Dispose();
        _resolved.Dispose();
    }

    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var host = context.DnsEndPoint.Host;
        // "127.0.0.1." is the address too (a trailing dot makes it look like a name to some parsers).
        var candidates = IPAddress.TryParse(host.Trim('[', ']').TrimEnd('.'), out var literal)
            ? [literal]
            : await ResolveAsync(host, cancellationToken).ConfigureAwait(false);
        if (candidates.Count == 0) throw new FetchConnectException(FetchOutcomes.DnsFailure, $"{host} has no A or AAAA record");

        var allowed = candidates.Where(a => AddressGuard.IsAllowed(a, o.AllowLoopback)).ToList();
        if (allowed.Count < candidates.Count && allowed.Count > 0)
        {
            // A name that mixes public and refused addresses is refused whole: such answers are how rebinding and
            // split-horizon tricks aim at internal services, and no public site needs them.
            var refused = candidates.First(a => !AddressGuard.IsAllowed(a, o.AllowLoopback));
            throw new FetchConnectException(FetchOutcomes.BlockedAddress,
                $"{host} resolves to public and refused addresses together, e.g. {refused}: {AddressGuard.Check(refused, o.AllowLoopback)}");
        }
        if (allowed.Count == 0)
        {
            var first = candidates[0];
            var why = AddressGuard.Check(first, o.AllowLoopback);
            throw new FetchConnectException(FetchOutcomes.BlockedAddress, literal is not null
                ? $"{first} is a refused address: {why}"
                : $"{host} resolves only to refused addresses, e.g. {first}: {why}");
        }

        var port = o.MapPort(context.DnsEndPoint.Port);
        Exception? last = null;
        foreach (var address in allowed.Take(MaxAddressesTried))
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            using var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            connectTimeout.CancelAfter(TimeSpan.FromSeconds(o.ConnectTimeoutSeconds));
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, port), connectTimeout.Token).ConfigureAwait(false);
                if (context.InitialRequestMessage.Options.TryGetValue(RecordKey, out var record)) record.Address = address;
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (Exception ex) when (ex is SocketException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                socket.Dispose();
                last = ex;
                if (ex is SocketException { SocketErrorCode: SocketError.ConnectionRefused })
                {
                    _anyRefused = true;
                    _refused.SetMakingRoom(Entries, new IPEndPoint(address, port), true, new MemoryCacheEntryOptions
                    {
                        Size = 1,
                        AbsoluteExpirationRelativeToNow = RefusalMemory,
                    });
                }
            }
        }
        throw new FetchConnectException(FetchOutcomes.ConnectionFailed, $"could not connect to {host} ({string.Join(", ", allowed.Take(MaxAddressesTried))}): {last?.Message}");
    }

    private async Task<IReadOnlyList<IPAddress>> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        var memory = options.Value.ResolutionMemorySeconds;
        if (memory > 0 && _resolved.TryGetValue(host, out IPAddress[]? remembered) && remembered is not null) return remembered;
        var a = resolver.QueryAsync(host, DnsRecordType.A, cancellationToken);
        var aaaa = resolver.QueryAsync(host, DnsRecordType.AAAA, cancellationToken);
        await Task.WhenAll(a, aaaa).ConfigureAwait(false);
        var addresses = a.Result.OfType(DnsRecordType.A).Concat(aaaa.Result.OfType(DnsRecordType.AAAA))
            .Select(r => IPAddress.TryParse(r.Value, out var ip) ? ip : null)
            .OfType<IPAddress>()
            .ToArray();
        if (memory > 0 && RememberFor(a.Result, aaaa.Result, memory) is { } lifetime)
        {
            _resolved.SetMakingRoom(Entries, host, addresses, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = lifetime });
        }
        return addresses;
    }

    /// <summary>
    /// How long a resolution may be reused: the shortest TTL among its records (a TTL of 0 — how rebinding attacks
    /// answer — is never reused), at most <paramref name="cap"/> seconds; only definite answers (records, NODATA,
    /// NXDOMAIN), never a timeout or a server failure.
    /// </summary>
    internal static TimeSpan? RememberFor(DnsAnswer a, DnsAnswer aaaa, int cap)
    {
        static bool Definite(DnsAnswer x) => x.Outcome is DnsOutcome.Answer or DnsOutcome.NoData or DnsOutcome.NxDomain;
        if (!Definite(a) || !Definite(aaaa)) return null;
        var seconds = cap;
        foreach (var record in a.Records.Concat(aaaa.Records)) seconds = Math.Min(seconds, Math.Max(0, record.Ttl));
        return seconds > 0 ? TimeSpan.FromSeconds(seconds) : null;
    }
}
