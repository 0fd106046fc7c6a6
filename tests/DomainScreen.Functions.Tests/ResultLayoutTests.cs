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
/// A domain's rows live in the partition of its first two characters (so results can be written several domains to a
/// transaction); the latest result's row key names its domain (a key shared by every partition made each point access a
/// scan of all domains in the emulator) and names the history row that holds the result instead of carrying a second
/// copy. Rows of the older layouts — partition = domain, under <c>latest|{domain}</c> naming a history row, under the
/// older <c>latest</c> key, or holding their own copy — are still read, and a domain's newer rows win.
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

    /// <summary>What the previous layout wrote: partition = domain, history <c>h|{inverted time}|{request}</c>, and <c>latest|{domain}</c> naming it.</summary>
    private async Task WritePreviousLayoutAsync(ScreeningResult result, DateTimeOffset requestedAt)
    {
        var historyKey = $"h|{DateTimeOffset.MaxValue.UtcTicks - requestedAt.UtcTicks:D19}|{result.RequestId}";
        var history = new TableEntity(result.Domain, historyKey);
        JsonChunks.Write(history, JsonSerializer.Serialize(result, CoreJson.Default.ScreeningResult));
        var latest = new TableEntity(result.Domain, "latest|" + result.Domain) { ["History"] = historyKey, ["Status"] = result.Status };
        await _harness.Storage.Results.SubmitTransactionAsync(
            [new TableTransactionAction(TableTransactionActionType.UpsertReplace, latest), new TableTransactionAction(TableTransactionActionType.UpsertReplace, history)]);
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
        await foreach (var row in _harness.Storage.Results.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {"~la"}")))
        {
            if (row.RowKey.Contains(first.Domain, StringComparison.Ordinal)) rows.Add(row);
        }
        Assert.Equal(3, rows.Count); // nothing in a partition of its own
        var latest = Assert.Single(rows, r => r.RowKey == "latest|" + first.Domain);
        Assert.DoesNotContain(latest.Keys, k => k.StartsWith("Json", StringComparison.Ordinal)); // no second copy
        var history = rows.Where(r => r.RowKey.StartsWith("h|" + first.Domain + "|", StringComparison.Ordinal)).ToList();
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

        var row = await _harness.Storage.Results.GetEntityIfExistsAsync<TableEntity>("~la", "latest|" + written.Domain);
        Assert.True(row.HasValue);
        Assert.False((await _harness.Storage.Results.GetEntityIfExistsAsync<TableEntity>(written.Domain, "latest|" + written.Domain)).HasValue);
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

    [Fact]
    public async Task PreviousLayout_IsRead_AndANewerResultInTheCurrentLayoutWins_HistoryFromBothInTimeOrder()
    {
        await _harness.Storage.EnsureCreatedAsync();
        var store = _harness.Get<ResultStore>();
        var at = DateTimeOffset.UnixEpoch.AddYears(56);
        var previousOnly = ReviewHarness.Result(ReviewHarness.Fresh("layout-prev"), "review", 61);
        var moved = ReviewHarness.Fresh("layout-moved");
        await WritePreviousLayoutAsync(previousOnly, at);
        await WritePreviousLayoutAsync(ReviewHarness.Result(moved, "review", 50), at);
        await WritePreviousLayoutAsync(ReviewHarness.Result(moved, "review", 70), at.AddHours(2));
        await store.SaveAsync(ReviewHarness.Result(moved, "block", 88), at.AddHours(3), CancellationToken.None);
        await store.SaveAsync(ReviewHarness.Result(moved, "block", 80), at.AddHours(1), CancellationToken.None); // requested before the 70

        Assert.Equal(61, (await store.GetLatestAsync(previousOnly.Domain, CancellationToken.None))!.Verdict!.Score);
        Assert.Equal(80, (await store.GetLatestAsync(moved, CancellationToken.None))!.Verdict!.Score); // the current layout's latest row
        Assert.Equal([88, 70, 80, 50], (await store.GetHistoryAsync(moved, 10, CancellationToken.None)).Select(r => r.Verdict!.Score));
        Assert.Equal([88, 70], (await store.GetHistoryAsync(moved, 2, CancellationToken.None)).Select(r => r.Verdict!.Score));
        Assert.Equal([61], (await store.GetHistoryAsync(previousOnly.Domain, 10, CancellationToken.None)).Select(r => r.Verdict!.Score));

        var all = new List<ScreeningResult>();
        await foreach (var r in store.AllLatestAsync(CancellationToken.None)) all.Add(r);
        Assert.Equal(61, Assert.Single(all, r => r.Domain == previousOnly.Domain).Verdict!.Score);
        Assert.Equal(80, Assert.Single(all, r => r.Domain == moved).Verdict!.Score);
        // One per domain, in name order across both layouts.
        Assert.Equal(all.Select(r => r.Domain).Distinct().Count(), all.Count);
        Assert.Equal(all.Select(r => r.Domain).Order(StringComparer.Ordinal), all.Select(r => r.Domain));
    }
}
