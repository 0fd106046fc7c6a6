namespace DomainScreen.Core.Dns;

/// <summary>The DNS seam: one question, one answer, never throws for DNS outcomes (only for cancellation).</summary>
public interface IDnsResolver
{
    Task<DnsAnswer> QueryAsync(string name, DnsRecordType type, CancellationToken cancellationToken);
}
