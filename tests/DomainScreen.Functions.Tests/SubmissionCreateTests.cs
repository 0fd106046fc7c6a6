using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using DomainScreen.Core.Submissions;
using DomainScreen.Core.Tests.Dns;
using DomainScreen.Functions.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace DomainScreen.Functions.Tests;

/// <summary>
/// A new submission's rows are written several transactions at once, and its meta row only after all of them: a
/// submission is visible complete or not at all — one failed row transaction leaves nothing to read.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class SubmissionCreateTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly RefuseNth _refuse = new();
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
    public async Task ARefusedRowTransaction_LeavesNoVisibleSubmission()
    {
        await _harness.Storage.EnsureCreatedAsync();
        var store = _harness.Get<SubmissionStore>();
        var id = "s-refused-" + Guid.NewGuid().ToString("N")[..8];
        _refuse.Arm(id, nth: 2);

        await Assert.ThrowsAnyAsync<RequestFailedException>(() =>
            store.CreateAsync(id, DateTimeOffset.UnixEpoch, "analyst", Names("bad"), [], CancellationToken.None));
        Assert.Null(await store.GetAsync(id, 10, null, CancellationToken.None));
    }

    /// <summary>Refuses the nth transaction that writes rows of one submission.</summary>
    private sealed class RefuseNth : HttpPipelinePolicy
    {
        private string? _id;
        private int _nth;
        private int _seen;

        public void Arm(string id, int nth) => (_id, _nth) = (id, nth);

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
            ProcessAsync(message, pipeline).AsTask().GetAwaiter().GetResult();

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            if (_id is { } id && message.Request.Uri.Path.Contains("$batch", StringComparison.Ordinal)
                && CountingPolicy.Target(message).Contains(id, StringComparison.Ordinal) && Interlocked.Increment(ref _seen) == _nth)
            {
                message.Response = new RefusedResponse();
                return;
            }
            await ProcessNextAsync(message, pipeline);
        }
    }
}
