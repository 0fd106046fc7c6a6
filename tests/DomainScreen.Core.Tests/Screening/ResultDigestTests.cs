using DomainScreen.Core.Dns;
using DomainScreen.Core.Fetching;
using DomainScreen.Core.Scoring;
using DomainScreen.Core.Screening;

namespace DomainScreen.Core.Tests.Screening;

/// <summary>What makes two results "the same" for a repeated sweep, and what does not.</summary>
public sealed class ResultDigestTests
{
    private static ScreeningResult Result(string address = "203.0.113.5", int ttl = 300, string? body = "abc", string outcome = FetchOutcomes.Ok,
        int score = 80, string band = "block", DateTimeOffset? at = null, int durationMs = 900, string requestId = "r1")
    {
        var dns = new DnsEvidence("x.test", DnsOutcome.Answer, [], [address],
            [new DnsAnswer("x.test", DnsRecordType.A, DnsOutcome.Answer, "NoError", [new DnsRecord("x.test", DnsRecordType.A, ttl, address)], 3)],
            null, new FastFluxHints(1, ttl, 1, 0));
        var fetch = new FetchEvidence { Outcome = outcome, Status = 200, BodySha256 = body, FinalUrl = "http://x.test/", ElapsedMs = durationMs };
        var verdict = new Verdict(score, band, ["face-swap"], [new ProductRef("facefusion", "FaceFusion")], [], [], [$"registered {durationMs} days ago"], "c1", "p1");
        return new ScreeningResult("x.test", "x.test", "x.test", ScreeningStages.Scored, ScreeningResult.Completed, null,
            at ?? new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero), durationMs, requestId, "sweep", "s1", dns, fetch, null, verdict);
    }

    [Fact]
    public void TimesTtlsDurationsRequestIdsAndNotes_DoNotChangeIt()
    {
        Assert.Equal(ResultDigest.Of(Result()),
            ResultDigest.Of(Result(ttl: 60, at: new DateTimeOffset(2026, 12, 2, 0, 0, 0, TimeSpan.Zero), durationMs: 1500, requestId: "r2")));
    }

    [Fact]
    public void WhatAReviewerWouldSee_ChangesIt()
    {
        var baseline = ResultDigest.Of(Result());
        Assert.NotEqual(baseline, ResultDigest.Of(Result(address: "198.51.100.9")));
        Assert.NotEqual(baseline, ResultDigest.Of(Result(body: "def")));
        Assert.NotEqual(baseline, ResultDigest.Of(Result(score: 81)));
        Assert.NotEqual(baseline, ResultDigest.Of(Result(band: "review")));
    }

    [Fact]
    public void AFetchCutOffByTheBudget_IsTheSameWhereverTheClockStoppedIt()
    {
        Assert.Equal(ResultDigest.Of(Result(body: "partial-1", outcome: FetchOutcomes.Timeout)), ResultDigest.Of(Result(body: "partial-2", outcome: FetchOutcomes.Timeout)));
        Assert.NotEqual(ResultDigest.Of(Result(outcome: FetchOutcomes.Timeout)), ResultDigest.Of(Result()));
    }
}
