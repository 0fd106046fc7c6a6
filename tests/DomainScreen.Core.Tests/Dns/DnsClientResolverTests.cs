using System.Net;
using System.Net.Sockets;
using DomainScreen.Core.Dns;
using Microsoft.Extensions.Options;

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
