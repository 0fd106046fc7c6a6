using DomainScreen.Core.Api;
using Microsoft.AspNetCore.Mvc;

namespace DomainScreen.Functions;

/// <summary>An <see cref="ApiResult"/> as the Functions host's action result.</summary>
internal static class HttpResults
{
    public static IActionResult ToActionResult(this ApiResult result) => new ApiActionResult(result);

    private sealed class ApiActionResult(ApiResult result) : IActionResult
    {
        public Task ExecuteResultAsync(ActionContext context) => result.WriteToAsync(context.HttpContext.Response);
    }
}
