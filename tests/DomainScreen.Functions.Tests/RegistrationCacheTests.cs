using Azure.Core.Pipeline;
using DomainScreen.Core.Registration;
using DomainScreen.Core.Tests.Dns;
using DomainScreen.Functions.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace DomainScreen.Functions.Tests;

/// <summary>The registration cache against Azurite: a run of names is one range read; scattered names still come back right.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class RegistrationCacheTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly CountingPolicy _reads = new("Registrations", writes: false);
    private FunctionsHarness _harness = null!;
    private TableRegistrationCache _cache = null!;

    public async Task InitializeAsync()
    {
        _harness = new FunctionsHarness(azurite, new FakeDnsResolver(), configure: s => s.AddSingleton<HttpPipelinePolicy>(_reads));
        await _harness.InitializeAsync();
        _cache = _harness.Create<TableRegistrationCache>();
        // 300 stored lookups, every tenth name left out (never looked up), across several first letters.
        var stored = Enumerable.Range(0, 300).Where(i => i % 10 != 5)
            .Select(i => new RegistrationEvidence { Domain = Name(i), Source = "rdap", Outcome = RegistrationOutcomes.Found, Registrar = "R" + i, FetchedAt = _harness.Time.GetUtcNow() })
            .ToList();
        await _cache.SetManyAsync(stored, CancellationToken.None);
    }

    public Task DisposeAsync() => _harness.DisposeAsync().AsTask();

    // a000…a149.test in partition "a", b150…b299.test in "b".
    private static string Name(int i) => $"{(i < 150 ? 'a' : 'b')}{i:D3}.test";

    [Fact]
    public async Task RunOfNames_IsOneRangeReadPerPartition_AndReturnsExactlyTheStoredOnes()
    {
        var wanted = Enumerable.Range(140, 25).Select(Name).ToList(); // crosses from partition a into b
        var before = _reads.Count;
        var found = await _cache.GetManyAsync(wanted, CancellationToken.None);
        Assert.Equal(wanted.Where((_, k) => (140 + k) % 10 != 5).Order(), found.Select(e => e.Domain).Order());
        Assert.All(found, e => Assert.Equal("R" + int.Parse(e.Domain[1..4], System.Globalization.CultureInfo.InvariantCulture), e.Registrar));
        Assert.True(_reads.Count - before <= 2, $"{_reads.Count - before} reads");
    }

    [Fact]
    public async Task ScatteredNames_AreNotMissed_WhenTheRangeWouldBeLarge()
    {
        // Three names spread over 150 rows of one partition: the range read stops at its cap, point reads do the rest.
        string[] wanted = [Name(0), Name(76), Name(149), "a999.test"];
        var found = await _cache.GetManyAsync(wanted, CancellationToken.None);
        Assert.Equal([Name(0), Name(76), Name(149)], found.Select(e => e.Domain).Order(StringComparer.Ordinal));
    }
}
