using System.Globalization;
using DomainScreen.Core.Domains;
using DomainScreen.Core.Sweeps;
using DomainScreen.Local.Hosting;
using DomainScreen.Local.Lab;
using DomainScreen.Local.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace DomainScreen.Local.Tests.Faults;

/// <summary>
/// A process-level fault in a running sweep: the DNS server stops answering while the first batches are screened and
/// comes back. Every candidate is accounted for once (screened, with the outage recorded as its DNS timeout), the
/// later batches resolve again, and the report says what happened. Its own world (the outage must not touch the
/// shared one), with batches taken one at a time so the outage falls between them.
/// </summary>
public sealed class DnsOutageSweepTests
{
    [Fact]
    public async Task DnsStopsAndComesBack_EveryCandidateAccountedForOnce_ReportNamesTheOutage()
    {
        await using var azurite = await AzuriteProcess.StartAsync();
        await using var lab = await LabWorld.StartAsync();
        var settings = new Dictionary<string, string?>(lab.Settings)
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["Dns:TimeoutMs"] = "300",
            ["Dns:Retries"] = "0",
            ["Screening:DomainsPerMessage"] = "4",
            ["AzureFunctionsJobHost:extensions:queues:batchSize"] = "1",
            ["AzureFunctionsJobHost:extensions:queues:newBatchThreshold"] = "0",
            ["AzureFunctionsJobHost:extensions:queues:maxPollingInterval"] = "00:00:00.200",
            ["Actions:SigningKeyDirectory"] = Path.Combine(Path.GetTempPath(), "ds-fault-keys-" + Guid.NewGuid().ToString("N")[..8]),
            ["Logging:LogLevel:Default"] = "Warning",
        };
        await using var app = LocalRuntime.Build(settings, $"http://127.0.0.1:{FreePorts.Tcp()}");
        await app.StartAsync();
        try
        {
            var parser = app.Services.GetRequiredService<DomainParser>();
            var names = lab.Manifest.Candidates.Where(s => s.Dns is "a" or "cname").Take(16).Select(s => parser.Parse(s.Domain)).ToList();
            await app.Services.GetRequiredService<CandidateStore>().AddAsync(names, "lab", CancellationToken.None);
            var sweeps = app.Services.GetRequiredService<SweepStore>();

            lab.Dns.Silent = true;
            var started = (await app.Services.GetRequiredService<SweepService>().StartManualAsync(CancellationToken.None))!;
            var during = await Eventually.Until(() => sweeps.GetAsync(started.SweepId, CancellationToken.None), s => s!.BatchesDone >= 1,
                TimeSpan.FromMinutes(2), "a batch screened during the outage");
            lab.Dns.Silent = false;
            var done = await Eventually.Until(() => sweeps.GetAsync(started.SweepId, CancellationToken.None), s => s!.Done, TimeSpan.FromMinutes(3), "the sweep to finish");

            var report = (await app.Services.GetRequiredService<SweepReporter>().GetAsync(started.SweepId, CancellationToken.None))!;
            Assert.True(during!.BatchesDone < done!.Batches, "the outage ended before the last batch");
            Assert.Equal(names.Count, report.Total);
            Assert.Equal(report.Total, report.Screened + report.Failed);
            Assert.Equal(0, report.Unscreened);
            Assert.True(report.Failures.GetValueOrDefault("dns-timeout") >= 1,
                "the outage is in the report: " + string.Join(", ", report.Failures.Select(f => string.Create(CultureInfo.InvariantCulture, $"{f.Key}={f.Value}"))));
            Assert.True(report.Failures.GetValueOrDefault("dns-timeout") < names.Count, "names screened after the outage resolved again");
            Assert.True(report.Complete);
        }
        finally
        {
            await app.StopAsync();
        }
    }
}
