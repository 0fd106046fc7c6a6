using System.IO.Compression;
using System.Text;
using DomainScreen.Core.Sources;
using DomainScreen.Core.Sweeps;
using DomainScreen.Core.Tests.Dns;
using DomainScreen.Functions.Tests.Support;
using static DomainScreen.Functions.Tests.Support.FunctionsHarness;

namespace DomainScreen.Functions.Tests.Sweeps;

/// <summary>Feed files in blob storage: formats, each file once, and the zone diff.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class FeedTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly FunctionsHarness _harness = new(azurite, new FakeDnsResolver(), new Dictionary<string, string?>());
    private string _stem = "";

    public async Task InitializeAsync()
    {
        await _harness.InitializeAsync();
        _stem = "f" + Guid.NewGuid().ToString("N")[..6];
    }

    public Task DisposeAsync() => _harness.DisposeAsync().AsTask();

    private async Task DropAsync(string name, string content, bool gzip = false)
    {
        var container = _harness.Storage.Blobs.GetBlobContainerClient(FeedProcessor.Container);
        await container.CreateIfNotExistsAsync();
        var bytes = Encoding.UTF8.GetBytes(content);
        if (gzip)
        {
            using var buffer = new MemoryStream();
            using (var gz = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true)) gz.Write(bytes);
            bytes = buffer.ToArray();
        }
        await container.GetBlobClient(name).UploadAsync(new BinaryData(bytes), overwrite: true);
    }

    private async Task<List<Candidate>> CandidatesAsync() =>
        (await _harness.Get<CandidateStore>().PageAsync(null, 1000, _stem, null, null, CancellationToken.None)).Candidates;

    [Fact]
    public async Task TextAndCsvFeeds_AddTheirNames_EachFileOnce()
    {
        await DropAsync($"{_stem}-list.txt", $"# partner list\n{_stem}-a.test\nnot a name\nhttps://{_stem}-b.test/x\n");
        await DropAsync($"{_stem}-list.csv.gz", $"note,domain\nx,{_stem}-c.test\n\"y, z\",\"{_stem}-a.test\"\n", gzip: true);

        var results = await _harness.Get<FeedProcessor>().RunAsync(CancellationToken.None);
        var again = await _harness.Get<FeedProcessor>().RunAsync(CancellationToken.None);

        Assert.Equal(2, results.Count(r => r.File.StartsWith(_stem, StringComparison.Ordinal)));
        Assert.DoesNotContain(again, r => r.File.StartsWith(_stem, StringComparison.Ordinal));
        var text = results.Single(r => r.Format == "text" && r.File.StartsWith(_stem, StringComparison.Ordinal));
        Assert.Equal((3L, 2L, 1L), (text.NamesRead, text.Added, text.Rejected));
        var all = await CandidatesAsync();
        Assert.Equal([$"{_stem}-a.test", $"{_stem}-b.test", $"{_stem}-c.test"], all.Select(c => c.Domain));
        Assert.Equal([$"feed:{_stem}-list.csv", $"feed:{_stem}-list.txt"], all[0].Sources);
    }

    [Fact]
    public async Task ZoneFeed_FirstFileIsTheBaseline_ThenOnlyNewDelegationsBecomeCandidates()
    {
        string Zone(params string[] labels) =>
            "$ORIGIN test.\n$TTL 3600\n@ IN SOA ns.nic.test. h.nic.test. 1 2 3 4 5\n  IN NS ns.nic.test.\n" +
            string.Concat(labels.Select(l => $"{_stem}-{l} IN NS ns1.host.example.\n{_stem}-{l} IN NS ns2.host.example.\n")) + "ns.nic A 192.0.2.1\n";

        await DropAsync($"{_stem}-day1.zone", Zone("old1", "old2", "gone"));
        var day1 = Assert.Single(await _harness.Get<FeedProcessor>().RunAsync(CancellationToken.None), r => r.File.StartsWith(_stem, StringComparison.Ordinal));
        Assert.Equal(("zone", "test", 0L), (day1.Format, day1.Zone, day1.Added));
        Assert.Empty(await CandidatesAsync());

        await DropAsync($"{_stem}-day2.zone", Zone("new1", "old1", "old2", "new2"));
        var day2 = Assert.Single(await _harness.Get<FeedProcessor>().RunAsync(CancellationToken.None), r => r.File.StartsWith(_stem, StringComparison.Ordinal));

        Assert.Equal(2, day2.Added);
        var added = await CandidatesAsync();
        Assert.Equal([$"{_stem}-new1.test", $"{_stem}-new2.test"], added.Select(c => c.Domain));
        Assert.Equal(["zone:test"], added[0].Sources);
    }
}

/// <summary>Brand look-alikes: only those that resolve become candidates.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class LookalikeScanTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Scan_AddsTheLookalikesThatResolve_WithTheirBrandAsSource()
    {
        var dns = new FakeDnsResolver()
            .Add("depseek.com", DomainScreen.Core.Dns.DnsRecordType.A, new DomainScreen.Core.Dns.DnsRecord("depseek.com", DomainScreen.Core.Dns.DnsRecordType.A, 60, "192.0.2.7"))
            .Add("deepseek-app.cn", DomainScreen.Core.Dns.DnsRecordType.A, new DomainScreen.Core.Dns.DnsRecord("deepseek-app.cn", DomainScreen.Core.Dns.DnsRecordType.A, 60, "192.0.2.8"));
        await using var harness = new FunctionsHarness(azurite, dns);
        await harness.InitializeAsync();

        var (status, body, _) = await harness.Http("POST", "/api/lookalikes/run", key: AdminKey);

        Assert.Equal(200, status);
        Assert.Contains("\"brand\":\"deepseek\"", body, StringComparison.Ordinal);
        var candidates = (await harness.Get<CandidateStore>().PageAsync(null, 100, null, null, "lookalike", CancellationToken.None)).Candidates;
        Assert.Equal(["deepseek-app.cn", "depseek.com"], candidates.Select(c => c.Domain));
        Assert.Equal(["lookalike:deepseek"], candidates[0].Sources);
    }
}
