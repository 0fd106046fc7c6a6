using DomainScreen.Core.Domains;
using DomainScreen.Core.Sweeps;
using DomainScreen.Local.Hosting;
using DomainScreen.Local.Lab;
using DomainScreen.Local.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace DomainScreen.Local.Tests.Faults;

/// <summary>
/// A world of its own for a fault run (the fault must not touch the shared one): the local runtime over the lab and a
/// given Azurite, its WebJobs host taking one batch at a time so a fault can fall between batches, quick DNS timeouts.
/// </summary>
internal static class FaultWorld
{
    public static async Task<WebApplication> StartAsync(AzuriteProcess azurite, LabWorld lab, Action<IServiceCollection>? configure = null)
    {
        var settings = new Dictionary<string, string?>(lab.Settings)
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["Dns:TimeoutMs"] = "300",
            ["Dns:Retries"] = "0",
            ["Screening:DomainsPerMessage"] = "4",
            ["AzureFunctionsJobHost:extensions:queues:batchSize"] = "1",
            ["AzureFunctionsJobHost:extensions:queues:newBatchThreshold"] = "0",
            ["AzureFunctionsJobHost:extensions:queues:maxPollingInterval"] = "00:00:00.200",
            ["AzureFunctionsJobHost:extensions:queues:visibilityTimeout"] = "00:00:00",
            ["Actions:SigningKeyDirectory"] = Path.Combine(Path.GetTempPath(), "ds-fault-keys-" + Guid.NewGuid().ToString("N")[..8]),
            ["Logging:LogLevel:Default"] = "Warning",
        };
        var app = LocalRuntime.Build(settings, $"http://127.0.0.1:{FreePorts.Tcp()}", configure: configure);
        await app.StartAsync();
        return app;
    }

    /// <summary>16 lab candidates that resolve normally.</summary>
    public static async Task<List<DomainName>> AddCandidatesAsync(WebApplication app, LabWorld lab)
    {
        var parser = app.Services.GetRequiredService<DomainParser>();
        var names = lab.Manifest.Candidates.Where(s => s.Dns is "a" or "cname").Take(16).Select(s => parser.Parse(s.Domain)).ToList();
        await app.Services.GetRequiredService<CandidateStore>().AddAsync(names, "lab", CancellationToken.None);
        return names;
    }

    /// <summary>
    /// Starts a sweep, runs <paramref name="fault"/> once the first batch is screened, and waits for the sweep's report
    /// (or, with <paramref name="finishWithin"/>, at most that long: then the status as it stands and no report).
    /// </summary>
    public static async Task<(SweepReport? Report, SweepStatus AtFault, SweepStatus Done)> SweepAsync(WebApplication app, Func<Task>? before, Func<Task> fault,
        TimeSpan? finishWithin = null)
    {
        var sweeps = app.Services.GetRequiredService<SweepStore>();
        if (before is not null) await before();
        var started = (await app.Services.GetRequiredService<SweepService>().StartManualAsync(CancellationToken.None))!;
        var atFault = (await Eventually.Until(() => sweeps.GetAsync(started.SweepId, CancellationToken.None), s => s!.BatchesDone >= 1,
            TimeSpan.FromMinutes(2), "a first batch screened"))!;
        await fault();
        if (finishWithin is { } limit)
        {
            try
            {
                await Eventually.Until(() => sweeps.GetAsync(started.SweepId, CancellationToken.None), s => s!.Done, limit, "the sweep to finish");
            }
            catch (TimeoutException)
            {
                return (null, atFault, (await sweeps.GetAsync(started.SweepId, CancellationToken.None))!);
            }
        }
        var done = (await Eventually.Until(() => sweeps.GetAsync(started.SweepId, CancellationToken.None), s => s!.Done, TimeSpan.FromMinutes(3),
            "the sweep to finish"))!;
        var report = (await app.Services.GetRequiredService<SweepReporter>().GetAsync(started.SweepId, CancellationToken.None))!;
        return (report, atFault, done);
    }

    /// <summary>
    /// No batch lost: every batch is either screened or still on the sweep queue (visible, or leased by a listener that
    /// could not release it while storage was down — it comes back when the lease runs out). Holds at any moment.
    /// </summary>
    public static async Task AssertNoBatchLostAsync(WebApplication app, SweepStatus status)
    {
        var storage = app.Services.GetRequiredService<DomainScreen.Core.Storage.StorageClients>();
        var queued = (await storage.SweepQueue.GetPropertiesAsync()).Value.ApproximateMessagesCount;
        Assert.True(status.BatchesDone + queued >= status.Batches, $"{status.BatchesDone} batches screened + {queued} on the queue < {status.Batches}");
    }

    /// <summary>
    /// Every name the sweep queued accounted for exactly once in the report: at least the candidates added here (the
    /// lab's CT log may add a few watched names of its own before the sweep starts).
    /// </summary>
    public static void AssertAccountedFor(SweepReport report, SweepStatus done, int candidates)
    {
        Assert.Equal(done.Total, report.Total);
        Assert.True(report.Total >= candidates, $"{report.Total} names swept, {candidates} candidates added");
        Assert.Equal(report.Total, report.Screened + report.Failed);
        Assert.Equal(0, report.Unscreened);
        Assert.True(report.Complete);
    }
}
