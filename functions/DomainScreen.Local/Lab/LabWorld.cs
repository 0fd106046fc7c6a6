using System.Globalization;
using System.Net;

namespace DomainScreen.Local.Lab;

/// <summary>
/// The offline world: the lab DNS server and web server on loopback. <see cref="Settings"/> points the resolver
/// and fetcher at it; no code path knows it is talking to the lab.
/// </summary>
public sealed class LabWorld : IAsyncDisposable
{
    private LabWorld(LabManifest manifest, LabDnsServer dns, LabHttpServer http)
    {
        Manifest = manifest;
        Dns = dns;
        Http = http;
    }

    public LabManifest Manifest { get; }
    public LabDnsServer Dns { get; }
    public LabHttpServer Http { get; }

    public static async Task<LabWorld> StartAsync(CancellationToken cancellationToken = default)
    {
        var manifest = LabManifest.Load();
        var http = await LabHttpServer.StartAsync(manifest.Sites, cancellationToken).ConfigureAwait(false);
        var dns = new LabDnsServer(manifest.Sites, IPAddress.Loopback);
        return new LabWorld(manifest, dns, http);
    }

    /// <summary>Configuration that sends DNS and HTTP to the lab.</summary>
    public IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Dns:Servers:0"] = Dns.Endpoint,
        ["Dns:TimeoutMs"] = "1000",
        ["Dns:Retries"] = "0",
        ["Domains:ExtraSuffixes:0"] = "test",
        ["Fetching:AllowLoopback"] = "true",
        ["Fetching:PortMap:80"] = Http.HttpPort.ToString(CultureInfo.InvariantCulture),
    };

    public async ValueTask DisposeAsync()
    {
        Dns.Dispose();
        await Http.DisposeAsync().ConfigureAwait(false);
    }
}
