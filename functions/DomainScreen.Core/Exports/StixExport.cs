using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using DomainScreen.Core.Review;

namespace DomainScreen.Core.Exports;

/// <summary>
/// A STIX 2.1 bundle: our <c>identity</c> and one <c>indicator</c> per blocked case, its pattern the blocked names
/// (<c>[domain-name:value = 'x']</c>, with <c>OR domain-name:value LIKE '%.x'</c> for registrable-domain scope),
/// <c>indicator_types</c> malicious-activity, the case's categories as labels. Ids are UUIDv5 of the case and
/// action, so re-exports name the same objects.
/// </summary>
public static class StixExport
{
    public const string MediaType = "application/stix+json;version=2.1";

    // RFC 4122 name-based UUIDs need a namespace: this one is DomainScreen's own (a fixed random UUID).
    private static readonly Guid Namespace = new("5d2c8a34-6a37-4f7e-9a52-2b7d7e0c9f11");

    public static JsonObject Write(IReadOnlyList<ActiveBlock> blocks, string issuer, DateTimeOffset now)
    {
        var identityId = "identity--" + NameUuid("identity:" + issuer);
        var epoch = Timestamp(DateTimeOffset.UnixEpoch.AddYears(56));
        var objects = new JsonArray
        {
            new JsonObject
            {
                ["type"] = "identity", ["spec_version"] = "2.1", ["id"] = identityId, ["created"] = epoch, ["modified"] = epoch,
                ["name"] = issuer, ["identity_class"] = "organization",
            },
        };
        foreach (var block in blocks)
        {
            var comparisons = block.Names.SelectMany(n => block.Scope == ActionScopes.RegistrableDomain
                ? new[] { $"domain-name:value = '{Escape(n)}'", $"domain-name:value LIKE '%.{Escape(n)}'" }
                : [$"domain-name:value = '{Escape(n)}'"]);
            var created = Timestamp(block.ApprovedAt);
            var indicator = new JsonObject
            {
                ["type"] = "indicator", ["spec_version"] = "2.1", ["id"] = "indicator--" + NameUuid("indicator:" + block.ActionId),
                ["created"] = created, ["modified"] = created, ["created_by_ref"] = identityId,
                ["name"] = $"AI-abuse service: {block.DisplayName}",
                ["description"] = $"Blocked after review of case {block.CaseId} ({string.Join(", ", block.Categories)}); scope {block.Scope}.",
                ["indicator_types"] = new JsonArray("malicious-activity"),
                ["pattern"] = "[" + string.Join(" OR ", comparisons) + "]",
                ["pattern_type"] = "stix",
                ["valid_from"] = created,
            };
            if (block.Categories.Count > 0) indicator["labels"] = new JsonArray(block.Categories.Select(c => (JsonNode)JsonValue.Create(c)).ToArray());
            objects.Add(indicator);
        }
        return new JsonObject { ["type"] = "bundle", ["id"] = "bundle--" + NameUuid("bundle:" + issuer + ":" + now.ToUnixTimeMilliseconds()), ["objects"] = objects };
    }

    /// <summary>STIX timestamps: UTC, RFC 3339, millisecond precision.</summary>
    public static string Timestamp(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    // Pattern string literals are quoted with ', and \ and ' escaped with \ (STIX 2.1 patterning, §9.3).
    private static string Escape(string s) => s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal);

    /// <summary>An RFC 4122 version-5 UUID (SHA-1 of namespace and name).</summary>
    public static Guid NameUuid(string name)
    {
        var ns = Namespace.ToByteArray(bigEndian: true);
#pragma warning disable CA5350 // RFC 4122 §4.3 defines version 5 with SHA-1: a naming scheme, not a security use.
        var hash = SHA1.HashData([.. ns, .. Encoding.UTF8.GetBytes(name)]);
#pragma warning restore CA5350
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }
}
