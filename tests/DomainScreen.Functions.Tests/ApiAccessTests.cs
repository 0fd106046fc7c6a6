using System.Text.Json;
using DomainScreen.Core.Api;
using DomainScreen.Core.Tests.Dns;
using DomainScreen.Functions.Tests.Support;
using static DomainScreen.Functions.Tests.Support.FunctionsHarness;

namespace DomainScreen.Functions.Tests;

/// <summary>
/// Every route of the route table, called through the Functions app's API trigger with each kind of caller: a route
/// added later is covered here without editing this test.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ApiAccessTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly FunctionsHarness _harness = new(azurite, new FakeDnsResolver());

    private static readonly Dictionary<string, string> KeyOfRole = new()
    {
        [Roles.Reader] = ReaderKey, [Roles.Analyst] = AnalystKey, [Roles.Reviewer] = ReviewerKey, [Roles.Admin] = AdminKey, [Roles.Partner] = PartnerKey,
    };

    public Task InitializeAsync() => _harness.InitializeAsync();

    public Task DisposeAsync() => _harness.DisposeAsync().AsTask();

    // Route values that pass every route's own checks (a registrable domain, an id).
    private static string Path(ApiRoute route) => route.Template
        .Replace("{caseId}", "nobody-here.test", StringComparison.Ordinal)
        .Replace("{domain}", "nobody-here.test", StringComparison.Ordinal)
        .Replace("{id}", "s0000", StringComparison.Ordinal)
        .Replace("{partnerId}", "nobody", StringComparison.Ordinal)
        .Replace("{actionId}", "a0000", StringComparison.Ordinal);

    [Fact]
    public void RouteTable_EveryRouteNamesItsRoles_AndAllRolesAreKnown()
    {
        var routes = _harness.Get<ApiRouter>().Routes;

        Assert.True(routes.Count >= 15, $"only {routes.Count} routes");
        Assert.All(routes, r => Assert.All(r.Roles, role => Assert.Contains(role, Roles.All)));
        Assert.Equal(["GET /api/health", "GET /api/partner/keys"], routes.Where(r => r.Anonymous).Select(r => r.ToString()).Order());
    }

    [Fact]
    public async Task EveryRoute_WithoutIdentity401_WithoutTheRole403_WithTheRoleNeither()
    {
        var mismatches = new List<string>();
        foreach (var route in _harness.Get<ApiRouter>().Routes)
        {
            var body = route.Method is "POST" or "PUT" ? "{}" : null;
            var (anonymous, anonymousBody, _) = await _harness.Http(route.Method, Path(route), body, "application/json");
            if (route.Anonymous ? anonymous is 401 or 403 : anonymous != 401) mismatches.Add($"{route} without identity: {anonymous}");
            if (anonymous == 401 && JsonDocument.Parse(anonymousBody).RootElement.GetProperty("code").GetString() != "unauthenticated") mismatches.Add($"{route}: 401 without the error shape");
            var (unknown, _, _) = await _harness.Http(route.Method, Path(route), body, "application/json", "not-a-key");
            if (!route.Anonymous && unknown != 401) mismatches.Add($"{route} with an unknown key: {unknown}");
            // In ApiKeys mode a client-sent App Service principal is just a header: it must not sign anyone in.
            var (forged, _, _) = await _harness.Http(route.Method, Path(route), body, "application/json", headers: ForgedAdmin);
            if (!route.Anonymous && forged != 401) mismatches.Add($"{route} with a forged X-MS-CLIENT-PRINCIPAL: {forged}");
            foreach (var (role, key) in KeyOfRole)
            {
                var (status, _, _) = await _harness.Http(route.Method, Path(route), body, "application/json", key);
                var allowed = route.Anonymous || route.Roles.Contains(role);
                if (allowed ? status is 401 or 403 : status != 403) mismatches.Add($"{route} as {role}: {status}");
            }
        }

        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));
    }

    private static readonly Dictionary<string, string> ForgedAdmin = new()
    {
        ["X-MS-CLIENT-PRINCIPAL"] = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(
            """{"auth_typ":"aad","name_typ":"name","role_typ":"roles","claims":[{"typ":"name","val":"Mallory"},{"typ":"roles","val":"admin"},{"typ":"roles","val":"partner"},{"typ":"partner_id","val":"telecom-a"}]}""")),
    };

    [Theory]
    [InlineData("POST", "/api/cases/nobody-here.test/decision")]
    [InlineData("POST", "/api/cases/decisions")]
    [InlineData("PUT", "/api/allowlist/nobody-here.test")]
    [InlineData("POST", "/api/submissions")]
    [InlineData("POST", "/api/candidates")]
    public async Task DeeplyNestedOrOversizedJson_IsA4xxWithTheErrorShape(string method, string path)
    {
        var nested = new string('[', 100_000) + new string(']', 100_000);
        var (status, body, _) = await _harness.Http(method, path, nested, "application/json", AdminKey, new Dictionary<string, string> { ["If-Match"] = "\"1\"" });
        Assert.InRange(status, 400, 499);
        Assert.False(string.IsNullOrEmpty(JsonDocument.Parse(body).RootElement.GetProperty("code").GetString()));

        var huge = "[\"" + new string('a', 5 * 1024 * 1024) + "\"]";
        var (bigStatus, bigBody, _) = await _harness.Http(method, path, huge, "application/json", AdminKey, new Dictionary<string, string> { ["If-Match"] = "\"1\"" });
        Assert.InRange(bigStatus, 400, 499);
        Assert.False(string.IsNullOrEmpty(JsonDocument.Parse(bigBody).RootElement.GetProperty("code").GetString()));
    }

    [Fact]
    public async Task UnknownPathsAndMethods_AnswerJsonErrors()
    {
        var (missing, missingBody, _) = await _harness.Http("GET", "/api/no-such-thing", key: AdminKey);
        var (method, methodBody, headers) = await _harness.Http("DELETE", "/api/submissions", key: AdminKey);

        Assert.Equal(404, missing);
        Assert.Equal("not-found", JsonDocument.Parse(missingBody).RootElement.GetProperty("code").GetString());
        Assert.Equal(405, method);
        Assert.Equal("method-not-allowed", JsonDocument.Parse(methodBody).RootElement.GetProperty("code").GetString());
        Assert.Equal("POST", headers.Allow.ToString());
    }

    [Fact]
    public async Task Messages_AreWrittenAsTheyRead_NotEscaped()
    {
        var (_, body, _) = await _harness.Http("POST", "/api/submissions", "a'b.test\n坏'名.test\n", "text/plain", AnalystKey);

        Assert.DoesNotContain("\\u0027", body, StringComparison.Ordinal);
        Assert.Contains("坏'名.test", body, StringComparison.Ordinal);
    }
}
