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

    /// <summary>Keys for <c>ApiKeys</c> mode. Store the SHA-256 of the key, never the key.</summary>
    public IList<ApiKeyOptions> ApiKeys { get; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Mode is not (AppServiceMode or ApiKeysMode))
        {
            yield return new ValidationResult($"Auth:Mode must be {AppServiceMode} or {ApiKeysMode}, not '{Mode}'", [nameof(Mode)]);
        }
        foreach (var key in ApiKeys)
        {
            if (key.Sha256?.Length != 64 || !key.Sha256.All(Uri.IsHexDigit))
            {
                yield return new ValidationResult($"Auth:ApiKeys entry '{key.Name}' needs Sha256 as 64 hex digits", [nameof(ApiKeys)]);
            }
            if (key.Roles.Any(r => !Roles.All.Contains(r)))
            {
                yield return new ValidationResult($"Auth:ApiKeys entry '{key.Name}' names an unknown role; known: {string.Join(", ", Roles.All)}", [nameof(ApiKeys)]);
            }
        }
    }
}

/// <summary>One API key: a name for the audit trail, the key's SHA-256 (hex), its roles.</summary>
public sealed class ApiKeyOptions
{
    public string Name { get; set; } = "";
    public string Sha256 { get; set; } = "";
    public IList<string> Roles { get; } = [];
}
