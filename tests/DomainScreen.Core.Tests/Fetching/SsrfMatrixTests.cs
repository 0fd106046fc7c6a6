using System.Net;
using System.Net.Sockets;
using DomainScreen.Core.Dns;
using DomainScreen.Core.Fetching;
using DomainScreen.Core.Tests.Dns;
using Microsoft.Extensions.Options;

namespace DomainScreen.Core.Tests.Fetching;

/// <summary>
/// Every way a URL or a DNS answer can point the fetcher at this machine, through the real connector and sockets, with
/// a canary listening where all of them lead (127.0.0.1, the port the fetcher would use): each is refused with a
/// recorded reason, and the canary sees no connection.
/// </summary>
public sealed class SsrfMatrixTests : IDisposable
{
    private readonly TcpListener _canary = new(IPAddress.Loopback, 0);
    private readonly FetchOptions _options = new() { ConnectTimeoutSeconds = 1 };

    public SsrfMatrixTests()
    {
        _canary.Start();
        _options.PortMap["80"] = ((IPEndPoint)_canary.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    public void Dispose() => _canary.Stop();

    // URL spellings of the loopback address (System.Uri reads the numeric forms as IPv4 the way browsers do) and the
    // IPv6 forms that embed it.
    public static readonly TheoryData<string> LiteralUrls = new()
    {
        "http://127.0.0.1/", "http://2130706433/", "http://0x7f000001/", "http://0177.0.0.1/", "http://0x7f.1/", "http://127.1/",
        "http://127.0.0.1.:80/", "http://[::1]/", "http://[::ffff:127.0.0.1]/", "http://[::ffff:0:127.0.0.1]/", "http://[::127.0.0.1]/",
        "http://[64:ff9b::127.0.0.1]/", "http://[2002:7f00:1::]/", "http://[0:0:0:0:0:ffff:7f00:1]/", "http://0.0.0.0/",
    };

    [Theory]
    [MemberData(nameof(LiteralUrls))]
    public async Task LiteralSpellings_AreRefused_WithoutAConnection(string url)
    {
        var outcome = await FetchAsync(new FakeDnsResolver(), url);

        Assert.Equal(FetchOutcomes.BlockedAddress, outcome.Outcome);
        Assert.False(string.IsNullOrWhiteSpace(outcome.Message));
        Assert.False(_canary.Pending(), $"{url} reached the canary");
    }

    public static readonly TheoryData<string, string[]> Answers = new()
    {
        { "localhost.example.com", ["127.0.0.1"] },
        { "loop6.example.com", ["::1"] },
        { "mapped.example.com", ["::ffff:127.0.0.1"] },
        { "translated.example.com", ["::ffff:0:7f00:1"] },
        { "nat64.example.com", ["64:ff9b::7f00:1"] },
        { "mixed.example.com", ["93.184.216.34", "127.0.0.1"] },
        { "mixed6.example.com", ["2606:2800:220:1:248:1893:25c8:1946", "::1"] },
        { "unspecified.example.com", ["0.0.0.0"] },
    };

    [Theory]
    [MemberData(nameof(Answers))]
    public async Task NamesThatResolveHere_OnlyOrAmongOthers_AreRefused_WithoutAConnection(string name, string[] addresses)
    {
        var resolver = new FakeDnsResolver();
        foreach (var group in addresses.GroupBy(a => IPAddress.Parse(a).AddressFamily))
        {
            var type = group.Key == AddressFamily.InterNetwork ? DnsRecordType.A : DnsRecordType.AAAA;
            resolver.Add(name, type, group.Select(a => new DnsRecord(name, type, 60, a)).ToArray());
        }

        var outcome = await FetchAsync(resolver, $"http://{name}/");

        Assert.Equal(FetchOutcomes.BlockedAddress, outcome.Outcome);
        Assert.Contains(name, outcome.Message, StringComparison.Ordinal);
        Assert.False(_canary.Pending(), $"{name} reached the canary");
    }

    [Fact]
    public async Task TheCanaryWorks_WhenLoopbackIsAllowed()
    {
        // The control: the same setup with the lab's exception reaches the canary, so the refusals above are real.
        _options.AllowLoopback = true;
        var connector = new GuardedConnector(new FakeDnsResolver(), Options.Create(_options));
        using var handler = new SocketsHttpHandler { ConnectCallback = connector.ConnectAsync, AllowAutoRedirect = false, UseProxy = false };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(2) };
        var request = client.GetAsync(new Uri("http://127.0.0.1/"));
        using var accepted = await _canary.AcceptTcpClientAsync();
        Assert.True(accepted.Connected);
        await Assert.ThrowsAnyAsync<Exception>(() => request);
    }

    private async Task<(string Outcome, string Message)> FetchAsync(IDnsResolver resolver, string url)
    {
        var connector = new GuardedConnector(resolver, Options.Create(_options));
        using var handler = new SocketsHttpHandler { ConnectCallback = connector.ConnectAsync, AllowAutoRedirect = false, UseProxy = false };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(5) };
        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(new Uri(url)));
        var refused = Assert.IsType<FetchConnectException>(ex.InnerException);
        return (refused.Outcome, refused.Message);
    }
}
