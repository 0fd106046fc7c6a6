using System.Globalization;
using DomainScreen.Local.Hosting;
using DomainScreen.Local.Lab;

namespace DomainScreen.Local.Tests.Faults;

/// <summary>
/// Process-level faults in a running sweep (docs/reliability.md). Each run ends with every candidate accounted for
/// once and the report saying what happened.
/// </summary>
public sealed class DnsOutageSweepTests
{
    [Fact]
    public async Task DnsStopsAndComesBack_EveryCandidateAccountedForOnce_ReportNamesTheOutage()
    {
        await using var azurite = await AzuriteProcess.StartAsync();
        await using var lab = await LabWorld.StartAsync();
        await using var app = await FaultWorld.StartAsync(azurite, lab);
        var names = await FaultWorld.AddCandidatesAsync(app, lab);

        // The DNS server answers nothing for the first batch (queries time out at the client), then answers again.
        var (report, atFault, done) = await FaultWorld.SweepAsync(app, before: () => { lab.Dns.Silent = true; return Task.CompletedTask; },
            fault: () => { lab.Dns.Silent = false; return Task.CompletedTask; });

        FaultWorld.AssertAccountedFor(report!, done, names.Count);
        Assert.True(atFault.BatchesDone < done.Batches, "the outage ended before the last batch");
        var timeouts = report!.Failures.GetValueOrDefault("dns-timeout");
        Assert.True(timeouts >= 1, "the outage is in the report: " + string.Join(", ", report.Failures.Select(f => string.Create(CultureInfo.InvariantCulture, $"{f.Key}={f.Value}"))));
        Assert.True(timeouts < names.Count, "names screened after the outage resolved again");
        await app.StopAsync();
    }

    [Fact]
    public async Task StorageStopsAndRestartsOnTheSameDisk_MidSweep_EveryCandidateAccountedForOnce()
    {
        var location = Directory.CreateTempSubdirectory("ds-azurite-fault-").FullName;
        // Ports from below the ephemeral range: while storage is down, the runtime's reconnects draw source ports from
        // that range and could take (or self-connect to) a port Azurite is to bind again.
        var blob = FreePorts.Consecutive(3);
        var (queue, table) = (blob + 1, blob + 2);
        var first = await AzuriteProcess.StartAsync(blob, queue, table, location);
        AzuriteProcess? second = null;
        await using var lab = await LabWorld.StartAsync();
        try
        {
            await using var app = await FaultWorld.StartAsync(first, lab);
            var names = await FaultWorld.AddCandidatesAsync(app, lab);

            // After the first batch: Azurite is stopped (SIGTERM, it saves and exits) and started again on the same
            // ports and data. Batches in flight meet a dead endpoint; the SDK's retries and the queue's redelivery
            // carry them over. A batch whose listener could not release its message while storage was down waits for
            // the message's lease to run out (minutes; seen on a loaded machine): then the sweep is not done within
            // the test, and what is checked is that no batch is lost — each is screened or still on the queue.
            var (report, atFault, done) = await FaultWorld.SweepAsync(app, before: null, finishWithin: TimeSpan.FromMinutes(2), fault: async () =>
            {
                using (var kill = System.Diagnostics.Process.Start("kill", ["-TERM", first.ProcessId.ToString(CultureInfo.InvariantCulture)]))
                {
                    await kill.WaitForExitAsync();
                }
                await first.WaitForExitAsync(TimeSpan.FromSeconds(15));
                second = await AzuriteProcess.StartAsync(blob, queue, table, location);
            });

            await FaultWorld.AssertNoBatchLostAsync(app, done);
            if (report is not null) FaultWorld.AssertAccountedFor(report, done, names.Count);
            Assert.True(atFault.BatchesDone < done.Batches, "the restart came before the last batch");
            await app.StopAsync();
        }
        finally
        {
            await first.DisposeAsync();
            if (second is not null) await second.DisposeAsync();
            Directory.Delete(location, recursive: true);
        }
    }
}
