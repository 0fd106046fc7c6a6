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

    [Fact]
    public async Task NightlySweep_QueuesCandidatesOnceForTheSameOccurrence()
    {
        var functions = _harness.Create<SweepFunctions>();

        await functions.NightlySweep(new Microsoft.Azure.Functions.Worker.TimerInfo(), CancellationToken.None);
        _harness.Time.Advance(TimeSpan.FromSeconds(20)); // a restart fires the same occurrence again
        await functions.NightlySweep(new Microsoft.Azure.Functions.Worker.TimerInfo(), CancellationToken.None);

        var requests = (await _harness.DrainAsync(priority: false)).Select(m => ScreenBatchProcessor.Read(m.Body.ToString())).ToList();
        Assert.Equal(2, requests.Count);
        Assert.Superset(new HashSet<string> { "c1.test", "c2.test", "c3.test", "c4.test" }, requests.SelectMany(r => r.Domains).ToHashSet());
        Assert.All(requests, r => Assert.Equal("sweep-202611251800", r.RunId));
        Assert.Empty(await _harness.DrainAsync(priority: true));
    }

    [Fact]
    public async Task StartSweep_ThenProcess_ReportsDone()
    {
        var functions = _harness.Create<SweepFunctions>();
        var (status, body, _) = await _harness.Http("POST", "/api/sweeps", key: AdminKey);
        Assert.Equal(202, status);
        var sweep = JsonSerializer.Deserialize(body, CoreJson.Default.SweepStatus)!;

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
