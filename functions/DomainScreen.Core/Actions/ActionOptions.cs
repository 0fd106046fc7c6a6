using System.ComponentModel.DataAnnotations;

namespace DomainScreen.Core.Actions;

/// <summary>Settings under <c>Actions</c>.</summary>
public sealed class ActionOptions : IValidatableObject
{
    public const string Section = "Actions";

    /// <summary>Who signs: the <c>issuer</c> of every message. Default <c>domainscreen</c>; set it to your organisation's URL.</summary>
    [Required]
    public string Issuer { get; set; } = "domainscreen";

    /// <summary>Hours after which a message expires (a partner refuses it then). Default 168 (7 days).</summary>
    [Range(1, 24 * 90)]
    public int MessageLifetimeHours { get; set; } = 168;

    /// <summary>Hours a dispatched action may wait for its acknowledgement before it is reported overdue. Default 24.</summary>
    [Range(1, 24 * 30)]
    public int AckTimeoutHours { get; set; } = 24;

    /// <summary>
    /// Local signing keys: a folder of P-256 keys (PKCS#8 PEM, owner-only), created with one key on first use.
    /// <c>serve</c> points it at <c>.domainscreen/signing</c>. Used when <see cref="KeyVaultUri"/> is not set.
    /// </summary>
    public string? SigningKeyDirectory { get; set; }

    /// <summary>Azure: the vault whose key signs (the key never leaves the vault; see docs/partner-messages.md).</summary>
    public Uri? KeyVaultUri { get; set; }

    /// <summary>Azure: the name of the EC P-256 key in <see cref="KeyVaultUri"/>. Default <c>partner-signing</c>.</summary>
    public string KeyName { get; set; } = "partner-signing";

    /// <summary>Addresses a <c>garden</c> RPZ points blocked names at (A and AAAA records). Empty: garden is refused.</summary>
    public IList<string> GardenAddresses { get; } = [];

    /// <summary>The RPZ zone's own name (its SOA and NS). Default <c>rpz.domainscreen.invalid</c>.</summary>
    public string RpzZone { get; set; } = "rpz.domainscreen.invalid";

    /// <summary>XARF reports: the reporting organisation, its abuse contact (an e-mail) and its domain.</summary>
    public string ReporterOrg { get; set; } = "DomainScreen operator";

    public string ReporterContact { get; set; } = "abuse@domainscreen.invalid";

    public string ReporterDomain { get; set; } = "domainscreen.invalid";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!System.Net.Mail.MailAddress.TryCreate(ReporterContact, out _)) yield return new ValidationResult($"Actions__ReporterContact='{ReporterContact}' is not an e-mail address", [nameof(ReporterContact)]);
        for (var i = 0; i < GardenAddresses.Count; i++)
        {
            if (!System.Net.IPAddress.TryParse(GardenAddresses[i], out _))
            {
                yield return new ValidationResult($"Actions__GardenAddresses__{i}='{GardenAddresses[i]}' is not an IP address", [nameof(GardenAddresses)]);
            }
        }
    }
}
