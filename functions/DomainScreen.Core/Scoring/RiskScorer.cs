using System.Globalization;
using DomainScreen.Core.Dns;
using DomainScreen.Core.Domains;
using DomainScreen.Core.Fetching;
using DomainScreen.Core.Fingerprints;
using DomainScreen.Core.Registration;

namespace DomainScreen.Core.Scoring;

/// <summary>Everything the scorer reads about one domain.</summary>
public sealed record ScoringInput(
    string Domain,
    string RegistrableDomain,
    FingerprintResult? Page,
    DnsEvidence? Dns = null,
    FetchEvidence? Fetch = null,
    RegistrationEvidence? Registration = null,
    string? AllowlistedBecause = null,
    NameMarks? Name = null);

/// <summary>
/// Turns evidence into a verdict: products and abuse lexicons from the page, compliance filings, and signals
/// beyond the page (domain age, TLS, DNS, redirects, parking), each a listed contribution. Conservative where it
/// matters: <c>block</c> needs page evidence of an abuse category, a shown generative-AI filing or the allowlist
/// caps the band, parked pages stay low. Pure: same input and clock, same verdict.
/// </summary>
public sealed class RiskScorer(TimeProvider time)
{
    public Verdict Score(ScoringInput input, ScoringPolicy policy)
    {
        var contributions = new List<Contribution>();
        var notes = new List<string>();
        var evidence = new Dictionary<string, int>(StringComparer.Ordinal);
        var page = input.Page;
        void Signal(string id, string detail, string? field = null, string? matched = null, int? offset = null)
        {
            var w = policy.Weight(id);
            if (w != 0) contributions.Add(new Contribution(id, id, w, detail, null, field, matched, offset));
        }

        var service = page?.In("cue:service").ToList() ?? [];
        // A discourse word inside an offered term is the product's name, not the page's own voice: 新闻 in 新闻截图生成,
        // "press release" in "fake press release builder".
        var offers = page?.Terms.Where(t => t.Kind == TermKinds.Offer && Categories.All.Contains(t.Category)).ToList() ?? [];
        var discourse = page?.In("cue:discourse")
            .Where(d => !offers.Any(o => o.Field == d.Field && o.Offset <= d.Offset && d.Offset + d.Matched.Length <= o.Offset + o.Matched.Length))
            .ToList() ?? [];
        var parkedHit = page?.In("cue:parked").FirstOrDefault();
        var lex = policy.Lexicon;
        var discoursePoints = Separate(discourse, weighted: true);
        // The page talks about the subject rather than offering it: news, research, a warning — or a parked page,
        // whose "related searches" are keyword lists, not offers.
        var talkedAbout = parkedHit is not null
            || (discoursePoints >= lex.DiscourseMinHits && discoursePoints > Separate(service) * lex.DiscoursePerServiceCue);

        var products = page?.Products ?? [];
        if (talkedAbout && products.Any(p => p.Copy))
        {
            notes.Add($"not reported, the page only talks about them: {string.Join(", ", products.Where(p => p.Copy).Select(p => p.Name))}");
            products = products.Where(p => !p.Copy).ToList();
        }
        ScoreProducts(products, policy, contributions, evidence);
        foreach (var widget in products.Where(p => p.Categories.Count == 0 && p.Risk == 0))
        {
            notes.Add($"{widget.Name} identified: the site embeds an AI assistant; that alone does not make it an AI service");
        }
        var lexiconEvidence = new Dictionary<string, int>(StringComparer.Ordinal);
        if (page is not null) ScoreLexicon(page, policy, service.Count > 0, talkedAbout, parkedHit is not null, contributions, lexiconEvidence, notes);
        foreach (var (category, points) in lexiconEvidence) evidence[category] = evidence.GetValueOrDefault(category) + points;

        // Categories come from products, and from lexicons unless the page only talks about the subject (news,
        // research, a warning): a notice quoting "一键脱衣" is not a nudify service.
        // A category the page only names (topic terms) is not reported from the lexicon: it takes an offered term.
        var reported = (talkedAbout ? [] : lexiconEvidence
                .Where(e => e.Value >= policy.Lexicon.ReportThreshold && page!.In(e.Key).Any(h => h.Kind == TermKinds.Offer)).Select(e => e.Key))
            .Union(products.SelectMany(p => p.Categories)).Distinct().OrderBy(c => Array.IndexOf(Categories.All, c)).ToList();
        var functions = FunctionsOf(page, products, reported, talkedAbout || parkedHit is not null);
        ScoreMinors(page, policy, talkedAbout, reported, functions, contributions, evidence);
        var unknownDomain = ScoreBrands(input, page, policy, talkedAbout, reported, functions, contributions, evidence, notes);
        ScoreName(input.Name, policy, reported, contributions, evidence, notes);
        reported = reported.Distinct().OrderBy(c => Array.IndexOf(Categories.All, c)).ToList();

        // An AI service: a generative or abuse category (a bare self-hosted tool such as a Gradio demo is not yet one),
        // shown by a product or by a page that offers something.
        var isGenAi = reported.Any(c => c != Categories.SelfHostedAi) && (products.Count > 0 || service.Count > 0);

        var filings = page?.Filings ?? [];
        var icp = filings.FirstOrDefault(f => f.Type is Compliance.Icp or Compliance.IcpLicense or Compliance.VasLicense);
        var psb = filings.FirstOrDefault(f => f.Type == Compliance.Psb);
        var genAi = filings.FirstOrDefault(f => Compliance.GenAiTypes.Contains(f.Type));
        if (icp is not null) Signal("filing-icp", $"ICP filing shown: {icp.Number}", "html", icp.Number, icp.Offset);
        if (psb is not null) Signal("filing-psb", $"public-security filing shown: {psb.Number}", "html", psb.Number, psb.Offset);
        if (genAi is not null) Signal("filing-genai", $"generative-AI / algorithm filing shown: {genAi.Number}", "html", genAi.Number, genAi.Offset);
        if (isGenAi && genAi is null)
        {
            if (icp is not null) Signal("icp-only", "an AI service with an ICP filing but no generative-AI or algorithm filing");
            else Signal("no-filing", "an AI service that shows no filing at all");
        }
        var label = page?.In("cue:ai-label").FirstOrDefault();
        if (isGenAi && label is not null)
        {
            Signal("ai-label", "AI-generated content is labelled", label.Field, label.Matched, label.Offset);
        }
        if (isGenAi && service.Count > 0)
        {
            var first = service[0];
            Signal("service-cues", $"offered as a service to paying users ({string.Join(", ", service.Take(4).Select(s => s.Matched))})", first.Field, first.Matched, first.Offset);
        }
        var behindLogin = page?.Products.Any(p => p.Hits.Any(h => policy.LoginRequiredRules.Contains(h.RuleId))) == true;
        if (behindLogin) Signal("gradio-auth", "the tool asks for a login or an access code (not open to the public)");
        // Hiding an offer from plain-text search (zero-width characters, character references) is itself a sign of intent.
        if (!talkedAbout && page?.Terms.FirstOrDefault(t => t.Field == Fields.UnmaskedText && t.Kind == TermKinds.Offer && policy.BlockCategories.Contains(t.Category)) is { } masked)
        {
            Signal("masked-terms", "the page hides abuse terms from plain-text search (zero-width characters or character references)", masked.Field, masked.Matched, masked.Offset);
        }

        ScoreInfrastructure(input, Signal);

        var parking = policy.Parking;
        var parkingNs = input.Dns?.Records(DnsRecordType.NS).FirstOrDefault(r => parking.NameServers.Any(p => r.Value.EndsWith(p, StringComparison.OrdinalIgnoreCase)));
        // A parked page that still identifies a risky tool is not treated as parked.
        var parked = (parkedHit is not null || parkingNs is not null) && !products.Any(p => p.Risk >= parking.UnlessProductRisk);
        if (parked)
        {
            if (parkedHit is not null) Signal("parked", "a parked or for-sale page", parkedHit.Field, parkedHit.Matched, parkedHit.Offset);
            else Signal("parked", $"name servers of a parking service ({parkingNs!.Value})");
        }

        var sum = contributions.Sum(c => c.Weight);
        var score = Math.Clamp(sum, 0, 100);
        if (sum > 100) notes.Add($"score capped at 100: the contributions add up to {sum} ({sum - 100} over)");
        else if (sum < 0) notes.Add($"score floored at 0: the contributions add up to {sum}");
        var band = BandOf(score, policy.Bands);
        band = ApplyCaps(band, input, policy, evidence, genAi, labelled: label is not null, parked, notes);
        // A self-hosted front end behind its own login or access code, with nobody paying and no abuse on the page, is
        // somebody's private tool: worth watching, not a reviewer's time.
        if (behindLogin && service.Count == 0 && Bands.Rank(band) > Bands.Rank(Bands.Watch)
            && !policy.BlockCategories.Any(c => evidence.GetValueOrDefault(c) >= policy.MinBlockCategoryEvidence))
        {
            notes.Add("capped at watch: a self-hosted tool behind its own login or access code, with no sign of paying users");
            band = Bands.Watch;
        }
        if (unknownDomain && Bands.Rank(band) > Bands.Rank(Bands.Review))
        {
            notes.Add("capped at review: the page claims a brand and its domain is unknown, so it cannot be checked against the brand's official domains");
            band = Bands.Review;
        }
        return new Verdict(score, band, reported, products.Select(p => new ProductRef(p.Id, p.Name)).ToArray(),
            filings.Select(f => new FilingRef(f.Type, f.Number)).ToArray(), contributions, notes,
            page?.CatalogVersion ?? "", policy.Version ?? "", functions, input.Name is { Any: true } ? input.Name : null);
    }

    /// <summary>
    /// What the site is for: every function of the products identified, the functions the abuse categories imply,
    /// and a function the page's own wording names in at least two different terms (not on a page that only talks
    /// about the subject, or a parked one).
    /// </summary>
    private static List<string> FunctionsOf(FingerprintResult? page, IReadOnlyList<ProductMatch> products, List<string> reported, bool talkedAbout)
    {
        var functions = new HashSet<string>(products.SelectMany(p => p.Functions ?? []), StringComparer.Ordinal);
        if (!talkedAbout)
        {
            foreach (var (category, function) in CategoryFunctions)
            {
                if (reported.Contains(category)) functions.Add(function);
            }
            foreach (var function in SiteFunctions.All)
            {
                if (page?.In(SiteFunctions.CuePrefix + function).Select(t => t.TermId).Distinct().Count() >= 2) functions.Add(function);
            }
        }
        return SiteFunctions.All.Where(functions.Contains).ToList();
    }

    private static readonly (string Category, string Function)[] CategoryFunctions =
    [
        (Categories.VoiceClone, SiteFunctions.Voice), (Categories.Nudify, SiteFunctions.Image), (Categories.AiCompanion, SiteFunctions.Companion),
        (Categories.LlmResale, SiteFunctions.ApiRelay), (Categories.VulgarContent, SiteFunctions.Image),
    ];

    /// <summary>
    /// A companion or chat service that addresses children or students and shows no age gate (未成年人模式, age
    /// verification …) harms minors even when its words are tame.
    /// </summary>
    private static void ScoreMinors(FingerprintResult? page, ScoringPolicy policy, bool talkedAbout, List<string> reported, List<string> functions,
        List<Contribution> contributions, Dictionary<string, int> evidence)
    {
        if (page is null || talkedAbout) return;
        var audience = page.In("cue:minor-audience").FirstOrDefault();
        if (audience is null || page.In("cue:age-gate").Any()) return;
        if (!reported.Contains(Categories.AiCompanion) && !functions.Contains(SiteFunctions.Companion)) return;
        var w = policy.Weight("minors-audience");
        if (w == 0) return;
        contributions.Add(new Contribution("minors-audience", "minors-audience", w,
            "a companion or role-play service that addresses children or students and shows no age gate", Categories.Minors,
            audience.Field, audience.Matched, audience.Offset));
        evidence[Categories.Minors] = evidence.GetValueOrDefault(Categories.Minors) + w;
        reported.Add(Categories.Minors);
    }

    /// <summary>
    /// A page that presents itself as a registered brand (<see cref="BrandClaim"/>) on a domain that is not one of
    /// the brand's: impersonation. Returns true when the domain is unknown (a saved page scored without its URL).
    /// </summary>
    private static bool ScoreBrands(ScoringInput input, FingerprintResult? page, ScoringPolicy policy, bool talkedAbout, List<string> reported,
        List<string> functions, List<Contribution> contributions, Dictionary<string, int> evidence, List<string> notes)
    {
        if (page is null || page.Brands.Count == 0) return false;
        var unknown = false;
        foreach (var claim in page.Brands)
        {
            var domain = input.Domain.TrimEnd('.');
            if (domain.Length > 0 && claim.Official.Any(o => input.RegistrableDomain == o || domain == o || domain.EndsWith("." + o, StringComparison.Ordinal))) continue;
            if (talkedAbout)
            {
                notes.Add($"names {claim.Name} in its {claim.Field}, but reads as news, a tutorial or a warning: not treated as a claim to be {claim.Name}");
                continue;
            }
            var w = policy.Weight("brand-claim");
            if (w == 0) continue;
            unknown |= domain.Length == 0;
            var where = domain.Length == 0 ? "its domain is unknown" : $"{domain} is not one of the brand's domains";
            contributions.Add(new Contribution("brand-claim:" + claim.BrandId, "brand-claim", w,
                $"presents itself as {claim.Name} and {where} ({string.Join(", ", claim.Official)})", Categories.BrandImpersonation,
                claim.Field, claim.Matched, claim.Offset));
            evidence[Categories.BrandImpersonation] = evidence.GetValueOrDefault(Categories.BrandImpersonation) + w;
            reported.Add(Categories.BrandImpersonation);
            // A fake "official" installer is how such pages spread malware: the brand's software from someone else's domain.
            if (functions.Contains(SiteFunctions.Download) && policy.Weight("brand-download") is var d and not 0
                && page.In(SiteFunctions.CuePrefix + SiteFunctions.Download).FirstOrDefault() is { } download)
            {
                contributions.Add(new Contribution("brand-download", "brand-download", d, $"offers {claim.Name} software for download from a domain that is not the brand's",
                    Categories.BrandImpersonation, download.Field, download.Matched, download.Offset));
                evidence[Categories.BrandImpersonation] += d;
            }
        }
        return unknown;
    }

    /// <summary>The name itself: confusable with a brand's official domain, borrowing a brand, or mixing scripts.</summary>
    private static void ScoreName(NameMarks? name, ScoringPolicy policy, List<string> reported, List<Contribution> contributions,
        Dictionary<string, int> evidence, List<string> notes)
    {
        if (name is not { Any: true }) return;
        if (name.ConfusableWith is { } official && policy.Weight("confusable-name") is var c and not 0)
        {
            contributions.Add(new Contribution("confusable-name", "confusable-name", c,
                $"the name is confusable with {official} (same Unicode TR39 skeleton '{name.Skeleton}')", Categories.BrandImpersonation));
            evidence[Categories.BrandImpersonation] = evidence.GetValueOrDefault(Categories.BrandImpersonation) + c;
            reported.Add(Categories.BrandImpersonation);
        }
        else if (name.Brand is { } brand && policy.Weight("brand-in-name") is var b and not 0)
        {
            contributions.Add(new Contribution("brand-in-name", "brand-in-name", b, $"the name borrows the brand {brand.Replace("brand-", "", StringComparison.Ordinal)}"));
        }
        if (name.MixedScript is { } scripts && policy.Weight("mixed-script") is var m and not 0)
        {
            contributions.Add(new Contribution("mixed-script", "mixed-script", m, $"a label mixes scripts ({string.Join("+", scripts)})"));
        }
        if (name.LooksLike is { } looksLike) notes.Add($"the name is displayed like {looksLike}");
    }

    private static void ScoreProducts(IReadOnlyList<ProductMatch> products, ScoringPolicy policy, List<Contribution> contributions, Dictionary<string, int> evidence)
    {
        var total = 0;
        foreach (var product in products.OrderByDescending(p => p.Risk))
        {
            var add = Math.Min(product.Risk, policy.ProductCap - total);
            var strongest = product.Hits.OrderByDescending(h => h.Weight).First();
            contributions.Add(new Contribution("product:" + product.Id, "product", Math.Max(add, 0),
                $"{product.Name} identified (rule evidence {product.Evidence}, {product.Hits.Count} rules; strongest {strongest.RuleId})",
                string.Join(",", product.Categories), strongest.Field, strongest.Matched, strongest.Offset));
            foreach (var hit in product.Hits)
            {
                contributions.Add(new Contribution(hit.RuleId, "fingerprint", 0, $"rule of {product.Name} (weight {hit.Weight} towards identification)",
                    null, hit.Field, hit.Matched, hit.Offset));
            }
            if (add <= 0) continue;
            total += add;
            foreach (var category in product.Categories) evidence[category] = evidence.GetValueOrDefault(category) + add;
        }
    }

    /// <summary>
    /// Cues counted once per place on the page: "$4.99/month" is one price, not three cues ($4.99, the rate,
    /// "/month"). Weighted: a place counts its cue's weight (a byline such as 记者 or 责任编辑 says more than 提醒).
    /// </summary>
    private static int Separate(List<TermHit> hits, bool weighted = false)
    {
        var count = 0;
        var end = -1;
        var field = "";
        foreach (var h in hits.OrderBy(h => h.Field, StringComparer.Ordinal).ThenBy(h => h.Offset))
        {
            if (h.Field != field)
            {
                field = h.Field;
                end = -1;
            }
            if (h.Offset >= end) count += weighted ? Math.Max(h.Weight, 1) : 1;
            end = Math.Max(end, h.Offset + h.Matched.Length);
        }
        return count;
    }

    /// <summary>Adds the lexicon contributions, damped on a page without service cues and more on one that reads as discourse.</summary>
    private static void ScoreLexicon(FingerprintResult page, ScoringPolicy policy, bool service, bool isDiscourse, bool parkedText,
        List<Contribution> contributions, Dictionary<string, int> evidence, List<string> notes)
    {
        var lex = policy.Lexicon;
        var factor = isDiscourse ? lex.DiscourseFactor : service ? 1.0 : lex.NoServiceFactor;
        var totals = new List<(string Category, List<TermHit> Hits, double Total)>();
        foreach (var category in Categories.All)
        {
            var hits = page.In(category).Select(h => h with { Weight = policy.TermWeight(h.TermId, h.Weight) }).Where(h => h.Weight != 0).ToList();
            if (hits.Count == 0) continue;
            var offer = hits.Where(h => h.Kind == TermKinds.Offer).Sum(h => h.Weight);
            var topic = hits.Where(h => h.Kind == TermKinds.Topic).Sum(h => h.Weight);
            totals.Add((category, hits, Math.Min(offer + Math.Min(topic, lex.TopicCap), lex.CategoryCap) * factor));
        }
        // A page that only talks about the subject adds at most DiscourseTotalCap however many terms it quotes.
        var sum = totals.Sum(t => t.Total);
        var scale = isDiscourse && sum > lex.DiscourseTotalCap ? lex.DiscourseTotalCap / sum : 1.0;
        foreach (var (category, hits, raw) in totals)
        {
            var total = (int)Math.Round(raw * scale, MidpointRounding.AwayFromZero);
            if (total <= 0) continue;
            // Spread the category's points over its terms in proportion to their weights, so the list sums exactly.
            var weights = (double)hits.Sum(h => h.Weight);
            var given = 0;
            for (var i = 0; i < hits.Count; i++)
            {
                var h = hits[i];
                var w = i == hits.Count - 1 ? total - given : (int)Math.Floor(total * h.Weight / weights);
                given += w;
                contributions.Add(new Contribution(h.TermId, h.Kind == TermKinds.Offer ? "lexicon-offer" : "lexicon-topic", w,
                    $"{category} term (weight {h.Weight}{(factor * scale < 1 ? $", ×{(factor * scale).ToString("0.##", CultureInfo.InvariantCulture)}" : "")})",
                    category, h.Field, h.Matched, h.Offset));
            }
            evidence[category] = evidence.GetValueOrDefault(category) + total;
        }
        if (factor < 1 && page.Terms.Any(t => Categories.All.Contains(t.Category)))
        {
            notes.Add(parkedText
                ? $"a parked or for-sale page lists keywords, it offers nothing: lexicon points ×{lex.DiscourseFactor.ToString(CultureInfo.InvariantCulture)}, no category reported from them"
                : isDiscourse
                ? $"the page reads as news, research or a warning{(service ? "" : " and offers nothing")}: lexicon points ×{lex.DiscourseFactor.ToString(CultureInfo.InvariantCulture)}, no category reported from them"
                : $"no sign of a service (prices, payment, membership): lexicon points ×{lex.NoServiceFactor.ToString(CultureInfo.InvariantCulture)}");
        }
    }

    private void ScoreInfrastructure(ScoringInput input, Action<string, string, string?, string?, int?> signal)
    {
        var now = time.GetUtcNow();
        if (input.Registration is { Created: { } created })
        {
            var days = (now - created).TotalDays;
            if (days < 30) signal("domain-age-30d", $"registered {days:0} days ago ({created:yyyy-MM-dd})", null, null, null);
            else if (days < 90) signal("domain-age-90d", $"registered {days:0} days ago ({created:yyyy-MM-dd})", null, null, null);
        }
        if (input.Registration?.Outcome == RegistrationOutcomes.NotFound && input.Dns?.Resolves == true)
        {
            signal("registration-missing", "resolves, but the registry has no record of the domain", null, null, null);
        }
        if (input.Fetch?.Tls is { } tls)
        {
            if (tls.SelfSigned) signal("tls-self-signed", $"self-signed certificate ({tls.Subject})", null, null, null);
            else if (!tls.ChainValid) signal("tls-invalid", $"certificate does not validate: {string.Join(", ", tls.ChainErrors)}", null, null, null);
            if ((now - tls.NotBefore).TotalDays is >= 0 and < 14) signal("tls-fresh", $"certificate issued {tls.NotBefore:yyyy-MM-dd}", null, null, null);
        }
        if (input.Dns is { } dns)
        {
            var flux = dns.FastFlux;
            if (flux.AddressCount >= 5 && flux.DistinctSlash24 + flux.DistinctSlash48 >= 3 && flux.MinTtl is <= 300)
            {
                signal("fast-flux", $"{flux.AddressCount} addresses over {flux.DistinctSlash24} networks, TTL {flux.MinTtl} s", null, null, null);
            }
            if (dns.Wildcard is { Answers: true }) signal("wildcard-dns", "the zone answers every name (wildcard)", null, null, null);
        }
        if (input.Fetch?.CrossDomainRedirect == true) signal("cross-domain-redirect", $"redirects to another domain ({input.Fetch.FinalUrl})", null, null, null);
    }

    private static string BandOf(int score, BandThresholds b) =>
        score >= b.Block ? Bands.Block : score >= b.Review ? Bands.Review : score >= b.Watch ? Bands.Watch : Bands.Clear;

    private static string ApplyCaps(string band, ScoringInput input, ScoringPolicy policy, Dictionary<string, int> evidence,
        Filing? genAi, bool labelled, bool parked, List<string> notes)
    {
        string Cap(string current, string max, string why)
        {
            if (Bands.Rank(current) <= Bands.Rank(max)) return current;
            notes.Add($"capped at {max}: {why}");
            return max;
        }
        var abuse = policy.BlockCategories.Where(c => evidence.GetValueOrDefault(c) >= policy.MinBlockCategoryEvidence).ToList();
        // A licensed service (filing and labels shown) is raised only on stronger evidence than anyone else.
        var raiseAt = genAi is not null && labelled ? policy.LicensedAbuseEvidence : policy.MinBlockCategoryEvidence;
        var raise = abuse.Where(c => evidence.GetValueOrDefault(c) >= raiseAt).ToList();
        if (raise.Count > 0 && Bands.Rank(band) < Bands.Rank(Bands.Review))
        {
            // Filings and other reductions never hide strong page evidence of abuse from a reviewer.
            notes.Add($"raised to review: strong page evidence of {string.Join(", ", raise)}");
            band = Bands.Review;
        }
        if (band == Bands.Block && abuse.Count == 0)
        {
            band = Cap(band, Bands.Review, $"block needs at least {policy.MinBlockCategoryEvidence} points of page evidence for an abuse category");
        }
        if (genAi is not null) band = Cap(band, Bands.Review, $"the page shows a generative-AI filing ({genAi.Number}); a person must check it before any block");
        if (parked) band = Cap(band, Bands.Watch, "a parked page");
        if (policy.Allowlist.Covers(input.Domain, input.RegistrableDomain)) band = Cap(band, Bands.Watch, "allowlisted domain");
        if (input.AllowlistedBecause is { } because) band = Cap(band, Bands.Watch, because);
        return band;
    }
}
