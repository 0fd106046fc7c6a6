using System.Text.Json;
using System.Text.RegularExpressions;

namespace DomainScreen.Core.Fingerprints;

/// <summary>Why a catalog was rejected: every problem, each naming its file and rule.</summary>
public sealed class CatalogValidationException(IReadOnlyList<string> problems)
    : Exception("catalog rejected: " + string.Join("; ", problems.Take(10)))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}

/// <summary>
/// Reads and validates catalog files (signatures and lexicons) and compiles them. A catalog with any problem is
/// rejected whole — bad regex, unknown field or member, duplicate id, a literal too short to be specific — with
/// messages naming the file and the rule.
/// </summary>
public static class CatalogLoader
{
    public static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(1000);

    private static readonly string[] MatchKinds = ["contains", "equals", "prefix", "regex", "mmh3", "jsonKeys", "exists", "status"];

    /// <summary>Validates and compiles; throws <see cref="CatalogValidationException"/> listing every problem.</summary>
    public static CompiledCatalog Compile(IEnumerable<(string File, string Json)> files)
    {
        var problems = new List<string>();
        var signatures = new List<(string File, SignatureSpec Spec)>();
        var lexicons = new List<(string File, LexiconSpec Spec)>();
        var brands = new List<(string File, BrandSpec Spec)>();
        var versions = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (file, json) in files)
        {
            CatalogFile? parsed;
            try
            {
                parsed = JsonSerializer.Deserialize(json, CatalogJson.Default.CatalogFile);
            }
            catch (JsonException ex)
            {
                problems.Add($"{file}: not a valid catalog file: {ex.Message}");
                continue;
            }
            if (parsed is null) continue;
            if (string.IsNullOrWhiteSpace(parsed.Version)) problems.Add($"{file}: no version");
            else versions.Add(parsed.Version);
            signatures.AddRange(parsed.Signatures.Select(s => (file, s)));
            lexicons.AddRange(parsed.Lexicons.Select(l => (file, l)));
            brands.AddRange(parsed.Brands.Select(b => (file, b)));
        }
        if (versions.Count > 1) problems.Add($"files disagree on the catalog version: {string.Join(", ", versions)}");

        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        void Id(string file, string? id, string what)
        {
            if (string.IsNullOrWhiteSpace(id)) problems.Add($"{file}: a {what} has no id");
            else if (!ids.TryAdd(id, file)) problems.Add($"{file}: duplicate id '{id}' (also in {ids[id]})");
        }

        foreach (var (file, s) in signatures)
        {
            Id(file, s.Id, "signature");
            if (string.IsNullOrWhiteSpace(s.Product)) problems.Add($"{file}: signature '{s.Id}' has no product name");
            foreach (var c in s.Categories.Where(c => !Categories.All.Contains(c))) problems.Add($"{file}: signature '{s.Id}' names unknown category '{c}'");
            foreach (var f in s.Functions.Where(f => !SiteFunctions.All.Contains(f))) problems.Add($"{file}: signature '{s.Id}' names unknown function '{f}' (known: {string.Join(", ", SiteFunctions.All)})");
            if (s.Rules.Count == 0) problems.Add($"{file}: signature '{s.Id}' has no rules");
            if (s.Threshold is < 1 or > 1000) problems.Add($"{file}: signature '{s.Id}' threshold {s.Threshold} is out of range 1..1000");
            if (s.Risk is < 0 or > 100) problems.Add($"{file}: signature '{s.Id}' risk {s.Risk} is out of range 0..100");
            foreach (var r in s.Rules) ValidateRule(file, s.Id, r, problems, Id);
        }
        foreach (var s in signatures.SelectMany(x => x.Spec.Refines.Select(r => (x.File, x.Spec.Id, Refined: r))))
        {
            if (!signatures.Any(x => x.Spec.Id == s.Refined)) problems.Add($"{s.File}: signature '{s.Id}' refines unknown signature '{s.Refined}'");
        }
        foreach (var (file, l) in lexicons)
        {
            if (l.Category is null || (!Categories.All.Contains(l.Category) && !Categories.Cues.Contains(l.Category)
                && !(l.Category.StartsWith(SiteFunctions.CuePrefix, StringComparison.Ordinal) && SiteFunctions.All.Contains(l.Category[SiteFunctions.CuePrefix.Length..]))))
            {
                problems.Add($"{file}: lexicon has unknown category '{l.Category}'");
            }
            foreach (var twice in l.Terms.Where(t => t.Text is not null).GroupBy(t => t.Text!, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
            {
                problems.Add($"{file}: lexicon '{l.Category}' lists '{twice.Key}' twice ({string.Join(", ", twice.Select(t => t.Id))})");
            }
            foreach (var t in l.Terms)
            {
                Id(file, t.Id, "term");
                if (string.IsNullOrWhiteSpace(t.Text) == string.IsNullOrWhiteSpace(t.Pattern)) problems.Add($"{file}: term '{t.Id}' needs exactly one of text and pattern");
                else if (t.Text is not null && !SpecificEnough(t.Text)) problems.Add($"{file}: term '{t.Id}' text '{t.Text}' is too short to be specific");
                else if (t.Pattern is not null && CompileProblem(t.Pattern) is { } problem) problems.Add($"{file}: term '{t.Id}' pattern is not a usable regex: {problem}");
                if (t.Kind is not (TermKinds.Offer or TermKinds.Topic)) problems.Add($"{file}: term '{t.Id}' kind '{t.Kind}' is not offer or topic");
                if (t.Weight is < -100 or > 100) problems.Add($"{file}: term '{t.Id}' weight {t.Weight} is out of range -100..100");
            }
        }
        foreach (var (file, b) in brands)
        {
            Id(file, b.Id, "brand");
            if (b.Names.Count == 0 || b.Names.Any(n => string.IsNullOrWhiteSpace(n) || !SpecificEnough(n))) problems.Add($"{file}: brand '{b.Id}' needs names, each specific enough (4 ASCII or 2 CJK characters)");
            if (b.Official.Count == 0 || b.Official.Any(d => string.IsNullOrWhiteSpace(d) || d != d.Trim() || d.Any(char.IsUpper) || !d.Contains('.', StringComparison.Ordinal)))
            {
                problems.Add($"{file}: brand '{b.Id}' needs official registrable domains, lower-case");
            }
            if (b.Labels.Any(l => l.Length < 4 || l.Any(char.IsUpper))) problems.Add($"{file}: brand '{b.Id}' labels must be lower-case and at least 4 characters");
        }
        if (problems.Count > 0) throw new CatalogValidationException(problems);
        return new CompiledCatalog(versions.Single(), signatures.Select(s => s.Spec).ToList(), lexicons.Select(l => l.Spec).ToList(),
            brands.Select(b => b.Spec).ToList());
    }

    private static void ValidateRule(string file, string? signature, RuleSpec r, List<string> problems, Action<string, string?, string> id)
    {
        id(file, r.Id, $"rule of '{signature}'");
        var where = $"{file}: rule '{r.Id}' of '{signature}'";
        if (r.Field is null || !Fields.All.Contains(r.Field)) problems.Add($"{where}: unknown field '{r.Field}' (known: {string.Join(", ", Fields.All)})");
        if (!MatchKinds.Contains(r.Match)) problems.Add($"{where}: unknown match '{r.Match}'");
        if (r.Weight is < -100 or > 100 or 0) problems.Add($"{where}: weight {r.Weight} must be non-zero, in -100..100");
        if (r.Field is Fields.Header or Fields.Meta && string.IsNullOrWhiteSpace(r.Name)) problems.Add($"{where}: field '{r.Field}' needs a name");
        if (r.Field == Fields.Probe && (r.Path is null || !r.Path.StartsWith('/') || r.Path.StartsWith("//", StringComparison.Ordinal)))
        {
            problems.Add($"{where}: a probe rule needs a path starting with a single '/'");
        }
        switch (r.Match)
        {
            case "regex":
                try
                {
                    _ = CompileRegex(r.Value ?? "");
                }
                catch (Exception ex) when (ex is ArgumentException or NotSupportedException)
                {
                    problems.Add($"{where}: regex '{r.Value}' is invalid or needs backtracking: {ex.Message}");
                }
                break;
            case "mmh3":
                if (r.Field != Fields.Favicon || r.Values.Count == 0 || r.Values.Any(v => !int.TryParse(v, out _)))
                {
                    problems.Add($"{where}: mmh3 needs field 'favicon' and integer values");
                }
                break;
            case "jsonKeys":
                if (r.Field != Fields.Probe || r.Values.Count == 0) problems.Add($"{where}: jsonKeys needs field 'probe' and key names in 'values'");
                break;
            case "status":
                if (r.Field != Fields.Probe || !int.TryParse(r.Value, out _)) problems.Add($"{where}: status needs field 'probe' and a status code value");
                break;
            case "exists":
                break;
            default:
                if (string.IsNullOrEmpty(r.Value)) problems.Add($"{where}: match '{r.Match}' needs a value");
                else if (r.Match == "contains" && r.Field is Fields.Html or Fields.GradioText && !SpecificEnough(r.Value)) problems.Add($"{where}: literal '{r.Value}' is too short to be specific");
                break;
        }
    }

    /// <summary>Compiles a catalog regex as the engine will run it.</summary>
    internal static Regex CompileRegex(string pattern) =>
        new(pattern, RegexOptions.NonBacktracking | RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, RegexTimeout);

    private static string? CompileProblem(string pattern)
    {
        try
        {
            return CompileRegex(pattern).IsMatch("") ? "it matches the empty string" : null;
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException)
        {
            return ex.Message;
        }
    }

    // Short literals match everywhere and slow the scan; require 4 ASCII characters or 2 CJK ones.
    private static bool SpecificEnough(string text) => text.Any(c => c > 0x2E80) ? text.Trim().Length >= 2 : text.Trim().Length >= 4;
}
