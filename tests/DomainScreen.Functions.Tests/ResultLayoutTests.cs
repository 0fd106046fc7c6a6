using System.Text.Json;
using Azure.Data.Tables;
using DomainScreen.Core;
using DomainScreen.Core.Dns;
using DomainScreen.Core.Screening;
using DomainScreen.Core.Storage;
using DomainScreen.Core.Tests.Dns;
using DomainScreen.Functions.Tests.Review;
using DomainScreen.Functions.Tests.Support;

namespace DomainScreen.Functions.Tests;

/// <summary>
/// The latest result's row key names its domain (a key shared by every partition made each point access a scan of all
/// domains in the emulator) and names the history row that holds the result instead of carrying a second copy; rows
/// written under the older <c>latest</c> key, or holding their own copy, are still read.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ResultLayoutTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly FunctionsHarness _harness = new(azurite, new FakeDnsResolver());

    public Task InitializeAsync() => _harness.InitializeAsync();

    public Task DisposeAsync() => _harness.DisposeAsync().AsTask();

    private async Task WriteLegacyAsync(ScreeningResult result, string rowKey = "latest")
    {
        var entity = new TableEntity(result.Domain, rowKey);
        JsonChunks.Write(entity, JsonSerializer.Serialize(result, CoreJson.Default.ScreeningResult));
        await _harness.Storage.Results.UpsertEntityAsync(entity);
    }

    [Fact]
    public async Task Result_IsStoredOnce_TheLatestRowNamesItsHistoryRow()
    {
        await _harness.Storage.EnsureCreatedAsync();
        var store = _harness.Get<ResultStore>();
        var first = ReviewHarness.Result(ReviewHarness.Fresh("layout-once"), "review", 60);
        var second = ReviewHarness.Result(first.Domain, "block", 92);
        await store.SaveAsync(first, first.ScreenedAt, CancellationToken.None);
        await store.SaveAsync(second, first.ScreenedAt.AddMinutes(5), CancellationToken.None);

        var rows = new List<TableEntity>();
        await foreach (var row in _harness.Storage.Results.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {first.Domain}"))) rows.Add(row);
        var latest = Assert.Single(rows, r => r.RowKey == "latest|" + first.Domain);
        Assert.DoesNotContain(latest.Keys, k => k.StartsWith("Json", StringComparison.Ordinal)); // no second copy
        var history = rows.Where(r => r.RowKey.StartsWith("h|", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, history.Count);
        Assert.All(history, h => Assert.Contains(h.Keys, k => k.StartsWith("Json", StringComparison.Ordinal)));
        Assert.Equal(history[0].RowKey, latest.GetString("History")); // newest first
        Assert.Equal("completed", latest.GetString("Status"));

        Assert.Equal(92, (await store.GetLatestAsync(first.Domain, CancellationToken.None))!.Verdict!.Score);
        var all = new List<ScreeningResult>();
        await foreach (var r in store.AllLatestAsync(CancellationToken.None)) all.Add(r);
        Assert.Equal(92, Assert.Single(all, r => r.Domain == first.Domain).Verdict!.Score);
        Assert.Equal([92, 60], (await store.GetHistoryAsync(first.Domain, 10, CancellationToken.None)).Select(r => r.Verdict!.Score));
    }

    [Fact]
    public async Task LatestRow_IsKeyedByDomain_AndOlderRowsAreStillRead()
    {
        await _harness.Storage.EnsureCreatedAsync();
        var store = _harness.Get<ResultStore>();
        var written = ReviewHarness.Result(ReviewHarness.Fresh("layout-new"), "block", 90);
        var legacyOnly = ReviewHarness.Result(ReviewHarness.Fresh("layout-old"), "review", 60);
        var both = ReviewHarness.Fresh("layout-both");
        var copy = ReviewHarness.Result(ReviewHarness.Fresh("layout-copy"), "block", 77); // a latest row with its own copy
        await WriteLegacyAsync(copy, "latest|" + copy.Domain);
        await store.SaveAsync(written, written.ScreenedAt, CancellationToken.None);
        await WriteLegacyAsync(legacyOnly);
        await WriteLegacyAsync(ReviewHarness.Result(both, "review", 55));
        await store.SaveAsync(ReviewHarness.Result(both, "block", 95), written.ScreenedAt, CancellationToken.None);

        var row = await _harness.Storage.Results.GetEntityIfExistsAsync<TableEntity>(written.Domain, "latest|" + written.Domain);
        Assert.True(row.HasValue);
        Assert.Equal(90, (await store.GetLatestAsync(written.Domain, CancellationToken.None))!.Verdict!.Score);
        Assert.Equal(60, (await store.GetLatestAsync(legacyOnly.Domain, CancellationToken.None))!.Verdict!.Score);
        Assert.Equal(95, (await store.GetLatestAsync(both, CancellationToken.None))!.Verdict!.Score); // the newer row wins
        Assert.Equal(77, (await store.GetLatestAsync(copy.Domain, CancellationToken.None))!.Verdict!.Score);

        var all = new List<ScreeningResult>();
        await foreach (var r in store.AllLatestAsync(CancellationToken.None)) all.Add(r);
        Assert.Equal(90, Assert.Single(all, r => r.Domain == written.Domain).Verdict!.Score);
        Assert.Equal(60, Assert.Single(all, r => r.Domain == legacyOnly.Domain).Verdict!.Score);
        Assert.Equal(95, Assert.Single(all, r => r.Domain == both).Verdict!.Score);
        Assert.Equal(77, Assert.Single(all, r => r.Domain == copy.Domain).Verdict!.Score);
    }
}
