using System.ComponentModel.DataAnnotations;

namespace DomainScreen.Core.Api;

/// <summary>Settings under <c>Auth</c>.</summary>
public sealed class AuthOptions : IValidatableObject
{
    public const string Section = "Auth";

    /// <summary>
    /// <c>AppService</c> (default, Azure): trust the <c>X-MS-CLIENT-PRINCIPAL</c> header that App Service
    /// authentication sets (and strips from client requests) and read its role claims. <c>ApiKeys</c> (local):
    /// a key in <c>Authorization: Bearer …</c> or <c>X-Api-Key</c> maps to roles.
    /// </summary>
    [Required]
    public string Mode { get; set; } = AppServiceMode;

    public const string AppServiceMode = "AppService";
    public const string ApiKeysMode = "ApiKeys";

    /// <summary>Claim that carries a partner caller's partner id in <c>AppService</c> mode. Default <c>partner_id</c>.</summary>
    public string PartnerClaim { get; set; } = "partner_id";

    /// <summary>Keys for <c>ApiKeys</c> mode. Store the SHA-256 of the key, never the key.</summary>
    public IList<ApiKeyOptions> ApiKeys { get; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Mode is not (AppServiceMode or ApiKeysMode))
        {
            yield return new ValidationResult($"Auth__Mode='{Mode}' is not a mode; use {AppServiceMode} or {ApiKeysMode}", [nameof(Mode)]);
        }
        for (var i = 0; i < ApiKeys.Count; i++)
        {
            var key = ApiKeys[i];
            if (key.Sha256?.Length != 64 || !key.Sha256.All(Uri.IsHexDigit))
            {
                yield return new ValidationResult($"Auth__ApiKeys__{i}__Sha256 (key '{key.Name}') must be 64 hex digits, the SHA-256 of the key", [nameof(ApiKeys)]);
            }
            for (var r = 0; r < key.Roles.Count; r++)
            {
                if (!Roles.All.Contains(key.Roles[r]))
                {
                    yield return new ValidationResult(
                        $"Auth__ApiKeys__{i}__Roles__{r}='{key.Roles[r]}' is not a role; known: {string.Join(", ", Roles.All)}", [nameof(ApiKeys)]);
                }
            }
            if (key.Roles.Contains(Roles.Partner) != !string.IsNullOrWhiteSpace(key.PartnerId))
            {
                yield return new ValidationResult(
                    $"Auth__ApiKeys__{i}__PartnerId (key '{key.Name}'): a key has a partner id exactly when it has the '{Roles.Partner}' role", [nameof(ApiKeys)]);
            }
        }
    }
}

/// <summary>One API key: a name for the audit trail, the key's SHA-256 (hex), its roles, and a partner id for the partner role.</summary>
public sealed class ApiKeyOptions
{
    public string Name { get; set; } = "";
    public string Sha256 { get; set; } = "";
    public IList<string> Roles { get; } = [];
    public string? PartnerId { get; set; }
}
