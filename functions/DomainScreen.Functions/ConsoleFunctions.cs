using DomainScreen.Core.ReviewConsole;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace DomainScreen.Functions;

/// <summary>
/// The review console at <c>/review/</c>: static files embedded in Core (no data in them; the page calls the API with
/// the signed-in reviewer's App Service session). host.json sets an empty route prefix so this path is not under
/// <c>/api</c>.
/// </summary>
public sealed class ConsoleFunctions(ConsoleAssets assets)
{
    [Function(nameof(ReviewConsole))]
    public IActionResult ReviewConsole(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "head", Route = "review/{*path}")] HttpRequest request) => new AssetResult(assets);

    private sealed class AssetResult(ConsoleAssets assets) : IActionResult
    {
        public Task ExecuteResultAsync(ActionContext context) => assets.WriteAsync(context.HttpContext);
    }
}
