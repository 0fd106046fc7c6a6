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
        return new LabWorld(manifest, dns, http, registry);
    }

    /// <summary>Configuration that sends DNS, HTTP(S), RDAP and WHOIS to the lab.</summary>
    public IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Dns:Servers:0"] = Dns.Endpoint,
        ["Dns:TimeoutMs"] = "1000",
        ["Dns:Retries"] = "0",
        ["Domains:ExtraSuffixes:0"] = "test",
        ["Domains:ExtraSuffixes:1"] = LabRegistry.WhoisTld,
        ["Fetching:AllowLoopback"] = "true",
        ["Fetching:PortMap:80"] = Port(Http.HttpPort),
        ["Fetching:PortMap:443"] = Port(Http.HttpsPort),
        ["Fetching:TotalTimeoutSeconds"] = "6",
        ["Registration:BootstrapUrl"] = $"http://{LabRegistry.RdapHost}/dns.json",
        ["Registration:WhoisServers:" + LabRegistry.WhoisTld] = $"127.0.0.1:{Port(Registry.WhoisPort)}",
        ["Registration:RequestsPerSecondPerServer"] = "50",
    };

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        Dns.Dispose();
        await Http.DisposeAsync().ConfigureAwait(false);
        await Registry.DisposeAsync().ConfigureAwait(false);
    }
}
