using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace DomainScreen.Core.Actions;

/// <summary>
/// JWS compact serialization (RFC 7515 §7.1) with ES256 (RFC 7518 §3.4: ECDSA P-256 over SHA-256, the signature as
/// the 64-byte r‖s). Signing goes through an <see cref="IActionSigner"/>; verifying uses the base library's ECDsa
/// against a published key set. No cryptography of our own.
/// </summary>
public static class Jws
{
    public const string Algorithm = "ES256";
    public const string Type = "domainscreen-action+jws";

    /// <summary>Signs <paramref name="payload"/> (UTF-8 JSON) with the signer's current key.</summary>
    public static async Task<string> SignAsync(IActionSigner signer, byte[] payload, CancellationToken cancellationToken)
    {
        var kid = await signer.CurrentKeyIdAsync(cancellationToken).ConfigureAwait(false);
        var header = JsonSerializer.SerializeToUtf8Bytes(new JwsHeader(Algorithm, kid, Type), CoreJson.Default.JwsHeader);
        var signingInput = Base64Url(header) + "." + Base64Url(payload);
        var signature = await signer.SignAsync(kid, Encoding.ASCII.GetBytes(signingInput), cancellationToken).ConfigureAwait(false);
        return signingInput + "." + Base64Url(signature);
    }

    /// <summary>
    /// Checks a compact JWS against a key set: three parts, header alg ES256 and a kid in the set, a valid signature.
    /// Returns the payload bytes, or the reason it is refused.
    /// </summary>
    public static (byte[]? Payload, string? Refusal) Verify(string jws, JsonWebKeySet keys)
    {
        var parts = jws.Split('.');
        if (parts.Length != 3) return (null, "not a compact JWS (three dot-separated parts)");
        JwsHeader? header;
        byte[] payload, signature;
        try
        {
            header = JsonSerializer.Deserialize(FromBase64Url(parts[0]), CoreJson.Default.JwsHeader);
            payload = FromBase64Url(parts[1]);
            signature = FromBase64Url(parts[2]);
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            return (null, "malformed: " + ex.Message);
        }
        if (header?.Alg != Algorithm) return (null, $"algorithm '{header?.Alg}' is not {Algorithm}");
        var key = keys.Keys.FirstOrDefault(k => k.Kid == header.Kid);
        if (key is null) return (null, $"unknown key id '{header.Kid}'");
        using var ecdsa = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = FromBase64Url(key.X), Y = FromBase64Url(key.Y) },
        });
        return ecdsa.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation)
            ? (payload, null)
            : (null, "the signature does not verify");
    }

    /// <summary>The public JWK of a P-256 key, its kid the RFC 7638 thumbprint.</summary>
    public static PublicJwk PublicKey(ECParameters p)
    {
        var x = Base64Url(p.Q.X!);
        var y = Base64Url(p.Q.Y!);
        return new PublicJwk("EC", "P-256", x, y, Thumbprint(x, y), "sig", Algorithm);
    }

    /// <summary>RFC 7638: SHA-256 of the required members in lexicographic order, no whitespace.</summary>
    public static string Thumbprint(string x, string y) =>
        Base64Url(SHA256.HashData(Encoding.UTF8.GetBytes($"{{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"{x}\",\"y\":\"{y}\"}}")));

    public static string Base64Url(ReadOnlySpan<byte> bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static byte[] FromBase64Url(string s)
    {
        var b64 = s.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(b64.PadRight(b64.Length + ((4 - (b64.Length % 4)) % 4), '='));
    }
}

/// <summary>The protected header: alg, kid, typ.</summary>
public sealed record JwsHeader(string Alg, string Kid, string? Typ = null);

/// <summary>
/// The seam to whatever holds the private key: a local key folder (<see cref="LocalKeyRing"/>) or Azure Key Vault
/// (<see cref="KeyVaultSigner"/>, the key never leaves the vault).
/// </summary>
public interface IActionSigner
{
    Task<string> CurrentKeyIdAsync(CancellationToken cancellationToken);

    /// <summary>ES256 signature (64 bytes, r‖s) of <paramref name="signingInput"/> with key <paramref name="kid"/>.</summary>
    Task<byte[]> SignAsync(string kid, byte[] signingInput, CancellationToken cancellationToken);

    /// <summary>The public keys partners should accept now: the current one and any retired less than a message lifetime ago.</summary>
    Task<JsonWebKeySet> PublicKeysAsync(CancellationToken cancellationToken);
}
