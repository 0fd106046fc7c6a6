using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using DomainScreen.Core;
using DomainScreen.Core.Domains;
using DomainScreen.Core.Fingerprints;
using DomainScreen.Core.Rescoring;
using DomainScreen.Core.Scoring;
using DomainScreen.Core.Screening;
using DomainScreen.Core.Storage;
using DomainScreen.Local.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace DomainScreen.Local.Tests.Lab;

/// <summary>Re-scoring stored evidence: the same catalog and policy give the same verdict; a new policy shows what would move.</summary>
[Collection(LocalWorldCollection.Name)]
public sealed class RescoreTests(LocalWorldFixture world)
{
    private T Get<T>() where T : notnull => world.App.Services.GetRequiredService<T>();

    /// <summary>Screens and stores a lab name as the batch processor does (evidence blobs, then the result row).</summary>
    private async Task<ScreeningResult> ScreenAndStoreAsync(string domain)
    {
        var request = new ScreenRequest(1, "rescore-" + Guid.NewGuid().ToString("N")[..8], ScreenRequest.SubmissionSource, "rescore-test", [domain], Get<TimeProvider>().GetUtcNow());
        var result = await Get<DomainScreener>().ScreenAsync(Get<DomainParser>().Parse(domain), request, Get<CatalogProvider>().Current, CancellationToken.None);
        if (result.Fetch is { } fetch) await Get<EvidenceStore>().SaveAsync(fetch, CancellationToken.None);
        await Get<ResultStore>().SaveAsync(result, request.RequestedAt, CancellationToken.None);
        return result;
    }

    [Theory]
    [InlineData("chat-relay.test")] // identified through a probe answer (/api/status) and a header
    [InlineData("sd-webui.test")] // probe /internal/ping
    [InlineData("faceswap-studio.test")] // lexicon, registration age
    [InlineData("licensed-ai.test")] // HTTPS, filings
    [InlineData("deepseek-desktop.test")] // brand claim and a borrowed name
    [InlineData("gone-away.test")] // no page at all
    public async Task RescoreWithTheSameCatalogAndPolicy_GivesTheVerdictOfTheScreen(string domain)
    {
        var screened = await ScreenAndStoreAsync(domain);
        var stored = (await Get<ResultStore>().GetLatestAsync(screened.Domain, CancellationToken.None))!;
        var (catalog, policy) = Get<CatalogProvider>().Current;

        var rescored = (await Get<Rescorer>().RescoreAsync(stored, catalog, policy, CancellationToken.None))!.Verdict!;

        var original = screened.Verdict!;
        Assert.Equal((original.Band, original.Score), (rescored.Band, rescored.Score));
        Assert.Equal(original.Categories, rescored.Categories);
        Assert.Equal(original.Products, rescored.Products);
        Assert.Equal(original.Functions, rescored.Functions);
        Assert.Equal(original.Evidence.Select(e => (e.Id, e.Weight, e.Field, e.Matched, e.Offset)), rescored.Evidence.Select(e => (e.Id, e.Weight, e.Field, e.Matched, e.Offset)));
    }

    [Fact]
    public async Task PreviewOfAStricterPolicy_CountsTheMoves_AndListsTheChangedDomains_WritingNothing()
    {
        var screened = await ScreenAndStoreAsync("comment-army.test");
        Assert.Equal(Bands.Block, screened.Verdict!.Band);
        var policy = JsonSerializer.Serialize(JsonDocument.Parse(ReadBuiltInPolicy()).RootElement)
            .Replace("\"bands\":{\"watch\":20,\"review\":45,\"block\":75}", "\"bands\":{\"watch\":20,\"review\":99,\"block\":100}", StringComparison.Ordinal);
        Assert.Contains("\"review\":99", policy, StringComparison.Ordinal);

        using var response = await world.Http.PostAsync(new Uri("/api/rescore", UriKind.Relative),
            new StringContent($$"""{"policy": {{policy}}, "top": 1000}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var report = (await response.Content.ReadFromJsonAsync(CoreJson.Default.RescoreReport))!;
        Assert.True(report.Rescored >= 1);
        // Strong page evidence of abuse is still raised to review (a policy cannot hide it from reviewers), no longer block.
        Assert.Contains(report.Moves, m => m is { From: "block", To: "review" } && m.Count >= 1);
        var change = Assert.Single(report.Changes, c => c.Domain == "comment-army.test");
        Assert.Equal(("block", "review"), (change.FromBand, change.ToBand));
        Assert.Equal(Bands.Block, (await Get<ResultStore>().GetLatestAsync("comment-army.test", CancellationToken.None))!.Verdict!.Band);
    }

    [Fact]
    public async Task PreviewOfABrokenCatalog_IsRefusedWithEveryProblem()
    {
        using var response = await world.Http.PostAsync(new Uri("/api/rescore", UriKind.Relative),
            new StringContent("""{"catalog": {"bad.json": {"version": "x", "signatures": [{"id": "s", "product": "P", "categories": ["painting"], "rules": []}]}}}""",
                Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("invalid-catalog", body, StringComparison.Ordinal);
        Assert.Contains("unknown category 'painting'", body, StringComparison.Ordinal);
        Assert.Contains("has no rules", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RescoreCommand_PrintsTheMovesAndChanges_FromAPolicyFile()
    {
        await ScreenAndStoreAsync("spicy-pics.test");
        var file = Path.Combine(Path.GetTempPath(), "ds-policy-" + Guid.NewGuid().ToString("N")[..8] + ".json");
        await File.WriteAllTextAsync(file, ReadBuiltInPolicy().Replace("\"review\":45,\"block\":75", "\"review\":99,\"block\":100", StringComparison.Ordinal));
        try
        {
            var (exit, output) = await CommandProcess.RunAsync(["rescore", "--policy", file, "--url", world.BaseAddress.ToString(), "--key", LocalWorldFixture.AdminKey]);

            Assert.True(exit == 0, output);
            Assert.Contains("stored results:", output, StringComparison.Ordinal);
            Assert.Contains("block  -> review", output, StringComparison.Ordinal);
            Assert.Contains("spicy-pics.test: block", output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task CalibrateCommand_WritesTheProposedPolicy_AndSaysWhatItWouldChange()
    {
        var file = Path.Combine(Path.GetTempPath(), "ds-calibrated-" + Guid.NewGuid().ToString("N")[..8] + ".json");
        try
        {
            var (exit, output) = await CommandProcess.RunAsync(["calibrate", "--out", file, "--url", world.BaseAddress.ToString(), "--key", LocalWorldFixture.AdminKey]);

            Assert.True(exit == 0, output);
            Assert.Contains("labels:", output, StringComparison.Ordinal);
            Assert.Contains("not applied: an admin uploads it", output, StringComparison.Ordinal);
            // Whatever it proposes, the file is a policy the loader accepts.
            _ = ScoringPolicy.Parse(await File.ReadAllTextAsync(file), file);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task NightlyRescore_AfterAPolicyUpdate_StoresTheNewVerdict_AndOpensTheCase_OnceForThatPolicy()
    {
        var screened = await ScreenAndStoreAsync("parents-notice.test");
        Assert.Equal(Bands.Clear, screened.Verdict!.Band);
        Assert.True(screened.Verdict.Score > 5, $"score {screened.Verdict.Score}");
        var (catalog, live) = Get<CatalogProvider>().Current;
        // A policy that flags from 5 points: stands for "a new signature now catches an old domain".
        var policy = ScoringPolicy.Parse(ReadBuiltInPolicy()
            .Replace("\"bands\":{\"watch\":20,\"review\":45,\"block\":75}", "\"bands\":{\"watch\":2,\"review\":5,\"block\":99}", StringComparison.Ordinal)
            .Replace($"\"version\":\"{live.Version}\"", $"\"version\":\"nightly-{Guid.NewGuid():N}\"", StringComparison.Ordinal), "test policy");
        var job = Get<RescoreJob>();

        var report = (await job.RunAsync(catalog, policy, CancellationToken.None))!;

        Assert.Contains(report.Changes, c => c.Domain == "parents-notice.test" && c.ToBand == Bands.Review && c.CaseEffect == "open");
        var latest = (await Get<ResultStore>().GetLatestAsync("parents-notice.test", CancellationToken.None))!;
        Assert.Equal((RescoreJob.Source, Bands.Review), (latest.Source, latest.Verdict!.Band));
        Assert.StartsWith("rescore-", latest.RequestId, StringComparison.Ordinal);
        Assert.Equal(screened.ScreenedAt, latest.ScreenedAt); // the evidence's time, not the re-score's
        using var caseResponse = await world.Http.GetAsync(new Uri("/api/cases/parents-notice.test", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, caseResponse.StatusCode);
        Assert.Contains("\"rescore\"", await caseResponse.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // The same catalog and policy again: nothing to do.
        Assert.Null(await job.RunAsync(catalog, policy, CancellationToken.None));
    }

    private static string ReadBuiltInPolicy()
    {
        using var stream = typeof(RiskScorer).Assembly.GetManifestResourceStream("policy/policy.json")!;
        using var reader = new StreamReader(stream);
        var text = reader.ReadToEnd();
        // The policy file has comments; the API takes JSON as a value, so strip them the way a JSON reader with comments would.
        return JsonSerializer.Serialize(JsonDocument.Parse(text, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip }).RootElement);
    }
}
