using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace DomainScreen.Core.Api;

/// <summary>Turns request headers into a <see cref="Caller"/>, or null when the request is not authenticated.</summary>
public sealed class CallerAuthenticator(IOptions<AuthOptions> options)
{
    private const int MaxPrincipalHeader = 16 * 1024;
    private readonly AuthOptions _options = options.Value;
    private readonly Dictionary<string, ApiKeyOptions> _keys = options.Value.ApiKeys
        .GroupBy(k => k.Sha256.ToLowerInvariant()).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);

    public Caller? Authenticate(Func<string, string?> header) =>
        _options.Mode == AuthOptions.ApiKeysMode ? FromApiKey(header)
            : FromAppService(header("X-MS-CLIENT-PRINCIPAL"), header("X-MS-CLIENT-PRINCIPAL-ID"), _options.PartnerClaim);

    /// <summary>SHA-256 of a key as lower-case hex: what <see cref="ApiKeyOptions.Sha256"/> holds.</summary>
    public static string HashKey(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    private Caller? FromApiKey(Func<string, string?> header)
    {
        var key = header("X-Api-Key");
        var authorization = header("Authorization");
        if (key is null && authorization?.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) == true) key = authorization[7..].Trim();
        if (string.IsNullOrEmpty(key) || key.Length > 512) return null;
        // Looking up the hash of the presented key leaks nothing about stored keys through timing.
        return _keys.TryGetValue(HashKey(key), out var entry)
            ? new Caller("key:" + entry.Name, entry.Name, entry.Roles.ToHashSet(StringComparer.Ordinal), entry.PartnerId)
            : null;
    }

    private static Caller? FromAppService(string? encoded, string? principalId, string partnerClaim)
    {
        if (string.IsNullOrEmpty(encoded) || encoded.Length > MaxPrincipalHeader) return null;
        try
        {
            using var doc = JsonDocument.Parse(Convert.FromBase64String(encoded));
            var root = doc.RootElement;
            var roleType = root.TryGetProperty("role_typ", out var rt) && rt.ValueKind == JsonValueKind.String ? rt.GetString()! : "roles";
            var nameType = root.TryGetProperty("name_typ", out var nt) && nt.ValueKind == JsonValueKind.String ? nt.GetString()! : "name";
            string? name = null, objectId = null, partnerId = null;
            var roles = new HashSet<string>(StringComparer.Ordinal);
            if (root.TryGetProperty("claims", out var claims) && claims.ValueKind == JsonValueKind.Array)
            {
                foreach (var claim in claims.EnumerateArray())
                {
                    var typ = claim.TryGetProperty("typ", out var t) ? t.GetString() : null;
                    var val = claim.TryGetProperty("val", out var v) ? v.GetString() : null;
                    if (val is null) continue;
                    if (typ == roleType || typ == "roles") roles.Add(val);
                    else if (typ is "http://schemas.microsoft.com/identity/claims/objectidentifier" or "oid") objectId ??= val;
                    else if (typ == partnerClaim) partnerId ??= val;
                    else if (typ == nameType || (name is null && typ is "preferred_username" or "name")) name ??= val;
                }
            }
            var id = objectId ?? principalId ?? name ?? "unknown";
            return new Caller(id, name ?? id, roles, partnerId);
        }
        catch (Exception ex) when (ex is FormatException or JsonException or InvalidOperationException)
        {
            return null;
        }
    }
}
