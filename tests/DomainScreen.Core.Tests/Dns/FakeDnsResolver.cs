using DomainScreen.Core.Dns;

namespace DomainScreen.Core.Tests.Dns;

/// <summary>A scripted resolver for the IDnsResolver seam: unknown questions are NXDOMAIN, wildcard zones answer anything.</summary>
internal sealed class FakeDnsResolver : IDnsResolver
{
    private readonly Dictionary<(string, DnsRecordType), DnsAnswer> _answers = [];
    private readonly Dictionary<string, string> _wildcards = [];

    public List<(string Name, DnsRecordType Type)> Asked { get; } = [];

    public FakeDnsResolver Add(string name, DnsRecordType type, params DnsRecord[] records)
    {
        _answers[(name, type)] = new DnsAnswer(name, type, records.Any(r => r.Type == type) ? DnsOutcome.Answer : DnsOutcome.NoData,
            "NOERROR", records, 1);
        return this;
    }

    public FakeDnsResolver Outcome(string name, DnsRecordType type, DnsOutcome outcome)
    {
        _answers[(name, type)] = new DnsAnswer(name, type, outcome, null, [], 1);
        return this;
    }

    public FakeDnsResolver Wildcard(string zone, string address)
    {
        _wildcards[zone] = address;
        return this;
    }

    public Task<DnsAnswer> QueryAsync(string name, DnsRecordType type, CancellationToken cancellationToken)
    {
        lock (Asked) Asked.Add((name, type));
        if (_answers.TryGetValue((name, type), out var answer)) return Task.FromResult(answer);
        var wildcard = _wildcards.FirstOrDefault(w => name.EndsWith("." + w.Key, StringComparison.Ordinal));
        if (wildcard.Key is not null && type == DnsRecordType.A)
        {
            return Task.FromResult(new DnsAnswer(name, type, DnsOutcome.Answer, "NOERROR", [new DnsRecord(name, DnsRecordType.A, 60, wildcard.Value)], 1));
        }
        var known = _answers.Keys.Any(k => k.Item1 == name);
        return Task.FromResult(new DnsAnswer(name, type, known ? DnsOutcome.NoData : DnsOutcome.NxDomain, known ? "NOERROR" : "NXDOMAIN", [], 1));
    }

    public static DnsRecord A(string name, string address, int ttl = 300) => new(name, DnsRecordType.A, ttl, address);

    public static DnsRecord Cname(string name, string target) => new(name, DnsRecordType.CNAME, 300, target);
}
