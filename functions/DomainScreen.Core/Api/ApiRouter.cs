using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;
using Microsoft.Extensions.Logging;

namespace DomainScreen.Core.Api;

/// <summary>
/// The one route table: every feature's <see cref="ApiRoute"/>s, matched by method and path, with the caller
/// authenticated and the route's roles checked before its handler runs. Both hosts hand every <c>/api/</c> request
/// here, so an unknown path is a JSON 404, a known path with another method a JSON 405 with <c>Allow</c>, and an
/// unexpected exception a JSON 500 carrying the request id.
/// </summary>
public sealed class ApiRouter
{
    private readonly (ApiRoute Route, TemplateMatcher Matcher)[] _routes;
    private readonly CallerAuthenticator _authenticator;
    private readonly ILogger<ApiRouter> _logger;
    private readonly Storage.StorageRecovery? _recovery;

    public ApiRouter(IEnumerable<IApiRoutes> features, CallerAuthenticator authenticator, ILogger<ApiRouter> logger, Storage.StorageRecovery? recovery = null)
    {
        _authenticator = authenticator;
        _logger = logger;
        _recovery = recovery;
        // Literal segments win over parameters (/api/cases/decisions before /api/cases/{caseId}).
        _routes = features.SelectMany(f => f.Routes)
            .Select(r => (Route: r, Template: TemplateParser.Parse(r.Template.TrimStart('/'))))
            .OrderBy(r => RoutePrecedence.ComputeInbound(r.Template))
            .Select(r => (r.Route, new TemplateMatcher(r.Template, new RouteValueDictionary())))
            .ToArray();
        var duplicate = _routes.GroupBy(r => r.Route.ToString(), StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new InvalidOperationException($"Route {duplicate.Key} is declared twice.");
    }

    /// <summary>Every route, for hosts, documentation and the authorisation test.</summary>
    public IReadOnlyList<ApiRoute> Routes => _routes.Select(r => r.Route).ToArray();

    public async Task<ApiResult> DispatchAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        var path = request.Path.Length > 1 ? request.Path.TrimEnd('/') : request.Path;
        List<string>? allowed = null;
        foreach (var (route, matcher) in _routes)
        {
            var values = new RouteValueDictionary();
            // new PathString, not the implicit conversion: that one percent-decodes (FromUriComponent), and the host has
            // decoded the path already — /api/domains/x%252Ecom must stay "x%2Ecom", not become x.com.
            if (!matcher.TryMatch(new PathString(path), values)) continue;
            if (!string.Equals(route.Method, request.Method, StringComparison.OrdinalIgnoreCase))
            {
                (allowed ??= []).Add(route.Method);
                continue;
            }
            return await InvokeAsync(route, request, values, cancellationToken).ConfigureAwait(false);
        }
        if (allowed is not null)
        {
            var allow = string.Join(", ", allowed.Distinct(StringComparer.Ordinal));
            return ApiResult.Error(405, "method-not-allowed", $"{request.Method} is not allowed on {path}; allowed: {allow}.") with
            {
                Headers = new Dictionary<string, string> { ["Allow"] = allow },
            };
        }
        return ApiResult.Error(404, "not-found", $"No route {request.Method} {path}; see docs/api.md.");
    }

    private async Task<ApiResult> InvokeAsync(ApiRoute route, ApiRequest request, RouteValueDictionary values, CancellationToken cancellationToken,
        bool retried = false)
    {
        var caller = Caller.Anonymous;
        // A browser tells where a request comes from (Fetch Metadata). A change asked for by another site's page
        // (a form or script riding on a signed-in reviewer's session cookie in Azure) is refused; the review console
        // is same-origin, and API clients that are not browsers send no such header.
        if (!HttpMethodsSafe(request.Method) && request.Header("Sec-Fetch-Site") is "cross-site" or "same-site")
        {
            return ApiResult.Error(403, "cross-site-request", "Changes are accepted only from this site's own pages or from API clients.");
        }
        if (!route.Anonymous)
        {
            if (_authenticator.Authenticate(request.Header) is not { } known)
            {
                return ApiResult.Error(401, "unauthenticated", "Sign in, or send an API key in 'Authorization: Bearer <key>'.");
            }
            if (!known.IsInAny(route.Roles))
            {
                return ApiResult.Error(403, "forbidden", $"This needs one of the roles: {string.Join(", ", route.Roles)}.");
            }
            caller = known;
        }
        var call = new ApiCall(request, caller, values.ToDictionary(v => v.Key, v => Convert.ToString(v.Value, System.Globalization.CultureInfo.InvariantCulture) ?? "",
            StringComparer.OrdinalIgnoreCase));
        try
        {
            return await route.Handler(call, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (BadHttpRequestException ex)
        {
            // Kestrel's own verdict on a malformed body (bad chunk size, body too large, client too slow).
            return ApiResult.Error(ex.StatusCode, "bad-request", ex.Message);
        }
#pragma warning disable CA1031 // The one place an unexpected failure becomes a 500 with the error shape instead of an empty body.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            if (!retried && _recovery is not null && await _recovery.TryRecoverAsync(ex, cancellationToken).ConfigureAwait(false))
            {
                // Storage came back empty and is recreated now. A read is answered at once; a change is not retried
                // here (its body is consumed) and nothing of it was stored, so the client sends it again.
                if (HttpMethodsSafe(request.Method)) return await InvokeAsync(route, request, values, cancellationToken, retried: true).ConfigureAwait(false);
                return ApiResult.Error(503, "storage-recreated",
                    "Storage had lost its tables and queues; they have been recreated. Nothing of this request was stored: send it again.") with
                {
                    Headers = new Dictionary<string, string> { ["Retry-After"] = "1" },
                };
            }
            _logger.LogError(ex, "{Route} failed for request {RequestId}", route, request.RequestId);
            return ApiResult.Of(500, new ApiError("internal-error",
                "The request failed on the server; it has been logged. Quote the request id when reporting it.", RequestId: request.RequestId),
                CoreJson.Default.ApiError);
        }
    }

    private static bool HttpMethodsSafe(string method) =>
        method.Equals("GET", StringComparison.OrdinalIgnoreCase) || method.Equals("HEAD", StringComparison.OrdinalIgnoreCase) ||
        method.Equals("OPTIONS", StringComparison.OrdinalIgnoreCase);
}
