using System.Text.Json;
using DomainScreen.Core;
using DomainScreen.Core.Screening;
using DomainScreen.Core.Tests.Dns;
using DomainScreen.Functions.Tests.Support;
using static DomainScreen.Functions.Tests.Support.FunctionsHarness;

namespace DomainScreen.Functions.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class SubmissionFunctionsTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly FunctionsHarness _harness = new(azurite, new FakeDnsResolver());

    public Task InitializeAsync() => _harness.InitializeAsync();

    public Task DisposeAsync() => _harness.DisposeAsync().AsTask();

    [Fact]
    public async Task SubmitDomains_MixedLines_Accepts202AndQueuesOnPriority()
    {
        var (status, body, headers) = await _harness.Http("POST", "/api/submissions", "example.com\nhttps://例子.公司/x\nbad_name.com\n1.2.3.4\nfoo.test\nbar.test\n", "text/plain", AnalystKey);

        Assert.Equal(202, status);
        var accepted = JsonSerializer.Deserialize(body, CoreJson.Default.SubmissionAccepted)!;
        Assert.Equal(["example.com", "xn--fsqu00a.xn--55qx5d", "foo.test", "bar.test"], accepted.Accepted.Select(a => a.Domain));
        Assert.Equal(["invalid-character", "ip-literal"], accepted.Errors.Select(e => e.Code));
        Assert.Equal([3, 4], accepted.Errors.Select(e => e.Line));
        Assert.Equal(accepted.StatusUrl, headers.Location.ToString());

        var messages = await _harness.DrainAsync(priority: true);
        var requests = messages.Select(m => ScreenBatchProcessor.Read(m.Body.ToString())).ToList();
        Assert.Equal(2, requests.Count); // 4 domains, 3 per message
        Assert.All(requests, r => Assert.Equal(accepted.SubmissionId, r.RunId));
        Assert.Equal(accepted.Accepted.Select(a => a.Domain).Order(), requests.SelectMany(r => r.Domains).Order());
        Assert.Empty(await _harness.DrainAsync(priority: false));
    }

    [Fact]
    public async Task SubmitDomains_AreQueuedInNameOrder_SoAMessageHoldsNeighbours_AndTheStatusKeepsEveryName()
    {
        // Input order alternates first characters; in name order each message's names share theirs (the registration
        // cache's partition), so a message reads and writes that cache once per partition instead of once per name.
        string[] input = ["b2.test", "a1.test", "b1.test", "a3.test", "b3.test", "a2.test"];
        var (status, body, _) = await _harness.Http("POST", "/api/submissions", string.Join('\n', input), "text/plain", AnalystKey);
        Assert.Equal(202, status);
        var accepted = JsonSerializer.Deserialize(body, CoreJson.Default.SubmissionAccepted)!;
        Assert.Equal(input, accepted.Accepted.Select(a => a.Domain)); // the answer keeps the caller's order

        var requests = (await _harness.DrainAsync(priority: true)).Select(m => ScreenBatchProcessor.Read(m.Body.ToString()))
            .OrderBy(r => r.RequestId, StringComparer.Ordinal).ToList();
        Assert.Equal([["a1.test", "a2.test", "a3.test"], ["b1.test", "b2.test", "b3.test"]], requests.Select(r => r.Domains.ToArray()));
        var (_, statusBody, _) = await _harness.Http("GET", $"/api/submissions/{accepted.SubmissionId}", key: AnalystKey);
        var listed = JsonSerializer.Deserialize(statusBody, CoreJson.Default.SubmissionStatus)!;
        Assert.Equal(input.Order(StringComparer.Ordinal), listed.Domains.Select(d => d.Domain));
    }

    [Fact]
    public async Task SubmitDomains_ConfusableAndMixedScriptNames_AreAcceptedAndMarked()
    {
        // ex\u0430mple.com: a Cyrillic а, displayed exactly like example.com; d\u0435\u0435pseek.com imitates deepseek.com.
        var (status, body, _) = await _harness.Http("POST", "/api/submissions", "ex\u0430mple.com\nd\u0435\u0435pseek.com\ndeepseek-login.top\nexample.org\n", "text/plain", AnalystKey);

        Assert.Equal(202, status);
        var accepted = JsonSerializer.Deserialize(body, CoreJson.Default.SubmissionAccepted)!.Accepted.ToDictionary(a => a.DisplayName);
        var lookalike = accepted["ex\u0430mple.com"].Marks!;
        Assert.Equal(["Latn", "Cyrl"], lookalike.MixedScript);
        Assert.Equal("example.com", lookalike.LooksLike);
        Assert.Equal("deepseek.com", accepted["d\u0435\u0435pseek.com"].Marks!.ConfusableWith);
        Assert.Equal("brand-deepseek", accepted["deepseek-login.top"].Marks!.Brand);
        Assert.Null(accepted["example.org"].Marks);
        Assert.Contains("\"looksLike\":\"example.com\"", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetSubmission_AfterSubmit_ListsEveryDomainQueuedWithLineErrors()
    {
        var (_, body, _) = await _harness.Http("POST", "/api/submissions", """["a.test","b.test","com.cn"]""", "application/json", AnalystKey);
        var id = JsonSerializer.Deserialize(body, CoreJson.Default.SubmissionAccepted)!.SubmissionId;

        var (status, statusBody, _) = await _harness.Http("GET", $"/api/submissions/{id}", key: ReaderKey);

        Assert.Equal(200, status);
        var submission = JsonSerializer.Deserialize(statusBody, CoreJson.Default.SubmissionStatus)!;
        Assert.Equal((2, 2, 0), (submission.Total, submission.Pending, submission.Completed));
        Assert.Equal("public-suffix", Assert.Single(submission.Errors).Code);
        Assert.Equal("analyst-user", submission.SubmittedBy);
    }

    [Fact]
    public async Task SubmitDomains_NothingValid_Is400WithEachLineError()
    {
        var (status, body, _) = await _harness.Http("POST", "/api/submissions", "localhost\n*.foo.cn\n", "text/plain", AnalystKey);

        Assert.Equal(400, status);
        using var doc = JsonDocument.Parse(body);
        Assert.Equal("no-valid-domains", doc.RootElement.GetProperty("code").GetString());
        Assert.Equal(["single-label", "wildcard-not-allowed"],
            doc.RootElement.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("code").GetString()));
    }

    [Fact]
    public async Task SubmitDomains_OverLineLimit_Is413AndQueuesNothing()
    {
        var (status, _, _) = await _harness.Http("POST", "/api/submissions", string.Join('\n', Enumerable.Range(0, 51).Select(i => $"d{i}.test")), "text/plain", AnalystKey);

        Assert.Equal(413, status);
        Assert.Empty(await _harness.DrainAsync(priority: true));
    }

    [Fact]
    public async Task SubmitDomains_CsvWithDomainColumn_IsAccepted()
    {
        var (status, body, _) = await _harness.Http("POST", "/api/submissions", "source,domain\nfeed,x.test\nfeed,\"y.test\"\n", "text/csv", AnalystKey);

        Assert.Equal(202, status);
        Assert.Equal(2, JsonSerializer.Deserialize(body, CoreJson.Default.SubmissionAccepted)!.AcceptedCount);
    }

    [Theory]
    [InlineData(null, 401)]
    [InlineData("wrong", 401)]
    [InlineData(ReaderKey, 403)]
    public async Task SubmitDomains_WithoutAnalystRole_IsRefused(string? key, int expected)
    {
        var (status, _, _) = await _harness.Http("POST", "/api/submissions", "a.test", "text/plain", key);

        Assert.Equal(expected, status);
        Assert.Empty(await _harness.DrainAsync(priority: true));
    }

    [Fact]
    public async Task GetSubmission_Unknown_Is404()
    {
        var (status, _, _) = await _harness.Http("GET", "/api/submissions/s0000", key: ReaderKey);

        Assert.Equal(404, status);
    }
}
