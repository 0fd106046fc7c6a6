using DomainScreen.Core.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace DomainScreen.Functions;

/// <summary>GET /api/domains/{domain} and GET /api/health.</summary>
public sealed class DomainFunctions(DomainScreenApi api)
{
    [Function(nameof(GetDomain))]
    public async Task<IActionResult> GetDomain(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "domains/{domain}")] HttpRequest request, string domain, CancellationToken cancellationToken) =>
        (await api.GetDomainAsync(request.ToApiRequest(), domain, cancellationToken)).ToActionResult();

    [Function(nameof(Health))]
    public async Task<IActionResult> Health(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request, CancellationToken cancellationToken) =>
        (await api.HealthAsync(cancellationToken)).ToActionResult();
}
