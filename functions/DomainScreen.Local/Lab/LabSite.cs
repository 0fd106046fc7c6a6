using System.Text.Json;
using System.Text.Json.Serialization;

namespace DomainScreen.Local.Lab;

/// <summary>One lab domain: how its DNS answers, what its web server does, and what screening should conclude.</summary>
public sealed record LabSite
{
    public required string Domain { get; init; }

    /// <summary><c>a</c> (default), <c>nxdomain</c>, <c>servfail</c>, <c>refused</c>, <c>timeout</c>, <c>wildcard</c> (every name under it answers), <c>cname</c>.</summary>
    public string Dns { get; init; } = "a";

    /// <summary>IPv4 answers; default the lab web server's loopback address.</summary>
    public IReadOnlyList<string>? A { get; init; }

    public IReadOnlyList<string>? Aaaa { get; init; }

    /// <summary>Target when <see cref="Dns"/> is <c>cname</c>.</summary>
    public string? Cname { get; init; }

    /// <summary>TTL of address records; default 300.</summary>
    public int Ttl { get; init; } = 300;

    public IReadOnlyList<string>? Mx { get; init; }
    public IReadOnlyList<string>? Txt { get; init; }

    /// <summary>Name servers; default ns1/ns2.lab-dns.test.</summary>
    public IReadOnlyList<string>? Ns { get; init; }

    /// <summary>Page file under Lab/Sites/pages served at <c>/</c>.</summary>
    public string? Page { get; init; }

    /// <summary>Extra response headers for the page.</summary>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }

    /// <summary>Other paths: path to page file, or to inline JSON (starting with { or [).</summary>
    public IReadOnlyDictionary<string, string>? Paths { get; init; }

    /// <summary>Serve this site over HTTPS (self-signed certificate) as well as HTTP.</summary>
    public bool Https { get; init; }

    /// <summary>Named HTTP behaviour for hostile hosts (redirects, bombs, resets…); see LabHttpServer.</summary>
    public string? Behaviour { get; init; }

    /// <summary>Included in the demo's candidate list. Default true.</summary>
    public bool Candidate { get; init; } = true;

    public LabExpectation? Expect { get; init; }

    /// <summary>Registration data served by the lab's RDAP/WHOIS servers.</summary>
    public LabRegistration? Registration { get; init; }

    public string? Note { get; init; }
}

/// <summary>What the screen of a lab site must find.</summary>
public sealed record LabExpectation
{
    /// <summary>DNS status: Answer, NxDomain, ServFail, Refused, Timeout.</summary>
    public string? Dns { get; init; }
    public string? Band { get; init; }
    public string? Product { get; init; }
    public string? Category { get; init; }

    /// <summary>A site function the result must name (see SiteFunctions).</summary>
    public string? Function { get; init; }

    /// <summary>Fetch outcome, e.g. ok, blocked-address, too-large, timeout, connection-failed.</summary>
    public string? Fetch { get; init; }

    /// <summary><c>ai-tool</c>, <c>abuse</c>, <c>licensed</c>, <c>benign</c>, <c>parked</c>: licensed, benign and parked sites must never be review or block.</summary>
    public string? Group { get; init; }

    /// <summary>Checks a screening result against this expectation; returns what differs (empty when it all holds).</summary>
    public IReadOnlyList<string> Mismatches(DomainScreen.Core.Screening.ScreeningResult? result)
    {
        var problems = new List<string>();
        if (result is null) return ["no result"];
        var dns = result.Dns?.Status.ToString();
        if (Dns is not null && !string.Equals(Dns, dns, StringComparison.OrdinalIgnoreCase)) problems.Add($"dns {dns}, expected {Dns}");
        if (Fetch is not null && Fetch != result.Fetch?.Outcome) problems.Add($"fetch {result.Fetch?.Outcome}, expected {Fetch}");
        var verdict = result.Verdict;
        if (Band is not null && Band != verdict?.Band) problems.Add($"band {verdict?.Band} (score {verdict?.Score}), expected {Band}");
        if (Product is not null && verdict?.Products.Any(p => p.Id == Product) != true)
        {
            problems.Add($"products [{string.Join(",", verdict?.Products.Select(p => p.Id) ?? [])}], expected {Product}");
        }
        if (Category is not null && verdict?.Categories.Contains(Category) != true)
        {
            problems.Add($"categories [{string.Join(",", verdict?.Categories ?? [])}], expected {Category}");
        }
        if (Function is not null && verdict?.Functions?.Contains(Function) != true)
        {
            problems.Add($"functions [{string.Join(",", verdict?.Functions ?? [])}], expected {Function}");
        }
        if (Group is "benign" or "licensed" or "parked" && verdict?.Band is "review" or "block") problems.Add($"a {Group} site was placed in {verdict.Band}");
        return problems;
    }
}

public sealed record LabRegistration
{
    public string? Created { get; init; }
    public string? Registrar { get; init; }
    public int? RegistrarIanaId { get; init; }
    public string? AbuseEmail { get; init; }
    /// <summary><c>rdap</c> (default), <c>whois</c>, <c>404</c>, <c>429</c>.</summary>
    public string Via { get; init; } = "rdap";
}

/// <summary>The lab's manifest (embedded <c>lab/sites.json</c>) and page files.</summary>
public sealed class LabManifest
{
    public required IReadOnlyList<LabSite> Sites { get; init; }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    public static LabManifest Load()
    {
        using var stream = Resource("sites.json") ?? throw new InvalidOperationException("lab/sites.json is not embedded");
        var sites = JsonSerializer.Deserialize<List<LabSite>>(stream, Json) ?? [];
        var duplicate = sites.GroupBy(s => s.Domain, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new InvalidOperationException($"lab/sites.json lists {duplicate.Key} twice");
        return new LabManifest { Sites = sites };
    }

    /// <summary>An embedded lab file (<c>sites.json</c>, <c>pages/x.html</c>), or null.</summary>
    public static Stream? Resource(string name) =>
        typeof(LabManifest).Assembly.GetManifestResourceStream("lab/" + name.Replace('\\', '/'));

    public static byte[]? ReadResource(string name)
    {
        using var stream = Resource(name);
        if (stream is null) return null;
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }

    [JsonIgnore]
    public IEnumerable<LabSite> Candidates => Sites.Where(s => s.Candidate);
}
