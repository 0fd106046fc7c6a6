using System.Text.Json;
using DomainScreen.Core;
using DomainScreen.Core.Storage;
using DomainScreen.Core.Tests.Dns;
using DomainScreen.Functions.Tests.Support;
using static DomainScreen.Functions.Tests.Support.FunctionsHarness;

namespace DomainScreen.Functions.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class HealthFunctionTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Health_StorageUp_Is200WithoutKey()
    {
        await using var harness = new FunctionsHarness(azurite, new FakeDnsResolver());
        await harness.InitializeAsync();
        var (status, body, _) = await harness.Http("GET", "/api/health");

        Assert.Equal(200, status);
        Assert.Contains("\"storage\":\"ok\"", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_MessagesOnAPoisonQueue_AreAttention_Still200()
    {
        await using var harness = new FunctionsHarness(azurite, new FakeDnsResolver());
        await harness.InitializeAsync();
        var clean = JsonSerializer.Deserialize((await harness.Http("GET", "/api/health")).Body, CoreJson.Default.HealthReport)!;
        Assert.Equal(("healthy", "none"), (clean.Status, clean.Checks["poison"]));

        // A sweep start that failed every retry lies on sweep-starts-poison: nothing else would say so.
        var poison = harness.Storage.Queues.GetQueueClient(StorageNames.PoisonQueue(harness.Storage.SweepStartQueue.Name));
        await poison.CreateIfNotExistsAsync();
        await poison.SendMessageAsync("{}");
        var (status, body, _) = await harness.Http("GET", "/api/health");

        Assert.Equal(200, status);
        var report = JsonSerializer.Deserialize(body, CoreJson.Default.HealthReport)!;
        Assert.Equal("attention", report.Status);
        Assert.Equal("ok", report.Checks["storage"]);
        Assert.Equal($"{poison.Name}: 1 message", report.Checks["poison"]);
    }

    [Fact]
    public async Task Health_StorageDown_Is503()
    {
        await using var harness = new FunctionsHarness(azurite, new FakeDnsResolver(), new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = DomainScreen.Local.Hosting.AzuriteProcess.Connection(1, 1, 1),
        });
        var (status, _, _) = await harness.Http("GET", "/api/health");

        Assert.Equal(503, status);
    }
}
