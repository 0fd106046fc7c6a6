using System.Buffers;
using System.Collections.Frozen;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace DomainScreen.Core.Fingerprints;

/// <summary>
/// A validated catalog ready to run. Every literal of every rule over the page and every lexicon term (with its
/// Traditional and full-width variants) is found in one pass over the page: a table of the literals' first two
/// characters says where one may start, and only there are the literals with that start compared;
/// regexes run with <see cref="RegexOptions.NonBacktracking"/> and a timeout. Immutable and thread-safe.
/// </summary>
public sealed class CompiledCatalog
{
    private const int MaxHitsPerLiteral = 1;

    private sealed record Rule(int Signature, RuleSpec Spec, Regex? Regex, FrozenSet<int>? Hashes)
    {
        // Read from the spec's strings once, not per page (a string switch and "meta:…" built per rule per page were a
        // fifth of a small page's run).
        public FieldKind Field { get; } = FieldOf(Spec.Field);
        public MatchKind Match { get; } = MatchOf(Spec.Match);

        /// <summary>The field a hit reports: <c>meta:name</c>, <c>header:name</c>, <c>probe:/path</c>, or the rule's field.</summary>
        public string HitField { get; } = Spec.Field switch
        {
            Fields.Meta => $"meta:{Spec.Name}",
            Fields.Header => $"header:{Spec.Name}",
            Fields.Probe => $"probe:{Spec.Path}",
            _ => Spec.Field ?? "",
        };

        /// <summary>Header names are kept lower-cased in <see cref="PageFacts.Headers"/>.</summary>
        public string? HeaderKey { get; } = Spec.Name?.ToLowerInvariant();

        /// <summary>For a regex rule, texts one of which every match contains (catalog regexes ignore case), or null.</summary>
        public IgnoreCase.Needle[]? Required { get; } = Regex is null ? null
            : LeadingLiteral.RequiredAnyOf(Spec.Value ?? "", ignoreCase: true)?.Select(IgnoreCase.Needle.Of).ToArray();

        /// <summary>
        /// For a regex rule that is only a choice of plain ASCII texts ("(download|portable)"), the texts in the pattern's
        /// order and one vectorised search for all of them: it finds what the regex finds (in text without U+212A, see
        /// <see cref="LeadingLiteral.Alternatives"/>) at a third of its cost or less where there is a match.
        /// </summary>
        public (string[] Texts, SearchValues<string> Search)? Alternatives { get; } =
            Regex is not null && LeadingLiteral.Alternatives(Spec.Value ?? "") is { } texts
                ? (texts, SearchValues.Create(texts, StringComparison.OrdinalIgnoreCase))
                : null;

        /// <summary>A contains rule's value, ready to be searched for.</summary>
        public IgnoreCase.Needle Value { get; } = IgnoreCase.Needle.Of(Spec.Value ?? "");
    }

    /// <summary>
    /// Values up to this long are first searched for a regex's required text: on a title or a header that lacks it the
    /// search costs a few nanoseconds, starting the regex engine over ten times that. Longer values (a page, a probe's
    /// body) go straight to the regex, whose own search for its leading characters is as fast.
    /// </summary>
    private const int RequiredTextCheckMaxLength = 1024;

    private enum FieldKind { Other, Title, Url, Html, GradioText, GradioTitle, GradioVersion, Meta, Header, GradioElemId, Asset, Cookie, Favicon, Probe }

    private enum MatchKind { Other, Exists, Equals, Prefix, Contains, Regex, Mmh3, JsonKeys, Status }

    private static FieldKind FieldOf(string? field) => field switch
    {
        Fields.Title => FieldKind.Title,
        Fields.Url => FieldKind.Url,
        Fields.Html => FieldKind.Html,
        Fields.GradioText => FieldKind.GradioText,
        Fields.GradioTitle => FieldKind.GradioTitle,
        Fields.GradioVersion => FieldKind.GradioVersion,
        Fields.Meta => FieldKind.Meta,
        Fields.Header => FieldKind.Header,
        Fields.GradioElemId => FieldKind.GradioElemId,
        Fields.Asset => FieldKind.Asset,
        Fields.Cookie => FieldKind.Cookie,
        Fields.Favicon => FieldKind.Favicon,
        Fields.Probe => FieldKind.Probe,
        _ => FieldKind.Other,
    };

    private static MatchKind MatchOf(string? match) => match switch
    {
        "exists" => MatchKind.Exists,
        "equals" => MatchKind.Equals,
        "prefix" => MatchKind.Prefix,
        "contains" => MatchKind.Contains,
        "regex" => MatchKind.Regex,
        "mmh3" => MatchKind.Mmh3,
        "jsonKeys" => MatchKind.JsonKeys,
        "status" => MatchKind.Status,
        _ => MatchKind.Other,
    };
    private sealed record Term(TermSpec Spec, string Category, bool AsciiWord, Regex? Pattern)
    {
        public bool IsCue { get; } = !Categories.All.Contains(Category);

        /// <summary>Of a lexicon category, not only a cue (what lets the price patterns run).</summary>
        public bool OfCategory { get; } = !Categories.Cues.Contains(Category);

        private readonly (string[]? Leadings, (string, SearchValues<char>, int)? Anchor) _start = StartOf(Spec.Pattern, Pattern);

        /// <summary>Texts one of which every match of <see cref="Pattern"/> starts with (<c>.exe</c>; <c>.apk</c> and <c>.ap</c>K), or null.</summary>
        public string[]? Leadings => _start.Leadings;

        /// <summary>For a pattern without <see cref="Leadings"/>: characters one of which every match has at a fixed offset from its start (a currency sign), or null.</summary>
        public (string Characters, SearchValues<char> Search, int Offset)? Anchor => _start.Anchor;

        private static (string[]?, (string, SearchValues<char>, int)?) StartOf(string? source, Regex? pattern)
        {
            if (pattern is null) return (null, null);
            if (LeadingLiteral.Spellings(source!, (pattern.Options & RegexOptions.IgnoreCase) != 0) is { } leadings) return (leadings, null);
            return (null, LeadingLiteral.Anchor(source!) is var (characters, offset) ? (characters, SearchValues.Create(characters), offset) : null);
        }
    }

    private readonly List<SignatureSpec> _signatures;
    private readonly List<Rule> _rules = [];
    private readonly List<Term> _terms = [];
    private readonly List<int> _patternTerms = [];
    private readonly Dictionary<string, List<int>> _literalTargets = new(StringComparer.OrdinalIgnoreCase);
    private readonly LiteralScanner _scanner;
    private readonly int[][] _targetsOf; // by literal id
    private readonly bool[] _regexOnly;
    // The rules the literal scan does not find, by when they run: cheap tests of the page's small fields, and regexes over
    // the page or the Gradio text (only for signatures with evidence). Indices into _rules, in catalog order.
    private readonly int[] _expensiveRules;
    private readonly (FieldKind Field, int[] Rules)[] _cheapRulesByField;

    // The equals rules over the title, the Gradio title and the Gradio element ids (a third of the rules a page's own
    // fields run), by field and the value they test for, ignoring case: one lookup per value instead of a comparison per rule.
    private readonly FrozenDictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>>[] _equalsByField = new FrozenDictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>>[3];

    /// <summary>
    /// By indexed field, the lengths of its rules' values (<see cref="LengthBit"/>): a value equals one ignoring case only
    /// at its length, so most element ids of a Gradio page (dozens) are ruled out without the dictionary's hashing.
    /// </summary>
    private readonly ulong[] _equalsLengths = new ulong[3];

    private static ulong LengthBit(int length) => 1UL << Math.Min(length, 63);

    /// <summary>
    /// Every text one of which a title regex rule needs (<see cref="Rule.Required"/>), in one search: a title with none
    /// of them (most) rules out those rules in one call instead of one search per rule and text.
    /// </summary>
    private readonly SearchValues<string>? _titleRequired;
    private readonly IgnoreCase.Needle[] _titleRequiredOthers;

    /// <summary>Whether the title has none of the texts the title regex rules need.</summary>
    private bool LacksTitleRequired(string? title)
    {
        if (title is null) return true;
        if (title.AsSpan().ContainsAny(_titleRequired!)) return false;
        foreach (var needle in _titleRequiredOthers)
        {
            if (IgnoreCase.IndexOf(title, needle) >= 0) return false;
        }
        return true;
    }
    private static readonly FieldKind[] IndexedEqualsFields = [FieldKind.Title, FieldKind.GradioTitle, FieldKind.GradioElemId];
    private const int TitleEquals = 0, GradioTitleEquals = 1, ElemIdEquals = 2; // positions in IndexedEqualsFields
    private readonly Dictionary<string, SignatureSpec> _signaturesById;
    private readonly FrozenSet<int> _faviconHashes;
    private readonly BrandNameFilter _brandNames;
    // Marks: the fixed texts one of which every match of a pattern term starts with (.exe; .apk and .apK) are literals
    // of the scan too, which notes where each first occurs in the page: the pattern runs from the first of its marks,
    // and not at all on a page with none. (Page regex rules are not marked: their texts — download, src= — are common
    // enough that the scan pays more to note them than the rules cost, which run only for signatures with evidence.)
    private readonly int _markCount;
    private readonly int[] _markOfLiteral; // by literal id: index into the marks, or -1
    // By literal id: the filing anchor it is (Compliance.Anchors.Texts), or -1. The scan of the page notes every place
    // one starts, so the filings need no pass of their own over the page.
    private readonly int[] _filingAnchorOfLiteral;
    private readonly int[]?[] _marksOfPattern; // by position in _patternTerms, or null for a pattern with no marks
    private readonly int[]?[] _marksOfRule; // by rule: a page regex's leading texts, or null
    private readonly string _anchorCharacters; // of every pattern's anchor, each once
    private readonly SearchValues<char>? _anchorSearch; // for them, when there are more than five

    // Targets: rule index ≥ 0; term index encoded as -(index + 1).
    internal CompiledCatalog(string version, List<SignatureSpec> signatures, List<LexiconSpec> lexicons, List<BrandSpec>? brands = null)
    {
        Version = version;
        Brands = brands ?? [];
        _signatures = signatures;
        var firstRule = new int[signatures.Count + 1]; // by signature, then the rule count
        for (var s = 0; s < signatures.Count; s++)
        {
            firstRule[s] = _rules.Count;
            foreach (var spec in signatures[s].Rules)
            {
                var regex = spec.Match == "regex"
                    ? CatalogLoader.CompileRegex(spec.Value!)
                    : null;
                var hashes = spec.Match == "mmh3" ? spec.Values.Select(int.Parse).ToFrozenSet() : null;
                var rule = new Rule(s, spec, regex, hashes);
                _rules.Add(rule);
                if (KindOf(rule) == RuleKind.Literal) AddLiteral(spec.Value!, _rules.Count - 1);
            }
        }
        firstRule[signatures.Count] = _rules.Count;
        foreach (var lexicon in lexicons)
        {
            foreach (var term in lexicon.Terms)
            {
                if (term.Pattern is not null)
                {
                    _patternTerms.Add(_terms.Count);
                    _terms.Add(new Term(term, lexicon.Category!, false, CatalogLoader.CompileRegex(term.Pattern)));
                    continue;
                }
                _terms.Add(new Term(term, lexicon.Category!, term.Text!.All(c => c < 128 && (char.IsAsciiLetterOrDigit(c) || c is ' ' or '-' or '\'')), null));
                foreach (var variant in ChineseVariants.Of(term.Text!)) AddLiteral(variant, -_terms.Count);
            }
        }
        // A page regex rule with leading text (A1111's src="file=…script.js?") runs from where the page first has that text.
        string[]? LeadingsOf(Rule rule) => rule.Field == FieldKind.Html && KindOf(rule) == RuleKind.Expensive
            ? LeadingLiteral.Spellings(rule.Spec.Value!, (rule.Regex!.Options & RegexOptions.IgnoreCase) != 0)
            : null;
        var marks = _patternTerms.SelectMany(i => _terms[i].Leadings ?? []).Concat(_rules.SelectMany(r => LeadingsOf(r) ?? []))
            .Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        foreach (var mark in marks) _literalTargets.TryAdd(mark, []);
        foreach (var (text, _) in Compliance.Anchors.Texts) _literalTargets.TryAdd(text, []);
        _markCount = marks.Length;
        int[]? MarksOf(string[]? texts) => texts?.Select(t => Array.FindIndex(marks, m => string.Equals(m, t, StringComparison.OrdinalIgnoreCase))).Distinct().ToArray();
        _marksOfPattern = _patternTerms.Select(i => MarksOf(_terms[i].Leadings)).ToArray();
        _marksOfRule = _rules.Select(r => MarksOf(LeadingsOf(r))).ToArray();
        _anchorCharacters = new string(_patternTerms.SelectMany(i => _terms[i].Anchor?.Characters ?? "").Distinct().ToArray());
        _anchorSearch = _anchorCharacters.Length > 5 ? SearchValues.Create(_anchorCharacters) : null;
        _scanner = new LiteralScanner(_literalTargets.Keys.ToArray());
        _markOfLiteral = Enumerable.Range(0, _scanner.Count).Select(id => Array.FindIndex(marks, m => string.Equals(m, _scanner[id], StringComparison.OrdinalIgnoreCase))).ToArray();
        _targetsOf = Enumerable.Range(0, _scanner.Count).Select(id => _literalTargets[_scanner[id]].ToArray()).ToArray();
        _filingAnchorOfLiteral = Enumerable.Range(0, _scanner.Count)
            .Select(id => Array.FindIndex(Compliance.Anchors.Texts, a => string.Equals(a.Text, _scanner[id], StringComparison.OrdinalIgnoreCase))).ToArray();
        ProbePaths = _rules.Where(r => r.Spec.Field == Fields.Probe).Select(r => r.Spec.Path!).Distinct(StringComparer.Ordinal).ToArray();
        _signaturesById = signatures.ToDictionary(sig => sig.Id!, StringComparer.Ordinal);
        _faviconHashes = _rules.Where(r => r.Hashes is not null).SelectMany(r => r.Hashes!).ToFrozenSet();
        var byKind = Enumerable.Range(0, _rules.Count).ToLookup(i => KindOf(_rules[i]));
        _regexOnly = Enumerable.Range(0, signatures.Count)
            .Select(sig => Enumerable.Range(firstRule[sig], firstRule[sig + 1] - firstRule[sig]).All(i => KindOf(_rules[i]) == RuleKind.Expensive)).ToArray();
        bool Indexed(int i) => _rules[i].Match == MatchKind.Equals && IndexedEqualsFields.Contains(_rules[i].Field);
        _cheapRulesByField = byKind[RuleKind.Cheap].Where(i => !Indexed(i)).GroupBy(i => _rules[i].Field).Select(g => (g.Key, g.ToArray())).ToArray();
        for (var f = 0; f < IndexedEqualsFields.Length; f++)
        {
            var field = IndexedEqualsFields[f];
            _equalsByField[f] = byKind[RuleKind.Cheap].Where(i => Indexed(i) && _rules[i].Field == field)
                .GroupBy(i => _rules[i].Spec.Value ?? "", StringComparer.OrdinalIgnoreCase)
                .ToFrozenDictionary(g => g.Key, g => g.ToArray(), StringComparer.OrdinalIgnoreCase)
                .GetAlternateLookup<ReadOnlySpan<char>>();
            foreach (var key in _equalsByField[f].Dictionary.Keys) _equalsLengths[f] |= LengthBit(key.Length);
        }
        _expensiveRules = byKind[RuleKind.Expensive].ToArray();
        // A text that contains another ("· LobeChat", "LobeChat") is found wherever that one is: the shorter serves. The
        // rest in ASCII in one search (its fast path); any others one by one (the runtime's search for a set with a
        // character outside ASCII takes a slow path, slower than the searches it replaces).
        var titleRequired = byKind[RuleKind.Cheap].Where(i => _rules[i].Field == FieldKind.Title && _rules[i].Required is not null)
            .SelectMany(i => _rules[i].Required!).Select(n => n.Value).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        titleRequired = titleRequired.Where(t => !titleRequired.Any(o => o.Length < t.Length && t.Contains(o, StringComparison.OrdinalIgnoreCase))).ToArray();
        _titleRequired = titleRequired.Length > 0 ? SearchValues.Create(titleRequired.Where(t => System.Text.Ascii.IsValid(t)).ToArray(), StringComparison.OrdinalIgnoreCase) : null;
        _titleRequiredOthers = titleRequired.Where(t => !System.Text.Ascii.IsValid(t)).Select(IgnoreCase.Needle.Of).ToArray();
        _brandNames = new BrandNameFilter(Brands.SelectMany(b => b.Names));
    }

    public string Version { get; }

    private enum RuleKind { Literal, Cheap, Expensive }

    private static RuleKind KindOf(Rule rule) =>
        rule.Field is FieldKind.Html or FieldKind.GradioText
            ? rule.Match == MatchKind.Contains ? RuleKind.Literal : rule.Regex is not null ? RuleKind.Expensive : RuleKind.Cheap
            : RuleKind.Cheap;

    /// <summary>The brand registry (brands.json).</summary>
    public IReadOnlyList<BrandSpec> Brands { get; }

    private Domains.NameInspector? _names;

    /// <summary>Marks confusable, mixed-script and brand-borrowing names against this catalog's brand registry.</summary>
    public Domains.NameInspector Names => _names ??= new Domains.NameInspector(Brands);

    /// <summary>The functions a signature's product serves (empty when the signature names none).</summary>
    public IReadOnlyList<string> FunctionsOf(string signatureId) => _signaturesById.TryGetValue(signatureId, out var s) ? s.Functions : [];

    public int SignatureCount => _signatures.Count;

    public int TermCount => _terms.Count;

    /// <summary>A lexicon term's weight in this catalog, or null for an id that is not a term.</summary>
    public int? TermWeight(string termId) => _terms.FirstOrDefault(t => t.Spec.Id == termId)?.Spec.Weight;

    /// <summary>Distinct literals (with variants) in the single-pass scan.</summary>
    public int LiteralCount => _literalTargets.Count;

    /// <summary>The literals of the single-pass scan.</summary>
    public IEnumerable<string> Literals => _literalTargets.Keys;

    /// <summary>Number of literal hits in a text (benchmarks and profiling).</summary>
    public int CountLiteralHits(string text) => _scanner.CountAll(text);

    /// <summary>The literal scan alone, each literal counted once (profiling).</summary>
    internal int ScanOnce(string text)
    {
        var hits = 0;
        _scanner.Scan(text, MaxHitsPerLiteral, (_, _) => ++hits > 0);
        return hits;
    }

    /// <summary>The literal scan (which notes where the patterns' leading texts occur) and the price and other pattern terms over a text (tests, profiling).</summary>
    internal IReadOnlyCollection<TermHit> ScanPatternsOnly(string text)
    {
        var hits = RunHits.Rent(_rules.Count, _signatures.Count, _terms.Count, _markCount);
        ScanLiterals(text, Fields.Html, hits);
        ScanPatterns(text, hits, []);
        var found = hits.TermsHit.Where(t => _terms[t].Pattern is not null).Select(t => hits.Terms[t]!).ToList();
        hits.Return();
        return found;
    }

    /// <summary>Every probe path any signature uses.</summary>
    public IReadOnlyList<string> ProbePaths { get; }

    public IEnumerable<(string Id, string Product, IReadOnlyList<string> Categories, string? Source)> Signatures =>
        _signatures.Select(s => (s.Id!, s.Product!, (IReadOnlyList<string>)s.Categories, s.Source));

    private void AddLiteral(string literal, int target)
    {
        if (!_literalTargets.TryGetValue(literal, out var targets)) _literalTargets[literal] = targets = [];
        if (!targets.Contains(target)) targets.Add(target);
    }

    /// <summary>True when some signature tests this favicon hash (otherwise the favicon cannot change a result).</summary>
    public bool KnowsFavicon(int mmh3) => _faviconHashes.Contains(mmh3);

    /// <summary>
    /// Runs the catalog on the landing page and plans probes: the paths of signatures with some evidence from the
    /// page and headers that have not yet reached their threshold, strongest first, then those of identified products
    /// with probe rules that read a setting (access code, sign-up closed). Unrelated sites get no probes. The result is final when no probe is fetched and the favicon is unknown.
    /// </summary>
    public (FingerprintResult Result, IReadOnlyList<string> Probes) RunAndPlanProbes(PageFacts landing, int max)
    {
        var all = Run(landing with { Probes = [] }, reportAll: true);
        var probes = PlanFrom(all, max);
        return (Finalise(all), probes);
    }

    public IReadOnlyList<string> PlanProbes(PageFacts landing, int max) => PlanFrom(Run(landing with { Probes = [] }, reportAll: true), max);

    private string[] PlanFrom(FingerprintResult result, int max)
    {
        // Products short of their threshold first (a probe can confirm them); then identified ones whose probe rules
        // say more than the name (a NextChat's access code, an Open WebUI closed to sign-ups).
        return result.Products
            .Where(p => p.Evidence < Signature(p.Id).Threshold)
            .OrderByDescending(p => p.Evidence)
            .Concat(result.Products.Where(p => p.Evidence >= Signature(p.Id).Threshold && Signature(p.Id).Rules.Any(r => r.Field == Fields.Probe && r.Match == "regex")))
            .SelectMany(p => Signature(p.Id).Rules.Where(r => r.Field == Fields.Probe).Select(r => r.Path!))
            .Distinct(StringComparer.Ordinal)
            .Take(max)
            .ToArray();
    }

    /// <summary>Runs every rule and term over the page.</summary>
    public FingerprintResult Run(PageFacts page) => Run(page, reportAll: false);

    /// <summary>Every product with any evidence, below its threshold too (tests).</summary>
    internal FingerprintResult RunAll(PageFacts page) => Run(page, reportAll: true);

    /// <summary>
    /// One run's rule and term hits. A run touches a few dozen of the catalog's thousands of rules, so it keeps the list of
    /// those it hit and every step after the scan (evidence, products, clearing) walks that list, not the catalog.
    /// Each thread keeps one, emptied when its run ends.
    /// </summary>
    private sealed class RunHits(int rules, int signatures, int terms, int marks)
    {
        [ThreadStatic] private static RunHits? t_cached;

        // Each rule's first hit (the only one a product reports), and the rules hit, in the order hit.
        public readonly RuleHit?[] Rules = new RuleHit?[rules];
        public readonly List<int> Hit = [];
        public readonly bool[] HasEvidence = new bool[signatures]; // by signature
        // Each term's first hit, and the terms hit, in the order found.
        public readonly TermHit?[] Terms = new TermHit?[terms];
        public readonly List<int> TermsHit = [];
        public readonly int[] MarkAt = NoneYet(marks); // where each mark first occurs in the page, or -1
        public readonly Compliance.Anchors FilingAnchors = new(); // where the filing patterns' fixed texts occur in the page

        /// <summary>
        /// The Gradio config read from this page: its unescaped strings' text is found by the page's scan in place
        /// (<see cref="GradioConfig.PlaceStarts"/>), its escaped strings' text in a scan of their own, recorded at its place in the page.
        /// </summary>
        public GradioConfig? GradioInPage;

        private static int[] NoneYet(int n)
        {
            var at = new int[n];
            Array.Fill(at, -1);
            return at;
        }

        public static RunHits Rent(int rules, int signatures, int terms, int marks)
        {
            var hits = t_cached is { } cached && cached.Rules.Length == rules && cached.HasEvidence.Length == signatures && cached.Terms.Length == terms
                && cached.MarkAt.Length == marks
                ? cached
                : new RunHits(rules, signatures, terms, marks);
            t_cached = null; // a run inside a run on this thread gets its own
            return hits;
        }

        public bool IsHit(int rule) => Rules[rule] is not null;

        private string? _assets;

        /// <summary>The page's asset URLs, one per line, made once per run (asset rules are ruled out on it, not URL by URL).</summary>
        public string Assets(PageFacts page) => _assets ??= string.Join('\n', page.Assets);

        public void Set(int rule, int signature, RuleHit hit)
        {
            HasEvidence[signature] = true;
            if (Rules[rule] is not null) return;
            Rules[rule] = hit;
            Hit.Add(rule);
        }

        public bool HasTerm(int term) => Terms[term] is not null;

        /// <summary>Records the term's hit unless it has one already.</summary>
        public void AddTerm(int term, TermHit hit, bool ofCategory)
        {
            if (Terms[term] is not null) return;
            Terms[term] = hit;
            TermsHit.Add(term);
            HasCategoryTerm |= ofCategory;
        }

        /// <summary>True when a term of the lexicon categories (not only cues) was found.</summary>
        public bool HasCategoryTerm { get; private set; }

        public void Return()
        {
            foreach (var i in Hit) Rules[i] = null;
            foreach (var t in TermsHit) Terms[t] = null;
            Array.Clear(HasEvidence); // a flag per signature: a few hundred bytes
            Hit.Clear();
            TermsHit.Clear();
            HasCategoryTerm = false;
            Array.Fill(MarkAt, -1);
            FilingAnchors.Clear();
            GradioInPage = null;
            _assets = null;
            t_cached = this;
        }
    }

    private FingerprintResult Run(PageFacts page, bool reportAll)
    {
        var warnings = new List<string>();
        var hits = RunHits.Rent(_rules.Count, _signatures.Count, _terms.Count, _markCount);
        // The Gradio UI's strings written without escapes stand verbatim in the page: the page's scan finds their text
        // there (at its place in the file). Only the escaped ones (Python's json.dumps writes Chinese as \uXXXX) are
        // scanned apart, decoded; a config not read from this page (a /config probe's) is scanned whole.
        var gradioInPage = page.Gradio is { PlaceStarts: not null } inPage && ReferenceEquals(inPage.Source, page.Html) ? inPage : null;
        hits.GradioInPage = gradioInPage;
        ScanLiterals(page.Html, Fields.Html, hits);
        if (gradioInPage is not null)
        {
            if (gradioInPage.EscapedText.Length > 0) ScanLiterals(gradioInPage.EscapedText, Fields.GradioText, hits);
        }
        else if (page.Gradio is { } gradio) ScanLiterals(gradio.Text, Fields.GradioText, hits);
        // Terms split by zero-width characters or written as character references are found in the unmasked text.
        // Where masking starts, and where the first currency sign is for the price patterns: one pass over the page.
        var (masked, firstAnchor) = Unmasking.FirstMaskedAndAnchor(page.Html, _anchorCharacters) ?? (0, -2);
        if (masked >= 0 && Unmasking.Unmask(page.Html, masked) is { } unmasked) ScanLiterals(unmasked, Fields.UnmaskedText, hits);
        // Cheap rules first; a regex over the page runs only for signatures that already have evidence (or that
        // have nothing but regexes), so an ordinary page costs one literal scan, not a regex per signature.
        EqualsRules(page, hits);
        foreach (var (field, rules) in _cheapRulesByField)
        {
            if (!Present(field, page)) continue; // no probes on a landing page, no favicon, no Gradio app: their rules cannot hold
            var lacksRequired = field == FieldKind.Title && _titleRequired is not null && LacksTitleRequired(page.Title) && LacksTitleRequired(page.Gradio?.Title);
            foreach (var i in rules)
            {
                if (lacksRequired && _rules[i].Required is not null) continue;
                EvaluateInto(i, page, hits, warnings);
            }
        }
        foreach (var i in _expensiveRules)
        {
            var signature = _rules[i].Signature;
            if (!hits.HasEvidence[signature] && !_regexOnly[signature]) continue;
            // From the first place its leading text occurs; nowhere on a page without it (no match can start elsewhere).
            var from = _marksOfRule[i] is { } marks ? First(hits.MarkAt, marks) : 0;
            if (from >= 0) EvaluateInto(i, page, hits, warnings, from);
        }

        // Pattern terms (prices) are cues: they only matter on a page that already names a category or a tool.
        if (_patternTerms.Count > 0 && (hits.Hit.Count > 0 || hits.HasCategoryTerm)) ScanPatterns(page.Html, hits, warnings, firstAnchor);

        // Products in catalog order, each with its hits in rule order: a signature's rules are consecutive (added
        // signature by signature), so the hit rules sorted are grouped by signature.
        // Unless every product is asked for, those under their threshold are left out here and a specific product
        // (FaceFusion) replaces the generic one it refines (Gradio), as Finalise does for a result made with all of them.
        var products = new List<ProductMatch>();
        HashSet<string>? refined = null;
        hits.Hit.Sort();
        for (var k = 0; k < hits.Hit.Count;)
        {
            var s = _rules[hits.Hit[k]].Signature;
            var (first, evidence) = (k, 0);
            for (; k < hits.Hit.Count && _rules[hits.Hit[k]].Signature == s; k++) evidence += hits.Rules[hits.Hit[k]]!.Weight;
            var spec = _signatures[s];
            if (!reportAll && evidence < spec.Threshold) continue;
            var ruleHits = new List<RuleHit>(k - first);
            for (var j = first; j < k; j++)
            {
                var h = hits.Rules[hits.Hit[j]]!;
                ruleHits.Add(page.Gradio is { } config && gradioInPage is null && h.Field == Fields.GradioText && config.FileOffset(h.Matched, h.Offset) is { } at ? h with { Offset = at } : h);
            }
            products.Add(new ProductMatch(spec.Id!, spec.Product!, spec.Categories, evidence, spec.Risk, ruleHits, spec.Copy, spec.Functions));
            if (!reportAll) NoteRefines(spec, ref refined);
        }
        DropRefined(products, refined);
        var filings = Compliance.FindNoted(page.Html, hits.FilingAnchors);
        // Offsets of text read from the embedded Gradio config point into the page file, like every other html offset.
        var terms = SortedByOffset(hits, gradioInPage is null ? page.Gradio : null);
        hits.Return();
        return new FingerprintResult(products, terms, filings, Version, warnings) { Brands = FindBrandClaims(page) };
    }

    /// <summary>
    /// The indexed equals rules: a rule holds where the field's value, trimmed, equals its value ignoring case, and reports
    /// the value as the page has it — the title first, then the Gradio app's title; the first element id in the set's order.
    /// </summary>
    private void EqualsRules(PageFacts page, RunHits hits)
    {
        void Test(int field, string? value, string hitField)
        {
            if (value is null) return;
            var trimmed = value.AsSpan().Trim();
            if ((_equalsLengths[field] & LengthBit(trimmed.Length)) == 0 || !_equalsByField[field].TryGetValue(trimmed, out var rules)) return;
            foreach (var i in rules)
            {
                if (hits.IsHit(i)) continue;
                var spec = _rules[i].Spec;
                hits.Set(i, _rules[i].Signature, new RuleHit(spec.Id!, hitField, spec.Weight, value.Length <= 200 ? value : value[..200], 0));
            }
        }
        if (_equalsByField[TitleEquals].Dictionary.Count > 0)
        {
            Test(TitleEquals, page.Title, Fields.Title);
            Test(TitleEquals, page.Gradio?.Title, Fields.Title);
        }
        if (page.Gradio is not { } gradio) return;
        Test(GradioTitleEquals, gradio.Title, Fields.GradioTitle);
        if (_equalsByField[ElemIdEquals].Dictionary.Count == 0) return;
        foreach (var id in gradio.ElemIds) Test(ElemIdEquals, id, Fields.GradioElemId);
    }

    /// <summary>False when the page has nothing a rule over this field could test.</summary>
    private static bool Present(FieldKind field, PageFacts page) => field switch
    {
        FieldKind.Title => page.Title is not null || page.Gradio?.Title is not null,
        FieldKind.Url => page.Url is not null,
        FieldKind.GradioText or FieldKind.GradioTitle or FieldKind.GradioVersion or FieldKind.GradioElemId => page.Gradio is not null,
        FieldKind.Meta => page.Meta.Count > 0,
        FieldKind.Header => page.Headers.Count > 0,
        FieldKind.Asset => page.Assets.Count > 0,
        FieldKind.Cookie => page.Cookies.Count > 0,
        FieldKind.Favicon => page.FaviconMmh3 is not null,
        FieldKind.Probe => page.Probes.Count > 0,
        _ => true,
    };

    private void EvaluateInto(int i, PageFacts page, RunHits hits, List<string> warnings, int from = 0)
    {
        var rule = _rules[i];
        // An asset regex whose required texts no asset URL has: one search over them all, not one per URL per rule (a
        // page links a dozen or more). A text found only across two URLs costs the search URL by URL, nothing else.
        if (rule.Field == FieldKind.Asset && rule.Required is { } required && !ContainsAny(hits.Assets(page), required)) return;
        try
        {
            if (Evaluate(rule, page, from) is { } hit) hits.Set(i, rule.Signature, hit);
        }
        catch (RegexMatchTimeoutException)
        {
            warnings.Add($"rule '{rule.Spec.Id}' timed out after {CatalogLoader.RegexTimeout.TotalMilliseconds:0} ms and was skipped");
        }
    }

    /// <summary>
    /// Terms in page order, ties in the order found (a stable insertion sort for the usual few dozen); those read from
    /// the embedded Gradio config get their offset in the page file.
    /// </summary>
    private static TermHit[] SortedByOffset(RunHits hits, GradioConfig? gradio)
    {
        var found = hits.TermsHit;
        if (found.Count == 0) return [];
        var many = found.Count > 64; // a page naming hundreds of terms: no quadratic sort (a stable one at the end)
        var sorted = new TermHit[found.Count];
        var n = 0;
        foreach (var t in found)
        {
            var term = hits.Terms[t]!;
            var hit = gradio is not null && term.Field == Fields.GradioText && gradio.FileOffset(term.Matched, term.Offset) is { } at ? term with { Offset = at } : term;
            if (many)
            {
                sorted[n++] = hit;
                continue;
            }
            var i = n++;
            for (; i > 0 && sorted[i - 1].Offset > hit.Offset; i--) sorted[i] = sorted[i - 1];
            sorted[i] = hit;
        }
        return many ? sorted.OrderBy(t => t.Offset).ToArray() : sorted;
    }

    // Keeps products that reached their threshold; a specific product (FaceFusion) replaces the generic one it refines
    // (Gradio). For a result made with every product (the probe planner's); Run does the same as it builds its products.
    private FingerprintResult Finalise(FingerprintResult all)
    {
        if (all.Products.Count == 0) return all;
        var products = new List<ProductMatch>(all.Products.Count);
        HashSet<string>? refined = null;
        foreach (var p in all.Products)
        {
            var signature = Signature(p.Id);
            if (p.Evidence < signature.Threshold) continue;
            products.Add(p);
            NoteRefines(signature, ref refined);
        }
        DropRefined(products, refined);
        return all with { Products = products };
    }

    /// <summary>Notes the products a kept product refines (most refine none: no set is made for them).</summary>
    private static void NoteRefines(SignatureSpec kept, ref HashSet<string>? refined)
    {
        foreach (var r in kept.Refines) (refined ??= new HashSet<string>(StringComparer.Ordinal)).Add(r);
    }

    /// <summary>A specific product (FaceFusion) replaces the generic one it refines (Gradio).</summary>
    private static void DropRefined(List<ProductMatch> products, HashSet<string>? refined)
    {
        if (refined is not null) products.RemoveAll(p => refined.Contains(p.Id));
    }

    private SignatureSpec Signature(string id) => _signaturesById[id];

    private void ScanLiterals(string text, string field, RunHits hits)
    {
        var recorder = new HitRecorder(this, text, field, hits, field == Fields.Html ? hits.MarkAt : null); // the pattern terms run over the page
        _scanner.Scan(text, MaxHitsPerLiteral, ref recorder);
    }

    /// <summary>What the scan calls for each literal found: a struct, so the scan calls it directly and allocates nothing.</summary>
    private readonly struct HitRecorder(CompiledCatalog catalog, string text, string field, RunHits hits, int[]? markAt) : ILiteralFound
    {
        public bool Found(int literal, int at) => catalog.Record(literal, at, text, field, hits, markAt);
    }

    /// <summary>Records a literal found at <paramref name="at"/>; false when every term it stands for was negated there.</summary>
    private bool Record(int literal, int at, string text, string field, RunHits hits, int[]? markAt)
    {
        // Found in text order, so the first time is the first occurrence.
        if (markAt is not null && _markOfLiteral[literal] is >= 0 and var mark && markAt[mark] < 0) markAt[mark] = at;
        // A filing anchor in the page (markAt: the page's own scan) is noted wherever it occurs in its exact case, so
        // its find never counts: the literal stays live for the next.
        var filingAnchor = markAt is null ? -1 : _filingAnchorOfLiteral[literal];
        if (filingAnchor >= 0 && text.AsSpan(at).StartsWith(Compliance.Anchors.Texts[filingAnchor].Text, StringComparison.Ordinal))
        {
            hits.FilingAnchors.Note(Compliance.Anchors.Texts[filingAnchor].Kind, at);
        }
        var length = _scanner[literal].Length;
        // Where the find stands in the page file (a find in the Gradio config's escaped strings: where the page wrote it).
        var offset = -1;
        int Offset() => offset >= 0 ? offset : offset = markAt is null && hits.GradioInPage is { } escaped && field == Fields.GradioText ? escaped.EscapedFileOffset(at) : at;
        // The page's own spelling; most pages spell a term as the catalog does, and then the catalog's string serves.
        string Spelled() => text.AsSpan(at, length).SequenceEqual(_scanner[literal]) ? _scanner[literal] : text.Substring(at, length);
        string? matched = null; // the page's own spelling, cut once per match and only when used
        var negated = false;
        // The page's scan stands for the Gradio text's scan over the UI strings the page writes verbatim: a find outside
        // them leaves the literal live for one inside them while a Gradio text rule of it has not held.
        var gradioPending = false;
        var notAWord = false;
        foreach (var target in _targetsOf[literal])
        {
            if (target >= 0)
            {
                // A rule over the Gradio UI text holds only there, not wherever the page repeats the words.
                var rule = _rules[target];
                if (hits.IsHit(target)) continue;
                var hitField = field;
                if (rule.Field == FieldKind.GradioText && markAt is not null && hits.GradioInPage is { } places)
                {
                    if (!places.InPlace(at, length))
                    {
                        gradioPending = true;
                        continue;
                    }
                    hitField = Fields.GradioText;
                }
                else if (rule.Spec.Field != field) continue;
                hits.Set(target, rule.Signature, new RuleHit(rule.Spec.Id!, hitField, rule.Spec.Weight, matched ??= Spelled(), Offset()));
                continue;
            }
            var index = -target - 1;
            var term = _terms[index];
            if (hits.HasTerm(index)) continue;
            // "face swap" inside "face swapper" is not the word: nor does that find use the literal up, the word may follow.
            if (term.AsciiWord && !IsWordBoundary(text, at, length))
            {
                notAWord = true;
                continue;
            }
            // "拒绝刷量", "no face swap of others": a refused offer is not an offer; a later mention may still be one.
            if (!term.IsCue && Negated(text, at))
            {
                negated = true;
                continue;
            }
            hits.AddTerm(index, new TermHit(term.Spec.Id!, term.Category, term.Spec.Kind, term.Spec.Weight, field, matched ??= Spelled(), Offset()), term.OfCategory);
        }
        return !negated && !notAWord && filingAnchor < 0 && !gradioPending;
    }

    /// <param name="firstAnchor">Where the first of every anchor's characters is (-1: nowhere), or -2 when not yet looked for.</param>
    private void ScanPatterns(string text, RunHits hits, List<string> warnings, int firstAnchor = -2)
    {
        // The first of every anchor's characters, in one pass (if not made already): most pages have none (no currency
        // sign), and then no anchored pattern runs.
        for (var p = 0; p < _patternTerms.Count; p++)
        {
            var i = _patternTerms[p];
            var term = _terms[i];
            var regex = term.Pattern!;
            try
            {
                // A pattern with fixed leading text runs from the first place that text occurs in any of its spellings
                // (the literal scan noted each), and not at all on a page without it; one whose matches have one of a
                // few characters at a fixed offset (a currency sign) from that far before the first of them.
                var from = 0;
                if (_marksOfPattern[p] is { } marks)
                {
                    if ((from = First(hits.MarkAt, marks)) < 0) continue;
                }
                else if (term.Anchor is var (_, characters, offset))
                {
                    // Up to five (the built-in catalog's ¥ ￥ $ € £) compared by vector: a SearchValues of five that mixes
                    // ASCII and other characters takes the runtime's slower probabilistic map (0.6 µs on a 5 KB page
                    // against 0.15).
                    if (firstAnchor == -2) firstAnchor = _anchorSearch is null ? text.AsSpan().IndexOfAny(_anchorCharacters) : text.AsSpan().IndexOfAny(_anchorSearch);
                    var at = firstAnchor < 0 ? -1 : text.AsSpan(firstAnchor).IndexOfAny(characters);
                    if (at < 0) continue;
                    from = Math.Max(0, firstAnchor + at - offset);
                }
                var m = regex.Match(text, from);
                if (m.Success) hits.AddTerm(i, new TermHit(term.Spec.Id!, term.Category, term.Spec.Kind, term.Spec.Weight, Fields.Html, m.Value.Length <= 200 ? m.Value : m.Value[..200], m.Index), term.OfCategory);
            }
            catch (RegexMatchTimeoutException)
            {
                warnings.Add($"term '{term.Spec.Id}' timed out after {CatalogLoader.RegexTimeout.TotalMilliseconds:0} ms and was skipped");
            }
        }
    }

    private static int First(int[] at, int[] which)
    {
        var first = -1;
        foreach (var w in which)
        {
            if (at[w] >= 0 && (first < 0 || at[w] < first)) first = at[w];
        }
        return first;
    }

    private static readonly string[] ClaimWords = ["官方", "官网", "正版", "下载", "登录", "登陆", "客户端", "中文版", "入口", "official", "download", "login",
        "log in", "sign in", "app"];

    /// <summary>Where a page names itself: its title and the site-name metadata. Body text only talks about brands.</summary>
    private IReadOnlyList<BrandClaim> FindBrandClaims(PageFacts page)
    {
        if (Brands.Count == 0) return NoClaims;
        var meta = page.Meta.Count > 0;
        string? siteName = meta ? page.Meta.GetValueOrDefault("og:site_name") : null, applicationName = meta ? page.Meta.GetValueOrDefault("application-name") : null,
            ogTitle = meta ? page.Meta.GetValueOrDefault("og:title") : null;
        // Most pages name no brand where they name themselves: one search for every name at once settles that, place by
        // place; a place that names none is not searched brand by brand.
        string? title = Naming(page.Title), site = Naming(siteName), application = Naming(applicationName), og = Naming(ogTitle);
        if (title is null && site is null && application is null && og is null) return NoClaims;
        string?[] texts = [title, site, application, og];
        var claims = new List<BrandClaim>();
        foreach (var brand in Brands)
        {
            for (var p = 0; p < texts.Length; p++)
            {
                if (texts[p] is not { } text) continue;
                string? name = null;
                var at = -1;
                foreach (var n in brand.Names)
                {
                    at = FindName(text, n);
                    if (at >= 0 && Claims(text, at, n.Length))
                    {
                        name = n;
                        break;
                    }
                }
                if (name is null) continue;
                claims.Add(new BrandClaim(brand.Id!, name, brand.Official, ClaimPlaces[p], text.Length <= 200 ? text : text[..200], at));
                break;
            }
        }
        return claims;
    }

    // Where FindBrandClaims looks, in its order: the title, then the site-name metadata.
    private static readonly string[] ClaimPlaces = [Fields.Title, "meta:og:site_name", "meta:application-name", "meta:og:title"];

    private static readonly IReadOnlyList<BrandClaim> NoClaims = [];

    // The value, trimmed, when some brand's name is in it; else null.
    private string? Naming(string? value) => value?.Trim() is { } text && _brandNames.MayName(text) ? text : null;

    /// <summary>
    /// The name is the page's own: the field is the name, leads with it followed by a separator ("DeepSeek - 探索未至之境",
    /// "ChatGPT | Log in"), or has a claim word right next to it ("DeepSeek官方下载", "官方Kimi", "ChatGPT中文版"). A title that
    /// merely mentions the brand ("接入DeepSeek的客服系统 | 某科技官网", "DeepSeek R1 review") claims nothing.
    /// </summary>
    private static bool Claims(string text, int at, int length)
    {
        const int Near = 4;
        var after = text.AsSpan(at + length).TrimStart();
        if (at == 0 && (after.IsEmpty || "-|｜—–:：·_".Contains(after[0]))) return true;
        var tail = after.TrimStart("-|｜—–:：·_ ");
        var head = text.AsSpan(0, at).TrimEnd();
        foreach (var (word, comparison, chinese) in ClaimWordComparisons)
        {
            if (tail.StartsWith(word, comparison) && (chinese || IsWordBoundary(tail, 0, word.Length))) return true;
            if (head.EndsWith(word, comparison) && head.Length - word.Length <= at && at - head.Length <= Near) return true;
        }
        return false;
    }

    // Chinese claim words have no case: compared exactly, they stay on the runtime's vectorised path (ignoring case,
    // text outside ASCII is compared character by character — most of a brand-naming title's run).
    private static readonly (string Word, StringComparison Comparison, bool Chinese)[] ClaimWordComparisons =
        ClaimWords.Select(w => (w, w.All(IgnoreCase.IsCaseless) ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase, w.Any(c => c > 127))).ToArray();

    // Case-insensitive; an ASCII name only as a whole word ("Kimi" not in "Kimiko"), a CJK one anywhere.
    private static int FindName(string text, string name)
    {
        var ascii = System.Text.Ascii.IsValid(name);
        var needle = IgnoreCase.Needle.Of(name);
        for (var at = IgnoreCase.IndexOf(text, needle, 0); at >= 0; at = IgnoreCase.IndexOf(text, needle, at + 1))
        {
            if (!ascii || IsWordBoundary(text, at, name.Length)) return at;
        }
        return -1;
    }

    private static readonly string[] Negators = ["拒绝", "杜绝", "严禁", "禁止", "不提供", "不做", "绝不", "从不", "不支持", "反对", "抵制", "远离", "谨防",
        "no ", "not ", "never ", "don't ", "do not ", "won't ", "we refuse ", "against ", "beware of ", "free of ", "zero "];


    // The negators by their first character, in both cases (indices into Negators).
    private static readonly FrozenDictionary<char, int[]> NegatorsByFirst = Enumerable.Range(0, Negators.Length)
        .SelectMany(k => new[] { (First: char.ToLowerInvariant(Negators[k][0]), k), (First: char.ToUpperInvariant(Negators[k][0]), k) })
        .Distinct()
        .GroupBy(e => e.First, e => e.k)
        .ToFrozenDictionary(g => g.Key, g => g.ToArray());

    // Every character a negator starts with, in both cases, as one bit per UTF-16 unit (8 KB): most terms have none of
    // them in the few characters before, and a bit test is a fraction of a SearchValues<char> lookup for a mixed set.
    private static readonly ulong[] NegatorStarts = BitsOf(NegatorsByFirst.Keys);

    private static ulong[] BitsOf(IEnumerable<char> chars)
    {
        var bits = new ulong[65536 / 64];
        foreach (var c in chars) bits[c >> 6] |= 1UL << c;
        return bits;
    }

    /// <summary>
    /// A negation just before the term (within a few characters): 拒绝刷量, "we never sell accounts". The window is read
    /// backwards once, comparing only the negators that start with each character, and each negator is judged by its
    /// last occurrence, as a case-insensitive LastIndexOf per negator would (≈ 120 ns a call, against ≈ 35 now).
    /// </summary>
    internal static bool Negated(ReadOnlySpan<char> text, int at)
    {
        var from = Math.Max(0, at - 12);
        var before = text[from..at];
        var seen = 0UL; // negators met already, nearer the term (one bit each: at most 64 negators)
        for (var j = before.Length - 1; j >= 0; j--)
        {
            if ((NegatorStarts[before[j] >> 6] & (1UL << before[j])) == 0) continue;
            foreach (var k in NegatorsByFirst[before[j]])
            {
                var n = Negators[k];
                if ((seen & (1UL << k)) != 0 || !before[j..].StartsWith(n, StringComparison.OrdinalIgnoreCase)) continue;
                seen |= 1UL << k;
                var gap = before.Length - (j + n.Length);
                // CJK negators sit right before the term (or one character away); English ones within a short word or two.
                var start = from + j;
                if (n[0] > 127 ? gap <= 1 : gap <= 6 && (start == 0 || !char.IsAsciiLetter(text[start - 1]))) return true;
            }
        }
        return false;
    }

    private static bool IsWordBoundary(ReadOnlySpan<char> text, int at, int length)
    {
        static bool Word(char c) => char.IsAsciiLetterOrDigit(c) || c == '_' || (c >= 0xFF10 && c <= 0xFF5A);
        return (at == 0 || !Word(text[at - 1])) && (at + length >= text.Length || !Word(text[at + length]));
    }

    /// <param name="from">Where in the page a page regex may start matching (before its leading text's first occurrence none can).</param>
    private static RuleHit? Evaluate(Rule rule, PageFacts page, int from = 0)
    {
        var spec = rule.Spec;
        RuleHit Hit(string field, string matched, int offset) => new(spec.Id!, field, spec.Weight, matched.Length <= 200 ? matched : matched[..200], offset);
        RuleHit? Test(string field, string? value, int start = 0) => value is not null && Matches(rule, value, out var m, out var o, start) ? Hit(field, m, o) : null;

        switch (rule.Field)
        {
            case FieldKind.Title: return Test(Fields.Title, page.Title) ?? Test(Fields.Title, page.Gradio?.Title);
            case FieldKind.Url: return Test(Fields.Url, page.Url);
            case FieldKind.Html: return Test(Fields.Html, page.Html, from);
            case FieldKind.GradioText: return Test(Fields.GradioText, page.Gradio?.Text);
            case FieldKind.GradioTitle: return Test(Fields.GradioTitle, page.Gradio?.Title);
            case FieldKind.GradioVersion: return Test(Fields.GradioVersion, page.Gradio?.Version);
            case FieldKind.Meta: return page.Meta.Count == 0 ? null : Test(rule.HitField, page.Meta.GetValueOrDefault(spec.Name!));
            case FieldKind.Header:
                return page.Headers.Count > 0 && page.Headers.TryGetValue(rule.HeaderKey!, out var header) ? Test(rule.HitField, header) : null;
            case FieldKind.GradioElemId:
                if (page.Gradio is null) return null;
                foreach (var id in page.Gradio.ElemIds)
                {
                    if (Matches(rule, id, out _, out _)) return Hit(Fields.GradioElemId, id, 0);
                }
                return null;
            case FieldKind.Asset:
                for (var i = 0; i < page.Assets.Count; i++)
                {
                    if (Matches(rule, page.Assets[i], out var m, out _)) return Hit(Fields.Asset, m, i);
                }
                return null;
            case FieldKind.Cookie:
                foreach (var cookie in page.Cookies)
                {
                    if (Matches(rule, cookie, out _, out _)) return Hit(Fields.Cookie, cookie, 0);
                }
                return null;
            case FieldKind.Favicon:
                return page.FaviconMmh3 is { } mmh3 && rule.Hashes!.Contains(mmh3) ? Hit(Fields.Favicon, mmh3.ToString(System.Globalization.CultureInfo.InvariantCulture), 0) : null;
            case FieldKind.Probe:
                ProbeFact? probe = null;
                foreach (var p in page.Probes)
                {
                    if (p.Path == spec.Path)
                    {
                        probe = p;
                        break;
                    }
                }
                if (probe is null) return null;
                if (rule.Match == MatchKind.Status) return probe.Status?.ToString(System.Globalization.CultureInfo.InvariantCulture) == spec.Value ? Hit(rule.HitField, spec.Value!, 0) : null;
                if (probe.Status is not (>= 200 and < 300) && rule.Match != MatchKind.Contains) return null;
                if (rule.Match == MatchKind.JsonKeys) return HasJsonKeys(probe.Body, spec.Values) ? Hit(rule.HitField, string.Join(",", spec.Values), 0) : null;
                return Test(rule.HitField, probe.Body);
            default:
                return null;
        }
    }

    private static bool Matches(Rule rule, string value, out string matched, out int offset, int from = 0)
    {
        var spec = rule.Spec;
        matched = value;
        offset = 0;
        switch (rule.Match)
        {
            case MatchKind.Exists: return true;
            // Span trims: the value may be a whole page, and Trim() would copy it.
            case MatchKind.Equals: return value.AsSpan().Trim().Equals(spec.Value, StringComparison.OrdinalIgnoreCase);
            case MatchKind.Prefix: return value.AsSpan().TrimStart().StartsWith(spec.Value, StringComparison.OrdinalIgnoreCase);
            case MatchKind.Contains:
                offset = IgnoreCase.IndexOf(value, rule.Value);
                if (offset < 0) return false;
                matched = value.Substring(offset, spec.Value!.Length);
                return true;
            case MatchKind.Regex when rule.Alternatives is var (texts, any) && !value.Contains(LeadingLiteral.KelvinSign):
                offset = value.AsSpan().IndexOfAny(any);
                if (offset < 0) return false;
                // The regex's own choice there: the first alternative, in the pattern's order, that matches at that place.
                foreach (var text in texts)
                {
                    if (!value.AsSpan(offset).StartsWith(text, StringComparison.OrdinalIgnoreCase)) continue;
                    matched = value.Substring(offset, text.Length);
                    return true;
                }
                return false;
            case MatchKind.Regex:
                if (rule.Required is { } required && value.Length <= RequiredTextCheckMaxLength && !ContainsAny(value, required)) return false;
                // The first match without a Match object (most tests fail; a failed Match still cost one).
                foreach (var m in rule.Regex!.EnumerateMatches(value, from))
                {
                    (matched, offset) = (value.Substring(m.Index, m.Length), m.Index);
                    return true;
                }
                return false;
            default: return false;
        }
    }

    private static bool ContainsAny(string value, IgnoreCase.Needle[] texts)
    {
        foreach (var text in texts)
        {
            if (IgnoreCase.IndexOf(value, text) >= 0) return true;
        }
        return false;
    }

    // Every key must be present; "data.system_name" looks inside "data".
    private static bool HasJsonKeys(string? body, IEnumerable<string> keys)
    {
        if (string.IsNullOrWhiteSpace(body)) return false;
        try
        {
            using var doc = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 64 });
            return keys.All(key =>
            {
                var element = doc.RootElement;
                foreach (var part in key.Split('.'))
                {
                    if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(part, out element)) return false;
                }
                return true;
            });
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
