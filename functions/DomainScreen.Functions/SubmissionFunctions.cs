using DomainScreen.Core.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace DomainScreen.Functions;

/// <summary>POST /api/submissions and GET /api/submissions/{id}. Roles are checked in Core.</summary>
public sealed class SubmissionFunctions(DomainScreenApi api)
{
    [Function(nameof(SubmitDomains))]
    public async Task<IActionResult> SubmitDomains(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "submissions")] HttpRequest request, CancellationToken cancellationToken) =>
        (await api.SubmitAsync(request.ToApiRequest(), cancellationToken)).ToActionResult();

    [Function(nameof(GetSubmission))]
    public async Task<IActionResult> GetSubmission(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "submissions/{id}")] HttpRequest request, string id, CancellationToken cancellationToken) =>
        (await api.GetSubmissionAsync(request.ToApiRequest(), id, cancellationToken)).ToActionResult();
}
