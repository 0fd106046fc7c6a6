using System.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace DomainScreen.Core.Api;

/// <summary>The one translation between ASP.NET Core and the host-neutral API types, used by both hosts.</summary>
public static class AspNetCoreHttp
{
    public static ApiRequest ToApiRequest(this HttpRequest request) => new()
    {
        Method = request.Method,
        Path = request.PathBase.Add(request.Path).Value ?? "/",
        Header = name => request.Headers.TryGetValue(name, out var v) ? v.ToString() : null,
        Query = name => request.Query.TryGetValue(name, out var v) ? v.ToString() : null,
        Body = request.Body,
        ContentType = request.ContentType,
        ContentLength = request.ContentLength,
        RequestId = Activity.Current?.TraceId.ToString() ?? request.HttpContext.TraceIdentifier,
    };

    public static Task WriteToAsync(this ApiResult result, HttpResponse response)
    {
        response.StatusCode = result.Status;
        response.ContentType = result.MediaType ?? ApiResult.ContentType;
        response.Headers.CacheControl = "no-store";
        foreach (var (name, value) in result.Headers ?? new Dictionary<string, string>()) response.Headers[name] = value;
        return result.Json.Length == 0 ? Task.CompletedTask : response.WriteAsync(result.Json, response.HttpContext.RequestAborted);
    }

    /// <summary>Routes one ASP.NET Core request through the route table and writes the answer.</summary>
    public static async Task DispatchAsync(this ApiRouter router, HttpContext context)
    {
        var result = await router.DispatchAsync(context.Request.ToApiRequest(), context.RequestAborted).ConfigureAwait(false);
        await result.WriteToAsync(context.Response).ConfigureAwait(false);
    }
}
