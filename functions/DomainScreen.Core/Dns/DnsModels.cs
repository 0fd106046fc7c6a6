using System.Text.Json.Serialization;

namespace DomainScreen.Core.Dns;

/// <summary>Record types the service asks for.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DnsRecordType>))]
public enum DnsRecordType { A, AAAA, CNAME, NS, MX, TXT, SOA }

/// <summary>How one query ended. Every outcome is data: nothing here is thrown.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DnsOutcome>))]
public enum DnsOutcome
{
    /// <summary>NOERROR with answers of the asked type.</summary>
    Answer,
    /// <summary>NOERROR without answers of the asked type (NODATA).</summary>
    NoData,
    NxDomain,
    ServFail,
    Refused,
    Timeout,
    /// <summary>Any other response code, or a malformed or truncated answer.</summary>
    Error,
}

/// <summary>One resource record in our own shape (DnsClient's types cannot be built in tests).</summary>
/// <param name="Name">Owner name, lower case, no trailing dot.</param>
/// <param name="Type">Record type.</param>
/// <param name="Ttl">Time to live in seconds.</param>
/// <param name="Value">Presentation form: address, target name, "10 mx.example.com", TXT text, SOA fields.</param>
public sealed record DnsRecord(string Name, DnsRecordType Type, int Ttl, string Value);

/// <summary>The answer to one question.</summary>
/// <param name="ResponseCode">The DNS RCODE name as received (NOERROR, NXDOMAIN…), or null when nothing came back.</param>
/// <param name="ElapsedMs">Wall time of the lookup, retries included.</param>
public sealed record DnsAnswer(
    string Name,
    DnsRecordType Type,
    DnsOutcome Outcome,
    string? ResponseCode,
    IReadOnlyList<DnsRecord> Records,
    int ElapsedMs,
    string? Detail = null)
{
    /// <summary>Records of the type asked for (an A query may also carry the CNAME chain).</summary>
    public IEnumerable<DnsRecord> OfType(DnsRecordType type) => Records.Where(r => r.Type == type);
}
