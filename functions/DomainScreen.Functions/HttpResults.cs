using DomainScreen.Core.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace DomainScreen.Functions;

/// <summary>Translation between ASP.NET Core's request/response and the host-neutral API types.</summary>
internal static class HttpResults
{
    public static ApiRequest ToApiRequest(this HttpRequest request) =>
        new(name => request.Headers.TryGetValue(name, out var v) ? v.ToString() : null, request.Body, request.ContentType, request.ContentLength);

    public static IActionResult ToActionResult(this ApiResult result) => new ApiActionResult(result);

    private sealed class ApiActionResult(ApiResult result) : IActionResult
    {
        public async Task ExecuteResultAsync(ActionContext context)
        {
            var response = context.HttpContext.Response;
            response.StatusCode = result.Status;
            response.ContentType = ApiResult.ContentType;
            foreach (var (name, value) in result.Headers ?? new Dictionary<string, string>()) response.Headers[name] = value;
            await response.WriteAsync(result.Json, context.HttpContext.RequestAborted).ConfigureAwait(false);
        }
    }
}
