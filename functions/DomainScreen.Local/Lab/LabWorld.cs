using System.Globalization;
using System.Net;

namespace DomainScreen.Local.Lab;

/// <summary>
/// The offline world: the lab DNS server, web server (HTTP + HTTPS) and registry (RDAP + WHOIS) on loopback.
/// <see cref="Settings"/> points the resolver, fetcher and registration lookups at it; no code path knows it is
/// talking to the lab.
/// </summary>
public sealed class LabWorld : IAsyncDisposable
{
    private LabWorld(LabManifest manifest, LabDnsServer dns, LabHttpServer http, LabRegistry registry)
    {
        Manifest = manifest;
        Dns = dns;
        Http = http;
        Registry = registry;
    }

    public LabManifest Manifest { get; }
    public LabDnsServer Dns { get; }
    public LabHttpServer Http { get; }
    public LabRegistry Registry { get; }

    public static async Task<LabWorld> StartAsync(CancellationToken cancellationToken = default)
    {
        var manifest = LabManifest.Load();
        var registry = new LabRegistry(manifest.Sites, TimeProvider.System);
        var certificate = LabTls.SelfSigned(manifest.Sites.Where(s => s.Https).Select(s => s.Domain), TimeProvider.System);
        var http = await LabHttpServer.StartAsync(manifest.Sites, registry, certificate, cancellationToken).ConfigureAwait(false);
        var dns = new LabDnsServer(manifest.Sites, IPAddress.Loopback);
        var world = new LabWorld(manifest, dns, http, registry);
        await world.WarmUpAsync(cancellationToken).ConfigureAwait(false);
        return world;
    }

    /// <summary>
    /// One DNS query, one TLS handshake and one HTTP request against the fresh servers, so the first screening
    /// does not pay their start-up (JIT, TLS setup) inside its DNS timeout or fetch budget on a loaded machine.
    /// </summary>
    private async Task WarmUpAsync(CancellationToken cancellationToken)
    {
        var lookup = new DnsClient.LookupClient(new DnsClient.LookupClientOptions(new IPEndPoint(IPAddress.Loopback, Dns.Port))
        {
            UseCache = false,
            Timeout = TimeSpan.FromSeconds(10),
            Retries = 0,
        });
        var https = Manifest.Sites.FirstOrDefault(s => s.Https)?.Domain;
        await lookup.QueryAsync(https ?? "lab.test", DnsClient.QueryType.A, cancellationToken: cancellationToken).ConfigureAwait(false);

        using var handler = new SocketsHttpHandler { UseProxy = false };
#pragma warning disable CA5359 // the lab's own self-signed certificate, on loopback, before anything is screened
        handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
#pragma warning restore CA5359
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        foreach (var (scheme, port) in new[] { ("https", Http.HttpsPort), ("http", Http.HttpPort) })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"{scheme}://127.0.0.1:{port}/");
            if (https is not null) request.Headers.Host = https;
            try
            {
                using var response = await client.SendAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException)
            {
                // Warming only: a failure here shows up, with its evidence, when the site is screened.
            }
        }
    }

    /// <summary>Configuration that sends DNS, HTTP(S), RDAP and WHOIS to the lab.</summary>
    public IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Dns:Servers:0"] = Dns.Endpoint,
        ["Dns:TimeoutMs"] = "2000",
        ["Dns:Retries"] = "1",
        ["Dns:MaxConcurrentQueries"] = "64",
        ["Domains:ExtraSuffixes:0"] = "test",
        ["Domains:ExtraSuffixes:1"] = LabRegistry.WhoisTld,
        ["Fetching:AllowLoopback"] = "true",
        ["Fetching:PortMap:80"] = Port(Http.HttpPort),
        ["Fetching:PortMap:443"] = Port(Http.HttpsPort),
        ["Fetching:TotalTimeoutSeconds"] = "8",
        ["Registration:BootstrapUrl"] = $"http://{LabRegistry.RdapHost}/dns.json",
        ["Registration:WhoisServers:" + LabRegistry.WhoisTld] = $"127.0.0.1:{Port(Registry.WhoisPort)}",
        ["Registration:RequestsPerSecondPerServer"] = "50",
        ["Sources:CtLogs:0"] = $"http://127.0.0.1:{Port(Http.HttpPort)}/ct-log/",
        ["Sources:CtStartAt"] = "beginning",
    };

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        Dns.Dispose();
        await Http.DisposeAsync().ConfigureAwait(false);
        await Registry.DisposeAsync().ConfigureAwait(false);
    }
}
