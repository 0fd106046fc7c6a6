using System.Net;
using ARSoft.Tools.Net;
using ARSoft.Tools.Net.Dns;

namespace DomainScreen.Local.Lab;

/// <summary>
/// The lab's authoritative DNS server (ARSoft.Tools.Net) on a loopback UDP+TCP port. It answers for the lab
/// sites only; everything else is NXDOMAIN. Some sites misbehave on purpose (SERVFAIL, REFUSED, no answer).
/// </summary>
public sealed class LabDnsServer : IDisposable
{
    private readonly DnsServer _server;
    private readonly Dictionary<string, LabSite> _sites;
    private readonly List<LabSite> _wildcards;
    private readonly IPAddress _webAddress;
    private readonly CancellationTokenSource _stopping = new();

    public LabDnsServer(IEnumerable<LabSite> sites, IPAddress webAddress, int port = 0)
    {
        _sites = sites.ToDictionary(s => s.Domain.ToLowerInvariant(), StringComparer.Ordinal);
        _wildcards = _sites.Values.Where(s => s.Dns == "wildcard").ToList();
        _webAddress = webAddress;
        Port = port == 0 ? FreePorts.Udp() : port;
        var endpoint = new IPEndPoint(IPAddress.Loopback, Port);
        _server = new DnsServer(new UdpServerTransport(endpoint), new TcpServerTransport(endpoint));
        _server.QueryReceived += OnQuery;
        _server.Start();
    }

    public int Port { get; }

    public string Endpoint => $"127.0.0.1:{Port}";

    /// <summary>
    /// While true the server answers nothing, as if it were stopped (a fault for tests: queries time out at the client);
    /// set it back to false and it answers again.
    /// </summary>
    public bool Silent { get; set; }

    public const string NameServer1 = "ns1.lab-dns.test";
    public const string NameServer2 = "ns2.lab-dns.test";

    private async Task OnQuery(object sender, QueryReceivedEventArgs e)
    {
        if (e.Query is not DnsMessage query || query.Questions.Count != 1) return;
        var question = query.Questions[0];
        var name = question.Name.ToString().TrimEnd('.').ToLowerInvariant();
        var site = Find(name);
        if (Silent || site?.Dns == "timeout")
        {
            // ARSoft answers SERVFAIL when a handler sets no response, so hold the query past any client's timeout.
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(30), _stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Server stopping.
            }
            return;
        }

        var response = query.CreateResponseInstance();
        response.IsAuthoritiveAnswer = true;
        if (site is null || site.Dns == "nxdomain")
        {
            response.ReturnCode = ReturnCode.NxDomain;
            response.AuthorityRecords.Add(Soa(site?.Domain ?? "test"));
        }
        else if (site.Dns == "servfail") response.ReturnCode = ReturnCode.ServerFailure;
        else if (site.Dns == "refused") response.ReturnCode = ReturnCode.Refused;
        else Answer(response, question, name, site);
        e.Response = response;
    }

    private LabSite? Find(string name)
    {
        if (_sites.TryGetValue(name, out var site)) return site;
        return _wildcards.FirstOrDefault(w => name.EndsWith("." + w.Domain, StringComparison.Ordinal));
    }

    private void Answer(DnsMessage response, DnsQuestion question, string name, LabSite site)
    {
        var owner = question.Name;
        var type = question.RecordType;
        var isApex = name == site.Domain;
        if (site.Dns == "cname" && site.Cname is not null && type != RecordType.CName)
        {
            response.AnswerRecords.Add(new CNameRecord(owner, site.Ttl, DomainName.Parse(site.Cname)));
            var target = Find(site.Cname);
            if (target is not null && target.Dns is "a" or "wildcard") AddAddresses(response, DomainName.Parse(site.Cname), type, target);
            return;
        }
        switch (type)
        {
            case RecordType.A or RecordType.Aaaa:
                AddAddresses(response, owner, type, site);
                break;
            case RecordType.CName when site.Dns == "cname" && site.Cname is not null:
                response.AnswerRecords.Add(new CNameRecord(owner, site.Ttl, DomainName.Parse(site.Cname)));
                break;
            case RecordType.Ns when isApex:
                foreach (var ns in site.Ns ?? [NameServer1, NameServer2]) response.AnswerRecords.Add(new NsRecord(owner, 3600, DomainName.Parse(ns)));
                break;
            case RecordType.Mx:
                foreach (var mx in site.Mx ?? [])
                {
                    var parts = mx.Split(' ', 2);
                    response.AnswerRecords.Add(new MxRecord(owner, 3600, ushort.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), DomainName.Parse(parts[1])));
                }
                break;
            case RecordType.Txt:
                foreach (var txt in site.Txt ?? []) response.AnswerRecords.Add(new TxtRecord(owner, 3600, txt));
                break;
            case RecordType.Soa when isApex:
                response.AnswerRecords.Add(Soa(site.Domain));
                break;
        }
        if (response.AnswerRecords.Count == 0) response.AuthorityRecords.Add(Soa(site.Domain));
    }

    private void AddAddresses(DnsMessage response, DomainName owner, RecordType type, LabSite site)
    {
        if (type == RecordType.A)
        {
            foreach (var a in site.A ?? [_webAddress.ToString()]) response.AnswerRecords.Add(new ARecord(owner, site.Ttl, IPAddress.Parse(a)));
        }
        else if (type == RecordType.Aaaa)
        {
            foreach (var a in site.Aaaa ?? []) response.AnswerRecords.Add(new AaaaRecord(owner, site.Ttl, IPAddress.Parse(a)));
        }
    }

    private static SoaRecord Soa(string zone) =>
        new(DomainName.Parse(zone), 3600, DomainName.Parse(NameServer1), DomainName.Parse("hostmaster.lab-dns.test"), 2026112501, 7200, 900, 1209600, 300);

    public void Dispose()
    {
        _stopping.Cancel();
        _server.Stop();
        _stopping.Dispose();
    }
}
