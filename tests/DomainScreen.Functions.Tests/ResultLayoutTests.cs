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
/// domains in the emulator); rows written under the older <c>latest</c> key are still read.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ResultLayoutTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly FunctionsHarness _harness = new(azurite, new FakeDnsResolver());

    public Task InitializeAsync() => _harness.InitializeAsync();

    public Task DisposeAsync() => _harness.DisposeAsync().AsTask();

    private async Task WriteLegacyAsync(ScreeningResult result)
    {
        var entity = new TableEntity(result.Domain, "latest");
        JsonChunks.Write(entity, JsonSerializer.Serialize(result, CoreJson.Default.ScreeningResult));
        await _harness.Storage.Results.UpsertEntityAsync(entity);
    }

    [Fact]
    public async Task LatestRow_IsKeyedByDomain_AndOlderRowsAreStillRead()
    {
        await _harness.Storage.EnsureCreatedAsync();
        var store = _harness.Get<ResultStore>();
        var written = ReviewHarness.Result(ReviewHarness.Fresh("layout-new"), "block", 90);
        var legacyOnly = ReviewHarness.Result(ReviewHarness.Fresh("layout-old"), "review", 60);
        var both = ReviewHarness.Fresh("layout-both");
        await store.SaveAsync(written, written.ScreenedAt, CancellationToken.None);
        await WriteLegacyAsync(legacyOnly);
        await WriteLegacyAsync(ReviewHarness.Result(both, "review", 55));
        await store.SaveAsync(ReviewHarness.Result(both, "block", 95), written.ScreenedAt, CancellationToken.None);

        var row = await _harness.Storage.Results.GetEntityIfExistsAsync<TableEntity>(written.Domain, "latest|" + written.Domain);
        Assert.True(row.HasValue);
        Assert.Equal(90, (await store.GetLatestAsync(written.Domain, CancellationToken.None))!.Verdict!.Score);
        Assert.Equal(60, (await store.GetLatestAsync(legacyOnly.Domain, CancellationToken.None))!.Verdict!.Score);
        Assert.Equal(95, (await store.GetLatestAsync(both, CancellationToken.None))!.Verdict!.Score); // the newer row wins

        var all = new List<ScreeningResult>();
        await foreach (var r in store.AllLatestAsync(CancellationToken.None)) all.Add(r);
        Assert.Equal(90, Assert.Single(all, r => r.Domain == written.Domain).Verdict!.Score);
        Assert.Equal(60, Assert.Single(all, r => r.Domain == legacyOnly.Domain).Verdict!.Score);
        Assert.Equal(95, Assert.Single(all, r => r.Domain == both).Verdict!.Score);
    }
}
