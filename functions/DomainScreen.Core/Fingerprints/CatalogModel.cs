using System.Text.Json.Serialization;

namespace DomainScreen.Core.Fingerprints;

/// <summary>One catalog file as written (JSON). Unknown members are rejected.</summary>
public sealed class CatalogFile
{
    /// <summary>Version of the whole catalog; every file of one catalog carries the same value.</summary>
    public string? Version { get; set; }

    public List<SignatureSpec> Signatures { get; set; } = [];

    public List<LexiconSpec> Lexicons { get; set; } = [];
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
    /// <summary>A category id, or a cue: <c>cue:service</c>, <c>cue:discourse</c>, <c>cue:parked</c>, <c>cue:ai-label</c>, <c>cue:genai</c>.</summary>
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

    public static readonly string[] All = [FaceSwap, VoiceClone, Nudify, AiCompanion, FakeNews, LlmResale, AbuseToolSale, GenAiService, SelfHostedAi];

    public static readonly string[] Cues = ["cue:service", "cue:discourse", "cue:parked", "cue:ai-label", "cue:genai"];
}

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web, ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    AllowTrailingCommas = true, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(CatalogFile))]
internal sealed partial class CatalogJson : JsonSerializerContext;
