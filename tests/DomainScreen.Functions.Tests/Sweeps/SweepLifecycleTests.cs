using System.Text.Json;
using Azure.Core;
using Azure.Core.Pipeline;
using DomainScreen.Core;
using DomainScreen.Core.Domains;
using DomainScreen.Core.Screening;
using DomainScreen.Core.Storage;
using DomainScreen.Core.Sweeps;
using DomainScreen.Core.Tests.Dns;
using DomainScreen.Functions.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static DomainScreen.Functions.Tests.Review.ReviewHarness;
using static DomainScreen.Functions.Tests.Support.FunctionsHarness;

namespace DomainScreen.Functions.Tests.Sweeps;

/// <summary>Candidates, a sweep start that fails part-way and resumes, the watchlist, and the report — against Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class SweepLifecycleTests(AzuriteFixture azurite) : IAsyncLifetime
{
    /// <summary>A storage fault: every message sent to the sweep queue after the first <see cref="FailAfter"/> throws.</summary>
    private sealed class QueueFault : HttpPipelineSynchronousPolicy
    {
        private int _sent;

        public int FailAfter { get; set; } = int.MaxValue;

        public override void OnSendingRequest(HttpMessage message)
        {
            if (message.Request.Method != RequestMethod.Post || !message.Request.Uri.Path.Contains("/sweep-", StringComparison.Ordinal)) return;
            if (Interlocked.Increment(ref _sent) > FailAfter) throw new InvalidOperationException("injected storage fault");
        }

        public void Reset() => _sent = 0;
    }

    private readonly QueueFault _fault = new();
    private readonly LostAnswerPolicy _lost = new();
    private FunctionsHarness _harness = null!;

    public async Task InitializeAsync()
    {
        _harness = new FunctionsHarness(azurite, new FakeDnsResolver(), configure: s =>
        {
            s.AddSingleton<HttpPipelinePolicy>(_fault);
            s.AddSingleton<HttpPipelinePolicy>(_lost);
        });
        await _harness.InitializeAsync();
    }

    public Task DisposeAsync() => _harness.DisposeAsync().AsTask();

    private async Task AddCandidatesAsync(int count, string source = "test")
    {
        var parser = _harness.Get<DomainParser>();
        await _harness.Get<CandidateStore>().AddAsync(Enumerable.Range(0, count).Select(i => parser.Parse($"c{i:D3}.test")), source, CancellationToken.None);
    }

    private async Task<List<ScreenRequest>> ScreenAllAsync()
    {
        var requests = new List<ScreenRequest>();
        foreach (var message in await _harness.DrainAsync(priority: false))
        {
            requests.Add(ScreenBatchProcessor.Read(message.Body.ToString()));
            await _harness.Get<ScreenBatchProcessor>().ProcessAsync(message.Body.ToString(), CancellationToken.None);
        }
        return requests;
    }

    [Fact]
    public async Task Start_WhoseCursorWriteAnswerWasLost_QueuesEveryCandidate()
    {
        const int batches = SweepService.BatchesPerCursorWrite + 2; // 3 names a batch: one full group and a bit
        await AddCandidatesAsync(3 * batches);
        // The first group's cursor write lands, its answer does not.
        _lost.Arm(w => w.StartsWith("PUT ", StringComparison.Ordinal) && w.Contains("Sweeps(", StringComparison.Ordinal)
            && w.Contains("RowKey='meta'", StringComparison.Ordinal));

        var status = (await _harness.Get<SweepService>().StartAsync("sweep-lost", "manual", CancellationToken.None))!;

        Assert.Equal(1, _lost.Lost);
        Assert.Equal((SweepStates.Queued, batches, 3 * batches), (status.State, status.Batches, status.Total));
        var requests = await ScreenAllAsync();
        Assert.Equal(batches, requests.Count); // nothing sent twice, nothing left out
        Assert.Equal(3 * batches, requests.SelectMany(r => r.Domains).Distinct().Count());
    }

    private static BatchTally Tally(int count) => new(count, 1, new() { ["clear"] = count - 1 }, [], [], [], 0, [], 0, 0, 0);

    [Fact]
    public async Task BatchesFinishingTogether_AreEachCountedOnce_AndSpreadOverTheCounterRows()
    {
        var store = _harness.Get<SweepStore>();
        Assert.True(await store.TryCreateAsync("sweep-together", _harness.Time.GetUtcNow(), "manual", CancellationToken.None));

        // 48 batches recorded at once (a redelivery of one of them among them): every race for a row is lost by all but one.
        var done = await Task.WhenAll(Enumerable.Range(0, 48).Append(7).Select(i =>
            store.RecordBatchAsync("sweep-together", $"req-{i}", Tally(3), CancellationToken.None)));

        var status = (await store.GetAsync("sweep-together", CancellationToken.None))!;
        Assert.Equal((48, 144, 48), (status.BatchesDone, status.Screened, status.Failed));
        Assert.Equal(48, done.Count(d => d is not null)); // the second delivery of req-7 is not counted
        Assert.Contains(48, done); // the batch that completed the count knows it
    }

    [Fact]
    public async Task ASweepCreatedWithEightCounterRows_IsStillCounted()
    {
        var store = _harness.Get<SweepStore>();
        Assert.True(await store.TryCreateAsync("sweep-eight", _harness.Time.GetUtcNow(), "manual", CancellationToken.None));
        var table = _harness.Get<StorageClients>().Sweeps;
        for (var k = SweepStore.LegacyProgressShards; k < SweepStore.ProgressShards; k++)
        {
            await table.DeleteEntityAsync("sweep-eight", $"progress|{k}"); // as a sweep created before the rows were 32
        }

        foreach (var i in Enumerable.Range(0, 20)) Assert.NotNull(await store.RecordBatchAsync("sweep-eight", $"req-{i}", Tally(2), CancellationToken.None));

        var status = (await store.GetAsync("sweep-eight", CancellationToken.None))!;
        Assert.Equal((20, 40), (status.BatchesDone, status.Screened));
    }

    [Fact]
    public async Task Start_InterruptedAfterHalfItsBatches_ResumesAndScreensEveryCandidateOnce()
    {
        const int group = SweepService.BatchesPerCursorWrite;
        var batches = (2 * group) + 8; // 3 names a batch: two full groups of sends and part of a third
        await AddCandidatesAsync(3 * batches);
        var service = _harness.Get<SweepService>();
        _fault.FailAfter = group + 4; // the second group fails after 4 of its sends reached the queue

        await Assert.ThrowsAsync<InvalidOperationException>(() => service.StartAsync("sweep-crash", "manual", CancellationToken.None));
        var halfway = (await _harness.Get<SweepStore>().GetAsync("sweep-crash", CancellationToken.None))!;
        Assert.Equal((SweepStates.Queueing, group, 3 * group), (halfway.State, halfway.Batches, halfway.Total)); // the cursor is past the first group only

        _fault.FailAfter = int.MaxValue;
        var status = (await service.StartAsync("sweep-crash", "manual", CancellationToken.None))!;
        Assert.Equal((SweepStates.Queued, batches, 3 * batches), (status.State, status.Batches, status.Total));
        Assert.False(status.Done);

        // The 4 batches that reached the queue before the fault were sent again on resume: same request ids, same names.
        var requests = await ScreenAllAsync();
        var byId = requests.GroupBy(r => r.RequestId).ToList();
        Assert.Equal(batches, byId.Count);
        Assert.All(byId, g => Assert.Single(g.Select(r => string.Join(',', r.Domains)).Distinct()));
        Assert.Equal(batches + 4, requests.Count);
        var domains = byId.SelectMany(g => g.First().Domains).ToList();
        Assert.Equal(3 * batches, domains.Distinct().Count());

        var (code, body, _) = await _harness.Http("GET", "/api/sweeps/sweep-crash/report", key: ReaderKey);
        Assert.Equal(200, code);
        var report = JsonSerializer.Deserialize(body, CoreJson.Default.SweepReport)!;
        Assert.True(report.Complete);
        Assert.Equal((3 * batches, 3 * batches, 0, 0), (report.Total, report.Screened, report.Failed, report.Unscreened)); // each once, the re-sent ones too
        Assert.Equal(3 * batches, report.Bands.Values.Sum());
        Assert.Equal(3 * batches, report.NotResolving); // the scripted resolver knows none of them
        Assert.Equal(new Dictionary<string, int> { ["test"] = 3 * batches }, report.Sources);
        Assert.Null(report.PreviousSweepId);
        var again = (await service.StartAsync("sweep-crash", "manual", CancellationToken.None))!;
        Assert.True(again.Done);
        Assert.Empty(await _harness.DrainAsync(priority: false)); // nothing queued twice
    }

    [Fact]
    public async Task Report_CountsMatchTheResults_AndNewFlagsAreAgainstThePreviousSweep()
    {
        await AddCandidatesAsync(5);
        var service = _harness.Get<SweepService>();
        await service.StartAsync("sweep-r1", "manual", CancellationToken.None);
        await ScreenAllAsync();
        _harness.Time.Advance(TimeSpan.FromDays(1));
        await ConsumeAsync(_harness, "seed", Result("c001.test", "block", 90)); // a case: c001 is watched now, and also a candidate
        await _harness.Get<CandidateStore>().AddAsync([_harness.Get<DomainParser>().Parse("c001.test")], "feed:extra", CancellationToken.None);

        await service.StartAsync("sweep-r2", "timer", CancellationToken.None);
        var requests = await ScreenAllAsync();

        Assert.DoesNotContain(requests, r => r.Source == ScreenRequest.WatchlistSource); // the watched host is a candidate: screened once
        var report = JsonSerializer.Deserialize((await _harness.Http("GET", "/api/sweeps/latest", key: ReaderKey)).Body, CoreJson.Default.SweepReport)!;
        Assert.Equal(("sweep-r2", "sweep-r1"), (report.SweepId, report.PreviousSweepId));
        Assert.Equal(5, report.Screened);
        Assert.Equal(new Dictionary<string, int> { ["test"] = 5, ["feed"] = 1 }, report.Sources);
        Assert.Empty(report.NewFlags); // nothing resolves here, so nothing is flagged in either sweep
    }

    [Fact]
    public async Task Watchlist_HostsOfOpenCasesThatAreNotCandidates_AreScreenedInTheirOwnBatches()
    {
        await AddCandidatesAsync(2);
        var watched = Fresh("watched");
        await ConsumeAsync(_harness, "seed", Result(watched, "block", 90));

        var status = (await _harness.Get<SweepService>().StartAsync("sweep-watch", "manual", CancellationToken.None))!;
        var requests = await ScreenAllAsync();

        Assert.Equal((3, 1), (status.Total, status.Watchlist));
        var watch = Assert.Single(requests, r => r.Source == ScreenRequest.WatchlistSource);
        Assert.Equal([watched], watch.Domains);
        var report = JsonSerializer.Deserialize((await _harness.Http("GET", "/api/sweeps/sweep-watch/report", key: ReaderKey)).Body, CoreJson.Default.SweepReport)!;
        Assert.Equal((1, 0, 1), (report.Watchlist.Screened, report.Watchlist.StillUp, report.Watchlist.Gone)); // NXDOMAIN here: gone
        Assert.Equal(1, report.Sources["watchlist"]);
    }

    [Fact]
    public async Task Report_AsMarkdown_InChineseByDefault_AndEnglishOnRequest()
    {
        await AddCandidatesAsync(2);
        await _harness.Get<SweepService>().StartAsync("sweep-md", "manual", CancellationToken.None);
        await ScreenAllAsync();
        var markdown = new Dictionary<string, string> { ["Accept"] = "text/markdown" };

        var (_, zh, zhHeaders) = await _harness.Http("GET", "/api/sweeps/sweep-md/report", key: ReaderKey, headers: markdown);
        var (_, en, _) = await _harness.Http("GET", "/api/sweeps/sweep-md/report?lang=en", key: ReaderKey, headers: markdown);

        Assert.StartsWith("text/markdown", zhHeaders.ContentType.ToString(), StringComparison.Ordinal);
        Assert.Contains("# DomainScreen 巡检报告: `sweep-md`", zh, StringComparison.Ordinal);
        Assert.Contains("已完成", zh, StringComparison.Ordinal);
        Assert.Contains("| 无风险 | 2 |", zh, StringComparison.Ordinal);
        Assert.Contains("# DomainScreen sweep report: `sweep-md`", en, StringComparison.Ordinal);
        Assert.Equal(400, (await _harness.Http("GET", "/api/sweeps/sweep-md/report?lang=fr", key: ReaderKey, headers: markdown)).Status);
    }

    [Fact]
    public async Task Candidates_FromSeveralSources_AreOneRowRememberingAll_AndCanBeFilteredAndRemoved()
    {
        Assert.Equal(200, (await _harness.Http("POST", "/api/candidates?source=feed:partner&tags=voice", "a.test\nb.test\n", "text/plain", AnalystKey)).Status);
        var (status, body, _) = await _harness.Http("POST", "/api/candidates", """{"domains":["A.test","https://c.test/x","bad_name.test"],"source":"ct:lab","tags":["new"]}""", "application/json", AnalystKey);
        Assert.Equal(200, status);
        var added = JsonSerializer.Deserialize(body, CoreJson.Default.CandidatesAdded)!;
        Assert.Equal((2, "ct:lab"), (added.Added, added.Source));
        Assert.Equal("invalid-character", Assert.Single(added.Errors).Code);

        var all = JsonSerializer.Deserialize((await _harness.Http("GET", "/api/candidates", key: ReaderKey)).Body, CoreJson.Default.CandidatePage)!;
        var a = Assert.Single(all.Candidates, c => c.Domain == "a.test");
        Assert.Equal(["ct:lab", "feed:partner"], a.Sources);
        Assert.Equal(["new", "voice"], a.Tags);
        Assert.Equal(["a.test", "b.test"], JsonSerializer.Deserialize((await _harness.Http("GET", "/api/candidates?source=feed:partner", key: ReaderKey)).Body, CoreJson.Default.CandidatePage)!.Candidates.Select(c => c.Domain));
        Assert.Equal(["a.test", "c.test"], JsonSerializer.Deserialize((await _harness.Http("GET", "/api/candidates?tag=new", key: ReaderKey)).Body, CoreJson.Default.CandidatePage)!.Candidates.Select(c => c.Domain));
        Assert.Equal(400, (await _harness.Http("POST", "/api/candidates?source=bad source", "x.test", "text/plain", AnalystKey)).Status);
        Assert.Equal(403, (await _harness.Http("DELETE", "/api/candidates/a.test", key: AnalystKey)).Status);
        Assert.Equal(204, (await _harness.Http("DELETE", "/api/candidates/a.test", key: AdminKey)).Status);
        Assert.Equal(404, (await _harness.Http("DELETE", "/api/candidates/a.test", key: AdminKey)).Status);

        var status2 = (await _harness.Get<SweepService>().StartAsync("sweep-c", "manual", CancellationToken.None))!;
        Assert.Equal(2, status2.Total); // b and c: one row each whatever the number of sources
    }
}

/// <summary>Watched hosts that stay gone close their case.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class WatchlistGoneTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly FunctionsHarness _harness = new(azurite, new FakeDnsResolver(), new Dictionary<string, string?> { ["Sweep:GoneAfter"] = "2" });

    public Task InitializeAsync() => _harness.InitializeAsync();

    public Task DisposeAsync() => _harness.DisposeAsync().AsTask();

    private async Task WatchAsync(string runId, ScreeningResult result)
    {
        var request = new ScreenRequest(1, runId + "-000000", ScreenRequest.WatchlistSource, runId, [result.Domain], _harness.Time.GetUtcNow());
        foreach (var consumer in _harness.Get<IEnumerable<IScreeningResultConsumer>>())
        {
            await consumer.ConsumeAsync(new ScreenedBatch(request, [result with { RequestId = request.RequestId, RunId = runId }]), CancellationToken.None);
        }
    }

    private ScreeningResult Gone(string host) => Result(host, "clear", 0, [], at: _harness.Time.GetUtcNow()) with
    {
        Dns = new DomainScreen.Core.Dns.DnsEvidence(host, DomainScreen.Core.Dns.DnsOutcome.NxDomain, [], [], [], null, new DomainScreen.Core.Dns.FastFluxHints(0, null, 0, 0)),
        Fetch = new DomainScreen.Core.Fetching.FetchEvidence { Outcome = DomainScreen.Core.Fetching.FetchOutcomes.NotAttempted },
    };

    [Fact]
    public async Task AHostGoneForGoneAfterSweeps_ClosesItsCase_AndComingBackResetsTheCount()
    {
        var domain = Fresh("gone");
        await ConsumeAsync(_harness, "r0", Result(domain, "block", 90));

        _harness.Time.Advance(TimeSpan.FromDays(1));
        await WatchAsync("sweep-g1", Gone(domain));
        await WatchAsync("sweep-g1", Gone(domain)); // the same sweep again: counted once
        _harness.Time.Advance(TimeSpan.FromDays(1));
        await WatchAsync("sweep-g2", Result(domain, "block", 90, at: _harness.Time.GetUtcNow())); // back up: the count starts again
        _harness.Time.Advance(TimeSpan.FromDays(1));
        await WatchAsync("sweep-g3", Gone(domain));
        Assert.Equal(DomainScreen.Core.Review.CaseStates.Pending, (await GetCaseAsync(_harness, domain)).Case!.State);

        _harness.Time.Advance(TimeSpan.FromDays(1));
        await WatchAsync("sweep-g4", Gone(domain));

        var (_, c, _) = await GetCaseAsync(_harness, domain);
        Assert.Equal(DomainScreen.Core.Review.CaseStates.Closed, c!.State);
        Assert.Equal("gone", c.Events[^1].Event);
        var (_, audit, _) = await _harness.Http("GET", $"/api/audit?caseId={domain}", key: ReviewerKey);
        Assert.Contains("\"reason\":\"gone\"", audit, StringComparison.Ordinal);
    }
}
