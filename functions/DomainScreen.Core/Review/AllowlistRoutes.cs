using DomainScreen.Core.Api;
using DomainScreen.Core.Domains;

namespace DomainScreen.Core.Review;

/// <summary>The allowlist: GET (reviewer, admin), PUT and DELETE (admin).</summary>
internal sealed class AllowlistRoutes(CaseService service, ReviewAllowlist allowlist, DomainParser parser, TimeProvider time) : IApiRoutes
{
    public IEnumerable<ApiRoute> Routes =>
    [
        new("review", "GET", "/api/allowlist", Roles.CanReadAllowlist, ListAsync),
        new("review", "GET", "/api/allowlist/{domain}", Roles.CanReadAllowlist, GetAsync),
        new("review", "PUT", "/api/allowlist/{domain}", Roles.CanOperate, PutAsync),
        new("review", "DELETE", "/api/allowlist/{domain}", Roles.CanOperate, DeleteAsync),
    ];

    private async Task<ApiResult> ListAsync(ApiCall call, CancellationToken cancellationToken)
    {
        var (top, after, error) = Paging.Read(call, 100, 1000);
        if (error is not null) return error;
        var (entries, last) = await allowlist.ListAsync(top, after, cancellationToken).ConfigureAwait(false);
        return ApiResult.Of(200, new AllowlistPage(entries, last is null ? null : Paging.Encode(last)), CoreJson.Default.AllowlistPage);
    }

    private async Task<ApiResult> GetAsync(ApiCall call, CancellationToken cancellationToken)
    {
        if (Name(call, out var bad) is not { } name) return bad!;
        return await allowlist.GetAsync(name.Ascii, cancellationToken).ConfigureAwait(false) is { } entry
            ? ApiResult.Of(200, entry, CoreJson.Default.AllowlistEntry)
            : ApiResult.Error(404, "not-found", $"{name.Ascii} is not on the allowlist.");
    }

    private async Task<ApiResult> PutAsync(ApiCall call, CancellationToken cancellationToken)
    {
        if (Name(call, out var bad) is not { } name) return bad!;
        var (body, error) = await ApiBody.ReadJsonAsync(call.Request, CommandJson.Default.AllowlistBody, cancellationToken).ConfigureAwait(false);
        if (error is not null) return error;
        if (string.IsNullOrWhiteSpace(body!.Reason) || body.Reason.Length > 2000) return ApiResult.Error(400, "invalid-entry", "reason is required (at most 2,000 characters).");
        if (body.Until is { } until && until <= time.GetUtcNow()) return ApiResult.Error(400, "invalid-entry", "until must be in the future.");
        var entry = await service.PutAllowlistAsync(name, body, call.Caller, call.Request.RequestId, cancellationToken).ConfigureAwait(false);
        return ApiResult.Of(200, entry, CoreJson.Default.AllowlistEntry);
    }

    private async Task<ApiResult> DeleteAsync(ApiCall call, CancellationToken cancellationToken)
    {
        if (Name(call, out var bad) is not { } name) return bad!;
        return await service.DeleteAllowlistAsync(name, call.Caller, call.Request.RequestId, cancellationToken).ConfigureAwait(false)
            ? new ApiResult(204, "")
            : ApiResult.Error(404, "not-found", $"{name.Ascii} is not on the allowlist.");
    }

    private DomainName? Name(ApiCall call, out ApiResult? error)
    {
        var parsed = parser.TryParse(call.Route("domain"));
        error = parsed.Name is null ? ApiResult.Error(400, parsed.Error!.CodeName, parsed.Error.Message) : null;
        return parsed.Name;
    }
}
