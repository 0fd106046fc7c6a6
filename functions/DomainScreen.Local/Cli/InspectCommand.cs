using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using DomainScreen.Core;
using DomainScreen.Core.Domains;
using DomainScreen.Core.Fetching;
using DomainScreen.Core.Fingerprints;
using DomainScreen.Core.Scoring;
using Microsoft.Extensions.DependencyInjection;

namespace DomainScreen.Local.Cli;

/// <summary>
/// <c>domainscreen inspect &lt;file.html&gt; [--headers file] [--url original-url] [--json]</c>: fingerprint and score
/// a page saved from a browser, offline. Only page evidence is used (no DNS, TLS or registration).
/// </summary>
internal static partial class InspectCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "The saved page (any charset; GBK and Big5 are detected)." };
        var headers = new Option<FileInfo?>("--headers") { Description = "Response headers saved as 'Name: value' lines (status line allowed)." };
        var url = new Option<string?>("--url") { Description = "The page's original URL (for the domain, the allowlist and relative links)." };
        var json = new Option<bool>("--json") { Description = "Print the verdict as JSON." };
        var catalog = new Option<DirectoryInfo?>("--catalog") { Description = "Use this folder's fingerprints/*.json and policy.json instead of the built-in ones." };
        var command = new Command("inspect", "Fingerprint and score a saved page offline.") { file, headers, url, json, catalog };
        command.SetAction(async (parse, ct) => await RunAsync(parse.GetValue(file)!, parse.GetValue(headers), parse.GetValue(url), parse.GetValue(json),
            parse.GetValue(catalog), Console.Out, ct).ConfigureAwait(false));
        return command;
    }

    public static async Task<int> RunAsync(FileInfo file, FileInfo? headersFile, string? url, bool json, DirectoryInfo? catalogDir,
        TextWriter output, CancellationToken cancellationToken)
    {
        if (!file.Exists)
        {
            await Console.Error.WriteLineAsync($"{file.FullName}: no such file").ConfigureAwait(false);
            return 2;
        }
        var settings = new Dictionary<string, string?>();
        if (catalogDir is not null) settings["Catalog:Directory"] = catalogDir.FullName;
        await using var services = CliServices.Build(settings);
        var provider = services.GetRequiredService<CatalogProvider>();
        var bytes = await File.ReadAllBytesAsync(file.FullName, cancellationToken).ConfigureAwait(false);
        var headers = headersFile is null ? new Dictionary<string, string>() : ReadHeaders(await File.ReadAllLinesAsync(headersFile.FullName, cancellationToken).ConfigureAwait(false));
        var (html, _) = TextDecoding.Decode(bytes.AsSpan(0, Math.Min(bytes.Length, 16 * 1024 * 1024)), TextDecoding.CharsetOf(headers.GetValueOrDefault("content-type")));

        if (url is null && SavedFromUrl(html) is { } saved)
        {
            url = saved;
            await Console.Error.WriteLineAsync($"url {url}: taken from the browser's saved-page marker").ConfigureAwait(false);
        }
        string? domain = null, registrable = null;
        DomainScreen.Core.Domains.DomainName? parsedName = null;
        if (url is not null)
        {
            var parsed = services.GetRequiredService<DomainParser>().TryParse(url);
            if (parsed.Name is { } name) (domain, registrable, parsedName) = (name.Ascii, name.RegistrableDomain, name);
            else await Console.Error.WriteLineAsync($"--url: {parsed.Error!.Message}; scoring without a domain").ConfigureAwait(false);
        }
        var facts = PageFacts.FromHtml(html, url, headers);
        var (catalog, policy) = provider.Current;
        var page = catalog.Run(facts);
        var verdict = services.GetRequiredService<RiskScorer>().Score(new ScoringInput(domain ?? "", registrable ?? "", page,
            Name: parsedName is null ? null : catalog.Names.Inspect(parsedName)), policy);
        var report = VerdictReport.From(verdict, domain, url, facts.Title);
        if (json) await output.WriteLineAsync(JsonSerializer.Serialize(report, CoreJson.Default.VerdictReport)).ConfigureAwait(false);
        else VerdictText.Print(output, report);
        return 0;
    }

    /// <summary>
    /// The original URL a browser wrote into a saved page: Chrome and Edge's <c>&lt;!-- saved from url=(0039)https://… --&gt;</c>
    /// and SingleFile's <c>url:</c> line, in the first 4 KB. Never the page's own canonical or og:url: a site could
    /// name an allowlisted domain there.
    /// </summary>
    public static string? SavedFromUrl(string html)
    {
        var head = html.Length > 4096 ? html[..4096] : html;
        var m = SavedFrom().Match(head);
        if (!m.Success) m = SingleFile().Match(head);
        return m.Success && Uri.TryCreate(m.Groups["url"].Value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? uri.AbsoluteUri : null;
    }

    [GeneratedRegex(@"<!--\s*saved from url=\(\d{1,5}\)(?<url>[^\s>]+?)\s*-->", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, 100)]
    private static partial Regex SavedFrom();

    [GeneratedRegex(@"Page saved with SingleFile\s+url:\s*(?<url>\S+)", RegexOptions.CultureInvariant, 100)]
    private static partial Regex SingleFile();

    /// <summary>Reads saved headers: "Name: value" per line; the status line and blank lines are skipped.</summary>
    public static Dictionary<string, string> ReadHeaders(IEnumerable<string> lines)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines)
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || line.StartsWith("HTTP/", StringComparison.OrdinalIgnoreCase)) continue;
            var name = line[..colon].Trim().ToLowerInvariant();
            var value = line[(colon + 1)..].Trim();
            headers[name] = headers.TryGetValue(name, out var existing) ? existing + ", " + value : value;
        }
        return headers;
    }
}

/// <summary>The human-readable verdict both commands print.</summary>
internal static class VerdictText
{
    public static void Print(TextWriter o, VerdictReport r)
    {
        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"verdict: {r.Band.ToUpperInvariant()}  score {r.Score}/100  {r.Domain ?? r.Url ?? ""}"));
        if (r.Title is not null) o.WriteLine($"  title: {r.Title}");
        if (r.Categories.Count > 0) o.WriteLine($"  categories: {string.Join(", ", r.Categories)}");
        if (r.Functions is { Count: > 0 } functions) o.WriteLine($"  functions: {string.Join(", ", functions)}");
        if (r.Name is { } name)
        {
            var marks = new List<string>();
            if (name.MixedScript is { } scripts) marks.Add($"mixed scripts {string.Join("+", scripts)}");
            if (name.LooksLike is { } like) marks.Add($"displayed like {like}");
            if (name.ConfusableWith is { } official) marks.Add($"confusable with {official}");
            else if (name.Brand is { } brand) marks.Add($"borrows {brand}");
            o.WriteLine($"  name: {string.Join("; ", marks)}");
        }
        if (r.Products.Count > 0) o.WriteLine($"  products: {string.Join(", ", r.Products.Select(p => $"{p.Name} [{p.Id}]"))}");
        if (r.FilingDetails.Count > 0) o.WriteLine($"  filings: {string.Join(", ", r.FilingDetails.Select(f => $"{f.Number} ({f.Type})"))}");
        o.WriteLine("  evidence:");
        foreach (var c in r.Evidence.Where(c => c.Weight != 0 || c.Signal == "fingerprint"))
        {
            var where = c.Field is null ? "" : $"  [{c.Field}{(c.Offset is { } off ? "@" + off.ToString(CultureInfo.InvariantCulture) : "")}: \"{Clip(c.Matched)}\"]";
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    {(c.Weight > 0 ? "+" : "")}{c.Weight,3}  {c.Id}: {c.Detail}{where}"));
        }
        foreach (var note in r.Notes) o.WriteLine($"  note: {note}");
        o.WriteLine($"  catalog {r.CatalogVersion}, policy {r.PolicyVersion}");
    }

    private static string Clip(string? s) => s is null ? "" : (s.Length <= 60 ? s : s[..57] + "...").ReplaceLineEndings(" ");
}
