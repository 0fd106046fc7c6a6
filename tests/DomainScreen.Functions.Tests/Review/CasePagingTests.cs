using System.Text.Json;
using DomainScreen.Core;
using DomainScreen.Core.Api;
using DomainScreen.Core.Review;
using DomainScreen.Core.Tests.Dns;
using DomainScreen.Functions.Tests.Support;
using static DomainScreen.Functions.Tests.Support.FunctionsHarness;

namespace DomainScreen.Functions.Tests.Review;

[Collection(AzuriteCollection.Name)]
public sealed class CasePagingTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly FunctionsHarness _harness = new(azurite, new FakeDnsResolver());

    public Task InitializeAsync() => _harness.InitializeAsync();

    public Task DisposeAsync() => _harness.DisposeAsync().AsTask();

    [Fact]
    public async Task Paging_Through1000Cases_SeesEachOnceInScoreOrder()
    {
        var stem = "pg" + Guid.NewGuid().ToString("N")[..8];
        var store = _harness.Get<CaseStore>();
        var t0 = _harness.Time.GetUtcNow();
        await Parallel.ForAsync(0, 1000, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        {
            var id = $"{stem}-{i:D4}.test";
            var verdict = new CaseVerdict(id, t0, i % 3 == 0 ? "block" : "review", 45 + (i * 7 % 55), ["nudify"], [], "c", "p", $"page{i}", null, "r", "sweep", "sweep-pg");
            var record = CaseRules.Open(id, id, verdict, id, t0.AddSeconds(i));
            var opened = new CaseEvent(1, t0, "system", "system", "opened", "", CaseStates.Pending);
            Assert.True(await store.TryCreateAsync(record, [], null, opened, ct));
        });

        var seen = new List<CaseSummary>();
        string? token = null;
        var pages = 0;
        do
        {
            var path = $"/api/cases?q={stem}&top=200" + (token is null ? "" : "&continuationToken=" + Uri.EscapeDataString(token));
            var (status, body, _) = await _harness.Http("GET", path, key: ReaderKey);
            Assert.Equal(200, status);
            var page = JsonSerializer.Deserialize(body, CoreJson.Default.CaseList)!;
            Assert.Equal(1000, page.Counts.Values.Sum());
            seen.AddRange(page.Cases);
            token = page.ContinuationToken;
            pages++;
        }
        while (token is not null);

        Assert.Equal(5, pages);
        Assert.Equal(1000, seen.Select(c => c.CaseId).Distinct().Count());
        // Highest score first; among equal scores the newest first.
        Assert.Equal(seen.OrderByDescending(c => c.Score).ThenByDescending(c => c.UpdatedAt).Select(c => c.CaseId), seen.Select(c => c.CaseId));

        // A filter holds on every page (later pages read the queue's windows from where the last ended).
        var blocks = new List<CaseSummary>();
        token = null;
        do
        {
            var path = $"/api/cases?q={stem}&band=block&top=60" + (token is null ? "" : "&continuationToken=" + Uri.EscapeDataString(token));
            var page = JsonSerializer.Deserialize((await _harness.Http("GET", path, key: ReaderKey)).Body, CoreJson.Default.CaseList)!;
            blocks.AddRange(page.Cases);
            token = page.ContinuationToken;
        }
        while (token is not null);
        Assert.All(blocks, c => Assert.Equal("block", c.Band));
        Assert.Equal(seen.Where(c => c.Band == "block").Select(c => c.CaseId), blocks.Select(c => c.CaseId));
    }

    [Fact]
    public async Task SubmissionStatus_PagesItsDomains_AndCountsByBand()
    {
        var names = Enumerable.Range(0, 7).Select(i => $"sp{i}-{Guid.NewGuid().ToString("N")[..6]}.test").ToList();
        var (_, body, _) = await _harness.Http("POST", "/api/submissions", string.Join('\n', names), "text/plain", AnalystKey);
        var id = JsonSerializer.Deserialize(body, CoreJson.Default.SubmissionAccepted)!.SubmissionId;
        foreach (var message in await _harness.DrainAsync(priority: true))
        {
            await _harness.Create<ScreenBatchFunctions>().ScreenBatchPriority(message.Body.ToString(), CancellationToken.None);
        }

        var all = new List<string>();
        string? token = null;
        do
        {
            var (status, json, _) = await _harness.Http("GET", $"/api/submissions/{id}?top=3" + (token is null ? "" : "&continuationToken=" + Uri.EscapeDataString(token)), key: ReaderKey);
            Assert.Equal(200, status);
            var page = JsonSerializer.Deserialize(json, CoreJson.Default.SubmissionStatus)!;
            Assert.Equal((7, 7, 0), (page.Total, page.Completed, page.Pending));
            Assert.Equal(7, page.Counts["clear"]);
            Assert.True(page.Domains.Count <= 3);
            Assert.All(page.Domains, d => Assert.Equal("clear", d.Band));
            all.AddRange(page.Domains.Select(d => d.Domain));
            token = page.ContinuationToken;
        }
        while (token is not null);

        Assert.Equal(names.Order(StringComparer.Ordinal), all);
        Assert.Equal(400, (await _harness.Http("GET", $"/api/submissions/{id}?top=5000", key: ReaderKey)).Status);
    }

    [Fact]
    public async Task DomainReport_HistoryHoldsEarlierResultsOnly()
    {
        var name = $"hist-{Guid.NewGuid().ToString("N")[..8]}.test";
        foreach (var n in new[] { 1, 2 })
        {
            var message = $$"""{"v":1,"requestId":"hist-{{n}}-{{name}}","source":"sweep","runId":"sweep-h","domains":["{{name}}"],"requestedAt":"2026-11-2{{n}}T18:00:00Z"}""";
            await _harness.Get<Core.Screening.ScreenBatchProcessor>().ProcessAsync(message, CancellationToken.None);
        }

        var (_, body, _) = await _harness.Http("GET", "/api/domains/" + name, key: ReaderKey);
        var report = JsonSerializer.Deserialize(body, CoreJson.Default.DomainReport)!;

        Assert.Equal("hist-2-" + name, report.Latest!.RequestId);
        Assert.Equal(["hist-1-" + name], report.History.Select(h => h.RequestId));
    }
}
