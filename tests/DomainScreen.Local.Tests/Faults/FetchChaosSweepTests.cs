using DomainScreen.Core.Fetching;
using DomainScreen.Local.Hosting;
using DomainScreen.Local.Lab;
using Microsoft.Extensions.DependencyInjection;
using Polly;
using Polly.Simmy;
using Polly.Simmy.Fault;
using Polly.Simmy.Outcomes;

namespace DomainScreen.Local.Tests.Faults;

/// <summary>
/// Polly chaos in the fetch pipeline of a running sweep against the lab (the page fetcher's HttpClient: landing
/// pages, redirects, favicons, probes): connections dropped and 503s injected, seeded. The faults become recorded
/// fetch outcomes of the domains they hit; every candidate is accounted for once.
/// </summary>
public sealed class FetchChaosSweepTests
{
    private sealed class ChaosHandler(ResiliencePipeline<HttpResponseMessage> chaos) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            chaos.ExecuteAsync(ct => new ValueTask<HttpResponseMessage>(base.SendAsync(request, ct)), cancellationToken).AsTask();
    }

    [Fact]
    public async Task DroppedConnectionsAnd503sWhileFetching_AreRecordedOutcomes_NoCandidateLost()
    {
        var injected = 0;
        var random = new Random(20261201);
        var gate = new Lock();
        double Next() { lock (gate) return random.NextDouble(); }
        var chaos = new ResiliencePipelineBuilder<HttpResponseMessage>()
            .AddChaosFault(new ChaosFaultStrategyOptions
            {
                InjectionRate = 0.2, Randomizer = Next,
                FaultGenerator = _ => new ValueTask<Exception?>(new HttpRequestException("chaos: connection dropped", new IOException("reset"))),
                OnFaultInjected = _ => { Interlocked.Increment(ref injected); return default; },
            })
            .AddChaosOutcome(new ChaosOutcomeStrategyOptions<HttpResponseMessage>
            {
                InjectionRate = 0.15, Randomizer = Next,
                OutcomeGenerator = _ => new ValueTask<Outcome<HttpResponseMessage>?>(Outcome.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.ServiceUnavailable))),
                OnOutcomeInjected = _ => { Interlocked.Increment(ref injected); return default; },
            })
            .Build();

        await using var azurite = await AzuriteProcess.StartAsync();
        await using var lab = await LabWorld.StartAsync();
        await using var app = await FaultWorld.StartAsync(azurite, lab, services =>
            services.AddHttpClient<PageFetcher>().AddHttpMessageHandler(() => new ChaosHandler(chaos)));
        var names = await FaultWorld.AddCandidatesAsync(app, lab);

        var (report, _, done) = await FaultWorld.SweepAsync(app, before: null, fault: () => Task.CompletedTask);

        FaultWorld.AssertAccountedFor(report!, done, names.Count);
        Assert.True(injected >= 5, $"{injected} faults injected");
        await app.StopAsync();
    }
}
