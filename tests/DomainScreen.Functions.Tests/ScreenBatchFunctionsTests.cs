using System.Text.Json;
using DomainScreen.Core;
using DomainScreen.Core.Dns;
using DomainScreen.Core.Fetching;
using DomainScreen.Core.Screening;
using DomainScreen.Core.Tests.Dns;
using DomainScreen.Functions.Tests.Support;
using static DomainScreen.Functions.Tests.Support.FunctionsHarness;

namespace DomainScreen.Functions.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class ScreenBatchFunctionsTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly FunctionsHarness _harness = new(azurite, new FakeDnsResolver()
        .Add("alive.test", DnsRecordType.A, FakeDnsResolver.A("alive.test", "198.51.100.20"))
        .Add("alive.test", DnsRecordType.NS, new DnsRecord("alive.test", DnsRecordType.NS, 3600, "ns1.host.test")));

    public Task InitializeAsync() => _harness.InitializeAsync();

    public Task DisposeAsync() => _harness.DisposeAsync().AsTask();

    private async Task<string> SubmitAsync(string body)
    {
        var (_, json, _) = await _harness.Http("POST", "/api/submissions", body, "text/plain", AnalystKey);
        return JsonSerializer.Deserialize(json, CoreJson.Default.SubmissionAccepted)!.SubmissionId;
    }

    [Fact]
    public async Task ScreenBatchPriority_SubmittedMessage_StoresDnsEvidenceAndCompletesSubmission()
    {
        var id = await SubmitAsync("alive.test\nnowhere.test\n");
        var functions = _harness.Create<ScreenBatchFunctions>();
        foreach (var message in await _harness.DrainAsync(priority: true))
        {
            await functions.ScreenBatchPriority(message.Body.ToString(), CancellationToken.None);
        }

        var (status, body, _) = await _harness.Http("GET", "/api/domains/alive.test", key: ReaderKey);
        Assert.Equal(200, status);
        var report = JsonSerializer.Deserialize(body, CoreJson.Default.DomainReport)!;
        Assert.Equal(ScreeningStages.Scored, report.Latest!.Stage);
        Assert.Equal("clear", report.Latest.Verdict!.Band);
        Assert.Equal(["198.51.100.20"], report.Latest.Dns!.Addresses);
        // 198.51.100.0/24 is a documentation range: the guard refuses it, and that is recorded, not thrown.
        Assert.Equal(FetchOutcomes.BlockedAddress, report.Latest.Fetch!.Outcome);
        Assert.NotNull(report.Latest.Registration);
        Assert.Equal(id, report.Latest.RunId);
        // History holds the earlier results only (other tests screen alive.test too): the latest is not repeated in it.
        Assert.DoesNotContain(report.History, h => h.RequestId == report.Latest.RequestId);

        // The path is decoded once (by the server): %2E is a dot, but %252E is the three characters "%2E", not a dot.
        Assert.Equal(200, (await _harness.Http("GET", "/api/domains/alive%2Etest", key: ReaderKey)).Status);
        var (twice, twiceBody, _) = await _harness.Http("GET", "/api/domains/alive%252Etest", key: ReaderKey);
        Assert.Equal(400, twice);
        Assert.DoesNotContain("198.51.100.20", twiceBody, StringComparison.Ordinal);

        var (_, nxBody, _) = await _harness.Http("GET", "/api/domains/NOWHERE.test.", key: ReaderKey);
        Assert.Equal(DnsOutcome.NxDomain, JsonSerializer.Deserialize(nxBody, CoreJson.Default.DomainReport)!.Latest!.Dns!.Status);

        var (_, subBody, _) = await _harness.Http("GET", $"/api/submissions/{id}", key: ReaderKey);
        var submission = JsonSerializer.Deserialize(subBody, CoreJson.Default.SubmissionStatus)!;
        Assert.Equal((2, 0), (submission.Completed, submission.Pending));
        Assert.All(submission.Domains, d => Assert.Equal(ScreeningStages.Scored, d.Stage));
        Assert.All(submission.Domains, d => Assert.Equal(("clear", 0), (d.Band, d.Score)));
        Assert.Equal(2, submission.Counts["clear"]);
    }

    [Fact]
    public async Task DomainReport_DoubleEncodedDot_IsNotTheScreenedName()
    {
        // The reliability issue's reproduction: with example.com screened, /api/domains/example%252Ecom returned its result.
        await SubmitAsync("example.com\n");
        var functions = _harness.Create<ScreenBatchFunctions>();
        foreach (var message in await _harness.DrainAsync(priority: true)) await functions.ScreenBatchPriority(message.Body.ToString(), CancellationToken.None);

        var (plain, plainBody, _) = await _harness.Http("GET", "/api/domains/example.com", key: ReaderKey);
        Assert.Equal(200, plain);
        Assert.Equal("example.com", JsonSerializer.Deserialize(plainBody, CoreJson.Default.DomainReport)!.Domain);

        // Decoded once, %252E is the three characters "%2E": not a dot, so not a name — refused, never example.com's result.
        var (twice, twiceBody, _) = await _harness.Http("GET", "/api/domains/example%252Ecom", key: ReaderKey);
        Assert.Equal(400, twice);
        Assert.DoesNotContain("\"domain\":\"example.com\"", twiceBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScreenBatchPriority_SameMessageTwice_KeepsOneHistoryRow()
    {
        await SubmitAsync("alive.test");
        var message = Assert.Single(await _harness.DrainAsync(priority: true)).Body.ToString();
        var functions = _harness.Create<ScreenBatchFunctions>();

        await functions.ScreenBatchPriority(message, CancellationToken.None);
        await functions.ScreenBatchPriority(message, CancellationToken.None);

        var history = await _harness.Get<ResultStore>().GetHistoryAsync("alive.test", 50, CancellationToken.None);
        Assert.Single(history, h => h.RequestId == ScreenBatchProcessor.Read(message).RequestId);
    }

    [Fact]
    public async Task ScreenBatch_StorageTransactions_StayUnderThreePerDomain()
    {
        var domains = Enumerable.Range(0, 24).Select(i => $"\"h{i}.batch{i % 6}.test\"");
        var message = $$"""{"v":1,"requestId":"sweep-tx-00000","source":"sweep","runId":"sweep-tx","domains":[{{string.Join(",", domains)}}],"requestedAt":"2026-11-25T18:00:00Z"}""";
        await _harness.Storage.EnsureCreatedAsync();
        var before = _harness.Storage.Requests.Total;

        var results = await _harness.Get<ScreenBatchProcessor>().ProcessAsync(message, CancellationToken.None);

        var perDomain = (_harness.Storage.Requests.Total - before) / (double)results.Count;
        Assert.Equal(24, results.Count);
        Assert.True(perDomain <= 3, $"{perDomain:0.00} storage transactions per domain");
    }

    [Theory]
    [InlineData("this is not json")]
    [InlineData("""{"v":1,"requestId":"r","source":"sweep","runId":"x","domains":[],"requestedAt":"2026-01-01T00:00:00Z"}""")]
    public async Task ScreenBatch_MalformedMessage_ThrowsSoTheHostRetriesThenPoisons(string message)
    {
        var functions = _harness.Create<ScreenBatchFunctions>();

        await Assert.ThrowsAsync<InvalidScreenRequestException>(() => functions.ScreenBatch(message, CancellationToken.None));
    }

    [Fact]
    public async Task ScreenBatch_InvalidDomainInsideValidMessage_IsDroppedOthersScreened()
    {
        var message = """{"v":1,"requestId":"sweep-t-00000","source":"sweep","runId":"sweep-t","domains":["alive.test","not a domain"],"requestedAt":"2026-11-25T18:00:00Z"}""";

        var results = await _harness.Get<ScreenBatchProcessor>().ProcessAsync(message, CancellationToken.None);

        Assert.Equal("alive.test", Assert.Single(results).Domain);
    }
}
