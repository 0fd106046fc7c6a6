using System.Text.Json;
using System.Text.Json.Serialization;
using DomainScreen.Core.Fingerprints;

namespace DomainScreen.Core.Scoring;

/// <summary>
/// Weights, band thresholds, caps and the allowlist: everything about turning evidence into a verdict that an
/// operator may tune without a deploy (embedded <c>policy.json</c>, overridable from blob storage).
/// </summary>
public sealed class ScoringPolicy
{
    public string? Version { get; set; }

    public BandThresholds Bands { get; set; } = new();

    /// <summary>Categories that may lead to <c>block</c>; anything else stops at <c>review</c>.</summary>
    public List<string> BlockCategories { get; set; } = [];

    /// <summary>Page evidence (products and lexicon) one block category needs before <c>block</c> is allowed.</summary>
    public int MinBlockCategoryEvidence { get; set; } = 30;

    /// <summary>
    /// Page evidence of an abuse category that raises a licensed service (one showing a generative-AI or algorithm
    /// filing and AI-content labels) to <c>review</c>. Higher than <see cref="MinBlockCategoryEvidence"/>: a filed
    /// photo app offering "照片换脸" on the user's own photos is not flagged, one that offers anyone's face is.
    /// </summary>
    public int LicensedAbuseEvidence { get; set; } = 50;

    public LexiconPolicy Lexicon { get; set; } = new();

    /// <summary>Signal id → points (negative lowers risk). See docs/scoring.md for each signal.</summary>
    public Dictionary<string, int> Signals { get; set; } = [];

    /// <summary>
    /// Lexicon term id → weight, overriding the catalog's weight for that term (how reviewer calibration adjusts a
    /// term without a catalog release: <c>domainscreen calibrate</c> proposes them).
    /// </summary>
    public Dictionary<string, int> TermWeights { get; set; } = [];

    /// <summary>A term's weight under this policy.</summary>
    public int TermWeight(string termId, int catalogWeight) => TermWeights.TryGetValue(termId, out var w) ? w : catalogWeight;

    /// <summary>Most points all products together add.</summary>
    public int ProductCap { get; set; } = 60;

    public Allowlist Allowlist { get; set; } = new();

    /// <summary>What makes a page parked beyond its own text.</summary>
    public ParkingPolicy Parking { get; set; } = new();

    /// <summary>What candidate sources watch for: brands (look-alikes, CT), keywords and patterns (CT).</summary>
    public WatchPolicy Watch { get; set; } = new();

    /// <summary>Fingerprint rule ids that show a tool asks for a login (signal <c>gradio-auth</c>).</summary>
    public List<string> LoginRequiredRules { get; set; } = [];

    public static readonly string[] KnownSignals =
    [
        "service-cues", "no-filing", "icp-only", "filing-icp", "filing-psb", "filing-genai", "ai-label",
        "domain-age-30d", "domain-age-90d", "registration-missing", "tls-self-signed", "tls-invalid", "tls-fresh",
        "fast-flux", "wildcard-dns", "cross-domain-redirect", "parked", "gradio-auth", "masked-terms", "minors-audience", "brand-claim", "brand-download", "confusable-name", "brand-in-name", "mixed-script",
    ];

    /// <summary>Points for a signal, 0 when the policy does not list it.</summary>
    public int Weight(string signal) => Signals.GetValueOrDefault(signal);

    public static ScoringPolicy Parse(string json, string file)
    {
        ScoringPolicy? policy;
        try
        {
            policy = JsonSerializer.Deserialize(json, PolicyJson.Default.ScoringPolicy);
        }
        catch (JsonException ex)
        {
            throw new CatalogValidationException([$"{file}: not a valid policy: {ex.Message}"]);
        }
        var problems = new List<string>();
        if (policy is null) throw new CatalogValidationException([$"{file}: empty"]);
        if (string.IsNullOrWhiteSpace(policy.Version)) problems.Add($"{file}: no version");
        var b = policy.Bands;
        if (!(0 < b.Watch && b.Watch < b.Review && b.Review < b.Block && b.Block <= 100)) problems.Add($"{file}: bands must rise: 0 < watch < review < block <= 100");
        problems.AddRange(policy.BlockCategories.Where(c => !Categories.All.Contains(c)).Select(c => $"{file}: unknown block category '{c}'"));
        problems.AddRange(policy.Signals.Keys.Where(k => !KnownSignals.Contains(k)).Select(k => $"{file}: unknown signal '{k}'"));
        foreach (var brand in policy.Watch.Brands.Where(b => b.Name.Length is 0 or > 40 || !b.Name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')))
        {
            problems.Add($"{file}: watch brand '{brand.Name}' must be lower-case ASCII letters, digits and hyphens");
        }
        foreach (var pattern in policy.Watch.Patterns)
        {
            try
            {
                _ = new System.Text.RegularExpressions.Regex(pattern, System.Text.RegularExpressions.RegexOptions.NonBacktracking | System.Text.RegularExpressions.RegexOptions.CultureInvariant,
                    TimeSpan.FromMilliseconds(100));
            }
            catch (ArgumentException ex)
            {
                problems.Add($"{file}: watch pattern '{pattern}' is not a regex this engine runs: {ex.Message}");
            }
        }
        problems.AddRange(policy.TermWeights.Where(t => t.Value is < -100 or > 100).Select(t => $"{file}: term weight {t.Key}={t.Value} is out of range -100..100"));
        if (policy.Lexicon.NoServiceFactor is < 0 or > 1 || policy.Lexicon.DiscourseFactor is < 0 or > 1) problems.Add($"{file}: lexicon factors must be within 0..1");
        if (problems.Count > 0) throw new CatalogValidationException(problems);
        var idn = new System.Globalization.IdnMapping();
        string Ascii(string name)
        {
            try
            {
                return idn.GetAscii(name.Trim().TrimStart('.')).ToLowerInvariant();
            }
            catch (ArgumentException)
            {
                throw new CatalogValidationException([$"{file}: allowlist entry '{name}' is not a domain name"]);
            }
        }
        policy.Allowlist.Domains = policy.Allowlist.Domains.Select(Ascii).ToList();
        policy.Allowlist.Suffixes = policy.Allowlist.Suffixes.Select(Ascii).ToList();
        return policy;
    }
}

public sealed class ParkingPolicy
{
    /// <summary>Name-server suffixes of parking services.</summary>
    public List<string> NameServers { get; set; } = [];

    /// <summary>A page identifying a product of at least this risk is not treated as parked. Default 30.</summary>
    public int UnlessProductRisk { get; set; } = 30;
}

public sealed class BandThresholds
{
    public int Watch { get; set; } = 20;
    public int Review { get; set; } = 45;
    public int Block { get; set; } = 75;
}

public sealed class LexiconPolicy
{
    /// <summary>Most points one category's terms add.</summary>
    public int CategoryCap { get; set; } = 50;

    /// <summary>Most points one category's topic terms (talked about, not offered) add.</summary>
    public int TopicCap { get; set; } = 15;

    /// <summary>Factor on a category's terms when the page shows no sign of a service (pricing, upload, top-up).</summary>
    public double NoServiceFactor { get; set; } = 0.5;

    /// <summary>Factor instead when the page reads as news, research or a warning and offers no service.</summary>
    public double DiscourseFactor { get; set; } = 0.2;

    /// <summary>Discourse points (each place a discourse cue stands counts the cue's weight) a page needs to read as news, research or a warning.</summary>
    public int DiscourseMinHits { get; set; } = 2;

    /// <summary>
    /// A page with service cues still reads as discourse when its discourse points exceed this many per service cue
    /// (a news article with a "subscribe" box or a quoted price is still news). Default 1.
    /// </summary>
    public int DiscoursePerServiceCue { get; set; } = 1;

    /// <summary>Most points all lexicon terms together add on a page that reads as news, research or a warning.</summary>
    public int DiscourseTotalCap { get; set; } = 10;

    /// <summary>Evidence a category needs from the page to be reported.</summary>
    public int ReportThreshold { get; set; } = 10;
}

/// <summary>
/// Watch terms of the candidate sources: AI brands whose look-alikes are generated and whose names (and confusable
/// spellings) are looked for in new certificates, and abuse keywords and patterns for certificate names.
/// </summary>
public sealed class WatchPolicy
{
    public List<WatchedBrand> Brands { get; set; } = [];

    /// <summary>Lower-case ASCII or Chinese words; a certificate name containing one (after skeleton folding) is a candidate.</summary>
    public List<string> Keywords { get; set; } = [];

    /// <summary>Regexes over the ASCII (punycode) name, run NonBacktracking with a timeout.</summary>
    public List<string> Patterns { get; set; } = [];

    /// <summary>TLDs look-alikes are tried under (besides the brand's own).</summary>
    public List<string> LookalikeTlds { get; set; } = [];

    /// <summary>Words added to a brand for look-alikes (<c>-app</c>, <c>download</c>, <c>官网</c>…).</summary>
    public List<string> LookalikeWords { get; set; } = [];
}

/// <summary>A watched AI brand: its name as it appears in domains, and its official registrable domains (never look-alikes).</summary>
public sealed class WatchedBrand
{
    public string Name { get; set; } = "";
    public List<string> Official { get; set; } = [];
}

public sealed class Allowlist
{
    /// <summary>Registrable domains never placed above <c>watch</c>.</summary>
    public List<string> Domains { get; set; } = [];

    /// <summary>Suffixes (e.g. <c>gov.cn</c>) whose names are never placed above <c>watch</c>.</summary>
    public List<string> Suffixes { get; set; } = [];

    public bool Covers(string ascii, string registrable) =>
        Domains.Contains(registrable, StringComparer.OrdinalIgnoreCase)
        || Suffixes.Any(s => ascii.Equals(s, StringComparison.OrdinalIgnoreCase) || ascii.EndsWith("." + s, StringComparison.OrdinalIgnoreCase));
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(ScoringPolicy))]
internal sealed partial class PolicyJson : JsonSerializerContext;
