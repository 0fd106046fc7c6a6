using System.Net;
using System.Net.Sockets;
using DomainScreen.Core.Dns;
using DomainScreen.Core.Fetching;
using DomainScreen.Core.Tests.Dns;
using Microsoft.Extensions.Options;

namespace DomainScreen.Core.Tests.Fetching;

public sealed class GuardedConnectorTests
{
    /// <summary>Answers one address the first time a name is asked and another afterwards (DNS rebinding).</summary>
    private sealed class RebindingResolver(string first, string then) : IDnsResolver
    {
        private int _asked;

        public int Asked => _asked;

        public Task<DnsAnswer> QueryAsync(string name, DnsRecordType type, CancellationToken cancellationToken)
        {
            if (type != DnsRecordType.A) return Task.FromResult(new DnsAnswer(name, type, DnsOutcome.NoData, "NOERROR", [], 0));
            var address = Interlocked.Increment(ref _asked) == 1 ? first : then;
            return Task.FromResult(new DnsAnswer(name, type, DnsOutcome.Answer, "NOERROR", [new DnsRecord(name, DnsRecordType.A, 0, address)], 0));
        }
    }

    private static HttpClient Client(IDnsResolver resolver, FetchOptions options)
    {
        var connector = new GuardedConnector(resolver, Options.Create(options));
        return new HttpClient(new SocketsHttpHandler { ConnectCallback = connector.ConnectAsync, AllowAutoRedirect = false, UseProxy = false });
    }

    [Fact]
    public async Task Rebinding_PublicThenLoopback_NeverConnectsToLoopback()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var options = new FetchOptions { ConnectTimeoutSeconds = 1 };
        options.PortMap["80"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var resolver = new RebindingResolver("93.184.216.34", "127.0.0.1");
        using var client = Client(resolver, options);

        for (var i = 0; i < 3; i++)
        {
            var ex = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(new Uri("http://rebind.example.com/")));
            Assert.IsType<FetchConnectException>(ex.InnerException);
        }

        Assert.True(resolver.Asked >= 2, "the name was resolved again (the rebinding happened)");
        Assert.False(listener.Pending(), "a connection reached the loopback listener");
    }

    [Theory]
    [InlineData("10.0.0.5")]
    [InlineData("169.254.169.254")]
    [InlineData("127.0.0.1")]
    public async Task PrivateAnswer_IsBlockedWithoutConnecting(string address)
    {
        var resolver = new FakeDnsResolver().Add("evil.example.com", DnsRecordType.A, FakeDnsResolver.A("evil.example.com", address));
        using var client = Client(resolver, new FetchOptions());

        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(new Uri("http://evil.example.com/")));

        Assert.Equal(FetchOutcomes.BlockedAddress, Assert.IsType<FetchConnectException>(ex.InnerException).Outcome);
    }

    [Fact]
    public async Task IpLiteralUrl_IsGuardedToo()
    {
        using var client = Client(new FakeDnsResolver(), new FetchOptions());

        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(new Uri("http://[::ffff:169.254.169.254]/latest/")));

        Assert.Equal(FetchOutcomes.BlockedAddress, Assert.IsType<FetchConnectException>(ex.InnerException).Outcome);
    }

    [Fact]
    public async Task RefusedEndpoint_IsRememberedBriefly_SoSharedHostsSkipTheConnect()
    {
        // A port with nothing listening: bind, note the port, release it.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var options = new FetchOptions { AllowLoopback = true };
        options.PortMap["80"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var resolver = new FakeDnsResolver()
            .Add("a.example.com", DnsRecordType.A, FakeDnsResolver.A("a.example.com", "127.0.0.1"))
            .Add("b.example.com", DnsRecordType.A, FakeDnsResolver.A("b.example.com", "127.0.0.1"));
        using var connector = new GuardedConnector(resolver, Options.Create(options));
        using var client = new HttpClient(new SocketsHttpHandler { ConnectCallback = connector.ConnectAsync, UseProxy = false });

        Assert.False(await connector.KnownRefusedAsync("b.example.com", 80, CancellationToken.None));
        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(new Uri("http://a.example.com/")));

        Assert.True(await connector.KnownRefusedAsync("b.example.com", 80, CancellationToken.None));
        Assert.False(await connector.KnownRefusedAsync("b.example.com", 443, CancellationToken.None));
    }

    [Fact]
    public async Task NoAddress_IsDnsFailure()
    {
        using var client = Client(new FakeDnsResolver(), new FetchOptions());

        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(new Uri("http://nothing.example.com/")));

        Assert.Equal(FetchOutcomes.DnsFailure, Assert.IsType<FetchConnectException>(ex.InnerException).Outcome);
    }

    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>Connects twice through separate connection pools (so each request makes its own connection).</summary>
    private static async Task<FetchConnectException[]> ConnectTwiceAsync(GuardedConnector connector, string url)
    {
        var failures = new List<FetchConnectException>();
        for (var i = 0; i < 2; i++)
        {
            using var client = new HttpClient(new SocketsHttpHandler { ConnectCallback = connector.ConnectAsync, UseProxy = false });
            var ex = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(new Uri(url)));
            failures.Add(Assert.IsType<FetchConnectException>(ex.InnerException));
        }
        return failures.ToArray();
    }

    [Theory]
    [InlineData(30, 1)]
    [InlineData(0, 2)]
    public async Task Resolution_IsReusedByTheNextConnect_OnlyWhileRemembered(int memorySeconds, int expectedLookups)
    {
        var options = new FetchOptions { AllowLoopback = true, ResolutionMemorySeconds = memorySeconds };
        options.PortMap["80"] = ClosedPort().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var resolver = new FakeDnsResolver().Add("v4only.example.com", DnsRecordType.A, FakeDnsResolver.A("v4only.example.com", "127.0.0.1"));
        using var connector = new GuardedConnector(resolver, Options.Create(options));

        var failures = await ConnectTwiceAsync(connector, "http://v4only.example.com/");

        Assert.All(failures, f => Assert.Equal(FetchOutcomes.ConnectionFailed, f.Outcome));
        // The empty AAAA answer (NODATA) is remembered with the A answer: DnsClient's own cache never keeps it.
        Assert.Equal(expectedLookups, resolver.Asked.Count(q => q.Type == DnsRecordType.A));
        Assert.Equal(expectedLookups, resolver.Asked.Count(q => q.Type == DnsRecordType.AAAA));
    }

    [Fact]
    public async Task RefusedEndpoint_IsKnownRefused_ForEveryNameOnItsAddress_AndOnlyOnItsPort()
    {
        var options = new FetchOptions { AllowLoopback = true };
        options.PortMap["80"] = ClosedPort().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var resolver = new FakeDnsResolver()
            .Add("first.example.com", DnsRecordType.A, FakeDnsResolver.A("first.example.com", "127.0.0.1"))
            .Add("second.example.com", DnsRecordType.A, FakeDnsResolver.A("second.example.com", "127.0.0.1"));
        using var connector = new GuardedConnector(resolver, Options.Create(options));
        Assert.False(await connector.KnownRefusedAsync("second.example.com", 80, CancellationToken.None)); // nothing refused yet

        await ConnectTwiceAsync(connector, "http://first.example.com/");

        Assert.True(await connector.KnownRefusedAsync("second.example.com", 80, CancellationToken.None)); // same address and port
        Assert.True(await connector.KnownRefusedAsync("127.0.0.1", 80, CancellationToken.None));
        Assert.False(await connector.KnownRefusedAsync("second.example.com", 8081, CancellationToken.None)); // another port
    }

    [Fact]
    public async Task RememberedAddress_IsStillCheckedByTheGuard()
    {
        var resolver = new FakeDnsResolver().Add("inside.example.com", DnsRecordType.A, FakeDnsResolver.A("inside.example.com", "10.1.2.3"));
        using var connector = new GuardedConnector(resolver, Options.Create(new FetchOptions()));

        var failures = await ConnectTwiceAsync(connector, "http://inside.example.com/");

        Assert.All(failures, f => Assert.Equal(FetchOutcomes.BlockedAddress, f.Outcome));
        Assert.Single(resolver.Asked, q => q.Type == DnsRecordType.A);
    }

    [Fact]
    public async Task FailedLookup_IsNotRemembered()
    {
        var resolver = new FakeDnsResolver()
            .Add("flaky.example.com", DnsRecordType.A, FakeDnsResolver.A("flaky.example.com", "10.1.2.3"))
            .Outcome("flaky.example.com", DnsRecordType.AAAA, DnsOutcome.Timeout);
        using var connector = new GuardedConnector(resolver, Options.Create(new FetchOptions()));

        await ConnectTwiceAsync(connector, "http://flaky.example.com/");

        Assert.Equal(2, resolver.Asked.Count(q => q.Type == DnsRecordType.A));
    }

    [Fact]
    public void RememberFor_IsTheShortestTtl_Capped_AndNeverForZero()
    {
        DnsAnswer A(int ttl) => new("x.example", DnsRecordType.A, DnsOutcome.Answer, "NOERROR", [FakeDnsResolver.A("x.example", "192.0.2.1", ttl)], 1);
        var noData = new DnsAnswer("x.example", DnsRecordType.AAAA, DnsOutcome.NoData, "NOERROR", [], 1);
        var nxDomain = new DnsAnswer("x.example", DnsRecordType.AAAA, DnsOutcome.NxDomain, "NXDOMAIN", [], 1);
        var servFail = new DnsAnswer("x.example", DnsRecordType.AAAA, DnsOutcome.ServFail, "SERVFAIL", [], 1);

        Assert.Equal(TimeSpan.FromSeconds(7), GuardedConnector.RememberFor(A(7), noData, 30));
        Assert.Equal(TimeSpan.FromSeconds(30), GuardedConnector.RememberFor(A(3600), noData, 30));
        Assert.Equal(TimeSpan.FromSeconds(30), GuardedConnector.RememberFor(nxDomain, nxDomain, 30));
        Assert.Null(GuardedConnector.RememberFor(A(0), noData, 30));
        Assert.Null(GuardedConnector.RememberFor(A(300), servFail, 30));
    }
}
