using System.Text.Json;
using DomainScreen.Core.Api;
using DomainScreen.Core.Fingerprints;
using DomainScreen.Core.Scoring;

namespace DomainScreen.Core.Rescoring;

/// <summary>
/// The body of POST /api/rescore: a catalog (file name → file content, the whole catalog as it would be uploaded)
/// and/or a policy (the policy.json text). Either may be left out to keep the live one.
/// </summary>
public sealed class RescoreBody
{
    public Dictionary<string, JsonElement>? Catalog { get; set; }

    public JsonElement? Policy { get; set; }

    /// <summary>How many changed domains to list (default 100, at most 1,000).</summary>
    public int? Top { get; set; }
}

/// <summary>
/// POST /api/rescore (admin): "what changes if this catalog or policy goes live" — every stored result re-scored from
/// its stored evidence with the given catalog and policy, nothing written. The candidate is validated exactly as an
/// upload would be; a rejected one is a 400 listing every problem.
/// </summary>
internal sealed class RescoreRoutes(Rescorer rescorer, CatalogProvider catalogs) : IApiRoutes
{
    public const int MaxBodyBytes = 8 * 1024 * 1024;

    public IEnumerable<ApiRoute> Routes => [new("rescore", "POST", "/api/rescore", [Roles.Admin], PreviewAsync)];

    private async Task<ApiResult> PreviewAsync(ApiCall call, CancellationToken cancellationToken)
    {
        var (body, error) = await ApiBody.ReadJsonAsync(call.Request, CommandJson.Default.RescoreBody, cancellationToken, MaxBodyBytes).ConfigureAwait(false);
        if (error is not null) return error;
        var top = body!.Top ?? 100;
        if (top is < 0 or > 1000) return ApiResult.Error(400, "invalid-top", "top is 0 to 1000.");
        var (catalog, policy) = catalogs.Current;
        try
        {
            if (body.Catalog is { Count: > 0 } files)
            {
                catalog = CatalogLoader.Compile(files.Select(f => (f.Key, f.Value.GetRawText())));
            }
            if (body.Policy is { } p)
            {
                policy = ScoringPolicy.Parse(p.ValueKind == JsonValueKind.String ? p.GetString()! : p.GetRawText(), "policy");
            }
        }
        catch (CatalogValidationException ex)
        {
            return ApiResult.Error(400, "invalid-catalog", ex.Message);
        }
        var report = await rescorer.RunAsync(catalog, policy, top, onChanged: null, cancellationToken).ConfigureAwait(false);
        return ApiResult.Of(200, report, CoreJson.Default.RescoreReport);
    }
}
