using DomainScreen.Core.Storage;
using DomainScreen.Core.Tests.Dns;
using DomainScreen.Functions.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static DomainScreen.Functions.Tests.Support.FunctionsHarness;

namespace DomainScreen.Functions.Tests;

/// <summary>
/// Storage that comes back without its tables and queues (an emulator restarted empty): the service recreates them
/// instead of answering 500/503 until it is restarted. Found by killing Azurite before it saved anything.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class StorageRecoveryTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly FunctionsHarness _harness = new(azurite, new FakeDnsResolver());

    public Task InitializeAsync() => _harness.InitializeAsync();

    public Task DisposeAsync() => _harness.DisposeAsync().AsTask();

    private async Task LoseEverythingAsync()
    {
        var storage = _harness.Get<StorageClients>();
        await Task.WhenAll(storage.Submissions.DeleteAsync(), storage.Results.DeleteAsync(), storage.PriorityQueue.DeleteAsync());
    }

    [Fact]
    public async Task LostTablesAndQueues_AreRecreated_ChangesAskToBeSentAgain_ReadsAnswerAtOnce()
    {
        await LoseEverythingAsync();
        var (first, body, headers) = await _harness.Http("POST", "/api/submissions", "alive.test\n", "text/plain", AnalystKey);
        Assert.Equal(503, first);
        Assert.Contains("storage-recreated", body, StringComparison.Ordinal);
        Assert.Equal("1", headers.RetryAfter.ToString());
        Assert.Equal(202, (await _harness.Http("POST", "/api/submissions", "alive.test\n", "text/plain", AnalystKey)).Status);
        Assert.Single(await _harness.DrainAsync(priority: true));

        await LoseEverythingAsync();
        // A read is retried once after the recreation: an empty table answers 404, not 500.
        Assert.Equal(404, (await _harness.Http("GET", "/api/submissions/s0000000000000000", key: ReaderKey)).Status);
    }

    [Fact]
    public async Task Health_FindsTheQueueGone_RecreatesIt_AndIsHealthyNextTime()
    {
        await _harness.Get<StorageClients>().PriorityQueue.DeleteAsync();
        var (status, body, _) = await _harness.Http("GET", "/api/health");
        Assert.Equal(503, status);
        Assert.Contains("recreated", body, StringComparison.Ordinal);
        Assert.Equal(200, (await _harness.Http("GET", "/api/health")).Status);
    }

    [Fact]
    public async Task Watchdog_RecreatesWhatIsMissing_WithoutAnyRequest()
    {
        var storage = _harness.Get<StorageClients>();
        await storage.PriorityQueue.DeleteAsync();
        await storage.Cases.DeleteAsync();
        var watchdog = _harness.Get<IEnumerable<Microsoft.Extensions.Hosting.IHostedService>>().OfType<StorageWatchdog>().Single();

        await watchdog.CheckAsync(CancellationToken.None);

        Assert.True((await storage.PriorityQueue.ExistsAsync()).Value);
        await storage.Cases.GetEntityIfExistsAsync<Azure.Data.Tables.TableEntity>("x", "y"); // throws if the table is still missing
    }
}
