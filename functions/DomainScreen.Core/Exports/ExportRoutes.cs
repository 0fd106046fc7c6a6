using System.Text.Json;
using DomainScreen.Core.Actions;
using DomainScreen.Core.Api;
using DomainScreen.Core.Review;
using Microsoft.Extensions.Options;

namespace DomainScreen.Core.Exports;

/// <summary>
/// Exports of what was decided: RPZ, CSV and STIX 2.1 for reviewers, admins and partners (a partner gets only what was
/// routed to it), and the XARF report of a <c>deregister</c> action.
/// </summary>
internal sealed class ExportRoutes(ActiveBlocks blocks, ActionStore actions, CaseStore cases, IOptions<ActionOptions> options, TimeProvider time) : IApiRoutes
{
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly string[] Exporters = [Roles.Reviewer, Roles.Admin, Roles.Partner];

    public IEnumerable<ApiRoute> Routes =>
    [
        new("exports", "GET", "/api/exports/rpz", Exporters, RpzAsync),
        new("exports", "GET", "/api/exports/csv", Exporters, CsvAsync),
        new("exports", "GET", "/api/exports/stix", Exporters, StixAsync),
        new("exports", "GET", "/api/actions/{actionId}/xarf", Exporters, XarfAsync),
    ];

    // A partner sees its own partition only; everyone else sees every partner's.
    private static string? Scope(ApiCall call) => call.Caller.Roles.Contains(Roles.Reviewer) || call.Caller.Roles.Contains(Roles.Admin) ? null : call.Caller.PartnerId ?? "-";

    private async Task<ApiResult> RpzAsync(ApiCall call, CancellationToken cancellationToken)
    {
        var policy = call.Query("policy") ?? RpzPolicies.NxDomain;
        if (!RpzPolicies.All.Contains(policy)) return ApiResult.Error(400, "invalid-policy", $"policy is one of: {string.Join(", ", RpzPolicies.All)}.");
        var garden = options.Value.GardenAddresses.ToList();
        if (policy == RpzPolicies.Garden && garden.Count == 0) return ApiResult.Error(400, "no-garden", "Set Actions__GardenAddresses__N to use policy=garden.");
        var (active, serial, _) = await blocks.ComputeAsync(Scope(call), cancellationToken).ConfigureAwait(false);
        return ApiResult.Text(RpzExport.Write(active, serial, options.Value.RpzZone, policy, garden, time.GetUtcNow()), "text/dns; charset=utf-8",
            new Dictionary<string, string> { ["ETag"] = $"\"{serial}\"" });
    }

    private async Task<ApiResult> CsvAsync(ApiCall call, CancellationToken cancellationToken)
    {
        var (_, _, reached) = await blocks.ComputeAsync(Scope(call), cancellationToken).ConfigureAwait(false);
        return ApiResult.Text(CsvExport.Write(reached), "text/csv; charset=utf-8",
            new Dictionary<string, string> { ["Content-Disposition"] = "attachment; filename=domainscreen-actions.csv" });
    }

    private async Task<ApiResult> StixAsync(ApiCall call, CancellationToken cancellationToken)
    {
        var (active, _, _) = await blocks.ComputeAsync(Scope(call), cancellationToken).ConfigureAwait(false);
        return ApiResult.Text(StixExport.Write(active, options.Value.Issuer, time.GetUtcNow()).ToJsonString(Relaxed), StixExport.MediaType);
    }

    private async Task<ApiResult> XarfAsync(ApiCall call, CancellationToken cancellationToken)
    {
        var actionId = call.Route("actionId");
        var action = Keys.IsId(actionId) ? await actions.FindAsync(actionId, cancellationToken).ConfigureAwait(false) : null;
        if (action is null || (Scope(call) is { } own && own != action.PartnerId)) return ApiResult.Error(404, "not-found", $"No action {actionId}.");
        if (action.Kind != ActionVerbs.Deregister) return ApiResult.Error(409, "not-deregister", "XARF reports are made for deregister actions.");
        var latest = await cases.LatestResultAsync(action.CaseId, cancellationToken).ConfigureAwait(false);
        var report = XarfExport.Write(action, latest, options.Value, time.GetUtcNow());
        var recipient = latest?.Registration?.AbuseEmail;
        return ApiResult.Text(report.ToJsonString(Relaxed),
            ApiResult.ContentType, recipient is null ? null : new Dictionary<string, string> { ["X-Xarf-Recipient"] = recipient });
    }
}
