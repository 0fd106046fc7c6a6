using System.Text;
using BenchmarkDotNet.Attributes;
using DomainScreen.Core.Domains;
using DomainScreen.Core.Fingerprints;
using DomainScreen.Core.Scoring;

namespace DomainScreen.Benchmarks;

/// <summary>Domain-name parsing: what a 10,000-line submission costs.</summary>
[MemoryDiagnoser]
public class DomainParsingBenchmarks
{
    private const int Count = 10_000;
    private DomainParser _parser = null!;
    private string[] _names = null!;

    [GlobalSetup]
    public void Setup()
    {
        _parser = new DomainParser(PublicSuffixList.Load(PublicSuffixList.ResolvePath(null)));
        _names = Corpus.PastedNames(Count);
    }

    [Benchmark(OperationsPerInvoke = Count)]
    public int ParseMixedInput()
    {
        var ok = 0;
        foreach (var name in _names) ok += _parser.TryParse(name).Success ? 1 : 0;
        return ok;
    }
}

/// <summary>The fingerprint engine over the whole catalog, by page size; bytes are UTF-8 page bytes.</summary>
[MemoryDiagnoser]
public class FingerprintEngineBenchmarks
{
    private CompiledCatalog _catalog = null!;
    private string _html = null!;
    private PageFacts _facts = null!;

    [Params(5 * 1024, 50 * 1024, 500 * 1024, 2 * 1024 * 1024)]
    public int PageBytes { get; set; }

    [Params("faceswap-studio.html", "sd-webui.html", "news-daily.html")]
    public string Page { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _catalog = CatalogLoader.Compile(CatalogProvider.BuiltInFiles());
        var source = Corpus.LabPages().Single(p => p.Name == Page).Html;
        _html = Corpus.PageOfSize(source, PageBytes);
        _facts = PageFacts.FromHtml(_html);
        Console.WriteLine($"// {Page} at {Encoding.UTF8.GetByteCount(_html)} bytes");
    }

    /// <summary>Engine only: every rule and term over prepared facts.</summary>
    [Benchmark]
    public FingerprintResult Engine() => _catalog.Run(_facts);

    /// <summary>Reading the page (meta, assets, title, Gradio config) and the engine: what a screen pays.</summary>
    [Benchmark]
    public FingerprintResult FactsAndEngine() => _catalog.Run(PageFacts.FromHtml(_html));
}

/// <summary>Scoring a fingerprinted page.</summary>
[MemoryDiagnoser]
public class ScoringBenchmarks
{
    private RiskScorer _scorer = null!;
    private ScoringPolicy _policy = null!;
    private FingerprintResult[] _pages = null!;

    [GlobalSetup]
    public void Setup()
    {
        var catalog = CatalogLoader.Compile(CatalogProvider.BuiltInFiles());
        _scorer = new RiskScorer(TimeProvider.System);
        _policy = CatalogProvider.BuiltInPolicy();
        _pages = Corpus.LabPages().Select(p => catalog.Run(PageFacts.FromHtml(p.Html))).ToArray();
    }

    [Benchmark(OperationsPerInvoke = 64)]
    public int ScoreLabPages()
    {
        var total = 0;
        for (var i = 0; i < 64; i++)
        {
            total += _scorer.Score(new ScoringInput("site.example.com", "example.com", _pages[i % _pages.Length]), _policy).Score;
        }
        return total;
    }
}
