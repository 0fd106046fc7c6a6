using System.ComponentModel.DataAnnotations;

namespace DomainScreen.Core.Screening;

/// <summary>Settings under <c>Screening</c>.</summary>
public sealed class ScreeningOptions
{
    public const string Section = "Screening";

    /// <summary>Domains per queue message. More per message means fewer function executions. Default 25.</summary>
    [Range(1, 200)]
    public int DomainsPerMessage { get; set; } = 25;

    /// <summary>Domains of one message screened at the same time. Default 16.</summary>
    [Range(1, 256)]
    public int Parallelism { get; set; } = 16;

    /// <summary>Upper bound on one domain's whole screen, seconds. Default 30.</summary>
    [Range(1, 600)]
    public int DomainTimeoutSeconds { get; set; } = 30;

    /// <summary>History rows returned by GET /api/domains/{domain}. Default 20.</summary>
    [Range(1, 500)]
    public int HistoryLimit { get; set; } = 20;
}
