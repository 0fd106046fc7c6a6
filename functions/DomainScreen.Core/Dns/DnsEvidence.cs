using System.Text.Json.Serialization;

namespace DomainScreen.Core.Dns;

/// <summary>Everything DNS says about one name.</summary>
/// <param name="Name">The name asked about (ASCII).</param>
/// <param name="Status">Overall: the A/AAAA outcome, NxDomain when the name does not exist.</param>
/// <param name="CnameChain">Targets followed from <paramref name="Name"/>, in order, bounded.</param>
/// <param name="Addresses">A and AAAA addresses of the end of the chain: what a fetch may connect to.</param>
/// <param name="Answers">Every query made, with its response code and records.</param>
public sealed record DnsEvidence(
    string Name,
    DnsOutcome Status,
    IReadOnlyList<string> CnameChain,
    IReadOnlyList<string> Addresses,
    IReadOnlyList<DnsAnswer> Answers,
    WildcardProbe? Wildcard,
    FastFluxHints FastFlux,
    bool CnameChainTruncated = false)
{
    [JsonIgnore]
    public bool Resolves => Addresses.Count > 0;

    public IEnumerable<DnsRecord> Records(DnsRecordType type) =>
        Answers.Where(a => a.Type == type).SelectMany(a => a.OfType(type)).DistinctBy(r => r.Value);

    /// <summary>Without the answer records (<see cref="Screening.ScreeningResult.Abridged"/>); status, addresses and CNAME chain stay.</summary>
    public DnsEvidence Abridged() => Answers.Count == 0 ? this : this with { Answers = [] };
}

/// <summary>A random label under the registrable domain, asked to see whether the zone answers everything.</summary>
/// <param name="ProbeName">The random name asked.</param>
/// <param name="Answers">True when the random name resolved: the zone has a wildcard.</param>
/// <param name="Addresses">What the random name resolved to.</param>
/// <param name="SameAsTarget">True when those addresses equal the target's: the target may exist only through the wildcard.</param>
public sealed record WildcardProbe(string ProbeName, bool Answers, IReadOnlyList<string> Addresses, bool SameAsTarget, DnsOutcome Outcome);

/// <summary>Signals of fast-flux hosting: many addresses, short TTLs, spread over many networks.</summary>
/// <param name="AddressCount">A plus AAAA records.</param>
/// <param name="MinTtl">Smallest TTL among them, seconds; null when there are none.</param>
/// <param name="DistinctSlash24">Distinct IPv4 /24 networks.</param>
/// <param name="DistinctSlash48">Distinct IPv6 /48 networks.</param>
public sealed record FastFluxHints(int AddressCount, int? MinTtl, int DistinctSlash24, int DistinctSlash48);
