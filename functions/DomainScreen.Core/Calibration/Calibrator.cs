using System.Text.Json;
using System.Text.Json.Nodes;
using DomainScreen.Core.Fingerprints;
using DomainScreen.Core.Rescoring;
using DomainScreen.Core.Review;
using DomainScreen.Core.Scoring;

namespace DomainScreen.Core.Calibration;

/// <summary>
/// One piece of evidence (a lexicon term, a policy signal, a product, a fingerprint rule) and how reviewers judged
/// the cases it appeared in. <see cref="Precision"/> is approved / (approved + rejected) with its 95 % Wilson score
/// interval <see cref="Low"/>..<see cref="High"/>.
/// </summary>
public sealed record CalibrationItem(string Id, string Kind, string? Category, int Approved, int Rejected, double Precision, double Low, double High,
    int Weight, int? ProposedWeight, string? Reason);

/// <summary>
/// GET /api/calibration: the labels (decided cases), every piece of evidence with enough support, the proposed policy
/// (signal and term weight changes on top of the live policy, never applied here), and what it would change.
/// </summary>
public sealed record CalibrationReport(string PolicyVersion, string CatalogVersion, int Approved, int Rejected, int MinSupport,
    IReadOnlyList<CalibrationItem> Items, IReadOnlyList<CalibrationItem> Proposals, JsonElement ProposedPolicy, RescoreReport? Effect);

/// <summary>
/// Reviewers' decisions as labels: approved and actioned cases are confirmed abuse, rejected ones false flags. For each
/// piece of evidence seen in their latest verdicts, how often it appeared on each side; a term or signal that mostly
/// fires on rejected cases (the interval's upper end below <see cref="DownBelow"/>) is proposed at half weight, one
/// that decides approved cases (lower end above <see cref="UpAbove"/>) at 1.25×. The proposal is a policy file an
/// admin may upload (the audit records that); nothing is applied automatically.
/// </summary>
internal sealed class Calibrator(CaseStore cases, CatalogProvider catalogs, Rescorer rescorer)
{
    public const double DownBelow = 0.5, UpAbove = 0.9;

    private static readonly string[] Positive = [CaseStates.Approved, CaseStates.Actioned];
    private static readonly string[] Negative = [CaseStates.Rejected];

    public async Task<CalibrationReport> RunAsync(int minSupport, bool withEffect, CancellationToken cancellationToken)
    {
        var (catalog, policy) = catalogs.Current;
        var counts = new Dictionary<string, (string Kind, string? Category, int Approved, int Rejected, int Weight)>(StringComparer.Ordinal);
        int approved = 0, rejected = 0;
        await foreach (var (state, verdict) in cases.DecidedVerdictsAsync([.. Positive, .. Negative], cancellationToken).ConfigureAwait(false))
        {
            var good = Positive.Contains(state);
            if (good) approved++;
            else rejected++;
            foreach (var c in verdict.Evidence.GroupBy(e => e.Id, StringComparer.Ordinal).Select(g => g.First()))
            {
                var kind = Kind(c);
                if (!counts.TryGetValue(c.Id, out var current)) current = (kind, c.Category, 0, 0, CurrentWeight(c, kind, policy, catalog));
                counts[c.Id] = good ? current with { Approved = current.Approved + 1 } : current with { Rejected = current.Rejected + 1 };
            }
        }
        var items = counts.Where(kv => kv.Value.Approved + kv.Value.Rejected >= minSupport)
            .Select(kv => Item(kv.Key, kv.Value.Kind, kv.Value.Category, kv.Value.Approved, kv.Value.Rejected, kv.Value.Weight))
            .OrderBy(i => i.Precision).ThenByDescending(i => i.Approved + i.Rejected).ThenBy(i => i.Id, StringComparer.Ordinal).ToList();
        var proposals = items.Where(i => i.ProposedWeight is not null).ToList();
        var proposed = Propose(policy, proposals);
        RescoreReport? effect = null;
        if (withEffect && proposals.Count > 0)
        {
            var candidate = ScoringPolicy.Parse(proposed.GetRawText(), "proposed policy");
            effect = await rescorer.RunAsync(catalog, candidate, 100, onChanged: null, cancellationToken).ConfigureAwait(false);
        }
        return new CalibrationReport(policy.Version ?? "", catalog.Version, approved, rejected, minSupport, items, proposals, proposed, effect);
    }

    private static string Kind(Contribution c) => c.Signal switch
    {
        "lexicon-offer" or "lexicon-topic" => "term",
        "product" => "product",
        "fingerprint" => "rule",
        _ => "signal",
    };

    // A term's weight is the policy's override or the live catalog's (its points in a verdict are a share of a capped
    // total); a term no longer in the catalog keeps the points it had.
    private static int CurrentWeight(Contribution c, string kind, ScoringPolicy policy, CompiledCatalog catalog) => kind switch
    {
        "signal" => policy.Signals.TryGetValue(c.Id, out var w) ? w : c.Weight,
        "term" => policy.TermWeights.TryGetValue(c.Id, out var t) ? t : catalog.TermWeight(c.Id) ?? c.Weight,
        _ => c.Weight,
    };

    internal static CalibrationItem Item(string id, string kind, string? category, int approved, int rejected, int weight)
    {
        var n = approved + rejected;
        var (low, high) = Wilson(approved, n);
        var precision = n == 0 ? 0 : (double)approved / n;
        int? proposed = null;
        string? reason = null;
        // Only what a policy can weigh: terms and signals that add points (products and rules are catalog matters).
        if (kind is "term" or "signal" && weight > 0)
        {
            if (high < DownBelow)
            {
                proposed = weight / 2;
                reason = $"mostly on rejected cases: {rejected} of {n} (precision {precision:0.00}, 95% interval {low:0.00}–{high:0.00})";
            }
            else if (low > UpAbove && weight < 100)
            {
                proposed = Math.Min(100, (int)Math.Ceiling(weight * 1.25));
                reason = $"decides approved cases: {approved} of {n} (precision {precision:0.00}, 95% interval {low:0.00}–{high:0.00})";
            }
        }
        return new CalibrationItem(id, kind, category, approved, rejected, Math.Round(precision, 4), Math.Round(low, 4), Math.Round(high, 4), weight, proposed, reason);
    }

    /// <summary>The 95 % Wilson score interval of a proportion.</summary>
    internal static (double Low, double High) Wilson(int successes, int n)
    {
        if (n == 0) return (0, 1);
        const double z = 1.959963984540054;
        var p = (double)successes / n;
        var denominator = 1 + z * z / n;
        var centre = p + z * z / (2 * n);
        var margin = z * Math.Sqrt(p * (1 - p) / n + z * z / (4.0 * n * n));
        return (Math.Max(0, (centre - margin) / denominator), Math.Min(1, (centre + margin) / denominator));
    }

    /// <summary>The live policy with the proposed signal and term weights, and a version that says where it came from.</summary>
    private static JsonElement Propose(ScoringPolicy policy, List<CalibrationItem> proposals)
    {
        var node = JsonSerializer.SerializeToNode(policy, PolicyJson.Default.ScoringPolicy)!.AsObject();
        if (proposals.Count > 0)
        {
            node["version"] = $"{policy.Version}+calibrated";
            var signals = node["signals"]!.AsObject();
            var terms = node["termWeights"] as JsonObject ?? [];
            foreach (var p in proposals)
            {
                if (p.Kind == "signal") signals[p.Id] = p.ProposedWeight;
                else terms[p.Id] = p.ProposedWeight;
            }
            node["termWeights"] = terms;
        }
        using var doc = JsonDocument.Parse(node.ToJsonString());
        return doc.RootElement.Clone();
    }
}
