using System.Globalization;
using DomainScreen.Core.Api;

namespace DomainScreen.Core.Calibration;

/// <summary>
/// GET /api/calibration (reviewer, admin): reviewers' decisions turned into per-evidence precision with intervals, a
/// proposed policy and — unless <c>effect=false</c> — what that policy would change (a re-score of every stored
/// result). <c>minSupport</c> (default 5) is the fewest decided cases an item needs.
/// </summary>
internal sealed class CalibrationRoutes(Calibrator calibrator) : IApiRoutes
{
    public IEnumerable<ApiRoute> Routes => [new("calibration", "GET", "/api/calibration", [Roles.Reviewer, Roles.Admin], GetAsync)];

    private async Task<ApiResult> GetAsync(ApiCall call, CancellationToken cancellationToken)
    {
        var minSupport = 5;
        if (call.Query("minSupport") is { } raw && (!int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out minSupport) || minSupport is < 1 or > 100000))
        {
            return ApiResult.Error(400, "invalid-min-support", "minSupport is a whole number from 1 to 100000.");
        }
        var effect = call.Query("effect") switch
        {
            null or "true" => true,
            "false" => false,
            _ => (bool?)null,
        };
        if (effect is null) return ApiResult.Error(400, "invalid-effect", "effect is true (default) or false.");
        var report = await calibrator.RunAsync(minSupport, effect.Value, cancellationToken).ConfigureAwait(false);
        return ApiResult.Of(200, report, CoreJson.Default.CalibrationReport);
    }
}
