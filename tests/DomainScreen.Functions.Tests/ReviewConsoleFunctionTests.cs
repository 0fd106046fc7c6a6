using System.Text;
using System.Text.Json;
using DomainScreen.Core.Storage;
using DomainScreen.Core.Tests.Dns;
using DomainScreen.Functions.Tests.Support;
using static DomainScreen.Functions.Tests.Support.FunctionsHarness;

namespace DomainScreen.Functions.Tests;

/// <summary>
/// The review console as the Functions app serves it (its own HTTP function at /review/, outside /api), and the API
/// routes the console relies on: who am I, stored evidence, recent reports, every partner action, and the refusal of
/// cross-site changes.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ReviewConsoleFunctionTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly FunctionsHarness _harness = new(azurite, new FakeDnsResolver());

    public Task InitializeAsync() => _harness.InitializeAsync();

    public Task DisposeAsync() => _harness.DisposeAsync().AsTask();

    private async Task<(int Status, string Body, Microsoft.AspNetCore.Http.IHeaderDictionary Headers)> Console(string path)
    {
        var request = Request("GET", path);
        return await Execute(request, _harness.Create<ConsoleFunctions>().ReviewConsole(request));
    }

    [Fact]
    public async Task ConsoleFunction_ServesTheEmbeddedPage_WithAStrictPolicy_AndTellsHowToSignIn()
    {
        var (status, body, headers) = await Console("/review/");
        Assert.Equal(200, status);
        Assert.Contains("<script type=\"module\" src=\"app.js\"></script>", body, StringComparison.Ordinal);
        Assert.Equal("text/html; charset=utf-8", headers.ContentType.ToString());
        var csp = headers.ContentSecurityPolicy.ToString();
        Assert.Contains("default-src 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe", csp, StringComparison.Ordinal);

        var (jsStatus, js, jsHeaders) = await Console("/review/app.js");
        Assert.Equal(200, jsStatus);
        Assert.StartsWith("text/javascript", jsHeaders.ContentType.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("innerHTML", js, StringComparison.Ordinal);

        var (configStatus, config, _) = await Console("/review/config.json");
        Assert.Equal(200, configStatus);
        Assert.Equal("ApiKeys", JsonDocument.Parse(config).RootElement.GetProperty("authMode").GetString());

        Assert.Equal(404, (await Console("/review/../host.json")).Status);
        Assert.Equal(404, (await Console("/review/missing.js")).Status);
    }

    [Fact]
    public void NoConsoleFile_BuildsHtmlFromStrings()
    {
        // Data reaches the page only as text nodes (dom.js); no module parses strings as HTML.
        foreach (var name in Core.ReviewConsole.ConsoleAssets.Names.Where(n => n.EndsWith(".js", StringComparison.Ordinal)))
        {
            var text = Encoding.UTF8.GetString(new Core.ReviewConsole.ConsoleAssets(new StaticOptions()).Find(name)!.Bytes);
            foreach (var sink in new[] { "innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function" })
            {
                Assert.False(text.Contains(sink, StringComparison.Ordinal), $"{name} uses {sink}");
            }
        }
    }

    [Fact]
    public void FunctionRoutes_ApiUnderApi_ConsoleUnderReview_WithAnEmptyRoutePrefix()
    {
        var metadata = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "functions.metadata"));
        Assert.Contains("\"route\": \"api/{*path}\"", metadata.Replace("\":\"", "\": \"", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("review/{*path}", metadata, StringComparison.Ordinal);
        var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(Local.Hosting.RepositoryRoot.Find(), "host.json"))).RootElement;
        Assert.Equal("", host.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString());
    }

    [Fact]
    public async Task Me_SaysWhoTheCallerIsAndItsRoles()
    {
        var (status, body, _) = await _harness.Http("GET", "/api/me", key: PartnerKey);
        Assert.Equal(200, status);
        var me = JsonDocument.Parse(body).RootElement;
        Assert.Equal(["partner"], me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal("telecom-a", me.GetProperty("partnerId").GetString());
        Assert.Equal(401, (await _harness.Http("GET", "/api/me")).Status);
        var reviewer = JsonDocument.Parse((await _harness.Http("GET", "/api/me", key: ReviewerKey)).Body).RootElement;
        Assert.Equal(["reviewer"], reviewer.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task Evidence_PageAsDecodedText_IconAsSniffedImage_NeverAsItself()
    {
        var storage = _harness.Get<StorageClients>();
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var page = Encoding.GetEncoding("GB18030").GetBytes("<html><title>一键换脸</title><script>alert(1)</script></html>");
        var pageSha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(page));
        await storage.Evidence.GetBlobClient(EvidenceStore.BlobName(pageSha)).UploadAsync(new BinaryData(page), overwrite: true);
        byte[] png = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13];
        var pngSha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(png));
        await storage.Evidence.GetBlobClient(EvidenceStore.BlobName(pngSha)).UploadAsync(new BinaryData(png), overwrite: true);

        var (status, body, headers) = await _harness.Http("GET", $"/api/evidence/{pageSha}?charset=gbk", key: ReaderKey);
        Assert.Equal(200, status);
        Assert.StartsWith("application/json", headers.ContentType.ToString(), StringComparison.Ordinal);
        var text = JsonDocument.Parse(body).RootElement;
        Assert.Equal("<html><title>一键换脸</title><script>alert(1)</script></html>", text.GetProperty("text").GetString());
        Assert.Equal("gb18030", text.GetProperty("charset").GetString());

        var icon = JsonDocument.Parse((await _harness.Http("GET", $"/api/evidence/{pngSha}?as=image", key: ReaderKey)).Body).RootElement;
        Assert.Equal("image/png", icon.GetProperty("mediaType").GetString());
        Assert.Equal(png, Convert.FromBase64String(icon.GetProperty("base64").GetString()!));

        Assert.Equal(415, (await _harness.Http("GET", $"/api/evidence/{pageSha}?as=image", key: ReaderKey)).Status);
        Assert.Equal(400, (await _harness.Http("GET", "/api/evidence/not-a-hash", key: ReaderKey)).Status);
        Assert.Equal(404, (await _harness.Http("GET", $"/api/evidence/{new string('0', 64)}", key: ReaderKey)).Status);
        Assert.Equal(403, (await _harness.Http("GET", $"/api/evidence/{pageSha}", key: PartnerKey)).Status);
    }

    [Fact]
    public async Task ChangeFromAnotherSite_IsRefused_SameOriginAndApiClientsAreNot()
    {
        var crossSite = new Dictionary<string, string> { ["Sec-Fetch-Site"] = "cross-site" };
        var (status, body, _) = await _harness.Http("POST", "/api/sweeps", key: AdminKey, headers: crossSite);
        Assert.Equal(403, status);
        Assert.Contains("cross-site-request", body, StringComparison.Ordinal);
        // Reading is not a change.
        Assert.Equal(200, (await _harness.Http("GET", "/api/me", key: AdminKey, headers: crossSite)).Status);
        Assert.Equal(202, (await _harness.Http("POST", "/api/sweeps", key: AdminKey, headers: new Dictionary<string, string> { ["Sec-Fetch-Site"] = "same-origin" })).Status);
    }

    [Fact]
    public async Task ActionsAndReports_ListForReviewers_AndCheckTheirFilters()
    {
        var (status, body, _) = await _harness.Http("GET", "/api/actions?status=open", key: ReviewerKey);
        Assert.Equal(200, status);
        var page = JsonDocument.Parse(body).RootElement;
        Assert.Equal(24, page.GetProperty("ackTimeoutHours").GetInt32());
        Assert.Equal(JsonValueKind.Array, page.GetProperty("actions").ValueKind);
        Assert.Equal(400, (await _harness.Http("GET", "/api/actions?status=sideways", key: ReviewerKey)).Status);
        Assert.Equal(403, (await _harness.Http("GET", "/api/actions", key: AnalystKey)).Status);

        var (reportsStatus, reports, _) = await _harness.Http("GET", "/api/sweeps/reports?top=5", key: ReaderKey);
        Assert.Equal(200, reportsStatus);
        Assert.Equal(JsonValueKind.Array, JsonDocument.Parse(reports).RootElement.GetProperty("reports").ValueKind);
        Assert.Equal(400, (await _harness.Http("GET", "/api/sweeps/reports?top=500", key: ReaderKey)).Status);
    }

    private sealed class StaticOptions : Microsoft.Extensions.Options.IOptionsMonitor<Core.Api.AuthOptions>
    {
        public Core.Api.AuthOptions CurrentValue { get; } = new();

        public Core.Api.AuthOptions Get(string? name) => CurrentValue;

        public IDisposable? OnChange(Action<Core.Api.AuthOptions, string?> listener) => null;
    }
}
