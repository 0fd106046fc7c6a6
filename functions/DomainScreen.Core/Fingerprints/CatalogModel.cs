using System.Text.Json.Serialization;

namespace DomainScreen.Core.Fingerprints;

/// <summary>One catalog file as written (JSON). Unknown members are rejected.</summary>
public sealed class CatalogFile
{
    /// <summary>Version of the whole catalog; every file of one catalog carries the same value.</summary>
    public string? Version { get; set; }

    public List<SignatureSpec> Signatures { get; set; } = [];

    public List<LexiconSpec> Lexicons { get; set; } = [];

    /// <summary>The brand registry: AI brands whose names others claim (see <see cref="BrandSpec"/>).</summary>
    public List<BrandSpec> Brands { get; set; } = [];
}

/// <summary>
/// A well-known AI brand: the names it goes by in every script, the registrable domains it officially serves from,
/// and the strings that, inside another domain's labels, borrow its name. A page that claims the brand (its title or
/// site name leads with it, or pairs it with "official", "download", "login" …) on a domain that is not one of
/// <see cref="Official"/> is impersonating it.
/// </summary>
public sealed class BrandSpec
{
    public string? Id { get; set; }

    /// <summary>Display names in every script, e.g. <c>DeepSeek</c>, <c>深度求索</c>.</summary>
    public List<string> Names { get; set; } = [];

    /// <summary>Registrable domains the brand serves from (subdomains included).</summary>
    public List<string> Official { get; set; } = [];

    /// <summary>Lower-case strings that borrow the brand inside a domain label (e.g. <c>deepseek</c>); default: none.</summary>
    public List<string> Labels { get; set; } = [];
}

/// <summary>A product (an AI tool, a panel) recognised by weighted rules.</summary>
public sealed class SignatureSpec
{
    public string? Id { get; set; }

    /// <summary>Display name, e.g. <c>FaceFusion</c>.</summary>
    public string? Product { get; set; }

    /// <summary>Category ids the product implies (see <see cref="Categories"/>).</summary>
    public List<string> Categories { get; set; } = [];

    /// <summary>Sum of matched rule weights needed to report the product. Default 50.</summary>
    public int Threshold { get; set; } = 50;

    /// <summary>Risk points the product adds to the score when reported.</summary>
    public int Risk { get; set; }

    /// <summary>Where the fingerprint comes from (repository:path), for docs/signatures.md.</summary>
    public string? Source { get; set; }

    /// <summary>Other signature ids this one refines (e.g. FaceFusion refines Gradio); the refined product is then not reported.</summary>
    public List<string> Refines { get; set; } = [];

    /// <summary>
    /// Recognised from what the page says (sales copy such as an API relay's pitch or a download page's wording),
    /// not from the tool's own code. Read like lexicon terms: a page that reads as news, research, a warning or a
    /// parked page does not report it. Default false.
    /// </summary>
    public bool Copy { get; set; }

    /// <summary>What the product is for (see <see cref="SiteFunctions"/>): an SD UI is <c>image</c>, Open WebUI <c>chat</c>.</summary>
    public List<string> Functions { get; set; } = [];

    public List<RuleSpec> Rules { get; set; } = [];
}

/// <summary>One weighted test over one field of the page evidence.</summary>
public sealed class RuleSpec
{
    public string? Id { get; set; }

    /// <summary>See <see cref="Fields"/>.</summary>
    public string? Field { get; set; }

    /// <summary><c>contains</c> (default; case-insensitive literal), <c>equals</c>, <c>prefix</c>, <c>regex</c>, <c>mmh3</c>, <c>jsonKeys</c>, <c>exists</c>.</summary>
    public string Match { get; set; } = "contains";

    public string? Value { get; set; }

    /// <summary>For <c>mmh3</c> (favicon hashes) and <c>jsonKeys</c> (every key must be present).</summary>
    public List<string> Values { get; set; } = [];

    /// <summary>Header or meta name, for <c>header</c> and <c>meta</c> fields.</summary>
    public string? Name { get; set; }

    /// <summary>Probe path, for the <c>probe</c> field (e.g. <c>/config</c>).</summary>
    public string? Path { get; set; }

    /// <summary>Points towards identifying the product (can be negative).</summary>
    public int Weight { get; set; }
}

/// <summary>Terms that signal one category (or a cue), in Chinese and English.</summary>
public sealed class LexiconSpec
{
    /// <summary>
    /// A category id, a cue (<see cref="Categories.Cues"/>), or a site function's cue <c>function:&lt;id&gt;</c>
    /// (<see cref="SiteFunctions"/>).
    /// </summary>
    public string? Category { get; set; }

    public string? Language { get; set; }

    public List<TermSpec> Terms { get; set; } = [];
}

public sealed class TermSpec
{
    public string? Id { get; set; }

    /// <summary>A literal, matched case-insensitively with its Traditional and full-width variants (ASCII words on word boundaries).</summary>
    public string? Text { get; set; }

    /// <summary>
    /// Instead of <see cref="Text"/>: a regex over the page (NonBacktracking, case-insensitive, with the catalog's
    /// match timeout), for forms a literal cannot list, such as prices (<c>$9.99</c>, <c>29元/月</c>).
    /// </summary>
    public string? Pattern { get; set; }

    public int Weight { get; set; }

    /// <summary><c>offer</c>: the site provides the thing; <c>topic</c>: it is talked about. Default offer.</summary>
    public string Kind { get; set; } = TermKinds.Offer;
}

public static class TermKinds
{
    public const string Offer = "offer";
    public const string Topic = "topic";
}

/// <summary>The fields a rule can test.</summary>
public static class Fields
{
    public const string Title = "title";
    public const string Meta = "meta";
    public const string Html = "html";
    public const string Asset = "asset";
    public const string Header = "header";
    public const string Cookie = "cookie";
    public const string Favicon = "favicon";
    public const string Probe = "probe";
    public const string GradioTitle = "gradio.title";
    public const string GradioVersion = "gradio.version";
    public const string GradioElemId = "gradio.elem_id";
    public const string GradioText = "gradio.text";
    public const string Url = "url";

    public static readonly string[] All = [Title, Meta, Html, Asset, Header, Cookie, Favicon, Probe, GradioTitle, GradioVersion, GradioElemId, GradioText, Url];

    /// <summary>
    /// Where lexicon terms hidden from a plain scan are found: the page with zero-width characters removed and
    /// character references decoded (<c>一&amp;#8203;键脱衣</c>, <c>&amp;#33073;&amp;#34915;</c>). Offsets are into that text.
    /// Not a rule field.
    /// </summary>
    public const string UnmaskedText = "text";
}

/// <summary>Category ids. Abuse categories can reach <c>block</c>; the others at most <c>review</c>.</summary>
public static class Categories
{
    public const string FaceSwap = "face-swap";
    public const string VoiceClone = "voice-clone";
    public const string Nudify = "nudify";
    public const string AiCompanion = "ai-companion";
    public const string FakeNews = "fake-news";
    public const string LlmResale = "llm-resale";
    public const string AbuseToolSale = "abuse-tool-sale";
    public const string GenAiService = "genai-service";
    public const string SelfHostedAi = "self-hosted-ai";
    public const string TrollFarm = "troll-farm";
    public const string VulgarContent = "vulgar-content";
    public const string Minors = "minors";
    public const string BrandImpersonation = "brand-impersonation";

    public static readonly string[] All = [FaceSwap, VoiceClone, Nudify, VulgarContent, AiCompanion, Minors, FakeNews, TrollFarm, BrandImpersonation,
        LlmResale, AbuseToolSale, GenAiService, SelfHostedAi];

    public static readonly string[] Cues = ["cue:service", "cue:discourse", "cue:parked", "cue:ai-label", "cue:genai", "cue:minor-audience", "cue:age-gate", "cue:brand-claim"];

    /// <summary>
    /// The national campaign's seven problem types and the categories that evidence each (docs/scoring.md). A category
    /// can serve two types (a nudify service is vulgar content and infringes the person shown).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string[]> CampaignTypes = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["ai-rumour"] = [FakeNews],
        ["false-information"] = [FakeNews],
        ["vulgar-content"] = [VulgarContent, Nudify, AiCompanion],
        ["impersonation"] = [FaceSwap, VoiceClone, BrandImpersonation, Nudify],
        ["water-army"] = [TrollFarm],
        ["violating-ai-service"] = [GenAiService, SelfHostedAi, LlmResale, AbuseToolSale],
        ["minors"] = [Minors],
    };
}

/// <summary>
/// What a site is for, a facet separate from the abuse categories (a licensed image generator is <c>image</c> and
/// clear). From the products identified and from the page's <c>function:&lt;id&gt;</c> cues.
/// </summary>
public static class SiteFunctions
{
    public const string Chat = "chat", Image = "image", Video = "video", Voice = "voice", Music = "music", ApiRelay = "api-relay",
        Companion = "companion", AgentPlatform = "agent-platform", Download = "download";

    public static readonly string[] All = [Chat, Image, Video, Voice, Music, ApiRelay, Companion, AgentPlatform, Download];

    public const string CuePrefix = "function:";
}

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web, ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    AllowTrailingCommas = true, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(CatalogFile))]
internal sealed partial class CatalogJson : JsonSerializerContext;
