using System.Text.Json;
using DomainScreen.Core.Api;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace DomainScreen.Core.Tests.Api;

public sealed class ApiRouterTests
{
    private sealed class TestRoutes : IApiRoutes
    {
        public IEnumerable<ApiRoute> Routes =>
        [
            new("t", "GET", "/api/things/{id}", [], (c, _) => Task.FromResult(ApiResult.Error(200, "id", c.Route("id")))),
            new("t", "POST", "/api/things/special", [], (_, _) => Task.FromResult(ApiResult.Error(200, "literal", "special"))),
            new("t", "POST", "/api/things/{id}", [], (_, _) => Task.FromResult(ApiResult.Error(200, "param", "param"))),
            new("t", "GET", "/api/boom", [], (_, _) => throw new InvalidOperationException("secret detail")),
            new("t", "GET", "/api/private", [Roles.Admin], (_, _) => Task.FromResult(ApiResult.Error(200, "ok", "ok"))),
        ];
    }

    private static readonly ApiRouter Router = new([new TestRoutes()], new CallerAuthenticator(Options.Create(new AuthOptions { Mode = AuthOptions.ApiKeysMode })),
        NullLogger<ApiRouter>.Instance);

    private static async Task<(int Status, string Code, string Message, ApiResult Result)> Call(string method, string path)
    {
        var result = await Router.DispatchAsync(new ApiRequest { Method = method, Path = path, RequestId = "req-1" }, CancellationToken.None);
        using var doc = JsonDocument.Parse(result.Json);
        return (result.Status, doc.RootElement.GetProperty("code").GetString()!, doc.RootElement.GetProperty("message").GetString()!, result);
    }

    [Fact]
    public async Task Dispatch_LiteralSegmentsWinOverParameters()
    {
        Assert.Equal("literal", (await Call("POST", "/api/things/special")).Code);
        Assert.Equal("param", (await Call("POST", "/api/things/other")).Code);
        Assert.Equal("例子.公司", (await Call("GET", "/api/things/例子.公司/")).Message);
    }

    [Fact]
    public async Task Dispatch_UnknownPathAndWrongMethod_AreJsonErrors()
    {
        Assert.Equal((404, "not-found"), ((await Call("GET", "/api/nothing")).Status, (await Call("GET", "/api/nothing")).Code));
        var (status, code, _, result) = await Call("DELETE", "/api/things/1");
        Assert.Equal((405, "method-not-allowed"), (status, code));
        Assert.Equal("GET, POST", result.Headers!["Allow"]);
    }

    [Fact]
    public async Task Dispatch_AHandlerThatThrows_Is500WithTheRequestIdAndNoDetail()
    {
        var (status, code, message, result) = await Call("GET", "/api/boom");

        Assert.Equal((500, "internal-error"), (status, code));
        Assert.DoesNotContain("secret", message, StringComparison.Ordinal);
        Assert.Contains("\"requestId\":\"req-1\"", result.Json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dispatch_ARouteWithRoles_IsNotReachedWithoutIdentity()
    {
        Assert.Equal(401, (await Call("GET", "/api/private")).Status);
    }

    [Fact]
    public void Router_ADuplicateRoute_IsRefusedAtStart()
    {
        Assert.Throws<InvalidOperationException>(() => new ApiRouter([new TestRoutes(), new TestRoutes()],
            new CallerAuthenticator(Options.Create(new AuthOptions())), NullLogger<ApiRouter>.Instance));
    }
}
