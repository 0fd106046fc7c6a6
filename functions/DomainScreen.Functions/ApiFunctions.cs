using DomainScreen.Core.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace DomainScreen.Functions;

/// <summary>
/// Every <c>/api/…</c> route, through Core's one route table (<see cref="ApiRouter"/>): the table decides the route,
/// the roles and the answer, including the JSON 404 and 405. App Service authentication sits in front in Azure.
/// </summary>
public sealed class ApiFunctions(ApiRouter router)
{
    [Function(nameof(Api))]
    public async Task<IActionResult> Api(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", "put", "delete", "patch", "head", "options", Route = "api/{*path}")] HttpRequest request,
        CancellationToken cancellationToken) =>
        (await router.DispatchAsync(request.ToApiRequest(), cancellationToken)).ToActionResult();
}
