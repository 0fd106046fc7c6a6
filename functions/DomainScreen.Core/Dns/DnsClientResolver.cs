using System.Diagnostics;
using DnsClient;
using DnsClient.Protocol;
using Microsoft.Extensions.Options;

namespace DomainScreen.Core.Dns;

/// <summary>
/// <see cref="IDnsResolver"/> over a DnsClient <see cref="LookupClient"/> (it owns the cache and the UDP/TCP plumbing).
/// DNS errors are returned as data; DnsClient's retries are the only retries.
/// </summary>
/// <remarks>
/// DnsClient's cache drops expired answers only in a sweep every ten minutes, so its <c>MaximumCacheTimeout</c> bounds
/// how long an answer is used, not how long it is held: a sweep screening 400 names a second held every answer of the
/// last ten minutes (≈ 0.6 KB a name; a 100k sweep ran out of its 384 MiB heap with them). With the cache on, the
/// client is replaced once <see cref="DnsOptions.MaxCacheSeconds"/> have passed since it was made, and its cache goes
/// with it: at most two clients' worth of answers are held (the old one until its queries end).
/// </remarks>
internal sealed class DnsClientResolver : IDnsResolver, IDisposable
{
    private readonly LookupClientOptions _lookup;
    private readonly TimeProvider _time;
    private readonly TimeSpan? _cacheLife;
    private Generation _current;
    private readonly int _maxRecords;
    private readonly SemaphoreSlim _inFlight;
    private readonly int _maxInFlight;

    public DnsClientResolver(IOptions<DnsOptions> options, TimeProvider? time = null)
    {
        var o = options.Value;
        var servers = o.Servers.Where(s => !string.IsNullOrWhiteSpace(s)).Select(s => DnsOptions.TryParseEndpoint(s, out var ep) ? new NameServer(ep) : null)
            .OfType<NameServer>().ToArray();
        var lookup = servers.Length > 0 ? new LookupClientOptions(servers) : new LookupClientOptions();
        lookup.Timeout = TimeSpan.FromMilliseconds(o.TimeoutMs);
        lookup.Retries = o.Retries;
        lookup.UseCache = o.UseCache;
        lookup.MaximumCacheTimeout = TimeSpan.FromSeconds(o.MaxCacheSeconds);
        lookup.ThrowDnsErrors = false;
        lookup.UseTcpFallback = true;
        lookup.UseTcpOnly = o.UseTcpOnly;
        // With several servers a SERVFAIL from one is worth asking the next; with one there is nobody to ask, and
        // DnsClient would raise and catch an exception internally for every NXDOMAIN.
        lookup.ContinueOnDnsError = servers.Length > 1;
        lookup.ContinueOnEmptyResponse = false;
        lookup.EnableAuditTrail = false;
        _lookup = lookup;
        _time = time ?? TimeProvider.System;
        _cacheLife = o.UseCache ? TimeSpan.FromSeconds(o.MaxCacheSeconds) : null;
        _current = new Generation(new LookupClient(lookup), _time.GetTimestamp());
        _maxRecords = o.MaxRecordsPerAnswer;
        _maxInFlight = o.MaxConcurrentQueries;
        _inFlight = new SemaphoreSlim(_maxInFlight, _maxInFlight);
    }

    public void Dispose() => _inFlight.Dispose();

    /// <summary>Clients made so far, the first included (for tests and diagnostics).</summary>
    public int Generations => Volatile.Read(ref _generations);

    private int _generations = 1;

    private sealed record Generation(LookupClient Client, long Born);

    /// <summary>The current client; a new one (with an empty cache) once the current one's cache has lived its time.</summary>
    private LookupClient Client()
    {
        var current = Volatile.Read(ref _current);
        if (_cacheLife is not { } life || _time.GetElapsedTime(current.Born) < life) return current.Client;
        var fresh = new Generation(new LookupClient(_lookup), _time.GetTimestamp());
        if (Interlocked.CompareExchange(ref _current, fresh, current) != current) return Volatile.Read(ref _current).Client;
        Interlocked.Increment(ref _generations);
        return fresh.Client;
    }

    /// <summary>Queries sent and not yet answered (for tests and diagnostics).</summary>
    public int InFlight => _maxInFlight - _inFlight.CurrentCount;

    public async Task<DnsAnswer> QueryAsync(string name, DnsRecordType type, CancellationToken cancellationToken)
    {
        await _inFlight.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await QueryOneAsync(name, type, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _inFlight.Release();
        }
    }

    private async Task<DnsAnswer> QueryOneAsync(string name, DnsRecordType type, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        int Elapsed() => (int)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        try
        {
            var response = await Client().QueryAsync(name, ToQueryType(type), QueryClass.IN, cancellationToken).ConfigureAwait(false);
            // An answer must be for the question asked: DnsClient matches the id but not the question section, so an
            // answer about another name (a lying or confused server) would otherwise be taken as this name's. Compared in
            // the wire (ASCII) form: DnsClient's Value is the Unicode form of an IDN (xn--dpseek-3ofa → dееpseek).
            if (response.Questions.Count != 1 || !string.Equals(Normalize(response.Questions[0].QueryName.Original), Normalize(name), StringComparison.OrdinalIgnoreCase)
                || response.Questions[0].QuestionType != ToQueryType(type))
            {
                return new DnsAnswer(name, type, DnsOutcome.Error, null, [], Elapsed(), "the answer is for another question");
            }
            var code = response.Header.ResponseCode;
            var records = response.Answers.Take(_maxRecords).Select(Convert).OfType<DnsRecord>().ToArray();
            var outcome = code switch
            {
                DnsHeaderResponseCode.NoError => records.Any(r => r.Type == type) ? DnsOutcome.Answer : DnsOutcome.NoData,
                DnsHeaderResponseCode.NotExistentDomain => DnsOutcome.NxDomain,
                DnsHeaderResponseCode.ServerFailure => DnsOutcome.ServFail,
                DnsHeaderResponseCode.Refused => DnsOutcome.Refused,
                _ => DnsOutcome.Error,
            };
            return new DnsAnswer(name, type, outcome, RcodeName(code), records, Elapsed(),
                response.HasError && outcome == DnsOutcome.Error ? response.ErrorMessage : null);
        }
        catch (DnsResponseException ex) when (ex.Code == DnsResponseCode.ConnectionTimeout)
        {
            return new DnsAnswer(name, type, DnsOutcome.Timeout, null, [], Elapsed(), "no answer within the timeout");
        }
        catch (DnsResponseException ex)
        {
            return new DnsAnswer(name, type, DnsOutcome.Error, null, [], Elapsed(), Trim(ex.Message));
        }
        catch (DnsResponseParseException ex)
        {
            // A malformed answer (cut short, a pointer loop, a lying count or length): evidence, not a crash. Found by
            // the lab's hostile DNS server (LabHostileDns); DnsClient does not derive this from DnsResponseException.
            return new DnsAnswer(name, type, DnsOutcome.Error, null, [], Elapsed(), Trim("malformed answer: " + ex.Message.Split('\n')[0]));
        }
        // NullReferenceException: DnsClient 1.8's own handler of a parse error fails on some malformed answers
        // (HandleDnsResponeParseException; MichaCo/DnsClient.NET#193), found by fuzzing with mutated answers.
        catch (Exception ex) when (ex is DnsXidMismatchException or ArgumentException or InvalidOperationException or IndexOutOfRangeException
            or System.Net.Sockets.SocketException or NullReferenceException)
        {
            // Malformed or hostile answers surface as parse errors inside DnsClient; they are evidence, not crashes.
            return new DnsAnswer(name, type, DnsOutcome.Error, null, [], Elapsed(), Trim($"{ex.GetType().Name}: {ex.Message}"));
        }
    }

    // Names in their wire (ASCII) form, as everything else holds them: DnsClient's Value is the Unicode form of an IDN.
    private static DnsRecord? Convert(DnsResourceRecord record)
    {
        var owner = Normalize(record.DomainName.Original);
        return record switch
        {
            ARecord a => new DnsRecord(owner, DnsRecordType.A, a.TimeToLive, a.Address.ToString()),
            AaaaRecord a => new DnsRecord(owner, DnsRecordType.AAAA, a.TimeToLive, a.Address.ToString()),
            CNameRecord c => new DnsRecord(owner, DnsRecordType.CNAME, c.TimeToLive, Normalize(c.CanonicalName.Original)),
            NsRecord n => new DnsRecord(owner, DnsRecordType.NS, n.TimeToLive, Normalize(n.NSDName.Original)),
            MxRecord m => new DnsRecord(owner, DnsRecordType.MX, m.TimeToLive, $"{m.Preference} {Normalize(m.Exchange.Original)}"),
            TxtRecord t => new DnsRecord(owner, DnsRecordType.TXT, t.TimeToLive, Trim(string.Concat(t.Text), 2048)),
            SoaRecord s => new DnsRecord(owner, DnsRecordType.SOA, s.TimeToLive,
                $"{Normalize(s.MName.Original)} {Normalize(s.RName.Original)} {s.Serial} {s.Refresh} {s.Retry} {s.Expire} {s.Minimum}"),
            _ => null,
        };
    }

    private static QueryType ToQueryType(DnsRecordType type) => type switch
    {
        DnsRecordType.A => QueryType.A,
        DnsRecordType.AAAA => QueryType.AAAA,
        DnsRecordType.CNAME => QueryType.CNAME,
        DnsRecordType.NS => QueryType.NS,
        DnsRecordType.MX => QueryType.MX,
        DnsRecordType.TXT => QueryType.TXT,
        DnsRecordType.SOA => QueryType.SOA,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    private static string RcodeName(DnsHeaderResponseCode code) => code switch
    {
        DnsHeaderResponseCode.NoError => "NOERROR",
        DnsHeaderResponseCode.FormatError => "FORMERR",
        DnsHeaderResponseCode.ServerFailure => "SERVFAIL",
        DnsHeaderResponseCode.NotExistentDomain => "NXDOMAIN",
        DnsHeaderResponseCode.NotImplemented => "NOTIMP",
        DnsHeaderResponseCode.Refused => "REFUSED",
        _ => code.ToString().ToUpperInvariant(),
    };

    private static string Normalize(string name) => name.TrimEnd('.').ToLowerInvariant();

    private static string Trim(string text, int max = 300) => text.Length <= max ? text : text[..max];
}
