using System.Text.Json;
using DomainScreen.Core;
using DomainScreen.Core.Review;
using DomainScreen.Core.Tests.Dns;
using DomainScreen.Functions.Tests.Support;
using static DomainScreen.Functions.Tests.Review.ReviewHarness;
using static DomainScreen.Functions.Tests.Support.FunctionsHarness;

namespace DomainScreen.Functions.Tests.Review;

/// <summary>Cases opened by the result consumer and decided through the API, against Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class CaseFlowTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly FunctionsHarness _harness = new(azurite, new FakeDnsResolver());

    public Task InitializeAsync() => _harness.InitializeAsync();

    public Task DisposeAsync() => _harness.DisposeAsync().AsTask();

    [Fact]
    public async Task FlaggedHostsOfOneRegistrableDomain_GatherUnderOneCase()
    {
        var domain = Fresh("swap");
        await ConsumeAsync(_harness, "r1",
            Result("app." + domain, "block", 92, ["face-swap"], ["facefusion"], registrable: domain),
            Result("www." + domain, "review", 60, ["face-swap", "voice-clone"], registrable: domain),
            Result("blog." + domain, "clear", 0, [], registrable: domain));

        var (status, c, etag) = await GetCaseAsync(_harness, domain);

        Assert.Equal(200, status);
        Assert.Equal(CaseStates.Pending, c!.State);
        Assert.Equal(["app." + domain, "www." + domain], c.Case.Hosts.Select(h => h.Host).Order());
        Assert.Equal(("block", 92), (c.Case.Band, c.Case.Score));
        Assert.Equal(["face-swap", "voice-clone"], c.Case.Categories.Order());
        Assert.Equal(["facefusion"], c.Case.Products);
        Assert.Equal(2, c.History.Count);
        Assert.Equal("app." + domain, c.Latest!.Domain);
        Assert.Equal("\"1\"", etag);
        Assert.Equal("opened", Assert.Single(c.Events).Event);
    }

    [Fact]
    public async Task SameBatchDeliveredTwice_AddsNothingTheSecondTime()
    {
        var domain = Fresh("twice");
        var result = Result(domain, "block", 90);

        await ConsumeAsync(_harness, "r-same", result);
        await ConsumeAsync(_harness, "r-same", result);

        var (_, c, _) = await GetCaseAsync(_harness, domain);
        Assert.Single(c!.History);
        Assert.Single(c.Events);
        Assert.Equal(1, c.Case.Version);
        var (_, audit, _) = await _harness.Http("GET", $"/api/audit?caseId={domain}", key: AdminKey);
        Assert.Single(JsonSerializer.Deserialize(audit, CoreJson.Default.AuditPage)!.Entries);
    }

    [Fact]
    public async Task Rescreens_AddHistory_AndARejectedCaseReopensOnlyOnNewEvidence()
    {
        var domain = Fresh("reopen");
        await ConsumeAsync(_harness, "r1", Result(domain, "block", 90, page: "page-a"));
        _harness.Time.Advance(TimeSpan.FromMinutes(5));
        var (_, _, etag) = await GetCaseAsync(_harness, domain);
        var (rejected, _, _) = await DecideAsync(_harness, domain, etag, """{"decision":"reject","reason":"a photo studio's own demo"}""");
        Assert.Equal(200, rejected);

        _harness.Time.Advance(TimeSpan.FromHours(1));
        await ConsumeAsync(_harness, "r2", Result(domain, "block", 90, page: "page-a", at: _harness.Time.GetUtcNow()));
        var (_, same, _) = await GetCaseAsync(_harness, domain);
        Assert.Equal(CaseStates.Rejected, same!.State);
        Assert.Equal(2, same.History.Count);

        _harness.Time.Advance(TimeSpan.FromHours(1));
        await ConsumeAsync(_harness, "r3", Result(domain, "block", 95, page: "page-b", at: _harness.Time.GetUtcNow()));
        var (_, reopened, _) = await GetCaseAsync(_harness, domain);
        Assert.Equal(CaseStates.Pending, reopened!.State);
        Assert.Equal(3, reopened.History.Count);
        Assert.Equal(["opened", "rejected", "reopened"], reopened.Events.Select(e => e.Event));
        var (_, audit, _) = await _harness.Http("GET", $"/api/audit?caseId={domain}", key: ReviewerKey);
        Assert.Equal(["case.reopened", "case.decision", "case.opened"], JsonSerializer.Deserialize(audit, CoreJson.Default.AuditPage)!.Entries.Select(e => e.Action));
    }

    /// <summary>
    /// A known case's host whose batch held its result abridged (the case was opened after that screen ended): the case's
    /// latest result is read back whole from the result store, not kept without its evidence detail.
    /// </summary>
    [Fact]
    public async Task AnAbridgedResultOfAKnownCase_ReachesTheCaseWhole()
    {
        var domain = Fresh("abridged");
        await ConsumeAsync(_harness, "r1", Result(domain, "block", 90));
        _harness.Time.Advance(TimeSpan.FromMinutes(5));
        var whole = Result(domain, "clear", 0, [], at: _harness.Time.GetUtcNow()) with
        {
            RequestId = "r2",
            Fetch = new Core.Fetching.FetchEvidence
            {
                Outcome = "ok", BodySha256 = "page-2", Headers = new Dictionary<string, string> { ["server"] = "nginx" },
                Attempts = [new("http://" + domain + "/", "ok", null, [new("http://" + domain + "/", 200, null, "192.0.2.1", false, 3)])],
            },
        };
        await _harness.Get<Core.Screening.ResultStore>().SaveAsync(whole, _harness.Time.GetUtcNow(), CancellationToken.None);

        await ConsumeAsync(_harness, "r2", whole.Abridged());

        var (_, c, _) = await GetCaseAsync(_harness, domain);
        Assert.Equal(2, c!.History.Count);
        Assert.Equal("page-2", c.Latest!.Fetch!.BodySha256);
        Assert.Equal("nginx", c.Latest.Fetch.Headers["server"]);
        Assert.Single(c.Latest.Fetch.Attempts);
    }

    [Fact]
    public async Task TwoReviewersDecidingTheSameVersion_OneWinsTheOtherGets412()
    {
        var domain = Fresh("race");
        await ConsumeAsync(_harness, "r1", Result(domain, "block", 90));
        var (_, _, etag) = await GetCaseAsync(_harness, domain);

        var first = DecideAsync(_harness, domain, etag, """{"decision":"approve","actions":["block"],"note":"clear nudify offer"}""");
        var second = DecideAsync(_harness, domain, etag, """{"decision":"reject","reason":"looks fine"}""", Reviewer2Key);
        var statuses = (await Task.WhenAll(first, second)).Select(r => r.Status).Order().ToArray();

        Assert.Equal([200, 412], statuses);
        var loser = (await first).Status == 412 ? await first : await second;
        using var error = JsonDocument.Parse(loser.Body);
        Assert.Equal("stale-etag", error.RootElement.GetProperty("code").GetString());
        Assert.Contains("by ", error.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Decide_PreconditionsAndBodies_AreCheckedWithSpecificAnswers()
    {
        var domain = Fresh("checks");
        await ConsumeAsync(_harness, "r1", Result(domain, "review", 60));
        var (_, _, etag) = await GetCaseAsync(_harness, domain);

        Assert.Equal(428, (await DecideAsync(_harness, domain, null, """{"decision":"escalate"}""")).Status);
        Assert.Equal(428, (await DecideAsync(_harness, domain, "*", """{"decision":"escalate"}""")).Status);
        Assert.Equal(412, (await DecideAsync(_harness, domain, "\"9\"", """{"decision":"escalate"}""")).Status);
        Assert.Equal(400, (await DecideAsync(_harness, domain, etag, """{"decision":"reject","reason":"x","alowlist":true}""")).Status);
        Assert.Equal(400, (await DecideAsync(_harness, domain, etag, """{"decision":"approve"}""")).Status);
        Assert.Equal(400, (await DecideAsync(_harness, domain, etag, "not json")).Status);
        Assert.Equal(404, (await DecideAsync(_harness, "nothing-here-" + domain, etag, """{"decision":"escalate"}""")).Status);
        Assert.Equal(400, (await DecideAsync(_harness, "www." + domain, etag, """{"decision":"escalate"}""")).Status); // not a registrable domain
        var (ok, _, headers) = await DecideAsync(_harness, domain, etag, """{"decision":"escalate","note":"needs a second look"}""");
        Assert.Equal((200, "\"2\""), (ok, headers.ETag.ToString()));
        var (again, body, _) = await DecideAsync(_harness, domain, "\"2\"", """{"decision":"escalate"}""");
        Assert.Equal(409, again);
        Assert.Contains("invalid-transition", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deregister_NeedsASecondReviewer_NotTheSamePrincipal()
    {
        var domain = Fresh("dereg");
        await ConsumeAsync(_harness, "r1", Result(domain, "block", 95));
        const string approve = """{"decision":"approve","actions":["block","deregister"],"scope":"registrable-domain"}""";

        var (first, firstBody, h1) = await DecideAsync(_harness, domain, "\"1\"", approve);
        Assert.Equal(202, first);
        Assert.Equal(CaseStates.Pending, JsonSerializer.Deserialize(firstBody, CoreJson.Default.CaseRecord)!.State);
        var (same, sameBody, _) = await DecideAsync(_harness, domain, h1.ETag.ToString(), approve);
        Assert.Equal(409, same);
        Assert.Contains("same-approver", sameBody, StringComparison.Ordinal);
        var (second, secondBody, _) = await DecideAsync(_harness, domain, h1.ETag.ToString(), approve, Reviewer2Key);

        Assert.Equal(200, second);
        var approved = JsonSerializer.Deserialize(secondBody, CoreJson.Default.CaseRecord)!;
        Assert.Equal(CaseStates.Approved, approved.State);
        Assert.Equal(["reviewer-user", "reviewer2-user"], approved.Approved!.ApprovedBy);
        Assert.Equal(ActionScopes.RegistrableDomain, approved.Approved.Scope);
    }

    [Fact]
    public async Task RejectIntoTheAllowlist_ThenTheDomainOpensNoNewCase_AndTheScorerCapsIt()
    {
        var domain = Fresh("allow");
        await ConsumeAsync(_harness, "r1", Result(domain, "block", 90, page: "p1"));
        var (status, _, _) = await DecideAsync(_harness, domain, "\"1\"",
            """{"decision":"reject","reason":"licensed studio, filing checked","allowlist":true,"allowlistUntil":"2027-06-01T00:00:00Z"}""");
        Assert.Equal(200, status);

        var (entryStatus, entryBody, _) = await _harness.Http("GET", "/api/allowlist/" + domain, key: ReviewerKey);
        Assert.Equal(200, entryStatus);
        var entry = JsonSerializer.Deserialize(entryBody, CoreJson.Default.AllowlistEntry)!;
        Assert.Equal(("reviewer-user", domain), (entry.Author, entry.CaseId));
        Assert.Equal(new DateTimeOffset(2027, 6, 1, 0, 0, 0, TimeSpan.Zero), entry.Until);

        // New evidence on an allowlisted name does not put it before a reviewer again.
        await ConsumeAsync(_harness, "r2", Result(domain, "block", 99, ["nudify", "face-swap"], page: "p2", at: _harness.Time.GetUtcNow().AddHours(1)));
        Assert.Equal(CaseStates.Rejected, (await GetCaseAsync(_harness, domain)).Case!.State);
        Assert.NotNull(_harness.Get<ReviewAllowlist>().Match("shop." + domain));

        // An allowlisted name that never had a case opens none.
        var other = Fresh("allow-new");
        Assert.Equal(200, (await _harness.Http("PUT", "/api/allowlist/" + other, """{"reason":"state broadcaster"}""", "application/json", AdminKey)).Status);
        await ConsumeAsync(_harness, "r3", Result(other, "block", 90));
        Assert.Equal(404, (await GetCaseAsync(_harness, other)).Status);
    }

    [Fact]
    public async Task Allowlist_RoutesCheckTheirInput_AndDeleteRemoves()
    {
        var domain = Fresh("entry");
        Assert.Equal(403, (await _harness.Http("PUT", "/api/allowlist/" + domain, """{"reason":"x"}""", "application/json", ReviewerKey)).Status);
        Assert.Equal(400, (await _harness.Http("PUT", "/api/allowlist/" + domain, """{"why":"x"}""", "application/json", AdminKey)).Status);
        Assert.Equal(400, (await _harness.Http("PUT", "/api/allowlist/" + domain, """{"reason":"x","until":"2001-01-01T00:00:00Z"}""", "application/json", AdminKey)).Status);
        Assert.Equal(400, (await _harness.Http("PUT", "/api/allowlist/bad_name.test", """{"reason":"x"}""", "application/json", AdminKey)).Status);
        Assert.Equal(200, (await _harness.Http("PUT", "/api/allowlist/" + domain.ToUpperInvariant() + ".", """{"reason":"x"}""", "application/json", AdminKey)).Status);
        Assert.Equal(200, (await _harness.Http("GET", "/api/allowlist/" + domain, key: ReviewerKey)).Status);
        Assert.Equal(204, (await _harness.Http("DELETE", "/api/allowlist/" + domain, key: AdminKey)).Status);
        Assert.Equal(404, (await _harness.Http("DELETE", "/api/allowlist/" + domain, key: AdminKey)).Status);
        Assert.Null(_harness.Get<ReviewAllowlist>().Match(domain));
    }

    [Fact]
    public async Task Appeal_RecordedByAnAnalyst_ThenUpheldOrReversedByAReviewer()
    {
        var domain = Fresh("appeal");
        await ConsumeAsync(_harness, "r1", Result(domain, "block", 90));
        Assert.Equal(200, (await DecideAsync(_harness, domain, "\"1\"", """{"decision":"approve","actions":["block"]}""")).Status);
        const string appeal = """{"contact":"owner@studio.example","text":"We only swap faces of consenting customers."}""";

        Assert.Equal(403, (await _harness.Http("POST", $"/api/cases/{domain}/appeal", appeal, "application/json", ReviewerKey)).Status);
        var (status, _, headers) = await _harness.Http("POST", $"/api/cases/{domain}/appeal", appeal, "application/json", AnalystKey);
        Assert.Equal(200, status);
        Assert.Equal(409, (await _harness.Http("POST", $"/api/cases/{domain}/appeal", appeal, "application/json", AnalystKey)).Status);
        var (reversed, body, _) = await DecideAsync(_harness, domain, headers.ETag.ToString(), """{"decision":"reverse","note":"consent shown"}""");

        Assert.Equal(200, reversed);
        Assert.Equal(CaseStates.Rejected, JsonSerializer.Deserialize(body, CoreJson.Default.CaseRecord)!.State);
        var (_, c, _) = await GetCaseAsync(_harness, domain);
        Assert.Equal(["opened", "approved", "appealed", "appeal-reversed"], c!.Events.Select(e => e.Event));
        Assert.Equal("owner@studio.example", c.Events[2].Contact);
    }

    [Fact]
    public async Task BulkDecisions_AnswerEachItem()
    {
        var a = Fresh("bulk-a");
        var b = Fresh("bulk-b");
        await ConsumeAsync(_harness, "r1", Result(a, "block", 90), Result(b, "review", 55));
        var body = $$"""
            {"decisions":[
              {"caseId":"{{a}}","etag":"\"1\"","decision":"approve","actions":["block"]},
              {"caseId":"{{b}}","etag":"\"7\"","decision":"escalate"},
              {"caseId":"{{b}}","decision":"escalate"},
              {"caseId":"not a domain","etag":"\"1\"","decision":"escalate"},
              {"caseId":"{{b}}","etag":"\"1\"","decision":"approve"}
            ]}
            """;

        var (status, json, _) = await _harness.Http("POST", "/api/cases/decisions", body, "application/json", ReviewerKey);

        Assert.Equal(200, status);
        var results = JsonSerializer.Deserialize(json, CoreJson.Default.BulkDecisionResult)!.Results;
        Assert.Equal([200, 412, 428, 400, 400], results.Select(r => r.Status));
        Assert.Equal((CaseStates.Approved, "\"2\""), (results[0].State, results[0].Etag));
    }

    [Fact]
    public async Task List_FiltersAndSortsByScoreThenNewest()
    {
        var stem = "lst" + Guid.NewGuid().ToString("N")[..8];
        await ConsumeAsync(_harness, "r1",
            Result($"{stem}-a.test", "review", 50, ["genai-service"], ["dify"]) is var a ? a with { Verdict = a.Verdict! with { Functions = ["agent-platform", "chat"] } } : null!,
            Result($"{stem}-b.test", "block", 90, ["nudify"]),
            Result($"{stem}-c.test", "block", 80, ["face-swap"], ["facefusion"]));

        async Task<CaseList> List(string query) =>
            JsonSerializer.Deserialize((await _harness.Http("GET", $"/api/cases?q={stem}&{query}", key: ReaderKey)).Body, CoreJson.Default.CaseList)!;

        Assert.Equal([$"{stem}-b.test", $"{stem}-c.test", $"{stem}-a.test"], (await List("")).Cases.Select(c => c.CaseId));
        Assert.Equal(2, (await List("")).Counts["block"]);
        Assert.Equal([$"{stem}-c.test"], (await List("product=facefusion")).Cases.Select(c => c.CaseId));
        Assert.Equal([$"{stem}-b.test"], (await List("category=nudify")).Cases.Select(c => c.CaseId));
        var chat = Assert.Single((await List("function=chat")).Cases);
        Assert.Equal($"{stem}-a.test", chat.CaseId);
        Assert.Equal(["agent-platform", "chat"], chat.Functions);
        Assert.Equal(400, (await _harness.Http("GET", "/api/cases?function=painting", key: ReaderKey)).Status);
        Assert.Equal([$"{stem}-a.test"], (await List("band=review")).Cases.Select(c => c.CaseId));
        Assert.Equal(3, (await List("source=sweep&runId=sweep-test")).Cases.Count);
        Assert.Empty((await List("state=approved")).Cases);
        Assert.Equal(3, (await List("state=all")).Cases.Count);
        Assert.Equal(400, (await _harness.Http("GET", "/api/cases?band=red", key: ReaderKey)).Status);
        Assert.Equal(400, (await _harness.Http("GET", "/api/cases?state=open", key: ReaderKey)).Status);
        Assert.Equal(400, (await _harness.Http("GET", "/api/cases?top=500", key: ReaderKey)).Status);
    }

    [Fact]
    public async Task List_UnicodeQuery_FindsThePunycodeCase()
    {
        var label = "换脸" + Guid.NewGuid().ToString("N")[..6];
        var ascii = new System.Globalization.IdnMapping().GetAscii(label + ".test");
        await ConsumeAsync(_harness, "r1", Result(ascii, "block", 90) with { DisplayName = label + ".test" });

        var byUnicode = JsonSerializer.Deserialize((await _harness.Http("GET", "/api/cases?q=" + Uri.EscapeDataString(label), key: ReaderKey)).Body, CoreJson.Default.CaseList)!;
        var byPunycode = JsonSerializer.Deserialize((await _harness.Http("GET", "/api/cases?q=" + ascii[..8], key: ReaderKey)).Body, CoreJson.Default.CaseList)!;

        Assert.Equal(ascii, Assert.Single(byUnicode.Cases).CaseId);
        Assert.Equal(label + ".test", byUnicode.Cases[0].DisplayName);
        Assert.Contains(byPunycode.Cases, c => c.CaseId == ascii);
        Assert.Equal(200, (await GetCaseAsync(_harness, Uri.EscapeDataString(label + ".test"))).Status);
    }
}
