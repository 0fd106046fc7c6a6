namespace DomainScreen.Core.Api;

/// <summary>GET /api/me: who the caller is and what it may do (the review console decides what to show from it).</summary>
internal sealed class MeRoutes : IApiRoutes
{
    public IEnumerable<ApiRoute> Routes => [new("auth", "GET", "/api/me", Roles.All, (call, _) => Task.FromResult(Me(call.Caller)))];

    private static ApiResult Me(Caller caller) =>
        ApiResult.Of(200, new CallerView(caller.Id, caller.Name, Roles.All.Where(caller.Roles.Contains).ToList(), caller.PartnerId), CoreJson.Default.CallerView);
}

/// <summary>GET /api/me.</summary>
public sealed record CallerView(string Id, string Name, IReadOnlyList<string> Roles, string? PartnerId);
