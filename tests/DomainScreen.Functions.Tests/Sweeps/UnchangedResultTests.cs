using System.Text.Json;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using DomainScreen.Core.Dns;
using DomainScreen.Core.Domains;
using DomainScreen.Core.Screening;
using DomainScreen.Core.Sweeps;
using DomainScreen.Core.Tests.Dns;
using DomainScreen.Functions.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static DomainScreen.Functions.Tests.Support.FunctionsHarness;

namespace DomainScreen.Functions.Tests.Sweeps;

/// <summary>
/// A repeated sweep: results that did not change are not written again (no result row, no history row, no case
/// history), the batch's check row tells when they were last checked, and a result that did change is written as before.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class UnchangedResultTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly CountingPolicy _writes = new("ScreeningResults", writes: true);
    private readonly FakeDnsResolver _dns = new();
    private FunctionsHarness _harness = null!;

    public async Task InitializeAsync()
    {
        _harness = new FunctionsHarness(azurite, _dns, configure: s => s.AddSingleton<HttpPipelinePolicy>(_writes));
        await _harness.InitializeAsync();
        var parser = _harness.Get<DomainParser>();
        await _harness.Get<CandidateStore>().AddAsync(Enumerable.Range(0, 6).Select(i => parser.Parse($"u{i}.test")), "test", CancellationToken.None);
    }

    public Task DisposeAsync() => _harness.DisposeAsync().AsTask();

    private async Task<List<ScreenRequest>> SweepAsync(string sweepId)
    {
        await _harness.Get<SweepService>().StartAsync(sweepId, "manual", CancellationToken.None);
        var requests = new List<ScreenRequest>();
        foreach (var message in await _harness.DrainAsync(priority: false))
        {
            requests.Add(ScreenBatchProcessor.Read(message.Body.ToString()));
            await _harness.Get<ScreenBatchProcessor>().ProcessAsync(message.Body.ToString(), CancellationToken.None);
        }
        return requests;
    }

    private async Task<int> HistoryRowsAsync(string domain)
    {
        var count = 0;
        await foreach (var _ in _harness.Storage.Results.QueryAsync<TableEntity>(
            TableClient.CreateQueryFilter($"PartitionKey eq {ResultStore.PartitionOf(domain)} and RowKey ge {"h|" + domain + "|"} and RowKey lt {"h|" + domain + "}"}"),
            select: ["RowKey"]))
        {
            count++;
        }
        return count;
    }

    private async Task<JsonElement> DomainAsync(string domain)
    {
        var (status, body, _) = await _harness.Http("GET", "/api/domains/" + domain, key: ReaderKey);
        Assert.Equal(200, status);
        return JsonDocument.Parse(body).RootElement;
    }

    [Fact]
    public async Task SecondSweep_WritesOnlyWhatChanged_AndStillTellsWhenEachDomainWasChecked()
    {
        var first = await SweepAsync("sweep-first");
        Assert.All(first, r => Assert.Null(r.Known)); // nothing stored yet
        var writesAfterFirst = _writes.Count;
        Assert.True(writesAfterFirst >= 1);
        var firstSeen = (await DomainAsync("u2.test")).GetProperty("latest").GetProperty("screenedAt").GetDateTimeOffset();

        // Between the sweeps u1.test starts resolving: its result changes; the other five do not.
        _dns.Add("u1.test", DnsRecordType.A, FakeDnsResolver.A("u1.test", "203.0.113.7"));
        _harness.Time.Advance(TimeSpan.FromHours(24));
        var second = await SweepAsync("sweep-second");

        Assert.Equal(6, second.Sum(r => r.Known!.Count)); // every candidate was queued with its stored digest
        Assert.Equal(1, _writes.Count - writesAfterFirst); // one result transaction (u1.test's latest + history row)
        Assert.Equal(2, await HistoryRowsAsync("u1.test"));
        Assert.Equal(1, await HistoryRowsAsync("u2.test"));

        var unchanged = await DomainAsync("u2.test");
        Assert.Equal(firstSeen, unchanged.GetProperty("latest").GetProperty("screenedAt").GetDateTimeOffset());
        Assert.Equal("sweep-second", unchanged.GetProperty("lastCheckedRunId").GetString());
        Assert.True(unchanged.GetProperty("lastChecked").GetDateTimeOffset() >= firstSeen.AddHours(24));

        var changed = await DomainAsync("u1.test");
        Assert.Equal("sweep-second", changed.GetProperty("latest").GetProperty("runId").GetString());
        Assert.Contains("203.0.113.7", changed.GetProperty("latest").GetProperty("dns").GetProperty("addresses").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(1, changed.GetProperty("history").GetArrayLength());

        // The sweep's counters and report still count all six.
        var status = (await _harness.Get<SweepStore>().GetAsync("sweep-second", CancellationToken.None))!;
        Assert.Equal((6, true), (status.Screened, status.Done));
    }

    [Fact]
    public async Task StaleOrForeignDigest_IsNotTrusted_TheResultIsWritten()
    {
        await SweepAsync("sweep-one");
        var before = _writes.Count;
        // A message whose digests do not match what screening finds now (e.g. queued before a catalog change).
        var message = JsonSerializer.Serialize(new ScreenRequest(1, "manual-1", ScreenRequest.SweepSource, "sweep-one", ["u3.test"], _harness.Time.GetUtcNow(),
            new Dictionary<string, string> { ["u3.test"] = "not-the-digest" }), DomainScreen.Core.CoreJson.Default.ScreenRequest);
        await _harness.Get<ScreenBatchProcessor>().ProcessAsync(message, CancellationToken.None);
        Assert.Equal(1, _writes.Count - before);
        Assert.Equal(2, await HistoryRowsAsync("u3.test"));
    }
}
