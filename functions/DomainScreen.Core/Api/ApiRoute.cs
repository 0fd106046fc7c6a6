namespace DomainScreen.Core.Api;

/// <summary>
/// One HTTP route: the feature that owns it, method, template (ASP.NET Core route syntax, e.g.
/// <c>/api/cases/{caseId}</c>), the roles allowed (empty = anonymous) and the handler. Both hosts serve every
/// route of <see cref="ApiRouter"/>; the authorisation test walks the same table.
/// </summary>
public sealed record ApiRoute(string Feature, string Method, string Template, IReadOnlyList<string> Roles,
    Func<ApiCall, CancellationToken, Task<ApiResult>> Handler)
{
    public bool Anonymous => Roles.Count == 0;

    public override string ToString() => $"{Method} {Template}";
}

/// <summary>A feature's routes. Each feature registers one implementation; the router gathers them.</summary>
public interface IApiRoutes
{
    IEnumerable<ApiRoute> Routes { get; }
}

/// <summary>A routed request: the request, the authenticated caller (anonymous routes get <see cref="Caller.Anonymous"/>), route values.</summary>
public sealed class ApiCall(ApiRequest request, Caller caller, IReadOnlyDictionary<string, string> values)
{
    public ApiRequest Request { get; } = request;

    public Caller Caller { get; } = caller;

    /// <summary>A route value by name (the template guarantees it is present).</summary>
    public string Route(string name) => values[name];

    public string? Query(string name) => Request.Query(name) is { Length: > 0 } v ? v : null;

    public string? Header(string name) => Request.Header(name);
}
