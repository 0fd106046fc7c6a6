using Azure;
using Azure.Data.Tables;
using Azure.Core.Pipeline;
using DomainScreen.Core.Screening;
using DomainScreen.Core.Submissions;
using DomainScreen.Core.Tests.Dns;
using DomainScreen.Functions.Tests.Review;
using DomainScreen.Functions.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace DomainScreen.Functions.Tests;

/// <summary>
/// A new submission's names are packed into list rows and its meta row is written only after them: a submission is
/// visible complete or not at all — a failed row transaction leaves nothing to read. A status page merges the listed
/// names with the rows of those already screened; a submission written before the list rows reads as it did.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class SubmissionCreateTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly RefusingPolicy _refuse = new();
    private FunctionsHarness _harness = null!;

    public Task InitializeAsync()
    {
        _harness = new FunctionsHarness(azurite, new FakeDnsResolver(), configure: s => s.AddSingleton<HttpPipelinePolicy>(_refuse));
        return _harness.InitializeAsync();
    }

    public Task DisposeAsync() => _harness.DisposeAsync().AsTask();

    private static string[] Names(string stem) => [.. Enumerable.Range(0, 350).Select(i => $"{stem}-{i:D3}.test")];

    [Fact]
    public async Task EveryRowIsWritten_ThenTheSubmissionIsVisible()
    {
        await _harness.Storage.EnsureCreatedAsync();
        var store = _harness.Get<SubmissionStore>();
        var id = "s-create-" + Guid.NewGuid().ToString("N")[..8];
        await store.CreateAsync(id, DateTimeOffset.UnixEpoch, "analyst", Names("ok"), [], CancellationToken.None);

        var status = await store.GetAsync(id, 1000, null, CancellationToken.None);
        Assert.NotNull(status);
        Assert.Equal(350, status.Total);
        Assert.Equal(350, status.Domains.Count);
        Assert.All(status.Domains, d => Assert.Equal("queued", d.Status));
    }

    [Fact]
    public async Task ARefusedListTransaction_LeavesNoVisibleSubmission()
    {
        await _harness.Storage.EnsureCreatedAsync();
        var store = _harness.Get<SubmissionStore>();
        var id = "s-refused-" + Guid.NewGuid().ToString("N")[..8];
        _refuse.Arm(id, nth: 1);

        await Assert.ThrowsAnyAsync<RequestFailedException>(() =>
            store.CreateAsync(id, DateTimeOffset.UnixEpoch, "analyst", Names("bad"), [], CancellationToken.None));
        Assert.Null(await store.GetAsync(id, 10, null, CancellationToken.None));
    }

    [Fact]
    public async Task LongLists_TakeSeveralRows_AndPageInNameOrder()
    {
        await _harness.Storage.EnsureCreatedAsync();
        var store = _harness.Get<SubmissionStore>();
        var id = "s-long-" + Guid.NewGuid().ToString("N")[..8];
        // 3,000 names of 40 characters, 41 with the newline: 123,000 characters make five rows of at most 30,000.
        var names = Enumerable.Range(0, 3000).Select(i => $"{i * 7919 % 3000:D5}-{new string('x', 29)}.test").ToList();
        await store.CreateAsync(id, DateTimeOffset.UnixEpoch, "analyst", names, [], CancellationToken.None);
        var listRows = 0;
        await foreach (var _ in _harness.Storage.Submissions.QueryAsync<TableEntity>($"PartitionKey eq '{id}' and RowKey ge 'l|' and RowKey lt 'l}}'")) listRows++;
        Assert.Equal(5, listRows);

        var seen = new List<string>();
        string? after = null;
        do
        {
            var page = (await store.GetAsync(id, 700, after, CancellationToken.None))!;
            Assert.Equal(3000, page.Total);
            Assert.True(page.Domains.Count <= 700);
            seen.AddRange(page.Domains.Select(d => d.Domain));
            after = page.ContinuationToken is null ? null : page.Domains[^1].Domain;
        }
        while (after is not null);
        Assert.Equal(names.Order(StringComparer.Ordinal), seen);
    }

    [Fact]
    public async Task APage_MergesScreenedNames_WithTheQueuedOnes()
    {
        await _harness.Storage.EnsureCreatedAsync();
        var store = _harness.Get<SubmissionStore>();
        var id = "s-mixed-" + Guid.NewGuid().ToString("N")[..8];
        var names = Names("mix");
        await store.CreateAsync(id, DateTimeOffset.UnixEpoch, "analyst", names, [], CancellationToken.None);
        // Screened: every tenth name, one of them failed.
        var screened = names.Where((_, i) => i % 10 == 0).ToList();
        await store.RecordAsync(id, id + "-00000", [.. screened.Select((d, i) => Result(d, failed: i == 3))], CancellationToken.None);

        var page = (await store.GetAsync(id, 100, "mix-049.test", CancellationToken.None))!;

        Assert.Equal((350, 35, 34, 1), (page.Pending + page.Completed + page.Failed, page.Completed + page.Failed, page.Completed, page.Failed));
        Assert.Equal(names.Skip(50).Take(100), page.Domains.Select(d => d.Domain));
        foreach (var d in page.Domains)
        {
            var expected = !screened.Contains(d.Domain) ? "queued" : d.Domain == screened[3] ? "failed" : "completed";
            Assert.Equal(expected, d.Status);
            Assert.Equal(expected == "completed" ? "clear" : null, d.Band);
        }
        Assert.NotNull(page.ContinuationToken);
    }

    [Fact]
    public async Task ASubmissionWrittenBeforeListRows_ReadsAsBefore()
    {
        await _harness.Storage.EnsureCreatedAsync();
        var store = _harness.Get<SubmissionStore>();
        var id = "s-old-" + Guid.NewGuid().ToString("N")[..8];
        // The previous layout: a queued d| row per name, meta without ListRows.
        var table = _harness.Storage.Submissions;
        foreach (var name in new[] { "a.test", "b.test", "c.test" })
        {
            await table.UpsertEntityAsync(new TableEntity(id, "d|" + name) { ["Status"] = "queued" });
        }
        await table.UpsertEntityAsync(new TableEntity(id, "meta") { ["CreatedAt"] = DateTimeOffset.UnixEpoch, ["Total"] = 3, ["ErrorCount"] = 0 });
        await store.RecordAsync(id, id + "-00000", [Result("b.test")], CancellationToken.None);

        var page = (await store.GetAsync(id, 2, null, CancellationToken.None))!;

        Assert.Equal((3, 2, 1), (page.Total, page.Pending, page.Completed));
        Assert.Equal([("a.test", "queued"), ("b.test", "completed")], page.Domains.Select(d => (d.Domain, d.Status)));
        Assert.NotNull(page.ContinuationToken);
    }

    private static ScreeningResult Result(string domain, bool failed = false) =>
        failed
            ? ReviewHarness.Result(domain, "clear", 0) with { Status = ScreeningResult.Failed, Error = "dns: refused", Verdict = null }
            : ReviewHarness.Result(domain, "clear", 0);
}
