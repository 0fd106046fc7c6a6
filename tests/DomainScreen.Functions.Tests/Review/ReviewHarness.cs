using System.Text.Json;
using DomainScreen.Core;
using DomainScreen.Core.Dns;
using DomainScreen.Core.Review;
using DomainScreen.Core.Scoring;
using DomainScreen.Core.Screening;
using DomainScreen.Functions.Tests.Support;

namespace DomainScreen.Functions.Tests.Review;

/// <summary>Screening results made to order, handed to the real result consumers, and the API called as the host would.</summary>
internal static class ReviewHarness
{
    /// <summary>A registrable domain no other test uses (the tests share one Azurite).</summary>
    public static string Fresh(string stem) => $"{stem}-{Guid.NewGuid().ToString("N")[..10]}.test";

    public static ScreeningResult Result(string host, string band, int score, string[]? categories = null, string[]? products = null,
        string page = "page-1", string? registrable = null, DateTimeOffset? at = null) =>
        new(host, host, registrable ?? host, ScreeningStages.Scored, ScreeningResult.Completed, null, at ?? DateTimeOffset.UnixEpoch.AddYears(56), 10,
            "req-" + Guid.NewGuid().ToString("N")[..8], ScreenRequest.SweepSource, "sweep-test", new DnsEvidence(host, DnsOutcome.Answer, [], ["192.0.2.1"], [], null, new FastFluxHints(1, 300, 1, 0)),
            new Core.Fetching.FetchEvidence { Outcome = "ok", BodySha256 = page },
            Verdict: new Verdict(score, band, categories ?? ["nudify"], (products ?? []).Select(p => new ProductRef(p, p)).ToList(), [], [], [], "cat-1", "pol-1"));

    /// <summary>Hands one batch to every registered consumer, as screening does after storing it.</summary>
    public static async Task ConsumeAsync(FunctionsHarness harness, string requestId, params ScreeningResult[] results)
    {
        var request = new ScreenRequest(1, requestId, ScreenRequest.SweepSource, "sweep-test", results.Select(r => r.Domain).ToList(), harness.Time.GetUtcNow());
        var batch = new ScreenedBatch(request, results.Select(r => r with { RequestId = requestId }).ToList());
        foreach (var consumer in harness.Get<IEnumerable<IScreeningResultConsumer>>()) await consumer.ConsumeAsync(batch, CancellationToken.None);
    }

    public static async Task<(int Status, CaseDetail? Case, string? ETag)> GetCaseAsync(FunctionsHarness harness, string caseId, string key = FunctionsHarness.ReviewerKey)
    {
        var (status, body, headers) = await harness.Http("GET", "/api/cases/" + caseId, key: key);
        return (status, status == 200 ? JsonSerializer.Deserialize(body, CoreJson.Default.CaseDetail) : null, headers.ETag.ToString());
    }

    public static Task<(int Status, string Body, Microsoft.AspNetCore.Http.IHeaderDictionary Headers)> DecideAsync(FunctionsHarness harness, string caseId,
        string? etag, string body, string key = FunctionsHarness.ReviewerKey) =>
        harness.Http("POST", $"/api/cases/{caseId}/decision", body, "application/json", key,
            etag is null ? null : new Dictionary<string, string> { ["If-Match"] = etag });
}
