using DomainScreen.Core.Api;

namespace DomainScreen.Core.Submissions;

/// <summary>POST /api/submissions and GET /api/submissions/{id}.</summary>
internal sealed class SubmissionRoutes(SubmissionService service, SubmissionStore store) : IApiRoutes
{
    /// <summary>Domains per page of GET /api/submissions/{id}: 100 by default, at most 1,000.</summary>
    public const int DefaultTop = 100, MaxTop = 1000;

    public IEnumerable<ApiRoute> Routes =>
    [
        new("submissions", "POST", "/api/submissions", Roles.CanSubmit, SubmitAsync),
        new("submissions", "GET", "/api/submissions/{id}", Roles.CanRead, GetAsync),
    ];

    private async Task<ApiResult> SubmitAsync(ApiCall call, CancellationToken cancellationToken)
    {
        var (body, error) = await ApiBody.ReadAsync(call.Request, service.Options.MaxBodyBytes, cancellationToken).ConfigureAwait(false);
        if (error is not null) return error;
        try
        {
            var (accepted, parsed) = await service.SubmitAsync(body, call.Request.ContentType, call.Caller.Name, cancellationToken).ConfigureAwait(false);
            if (accepted is null)
            {
                return ApiResult.Of(400, new ApiError("no-valid-domains",
                    parsed.Lines == 0 ? "The submission is empty." : "No line of the submission is a valid domain name.",
                    parsed.Errors.Take(2000).ToList()), CoreJson.Default.ApiError);
            }
            return ApiResult.Of(202, accepted, CoreJson.Default.SubmissionAccepted,
                new Dictionary<string, string> { ["Location"] = accepted.StatusUrl });
        }
        catch (SubmissionFormatException ex)
        {
            return ApiResult.Error(ex.Status, ex.Code, ex.Message);
        }
    }

    private async Task<ApiResult> GetAsync(ApiCall call, CancellationToken cancellationToken)
    {
        var id = call.Route("id");
        if (!Keys.IsId(id)) return ApiResult.Error(400, "invalid-id", "Not a submission id.");
        var (top, after, error) = Paging.Read(call, DefaultTop, MaxTop);
        if (error is not null) return error;
        var status = await store.GetAsync(id, top, after, cancellationToken).ConfigureAwait(false);
        return status is null
            ? ApiResult.Error(404, "not-found", $"No submission {id}.")
            : ApiResult.Of(200, status, CoreJson.Default.SubmissionStatus);
    }
}
