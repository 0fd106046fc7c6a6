using System.Text.Json;
using DomainScreen.Core;
using DomainScreen.Core.Scoring;
using DomainScreen.Core.Screening;
using DomainScreen.Core.Tests.Dns;
using DomainScreen.Functions.Tests.Support;
using static DomainScreen.Functions.Tests.Review.ReviewHarness;
using static DomainScreen.Functions.Tests.Support.FunctionsHarness;

namespace DomainScreen.Functions.Tests.Review;

/// <summary>Reviewers' decisions as labels: a synthetic history in which one term fires on false flags and one decides real abuse.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class CalibrationTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly FunctionsHarness _harness = new(azurite, new FakeDnsResolver());

    public Task InitializeAsync() => _harness.InitializeAsync();

    public Task DisposeAsync() => _harness.DisposeAsync().AsTask();

    private static ScreeningResult WithEvidence(string host, params (string Id, string Signal, int Weight, string Detail)[] evidence)
    {
        var r = Result(host, "review", 60, ["face-swap"]);
        return r with { Verdict = r.Verdict! with { Evidence = evidence.Select(e => new Contribution(e.Id, e.Signal, e.Weight, e.Detail, "face-swap")).ToList() } };
    }

    private async Task DecideAllAsync(string decision, IEnumerable<ScreeningResult> results)
    {
        foreach (var result in results)
        {
            await ConsumeAsync(_harness, "cal-" + Guid.NewGuid().ToString("N")[..8], result);
            var (_, _, etag) = await GetCaseAsync(_harness, result.Domain);
            var body = decision == "approve" ? """{"decision":"approve","actions":["block"],"note":"confirmed"}""" : """{"decision":"reject","reason":"a false flag"}""";
            var (status, text, _) = await DecideAsync(_harness, result.Domain, etag, body);
            Assert.True(status == 200, text);
        }
    }

    [Fact]
    public async Task Calibration_ProposesLessWeightForWhatFiresOnRejectedCases_AndMoreForWhatDecidesApprovedOnes()
    {
        // Two catalog terms of weight 20 (照片换脸, 任何人的脸); in a verdict each carries a share of a capped total.
        var good = ("fs-zh-11", "lexicon-offer", 16, "face-swap term (weight 20)");
        var bad = ("fs-zh-03", "lexicon-offer", 16, "face-swap term (weight 20)");
        var fresh = ("domain-age-30d", "domain-age-30d", 15, "registered 3 days ago");
        await DecideAllAsync("approve", Enumerable.Range(0, 40).Select(i => WithEvidence(Fresh("cal-ok"), good, fresh)));
        await DecideAllAsync("approve", [WithEvidence(Fresh("cal-ok"), bad)]);
        await DecideAllAsync("reject", Enumerable.Range(0, 8).Select(i => WithEvidence(Fresh("cal-no"), bad, fresh)));

        var (status, body, _) = await _harness.Http("GET", "/api/calibration?minSupport=5", key: ReviewerKey);

        Assert.Equal(200, status);
        var report = JsonSerializer.Deserialize(body, CoreJson.Default.CalibrationReport)!;
        Assert.Equal((41, 8), (report.Approved, report.Rejected));
        var down = Assert.Single(report.Items, i => i.Id == "fs-zh-03");
        Assert.Equal((1, 8, 20, 10), (down.Approved, down.Rejected, down.Weight, down.ProposedWeight));
        Assert.True(down.High < 0.5, $"{down.Low}..{down.High}");
        Assert.Contains("mostly on rejected cases: 8 of 9", down.Reason, StringComparison.Ordinal);
        var up = Assert.Single(report.Items, i => i.Id == "fs-zh-11");
        Assert.Equal((40, 0, 25), (up.Approved, up.Rejected, up.ProposedWeight));
        // A signal on both sides (40 approved, 8 rejected) is left alone.
        Assert.Null(Assert.Single(report.Items, i => i.Id == "domain-age-30d").ProposedWeight);
        Assert.Equal(10, report.ProposedPolicy.GetProperty("termWeights").GetProperty("fs-zh-03").GetInt32());
        Assert.EndsWith("+calibrated", report.ProposedPolicy.GetProperty("version").GetString(), StringComparison.Ordinal);
        Assert.NotNull(report.Effect);
        // Never applied: the live policy is unchanged.
        Assert.DoesNotContain("+calibrated", _harness.Get<Core.Fingerprints.CatalogProvider>().Current.Policy.Version, StringComparison.Ordinal);
        // The proposal is a policy the loader accepts as it stands.
        _ = ScoringPolicy.Parse(report.ProposedPolicy.GetRawText(), "proposed");
    }

    [Fact]
    public async Task Calibration_IsForReviewersAndAdmins_AndValidatesItsParameters()
    {
        Assert.Equal(403, (await _harness.Http("GET", "/api/calibration", key: AnalystKey)).Status);
        Assert.Equal(400, (await _harness.Http("GET", "/api/calibration?minSupport=0", key: ReviewerKey)).Status);
        Assert.Equal(400, (await _harness.Http("GET", "/api/calibration?effect=maybe", key: ReviewerKey)).Status);
    }
}
