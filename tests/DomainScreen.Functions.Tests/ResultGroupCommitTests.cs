using Azure;
using Azure.Core.Pipeline;
using DomainScreen.Core.Screening;
using DomainScreen.Core.Tests.Dns;
using DomainScreen.Functions.Tests.Review;
using DomainScreen.Functions.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace DomainScreen.Functions.Tests;

/// <summary>
/// Results are group-committed: with every transaction busy, the results that end meanwhile wait in the process and the
/// next free transaction takes those of one partition (first two characters of the name) together; a transaction the
/// service refuses as a whole is tried again one domain at a time, so only the result it cannot take fails.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ResultGroupCommitTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly HoldingPolicy _writes = new("ScreeningResults");
    private readonly RefusingPolicy _refuse = new("refused-");
    private FunctionsHarness _harness = null!;

    public Task InitializeAsync()
    {
        _harness = new FunctionsHarness(azurite, new FakeDnsResolver(), new Dictionary<string, string?>
        {
            ["Screening:MaxConcurrentResultWrites"] = "1",
        }, configure: s =>
        {
            s.AddSingleton<HttpPipelinePolicy>(_writes);
            s.AddSingleton<HttpPipelinePolicy>(_refuse);
        });
        return _harness.InitializeAsync();
    }

    public Task DisposeAsync() => _harness.DisposeAsync().AsTask();

    private async Task WaitHeldAsync(int count, IEnumerable<Task> saves)
    {
        var guard = Task.Delay(TimeSpan.FromMinutes(1)); // failure guard only
        while (_writes.Held < count && !guard.IsCompleted && !saves.Any(t => t.IsFaulted)) await Task.Delay(10);
        Assert.Equal(count, _writes.Held);
    }

    private async Task ReleaseUntilAsync(Task all)
    {
        var guard = Task.Delay(TimeSpan.FromMinutes(1)); // failure guard only
        while (!all.IsCompleted && !guard.IsCompleted)
        {
            _writes.ReleaseAll();
            await Task.WhenAny(Task.Delay(10), all);
        }
    }

    [Fact]
    public async Task ResultsThatEndWhileTheTransactionIsBusy_AreWrittenTogether_ByPartition()
    {
        await _harness.Storage.EnsureCreatedAsync();
        var store = _harness.Get<ResultStore>();
        var stamp = Guid.NewGuid().ToString("N")[..8];
        var first = ReviewHarness.Result($"fx-first-{stamp}.test", "review", 60);
        var at = first.ScreenedAt;
        var firstSave = store.SaveAsync(first, at, CancellationToken.None);
        await WaitHeldAsync(1, [firstSave]); // the one transaction in flight, held at storage

        // Meanwhile: six of one partition ("gc"), one of another ("zz"), the held domain again and one of the six again
        // (later requests).
        var same = Enumerable.Range(0, 6).Select(i => ReviewHarness.Result($"gc-{i}-{stamp}.test", "block", 90 + i)).ToList();
        var other = ReviewHarness.Result($"zz-{stamp}.test", "review", 55);
        var again = ReviewHarness.Result(first.Domain, "block", 99);
        var twice = ReviewHarness.Result(same[0].Domain, "block", 77);
        var saves = new List<Task>();
        foreach (var r in same) saves.Add(store.SaveAsync(r, at, CancellationToken.None));
        saves.Add(store.SaveAsync(other, at, CancellationToken.None));
        saves.Add(store.SaveAsync(again, at.AddMinutes(1), CancellationToken.None));
        saves.Add(store.SaveAsync(twice, at.AddMinutes(1), CancellationToken.None));
        Assert.All(saves, t => Assert.False(t.IsCompleted));
        Assert.Single(_writes.Seen);

        await ReleaseUntilAsync(Task.WhenAll(saves.Append(firstSave)));
        await Task.WhenAll(saves.Append(firstSave)); // none failed
        Assert.Equal(1, _writes.MaxHeld);
        // The first alone; then the "gc" partition's six without the second result for one of them (a transaction
        // touches a row once: it waits, its partition goes to the back); then "zz", the first domain again, and the
        // second "gc" result.
        Assert.Equal(5, _writes.Seen.Count);
        Assert.All(same, r => Assert.Contains(r.RequestId, _writes.Seen[1], StringComparison.Ordinal));
        Assert.DoesNotContain(twice.RequestId, _writes.Seen[1], StringComparison.Ordinal);
        Assert.DoesNotContain(other.Domain, _writes.Seen[1], StringComparison.Ordinal);
        Assert.Contains(other.Domain, _writes.Seen[2], StringComparison.Ordinal);
        Assert.Contains(again.RequestId, _writes.Seen[3], StringComparison.Ordinal);
        Assert.Contains(twice.RequestId, _writes.Seen[4], StringComparison.Ordinal);

        foreach (var r in same.Skip(1)) Assert.Equal(r.Verdict!.Score, (await store.GetLatestAsync(r.Domain, CancellationToken.None))!.Verdict!.Score);
        Assert.Equal(77, (await store.GetLatestAsync(same[0].Domain, CancellationToken.None))!.Verdict!.Score);
        Assert.Equal([77, 90], (await store.GetHistoryAsync(same[0].Domain, 10, CancellationToken.None)).Select(r => r.Verdict!.Score));
        Assert.Equal(55, (await store.GetLatestAsync(other.Domain, CancellationToken.None))!.Verdict!.Score);
        Assert.Equal(99, (await store.GetLatestAsync(first.Domain, CancellationToken.None))!.Verdict!.Score);
        Assert.Equal([99, 60], (await store.GetHistoryAsync(first.Domain, 10, CancellationToken.None)).Select(r => r.Verdict!.Score));
    }

    [Fact]
    public async Task ATransactionRefusedAsAWhole_IsTriedOneDomainAtATime_AndOnlyTheRefusedResultFails()
    {
        await _harness.Storage.EnsureCreatedAsync();
        var store = _harness.Get<ResultStore>();
        var stamp = Guid.NewGuid().ToString("N")[..8];
        var blocker = ReviewHarness.Result($"rf-0-{stamp}.test", "review", 60);
        var at = blocker.ScreenedAt;
        var blockerSave = store.SaveAsync(blocker, at, CancellationToken.None);
        await WaitHeldAsync(1, [blockerSave]);
        var good = ReviewHarness.Result($"rf-1-{stamp}.test", "block", 91);
        var bad = ReviewHarness.Result($"rf-2-refused-{stamp}.test", "block", 92);
        var good2 = ReviewHarness.Result($"rf-3-{stamp}.test", "block", 93);
        var saves = new[] { good, bad, good2 }.Select(r => store.SaveAsync(r, at, CancellationToken.None)).ToList();

        await ReleaseUntilAsync(Task.WhenAll(saves.Append(blockerSave)));
        await blockerSave;
        await saves[0];
        await saves[2];
        var failure = await Assert.ThrowsAnyAsync<RequestFailedException>(() => saves[1]);
        Assert.Equal(400, failure.Status);
        // Tried together once (refused), then each alone: the good ones stored, the refused one not.
        Assert.Equal(2, _refuse.Refused);
        Assert.Equal(91, (await store.GetLatestAsync(good.Domain, CancellationToken.None))!.Verdict!.Score);
        Assert.Equal(93, (await store.GetLatestAsync(good2.Domain, CancellationToken.None))!.Verdict!.Score);
        Assert.Null(await store.GetLatestAsync(bad.Domain, CancellationToken.None));
    }
}
