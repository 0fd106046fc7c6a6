using System.Net;
using System.Net.Sockets;
using DomainScreen.Core.Dns;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace DomainScreen.Core.Tests.Dns;

/// <summary>The real resolver against a real UDP socket on loopback that takes queries and never answers.</summary>
public sealed class DnsClientResolverTests
{
    [Fact]
    public async Task QueriesBeyondTheLimit_WaitForASlot_AndGoOutWhenOneFrees()
    {
        using var blackHole = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)blackHole.Client.LocalEndPoint!).Port;
        var options = new DnsOptions { TimeoutMs = 30_000, Retries = 0, UseCache = false, MaxConcurrentQueries = 2 };
        options.Servers.Add($"127.0.0.1:{port}");
        using var resolver = new DnsClientResolver(Options.Create(options));
        using var first = new CancellationTokenSource();
        using var rest = new CancellationTokenSource();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));

        var queries = new[]
        {
            resolver.QueryAsync("one.example", DnsRecordType.A, first.Token),
            resolver.QueryAsync("two.example", DnsRecordType.A, rest.Token),
            resolver.QueryAsync("three.example", DnsRecordType.A, rest.Token),
        };
        await blackHole.ReceiveAsync(deadline.Token);
        await blackHole.ReceiveAsync(deadline.Token);

        Assert.Equal(2, resolver.InFlight);
        Assert.DoesNotContain(queries, q => q.IsCompleted);

        await first.CancelAsync();
        await Ended(queries[0]);
        var third = await blackHole.ReceiveAsync(deadline.Token); // the waiting query goes out once a slot frees

        Assert.True(third.Buffer.Length > 12);
        await rest.CancelAsync();
        await Ended(queries[1]);
        await Ended(queries[2]);
        Assert.Equal(0, resolver.InFlight);
    }

    [Fact]
    public async Task CachedAnswers_AreUsedForTheirTime_ThenAskedAgainFromAFreshCache()
    {
        using var server = new CountingServer();
        var options = new DnsOptions { TimeoutMs = 5_000, Retries = 0, UseCache = true, MaxCacheSeconds = 60 };
        options.Servers.Add($"127.0.0.1:{server.Port}");
        var time = new FakeTimeProvider();
        using var resolver = new DnsClientResolver(Options.Create(options), time);

        var first = await resolver.QueryAsync("cached.example", DnsRecordType.A, CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(59));
        var second = await resolver.QueryAsync("cached.example", DnsRecordType.A, CancellationToken.None);

        Assert.Equal(DnsOutcome.Answer, first.Outcome);
        Assert.Equal(DnsOutcome.Answer, second.Outcome);
        Assert.Equal(1, server.Queries); // the second came from the cache (the answer's TTL is an hour)

        // DnsClient would hold the answer until its own ten-minute sweep; the resolver's cache is a minute old now and
        // is dropped with its client, so the name is asked again.
        time.Advance(TimeSpan.FromSeconds(1));
        var third = await resolver.QueryAsync("cached.example", DnsRecordType.A, CancellationToken.None);

        Assert.Equal(DnsOutcome.Answer, third.Outcome);
        Assert.Equal("192.0.2.7", Assert.Single(third.Records).Value);
        Assert.Equal(2, server.Queries);
        Assert.Equal(2, resolver.Generations);
    }

    [Fact]
    public async Task WithoutTheCache_OneClientServesEveryQuery()
    {
        using var server = new CountingServer();
        var options = new DnsOptions { TimeoutMs = 5_000, Retries = 0, UseCache = false };
        options.Servers.Add($"127.0.0.1:{server.Port}");
        var time = new FakeTimeProvider();
        using var resolver = new DnsClientResolver(Options.Create(options), time);

        await resolver.QueryAsync("plain.example", DnsRecordType.A, CancellationToken.None);
        time.Advance(TimeSpan.FromHours(1));
        await resolver.QueryAsync("plain.example", DnsRecordType.A, CancellationToken.None);

        Assert.Equal(2, server.Queries);
        Assert.Equal(1, resolver.Generations);
    }

    [Fact]
    public async Task TcpOnly_AsksOverTcp_OnConnectionsItReuses()
    {
        using var udp = new CountingServer();
        using var tcp = new TcpCountingServer(udp.Port);
        var options = new DnsOptions { TimeoutMs = 5_000, Retries = 0, UseCache = false, UseTcpOnly = true };
        options.Servers.Add($"127.0.0.1:{udp.Port}");
        using var resolver = new DnsClientResolver(Options.Create(options));

        for (var i = 0; i < 20; i++)
        {
            var answer = await resolver.QueryAsync($"n{i}.example", DnsRecordType.A, CancellationToken.None);
            Assert.Equal(DnsOutcome.Answer, answer.Outcome);
            Assert.Equal("192.0.2.7", Assert.Single(answer.Records).Value);
        }

        Assert.Equal(20, tcp.Queries);
        Assert.Equal(0, udp.Queries);
        Assert.InRange(tcp.Connections, 1, 2); // one socket for twenty questions, not one each
    }

    /// <summary>
    /// A TCP DNS server on loopback (RFC 1035 4.2.2: each message after a two-byte length) that answers as
    /// <see cref="CountingServer"/> does, any number of questions per connection, and counts connections and questions.
    /// </summary>
    private sealed class TcpCountingServer : IDisposable
    {
        private readonly TcpListener _listener;
        private readonly CancellationTokenSource _stop = new();
        private int _queries;
        private int _connections;

        public TcpCountingServer(int port)
        {
            _listener = new TcpListener(IPAddress.Loopback, port);
            _listener.Start();
            _ = AcceptAsync();
        }

        public int Queries => Volatile.Read(ref _queries);

        public int Connections => Volatile.Read(ref _connections);

        private async Task AcceptAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                try
                {
                    var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                    Interlocked.Increment(ref _connections);
                    _ = ServeAsync(client);
                }
                catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
                {
                    return;
                }
            }
        }

        private async Task ServeAsync(TcpClient client)
        {
            using var _ = client;
            var stream = client.GetStream();
            var length = new byte[2];
            try
            {
                while (true)
                {
                    await stream.ReadExactlyAsync(length, _stop.Token);
                    var query = new byte[(length[0] << 8) | length[1]];
                    await stream.ReadExactlyAsync(query, _stop.Token);
                    Interlocked.Increment(ref _queries);
                    var answer = CountingServer.Answer(query);
                    await stream.WriteAsync(new[] { (byte)(answer.Length >> 8), (byte)answer.Length }, _stop.Token);
                    await stream.WriteAsync(answer, _stop.Token);
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or EndOfStreamException or IOException or ObjectDisposedException)
            {
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            _stop.Dispose();
        }
    }

    /// <summary>A UDP DNS server on loopback that answers every question with one A record (192.0.2.7, TTL 3600) and counts them.</summary>
    private sealed class CountingServer : IDisposable
    {
        private readonly UdpClient _socket = new(new IPEndPoint(IPAddress.Loopback, 0));
        private readonly CancellationTokenSource _stop = new();
        private int _queries;

        public CountingServer() => _ = ServeAsync();

        public int Port => ((IPEndPoint)_socket.Client.LocalEndPoint!).Port;

        public int Queries => Volatile.Read(ref _queries);

        private async Task ServeAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                UdpReceiveResult query;
                try
                {
                    query = await _socket.ReceiveAsync(_stop.Token);
                }
                catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
                {
                    return;
                }
                Interlocked.Increment(ref _queries);
                await _socket.SendAsync(Answer(query.Buffer), query.RemoteEndPoint);
            }
        }

        // The query's header and question, then one answer naming the question by a pointer to offset 12 (RFC 1035 4.1).
        internal static byte[] Answer(byte[] query)
        {
            var questionEnd = 12;
            while (query[questionEnd] != 0) questionEnd += query[questionEnd] + 1;
            questionEnd += 5; // the root label, QTYPE, QCLASS
            var answer = new List<byte>(query[..questionEnd]);
            answer[2] = 0x81; // QR, RD
            answer[3] = 0x80; // RA, NOERROR
            answer[6] = 0; answer[7] = 1; // ANCOUNT 1
            answer[8] = 0; answer[9] = 0; answer[10] = 0; answer[11] = 0; // no authority, no additional (the query's OPT dropped)
            answer.AddRange([0xC0, 12, 0, 1, 0, 1, 0, 0, 0x0E, 0x10, 0, 4, 192, 0, 2, 7]);
            return [.. answer];
        }

        public void Dispose()
        {
            _stop.Cancel();
            _socket.Dispose();
            _stop.Dispose();
        }
    }

    // A cancelled query either throws or comes back as a timeout answer; either way it has ended and freed its slot.
    private static async Task Ended(Task<DnsAnswer> query)
    {
        try
        {
            var answer = await query;
            Assert.NotEqual(DnsOutcome.Answer, answer.Outcome);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
