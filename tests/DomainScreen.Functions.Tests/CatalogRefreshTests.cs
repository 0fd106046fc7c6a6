using DomainScreen.Core.Fingerprints;
using DomainScreen.Core.Tests.Dns;
using DomainScreen.Functions.Tests.Support;

namespace DomainScreen.Functions.Tests;

/// <summary>Operators update the catalog by uploading to blob storage; a bad upload is rejected and the old catalog stays.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class CatalogRefreshTests(AzuriteFixture azurite)
{
    private const string Good = """
        { "version": "ops-2", "signatures": [ { "id": "acme-tool", "product": "Acme Tool", "categories": ["genai-service"], "risk": 10,
          "rules": [ { "id": "acme-title", "field": "title", "match": "equals", "value": "Acme Tool", "weight": 60 } ] } ] }
        """;

    [Fact]
    public async Task RefreshIfDue_LoadsValidBlobCatalog_AndRejectsABrokenOne()
    {
        var container = "catalog" + Guid.NewGuid().ToString("N")[..8];
        await using var harness = new FunctionsHarness(azurite, new FakeDnsResolver(), new Dictionary<string, string?>
        {
            ["Catalog:Container"] = container,
            ["Catalog:RefreshMinutes"] = "1",
        });
        var provider = harness.Get<CatalogProvider>();
        var blobs = harness.Storage.Blobs.GetBlobContainerClient(container);
        await blobs.CreateIfNotExistsAsync();
        var builtIn = provider.Current.Catalog.Version;

        await blobs.GetBlobClient("fingerprints/ops.json").UploadAsync(BinaryData.FromString(Good), overwrite: true);
        await provider.RefreshIfDueAsync(CancellationToken.None);

        Assert.Equal("ops-2", provider.Current.Catalog.Version);
        Assert.Contains(provider.Current.Catalog.Run(PageFacts.FromHtml("<title>Acme Tool</title>")).Products, p => p.Id == "acme-tool");

        await blobs.GetBlobClient("fingerprints/ops.json").UploadAsync(BinaryData.FromString(Good.Replace("\"title\"", "\"nonsense\"", StringComparison.Ordinal)), overwrite: true);
        harness.Time.Advance(TimeSpan.FromMinutes(2));
        await provider.RefreshIfDueAsync(CancellationToken.None);

        Assert.Equal("ops-2", provider.Current.Catalog.Version);
        Assert.NotEqual(builtIn, provider.Current.Catalog.Version);
    }
}
