using System.Net;
using System.Security.Cryptography;
using DomainScreen.Core.Domains;
using Microsoft.Extensions.Options;

namespace DomainScreen.Core.Dns;

/// <summary>
/// Asks the questions a reviewer needs (A, AAAA, NS, MX, TXT, SOA; the CNAME comes with the A answer), follows the
/// CNAME chain (bounded), probes for a wildcard and derives fast-flux hints. All queries for one name run concurrently.
/// </summary>
public sealed class DnsEvidenceCollector(IDnsResolver resolver, IOptions<DnsOptions> options)
{
    private readonly int _maxChain = options.Value.MaxCnameChain;

    public async Task<DnsEvidence> CollectAsync(DomainName name, CancellationToken cancellationToken)
    {
        var host = name.Ascii;
        var zone = name.RegistrableDomain;
        var probeName = $"ds-{RandomLabel()}.{zone}";

        var chainTask = FollowChainAsync(host, DnsRecordType.A, cancellationToken);
        var aaaaTask = resolver.QueryAsync(host, DnsRecordType.AAAA, cancellationToken);
        // No CNAME question: the A answer already carries the name's CNAME (CnameFromA).
        var others = new[]
        {
            resolver.QueryAsync(zone, DnsRecordType.NS, cancellationToken),
            resolver.QueryAsync(host, DnsRecordType.MX, cancellationToken),
            resolver.QueryAsync(host, DnsRecordType.TXT, cancellationToken),
            resolver.QueryAsync(zone, DnsRecordType.SOA, cancellationToken),
        };
        var probeTask = resolver.QueryAsync(probeName, DnsRecordType.A, cancellationToken);
        await Task.WhenAll(others.Append(aaaaTask).Append(probeTask).Cast<Task>().Append(chainTask)).ConfigureAwait(false);

        var (aAnswers, chain, end, truncated) = chainTask.Result;
        var aaaa = aaaaTask.Result;
        var addressRecords = aAnswers.SelectMany(a => a.OfType(DnsRecordType.A))
            .Concat(aaaa.OfType(DnsRecordType.AAAA))
            .Where(r => r.Name == end || r.Name == host)
            .DistinctBy(r => r.Value)
            .ToArray();
        var addresses = addressRecords.Select(r => r.Value).ToArray();
        var answers = aAnswers.Append(aaaa).Append(CnameFromA(host, aAnswers[0])).Concat(others.Select(t => t.Result)).ToArray();

        return new DnsEvidence(
            host,
            OverallStatus(aAnswers[^1], aaaa, addresses.Length),
            chain,
            addresses,
            answers,
            Probe(probeName, probeTask.Result, addresses),
            Flux(addressRecords),
            truncated);
    }

    private async Task<(List<DnsAnswer> Answers, List<string> Chain, string End, bool Truncated)> FollowChainAsync(
        string host, DnsRecordType type, CancellationToken cancellationToken)
    {
        var answers = new List<DnsAnswer>();
        var chain = new List<string>();
        var current = host;
        while (true)
        {
            var answer = await resolver.QueryAsync(current, type, cancellationToken).ConfigureAwait(false);
            answers.Add(answer);
            // A recursive resolver returns the whole chain in one answer; an authoritative one may stop at its zone.
            while (answer.Records.FirstOrDefault(r => r.Type == DnsRecordType.CNAME && r.Name == current) is { } cname)
            {
                if (chain.Count >= _maxChain || chain.Contains(cname.Value) || cname.Value == host) return (answers, chain, current, true);
                chain.Add(cname.Value);
                current = cname.Value;
            }
            if (answer.Outcome != DnsOutcome.NoData || chain.Count == 0 || answer.Records.Any(r => r.Name == current && r.Type == type))
            {
                return (answers, chain, current, false);
            }
            if (answers.Count > _maxChain) return (answers, chain, current, true);
        }
    }

    /// <summary>
    /// The CNAME answer for <paramref name="host"/>, read from its A answer instead of asked: a server answers a question
    /// of any type about a name that has a CNAME with that CNAME (RFC 1034 §3.6.2, §4.3.2), so the A answer holds it
    /// when there is one, and its absence from a definite A answer means there is none. A failed A question leaves
    /// it as unknown as the A answer. One question fewer per screened name.
    /// </summary>
    internal static DnsAnswer CnameFromA(string host, DnsAnswer a)
    {
        var records = a.Records.Where(r => r.Type == DnsRecordType.CNAME && r.Name == host).ToArray();
        var outcome = records.Length > 0 ? DnsOutcome.Answer : a.Outcome == DnsOutcome.Answer ? DnsOutcome.NoData : a.Outcome;
        return new DnsAnswer(host, DnsRecordType.CNAME, outcome, a.ResponseCode, records, 0, "read from the A answer (not asked separately)");
    }

    private static DnsOutcome OverallStatus(DnsAnswer a, DnsAnswer aaaa, int addressCount)
    {
        if (addressCount > 0) return DnsOutcome.Answer;
        if (a.Outcome == DnsOutcome.NxDomain || aaaa.Outcome == DnsOutcome.NxDomain) return DnsOutcome.NxDomain;
        return a.Outcome != DnsOutcome.NoData ? a.Outcome : aaaa.Outcome;
    }

    private static WildcardProbe Probe(string probeName, DnsAnswer probe, string[] targetAddresses)
    {
        var addresses = probe.OfType(DnsRecordType.A).Select(r => r.Value).Distinct().Order(StringComparer.Ordinal).ToArray();
        var same = addresses.Length > 0 && targetAddresses.Length > 0 && addresses.All(targetAddresses.Contains);
        return new WildcardProbe(probeName, addresses.Length > 0, addresses, same, probe.Outcome);
    }

    private static FastFluxHints Flux(DnsRecord[] records)
    {
        var v4 = new HashSet<int>();
        var v6 = new HashSet<(long, int)>();
        foreach (var record in records)
        {
            if (!IPAddress.TryParse(record.Value, out var ip)) continue;
            var bytes = ip.GetAddressBytes();
            if (bytes.Length == 4) v4.Add((bytes[0] << 16) | (bytes[1] << 8) | bytes[2]);
            else v6.Add((BitConverter.ToInt32(bytes, 0), BitConverter.ToUInt16(bytes, 4)));
        }
        return new FastFluxHints(records.Length, records.Length > 0 ? records.Min(r => r.Ttl) : null, v4.Count, v6.Count);
    }

    private static string RandomLabel() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
}
