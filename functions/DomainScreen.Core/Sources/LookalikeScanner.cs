using DomainScreen.Core.Dns;
using DomainScreen.Core.Domains;
using DomainScreen.Core.Fingerprints;
using DomainScreen.Core.Sweeps;
using Microsoft.Extensions.Logging;

namespace DomainScreen.Core.Sources;

/// <summary>What one look-alike scan found.</summary>
public sealed record LookalikeResult(string Brand, int Generated, int Resolving, int Added);

/// <summary>
/// Generates the look-alikes of every watched brand (<see cref="Lookalikes"/>), asks DNS first, and makes the names
/// that resolve candidates (source <c>lookalike:&lt;brand&gt;</c>, tag <c>lookalike</c>), so the next sweep screens
/// them. Runs nightly an hour before the sweep, and on request.
/// </summary>
public sealed class LookalikeScanner(CatalogProvider catalogs, IDnsResolver dns, DomainParser parser, CandidateStore candidates, ILogger<LookalikeScanner> logger)
{
    /// <summary>17:00 UTC: an hour before the default nightly sweep.</summary>
    public const string Schedule = "0 0 17 * * *";

    public async Task<IReadOnlyList<LookalikeResult>> RunAsync(CancellationToken cancellationToken)
    {
        var policy = catalogs.Current.Policy.Watch;
        var results = new List<LookalikeResult>();
        foreach (var brand in policy.Brands)
        {
            var names = Lookalikes.Generate(brand, policy);
            var resolving = new System.Collections.Concurrent.ConcurrentBag<string>();
            await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = cancellationToken }, async (name, ct) =>
            {
                var answer = await dns.QueryAsync(name, DnsRecordType.A, ct).ConfigureAwait(false);
                if (answer.Outcome == DnsOutcome.Answer && answer.Records.Any(r => r.Type == DnsRecordType.A)) resolving.Add(name);
            }).ConfigureAwait(false);
            var parsed = resolving.Order(StringComparer.Ordinal).Select(n => parser.TryParse(n).Name).OfType<DomainName>().ToList();
            var added = parsed.Count == 0 ? 0 : await candidates.AddAsync(parsed, "lookalike:" + brand.Name, cancellationToken, ["lookalike"]).ConfigureAwait(false);
            if (added > 0) logger.LogInformation("Look-alikes of {Brand}: {Resolving} of {Generated} resolve; added as candidates", brand.Name, resolving.Count, names.Count);
            results.Add(new LookalikeResult(brand.Name, names.Count, resolving.Count, added));
        }
        return results;
    }
}
