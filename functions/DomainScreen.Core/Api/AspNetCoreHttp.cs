using Microsoft.AspNetCore.Http;

namespace DomainScreen.Core.Api;

/// <summary>The one translation between ASP.NET Core and the host-neutral API types, used by both hosts.</summary>
public static class AspNetCoreHttp
{
    public static ApiRequest ToApiRequest(this HttpRequest request) =>
        new(name => request.Headers.TryGetValue(name, out var v) ? v.ToString() : null, request.Body, request.ContentType, request.ContentLength);

    public static Task WriteToAsync(this ApiResult result, HttpResponse response)
    {
        response.StatusCode = result.Status;
        response.ContentType = ApiResult.ContentType;
        foreach (var (name, value) in result.Headers ?? new Dictionary<string, string>()) response.Headers[name] = value;
        return response.WriteAsync(result.Json, response.HttpContext.RequestAborted);
    }
}
