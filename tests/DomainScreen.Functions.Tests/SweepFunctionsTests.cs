using System.Text.Json;
using DomainScreen.Core;
using DomainScreen.Core.Domains;
using DomainScreen.Core.Screening;
using DomainScreen.Core.Sweeps;
using DomainScreen.Core.Tests.Dns;
using DomainScreen.Functions.Tests.Support;
using static DomainScreen.Functions.Tests.Support.FunctionsHarness;

namespace DomainScreen.Functions.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class SweepFunctionsTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly FunctionsHarness _harness = new(azurite, new FakeDnsResolver());

    public async Task InitializeAsync()
    {
        await _harness.InitializeAsync();
        var parser = _harness.Get<DomainParser>();
        await _harness.Get<CandidateStore>().AddAsync(
            new[] { "c1.test", "c2.test", "c3.test", "c4.test" }.Select(d => parser.Parse(d)), "test", CancellationToken.None);
    }

    public Task DisposeAsync() => _harness.DisposeAsync().AsTask();

    /// <summary>Runs the <c>StartSweep</c> trigger on every message waiting on <c>sweep-starts</c>; returns how many.</summary>
    private async Task<int> RunStartsAsync()
    {
        var starts = await FunctionsHarness.DrainAsync(_harness.Storage.SweepStartQueue);
        foreach (var start in starts) await _harness.Create<SweepFunctions>().StartSweep(start.Body.ToString(), CancellationToken.None);
        return starts.Count;
    }

    [Fact]
    public async Task NightlySweep_QueuesCandidatesOnceForTheSameOccurrence()
    {
        var functions = _harness.Create<SweepFunctions>();

        await functions.NightlySweep(new Microsoft.Azure.Functions.Worker.TimerInfo(), CancellationToken.None);
        _harness.Time.Advance(TimeSpan.FromSeconds(20)); // a restart fires the same occurrence again
        await functions.NightlySweep(new Microsoft.Azure.Functions.Worker.TimerInfo(), CancellationToken.None);
        Assert.Empty(await _harness.DrainAsync(priority: false)); // the timer only asks; the sweep-starts trigger queues
        Assert.Equal(2, await RunStartsAsync());
        _harness.Time.Advance(TimeSpan.FromSeconds(20)); // and again once the occurrence's sweep is queued: nothing to ask for
        await functions.NightlySweep(new Microsoft.Azure.Functions.Worker.TimerInfo(), CancellationToken.None);
        Assert.Equal(0, await RunStartsAsync());

        var requests = (await _harness.DrainAsync(priority: false)).Select(m => ScreenBatchProcessor.Read(m.Body.ToString())).ToList();
        Assert.Equal(2, requests.Count);
        Assert.Superset(new HashSet<string> { "c1.test", "c2.test", "c3.test", "c4.test" }, requests.SelectMany(r => r.Domains).ToHashSet());
        Assert.All(requests, r => Assert.Equal("sweep-202611251800", r.RunId));
        Assert.Empty(await _harness.DrainAsync(priority: true));
        var (_, statusBody, _) = await _harness.Http("GET", "/api/sweeps/sweep-202611251800", key: ReaderKey);
        var status = JsonSerializer.Deserialize(statusBody, CoreJson.Default.SweepStatus)!;
        Assert.Equal(("timer", SweepStates.Queued, 4, 2), (status.Trigger, status.State, status.Total, status.Batches));
    }

    [Fact]
    public async Task StartSweep_AnswersBeforeQueueing_ThenTheStartTriggerQueuesIt()
    {
        var (status, body, headers) = await _harness.Http("POST", "/api/sweeps", key: AdminKey);
        Assert.Equal(202, status);
        var sweep = JsonSerializer.Deserialize(body, CoreJson.Default.SweepStatus)!;
        Assert.Equal($"/api/sweeps/{sweep.SweepId}", headers["Location"]);
        Assert.Equal((SweepStates.Queueing, 0, false), (sweep.State, sweep.Total, sweep.Done));
        Assert.Empty(await _harness.DrainAsync(priority: false));

        var start = SweepService.ReadStart(Assert.Single(await FunctionsHarness.DrainAsync(_harness.Storage.SweepStartQueue)).Body.ToString());
        Assert.Equal((sweep.SweepId, "manual", sweep.StartedAt), (start.SweepId, start.Trigger, start.StartedAt));
        var message = SweepStartJson(start);
        await _harness.Create<SweepFunctions>().StartSweep(message, CancellationToken.None);
        await _harness.Create<SweepFunctions>().StartSweep(message, CancellationToken.None); // redelivered: queues nothing more

        var queued = JsonSerializer.Deserialize((await _harness.Http("GET", $"/api/sweeps/{sweep.SweepId}", key: ReaderKey)).Body, CoreJson.Default.SweepStatus)!;
        Assert.Equal((SweepStates.Queued, 4, 2, sweep.StartedAt), (queued.State, queued.Total, queued.Batches, queued.StartedAt));
        Assert.Equal(2, (await _harness.DrainAsync(priority: false)).Count);
    }

    [Fact]
    public async Task StartMessage_WhoseRequestFailedAfterSendingIt_StillCreatesTheSweep()
    {
        // The request sends the start first and creates the rows after; when it fails in between, the trigger creates them.
        var startedAt = _harness.Time.GetUtcNow().AddMinutes(-1);
        var message = JsonSerializer.Serialize(new SweepStartMessage(1, "sweep-orphan1", "manual", startedAt), CoreJson.Default.SweepStartMessage);

        await _harness.Create<SweepFunctions>().StartSweep(message, CancellationToken.None);

        var status = JsonSerializer.Deserialize((await _harness.Http("GET", "/api/sweeps/sweep-orphan1", key: ReaderKey)).Body, CoreJson.Default.SweepStatus)!;
        Assert.Equal(("manual", startedAt, SweepStates.Queued, 4), (status.Trigger, status.StartedAt, status.State, status.Total));
    }

    [Fact]
    public async Task Resume_AsksAgainForASweepWhoseStartWasLost_AndRefusesWhatIsQueuedOrUnknown()
    {
        var (_, body, _) = await _harness.Http("POST", "/api/sweeps", key: AdminKey);
        var sweep = JsonSerializer.Deserialize(body, CoreJson.Default.SweepStatus)!;
        Assert.Single(await FunctionsHarness.DrainAsync(_harness.Storage.SweepStartQueue)); // its start exhausted its retries: gone to poison

        Assert.Equal(403, (await _harness.Http("POST", $"/api/sweeps/{sweep.SweepId}/resume", key: AnalystKey)).Status);
        var (status, resumedBody, headers) = await _harness.Http("POST", $"/api/sweeps/{sweep.SweepId}/resume", key: AdminKey);
        Assert.Equal(202, status);
        Assert.Equal($"/api/sweeps/{sweep.SweepId}", headers["Location"]);
        Assert.Equal(SweepStates.Queueing, JsonSerializer.Deserialize(resumedBody, CoreJson.Default.SweepStatus)!.State);
        var start = SweepService.ReadStart(Assert.Single(await FunctionsHarness.DrainAsync(_harness.Storage.SweepStartQueue)).Body.ToString());
        Assert.Equal((sweep.SweepId, "manual", sweep.StartedAt), (start.SweepId, start.Trigger, start.StartedAt));
        await _harness.Create<SweepFunctions>().StartSweep(SweepStartJson(start), CancellationToken.None);
        Assert.Equal(2, (await _harness.DrainAsync(priority: false)).Count);

        var (again, againBody, _) = await _harness.Http("POST", $"/api/sweeps/{sweep.SweepId}/resume", key: AdminKey);
        Assert.Equal((409, true), (again, againBody.Contains("already-queued", StringComparison.Ordinal)));
        Assert.Empty(await FunctionsHarness.DrainAsync(_harness.Storage.SweepStartQueue));
        Assert.Equal(404, (await _harness.Http("POST", "/api/sweeps/sweep-nosuch/resume", key: AdminKey)).Status);
        Assert.Equal(400, (await _harness.Http("POST", "/api/sweeps/sweep%2Fx/resume", key: AdminKey)).Status);
    }

    private static string SweepStartJson(SweepStartMessage start) => JsonSerializer.Serialize(start, CoreJson.Default.SweepStartMessage);

    [Theory]
    [InlineData("not json", "not a sweep start")]
    [InlineData("null", "empty")]
    [InlineData("""{"v":2,"sweepId":"sweep-1","trigger":"manual","startedAt":"2026-11-25T18:00:00Z"}""", "version 2")]
    [InlineData("""{"v":1,"sweepId":"other-1","trigger":"manual","startedAt":"2026-11-25T18:00:00Z"}""", "sweepId")]
    [InlineData("""{"v":1,"sweepId":"sweep-a/b","trigger":"manual","startedAt":"2026-11-25T18:00:00Z"}""", "sweepId")]
    [InlineData("""{"v":1,"sweepId":"sweep-1","trigger":"cron","startedAt":"2026-11-25T18:00:00Z"}""", "trigger 'cron'")]
    [InlineData("""{"v":1,"sweepId":"sweep-1","trigger":"manual"}""", "startedAt")]
    public async Task StartMessage_ThatCanNeverSucceed_SaysWhy_AndCreatesNothing(string message, string reason)
    {
        var error = await Assert.ThrowsAsync<InvalidSweepStartException>(() => _harness.Create<SweepFunctions>().StartSweep(message, CancellationToken.None));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.Equal(404, (await _harness.Http("GET", "/api/sweeps/sweep-1", key: ReaderKey)).Status);
        Assert.Empty(await _harness.DrainAsync(priority: false));
    }

    [Fact]
    public async Task StartSweep_ThenProcess_ReportsDone()
    {
        var (status, body, _) = await _harness.Http("POST", "/api/sweeps", key: AdminKey);
        Assert.Equal(202, status);
        var sweep = JsonSerializer.Deserialize(body, CoreJson.Default.SweepStatus)!;
        Assert.Equal(1, await RunStartsAsync());

        foreach (var message in await _harness.DrainAsync(priority: false))
        {
            await _harness.Create<ScreenBatchFunctions>().ScreenBatch(message.Body.ToString(), CancellationToken.None);
        }

        var (_, statusBody, _) = await _harness.Http("GET", $"/api/sweeps/{sweep.SweepId}", key: ReaderKey);
        var done = JsonSerializer.Deserialize(statusBody, CoreJson.Default.SweepStatus)!;
        Assert.True(done.Done);
        Assert.True(done.Screened >= 4);
    }

    [Fact]
    public async Task StartSweep_AnalystIsForbidden()
    {
        var (status, _, _) = await _harness.Http("POST", "/api/sweeps", key: AnalystKey);

        Assert.Equal(403, status);
    }
}
