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
    /// <summary>Fetch outcome, e.g. ok, blocked-address, too-large, timeout, connection-failed.</summary>
    public string? Fetch { get; init; }
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
