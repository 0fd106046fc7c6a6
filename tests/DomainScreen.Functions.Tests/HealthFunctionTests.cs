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
