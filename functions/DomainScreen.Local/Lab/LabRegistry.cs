using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace DomainScreen.Local.Lab;

/// <summary>
/// The lab's registries: an RDAP server (served by the lab web server for <see cref="RdapHost"/>, with its own
/// bootstrap file) and a port-43 WHOIS server for the lab's WHOIS-only TLD. Dates like <c>-20d</c> are relative to
/// now, so the lab's domain ages do not drift with the calendar.
/// </summary>
public sealed class LabRegistry : IAsyncDisposable
{
    public const string RdapHost = "rdap.lab-registry.test";
    public const string WhoisTld = "example";

    private static readonly LabRegistration Default = new()
    {
        Created = "-2400d", Registrar = "Lab Registrar Co., Ltd.", RegistrarIanaId = 9999, AbuseEmail = "abuse@lab-registrar.test",
    };

    private readonly Dictionary<string, LabSite> _sites;
    private readonly TimeProvider _time;
    private readonly TcpListener _whois;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _whoisLoop;

    public LabRegistry(IEnumerable<LabSite> sites, TimeProvider time)
    {
        _sites = sites.ToDictionary(s => s.Domain, StringComparer.OrdinalIgnoreCase);
        _time = time;
        _whois = new TcpListener(IPAddress.Loopback, 0);
        _whois.Start();
        WhoisPort = ((IPEndPoint)_whois.LocalEndpoint).Port;
        _whoisLoop = Task.Run(WhoisLoopAsync);
    }

    public int WhoisPort { get; }

    /// <summary>The RDAP bootstrap file: <c>.test</c> has RDAP; <c>.example</c> has only WHOIS.</summary>
    public static string BootstrapJson =>
        $$"""{"version":"1.0","publication":"2026-11-01T00:00:00Z","description":"DomainScreen lab","services":[[["test"],["http://{{RdapHost}}/rdap/"]]]}""";

    /// <summary>Answers GET /rdap/domain/{name}: (status, JSON).</summary>
    public (int Status, string Json) Rdap(string path)
    {
        const string prefix = "/rdap/domain/";
        if (!path.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) return (400, Error(400, "unsupported query"));
        var name = Uri.UnescapeDataString(path[prefix.Length..]).ToLowerInvariant();
        if (!_sites.TryGetValue(name, out var site) || site.Dns == "nxdomain") return (404, Error(404, "Not Found"));
        var reg = site.Registration ?? Default;
        return reg.Via switch
        {
            "404" => (404, Error(404, "Not Found")),
            "429" => (429, Error(429, "Too Many Requests")),
            _ => (200, RdapJson(name, reg)),
        };
    }

    private string RdapJson(string name, LabRegistration reg)
    {
        var created = Date(reg.Created ?? Default.Created!);
        var doc = new JsonObject
        {
            ["objectClassName"] = "domain",
            ["rdapConformance"] = new JsonArray("rdap_level_0", "icann_rdap_response_profile_1"),
            ["ldhName"] = name.ToUpperInvariant(),
            ["status"] = new JsonArray("client transfer prohibited"),
            ["events"] = new JsonArray(
                new JsonObject { ["eventAction"] = "registration", ["eventDate"] = Iso(created) },
                new JsonObject { ["eventAction"] = "expiration", ["eventDate"] = Iso(created.AddYears(created.Year < _time.GetUtcNow().Year ? 6 : 1)) },
                new JsonObject { ["eventAction"] = "last changed", ["eventDate"] = Iso(created.AddDays(1)) }),
            ["entities"] = new JsonArray(new JsonObject
            {
                ["objectClassName"] = "entity",
                ["roles"] = new JsonArray("registrar"),
                ["publicIds"] = new JsonArray(new JsonObject { ["type"] = "IANA Registrar ID", ["identifier"] = (reg.RegistrarIanaId ?? 9999).ToString(CultureInfo.InvariantCulture) }),
                ["vcardArray"] = VCard(("fn", "text", reg.Registrar ?? Default.Registrar!)),
                ["entities"] = new JsonArray(new JsonObject
                {
                    ["objectClassName"] = "entity",
                    ["roles"] = new JsonArray("abuse"),
                    ["vcardArray"] = VCard(("fn", "text", "Abuse Contact"), ("email", "text", reg.AbuseEmail ?? Default.AbuseEmail!), ("tel", "uri", "tel:+86.1012345678")),
                }),
            }),
            ["nameservers"] = new JsonArray(
                new JsonObject { ["objectClassName"] = "nameserver", ["ldhName"] = "NS1.LAB-DNS.TEST" },
                new JsonObject { ["objectClassName"] = "nameserver", ["ldhName"] = "NS2.LAB-DNS.TEST" }),
        };
        return doc.ToJsonString();
    }

    private static JsonArray VCard(params (string Name, string Type, string Value)[] items)
    {
        var props = new JsonArray(new JsonArray("version", new JsonObject(), "text", "4.0"));
        foreach (var (n, t, v) in items) props.Add(new JsonArray(n, new JsonObject(), t, v));
        return new JsonArray("vcard", props);
    }

    private static string Error(int code, string title) =>
        new JsonObject { ["errorCode"] = code, ["title"] = title, ["rdapConformance"] = new JsonArray("rdap_level_0") }.ToJsonString();

    private DateTimeOffset Date(string value) =>
        value.StartsWith('-') && value.EndsWith('d')
            ? _time.GetUtcNow().Date.AddDays(-int.Parse(value[1..^1], CultureInfo.InvariantCulture))
            : DateTimeOffset.Parse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    private static string Iso(DateTimeOffset d) => d.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private async Task WhoisLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _whois.AcceptTcpClientAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            _ = Task.Run(() => AnswerWhoisAsync(client));
        }
    }

    private async Task AnswerWhoisAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                using var reader = new StreamReader(stream, Encoding.ASCII, leaveOpen: true);
                var query = (await reader.ReadLineAsync(_stopping.Token).ConfigureAwait(false))?.Trim().ToLowerInvariant() ?? "";
                var text = _sites.TryGetValue(query, out var site)
                    ? WhoisText(query, site.Registration ?? Default)
                    : $"No match for \"{query.ToUpperInvariant()}\".\r\n>>> Last update of WHOIS database: {Iso(_time.GetUtcNow())} <<<\r\n";
                await stream.WriteAsync(Encoding.UTF8.GetBytes(text), _stopping.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException)
            {
                // The client went away.
            }
        }
    }

    private string WhoisText(string name, LabRegistration reg)
    {
        var created = Date(reg.Created ?? Default.Created!);
        return $"Domain Name: {name.ToUpperInvariant()}\r\nRegistry Domain ID: LAB-{name.GetHashCode(StringComparison.Ordinal) & 0xFFFF}\r\n" +
            $"Updated Date: {Iso(created.AddDays(1))}\r\nCreation Date: {Iso(created)}\r\nRegistry Expiry Date: {Iso(created.AddYears(1))}\r\n" +
            $"Registrar: {reg.Registrar ?? Default.Registrar}\r\nRegistrar IANA ID: {reg.RegistrarIanaId ?? 9999}\r\n" +
            $"Registrar Abuse Contact Email: {reg.AbuseEmail ?? Default.AbuseEmail}\r\nRegistrar Abuse Contact Phone: +86.1012345678\r\n" +
            "Domain Status: clientTransferProhibited https://icann.org/epp#clientTransferProhibited\r\n" +
            "Name Server: NS1.LAB-DNS.TEST\r\nName Server: NS2.LAB-DNS.TEST\r\n>>> Last update of WHOIS database: " + Iso(_time.GetUtcNow()) + " <<<\r\n";
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _whois.Stop();
        await _whoisLoop.ConfigureAwait(false);
        _stopping.Dispose();
    }
}
