using DomainScreen.Core.Domains;
using DomainScreen.Core.Fetching;
using DomainScreen.Core.Fingerprints;
using DomainScreen.Core.Review;
using DomainScreen.Core.Scoring;
using DomainScreen.Core.Screening;
using DomainScreen.Core.Storage;

namespace DomainScreen.Core.Rescoring;

/// <summary>How many results moved from one band to another.</summary>
public sealed record BandMove(string From, string To, int Count);

/// <summary>One domain whose verdict a catalog or policy changes, and what that does to its case.</summary>
/// <param name="CaseEffect"><c>open</c> (newly flagged, no open case), <c>close</c> (no longer flagged, its case still pending), or null.</param>
public sealed record RescoreChange(string Domain, string DisplayName, string FromBand, int FromScore, string ToBand, int ToScore,
    IReadOnlyList<string> CategoriesAdded, IReadOnlyList<string> CategoriesRemoved, IReadOnlyList<string> ProductsAdded, IReadOnlyList<string> ProductsRemoved,
    string? CaseEffect);

/// <summary>
/// "What changes if this catalog and policy go live": every stored result re-scored from its stored evidence, the
/// counts moving between bands, and the changed domains (the largest moves first, at most a page of them).
/// </summary>
public sealed record RescoreReport(string CatalogVersion, string PolicyVersion, IReadOnlyList<string> FromCatalogVersions, IReadOnlyList<string> FromPolicyVersions,
    int Results, int Rescored, int WithoutEvidence, int Changed, IReadOnlyList<BandMove> Moves, int WouldOpen, int WouldClose,
    IReadOnlyList<RescoreChange> Changes, bool ChangesTruncated);

/// <summary>
/// Re-scores stored screening results without fetching again: the landing page, probe answers and favicon come back
/// from the evidence store by their SHA-256, DNS, TLS and registration from the stored result, and the same engine
/// and scorer run over them — so a re-score with the catalog and policy of the original screen gives the original
/// verdict (tested), and one with a new catalog or policy shows what the new one would decide.
/// </summary>
public sealed class Rescorer(StorageClients storage, ResultStore results, EvidenceStore evidence, RiskScorer scorer, ReviewAllowlist allowlist, DomainParser parser)
{
    /// <summary>The result re-scored with <paramref name="catalog"/> and <paramref name="policy"/>; null when it has no stored evidence to read.</summary>
    public async Task<ScreeningResult?> RescoreAsync(ScreeningResult stored, CompiledCatalog catalog, ScoringPolicy policy, CancellationToken cancellationToken)
    {
        if (stored.Status != ScreeningResult.Completed || stored.Verdict is null) return null;
        var fetch = stored.Fetch;
        FingerprintResult? page = null;
        if (fetch?.BodySha256 is { } bodySha)
        {
            if (await evidence.GetAsync(bodySha, cancellationToken).ConfigureAwait(false) is not { } body) return null;
            var text = TextDecoding.Decode(body.ToMemory().Span, TextDecoding.CharsetOf(fetch.ContentType)).Text;
            var probes = new List<ProbeResult>(fetch.Probes.Count);
            foreach (var probe in fetch.Probes)
            {
                string? probeText = null;
                if (probe.Sha256 is { } sha && await evidence.GetAsync(sha, cancellationToken).ConfigureAwait(false) is { } raw)
                {
                    probeText = TextDecoding.Decode(raw.ToMemory().Span, TextDecoding.CharsetOf(probe.ContentType)).Text;
                }
                probes.Add(probe with { Body = probeText ?? probe.Preview });
            }
            fetch = fetch with { Body = text, Probes = probes };
            page = catalog.Run(PageFacts.From(fetch));
        }
        var name = parser.TryParse(stored.Domain).Name;
        var allowed = allowlist.Match(stored.Domain);
        var verdict = scorer.Score(new ScoringInput(stored.Domain, stored.RegistrableDomain, page, stored.Dns, fetch, stored.Registration,
            allowed is null ? null : $"allowlisted by {allowed.Author} ({allowed.Reason})", name is null ? null : catalog.Names.Inspect(name)), policy);
        return stored with { Verdict = verdict };
    }

    /// <summary>
    /// Re-scores every stored latest result. <paramref name="onChanged"/> sees each result whose band, score, categories
    /// or products change (the nightly job stores them and opens cases); without it nothing is written.
    /// </summary>
    public async Task<RescoreReport> RunAsync(CompiledCatalog catalog, ScoringPolicy policy, int maxChanges,
        Func<ScreeningResult, ScreeningResult, Task>? onChanged, CancellationToken cancellationToken)
    {
        int total = 0, rescored = 0, without = 0, changed = 0, open = 0, close = 0;
        var moves = new Dictionary<(string, string), int>();
        var fromCatalogs = new SortedSet<string>(StringComparer.Ordinal);
        var fromPolicies = new SortedSet<string>(StringComparer.Ordinal);
        var changes = new List<RescoreChange>();
        await foreach (var stored in results.AllLatestAsync(cancellationToken).ConfigureAwait(false))
        {
            if (stored.Verdict is not { } before) continue;
            total++;
            if (before.CatalogVersion.Length > 0) fromCatalogs.Add(before.CatalogVersion); // a result without a page ran no catalog
            if (before.PolicyVersion.Length > 0) fromPolicies.Add(before.PolicyVersion);
            var after = await RescoreAsync(stored, catalog, policy, cancellationToken).ConfigureAwait(false);
            if (after?.Verdict is not { } v)
            {
                without++;
                continue;
            }
            rescored++;
            var key = (before.Band, v.Band);
            moves[key] = moves.GetValueOrDefault(key) + 1;
            var differs = before.Band != v.Band || before.Score != v.Score || !before.Categories.SequenceEqual(v.Categories)
                || !before.Products.Select(p => p.Id).SequenceEqual(v.Products.Select(p => p.Id));
            if (!differs) continue;
            changed++;
            var effect = await CaseEffectAsync(stored, before, v, cancellationToken).ConfigureAwait(false);
            if (effect == "open") open++;
            else if (effect == "close") close++;
            changes.Add(new RescoreChange(stored.Domain, stored.DisplayName, before.Band, before.Score, v.Band, v.Score,
                v.Categories.Except(before.Categories).ToList(), before.Categories.Except(v.Categories).ToList(),
                v.Products.Select(p => p.Id).Except(before.Products.Select(p => p.Id)).ToList(),
                before.Products.Select(p => p.Id).Except(v.Products.Select(p => p.Id)).ToList(), effect));
            if (changes.Count > maxChanges * 2)
            {
                changes = Largest(changes, maxChanges);
            }
            if (onChanged is not null) await onChanged(stored, after).ConfigureAwait(false);
        }
        var truncated = changes.Count > maxChanges;
        return new RescoreReport(catalog.Version, policy.Version ?? "", fromCatalogs.ToList(), fromPolicies.ToList(), total, rescored, without, changed,
            moves.OrderBy(m => Bands.Rank(m.Key.Item1)).ThenBy(m => Bands.Rank(m.Key.Item2)).Select(m => new BandMove(m.Key.Item1, m.Key.Item2, m.Value)).ToList(),
            open, close, Largest(changes, maxChanges), truncated);
    }

    private static List<RescoreChange> Largest(List<RescoreChange> changes, int max) =>
        changes.OrderByDescending(c => Math.Abs(Bands.Rank(c.ToBand) - Bands.Rank(c.FromBand))).ThenByDescending(c => Math.Abs(c.ToScore - c.FromScore))
            .ThenBy(c => c.Domain, StringComparer.Ordinal).Take(max).ToList();

    private async Task<string?> CaseEffectAsync(ScreeningResult stored, Verdict before, Verdict after, CancellationToken cancellationToken)
    {
        var was = CaseRules.IsFlagged(before.Band);
        var now = CaseRules.IsFlagged(after.Band);
        if (was == now) return null;
        var caseId = stored.RegistrableDomain;
        var existing = await new CaseStore(storage).GetAsync(caseId, cancellationToken).ConfigureAwait(false);
        if (now) return existing is { Case.State: CaseStates.Pending or CaseStates.Approved } ? null : "open";
        return existing is { Case.State: CaseStates.Pending } ? "close" : null;
    }
}
