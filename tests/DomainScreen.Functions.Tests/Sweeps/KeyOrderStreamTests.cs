using Azure.Core.Pipeline;
using Azure.Data.Tables;
using DomainScreen.Core.Domains;
using DomainScreen.Core.Screening;
using DomainScreen.Core.Storage;
using DomainScreen.Core.Sweeps;
using DomainScreen.Core.Tests.Dns;
using DomainScreen.Functions.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace DomainScreen.Functions.Tests.Sweeps;

/// <summary>
/// A partition read in key order a page at a time, by first-character windows once it holds more than a page — against
/// Azurite: every row after the given key, each once, in order, wherever the key falls.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class KeyOrderStreamTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly CountingPolicy _reads = new("Candidates", writes: false);
    private FunctionsHarness _harness = null!;

    // Keys around and inside every window edge: before "0", digits, the gap between "9" and "a" (upper case, ':'), letters,
    // IDNA names, and after "z".
    private static readonly string[] Keys =
    [
        "-lead", "0", "0a.test", "09.test", "1.test", "9z.test", "9~", ":colon", "Ab.test", "a", "a-b.test", "a.test", "az.test", "b",
        "m.test", "xn--fiq228c.test", "xn--zz", "y~", "z", "z.test", "zz.test", "{brace", "~tilde",
    ];

    public async Task InitializeAsync()
    {
        _harness = new FunctionsHarness(azurite, new FakeDnsResolver(), configure: s => s.AddSingleton<HttpPipelinePolicy>(_reads));
        await _harness.InitializeAsync();
        var table = _harness.Get<StorageClients>().Candidates;
        await table.SubmitTransactionAsync(Keys.Select(k => new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("stream-test", k))));
        await table.AddEntityAsync(new TableEntity("stream-tesu", "a.test")); // the next partition: never read
    }

    public Task DisposeAsync() => _harness.DisposeAsync().AsTask();

    private async Task<List<string>> ReadAsync(string? after, int pageSize)
    {
        var keys = new List<string>();
        await foreach (var row in KeyOrderStream.ReadAsync(_harness.Get<StorageClients>().Candidates, "stream-test", after, pageSize, ["RowKey"], CancellationToken.None))
        {
            keys.Add(row.RowKey);
        }
        return keys;
    }

    public static TheoryData<string?> Afters() =>
    [
        null, "", "-", "-lead", "0", "05", "09.test", "9", "9z.test", "9~", ":", "A", "Zzz", "a", "a.test", "azz", "b", "c", "xn--", "y~", "z", "z.test",
        "zz.test", "{", "~tilde", "\uffff",
    ];

    [Theory]
    [MemberData(nameof(Afters))]
    public async Task EveryRowAfterTheKey_ComesOnceAndInOrder_WhenThePartitionOutgrowsThePage(string? after)
    {
        var expected = Keys.Where(k => after is null || string.CompareOrdinal(k, after) > 0).Order(StringComparer.Ordinal).ToList();

        Assert.Equal(expected, await ReadAsync(after, pageSize: 4)); // windows after the first page
        Assert.Equal(expected, await ReadAsync(after, pageSize: 1000)); // one page
    }

    [Fact]
    public async Task APartitionThatFitsInAPage_IsOneRequest_AndALargerOneIsReadByWindows()
    {
        var before = _reads.Count;
        Assert.Equal(Keys.Length, (await ReadAsync(null, pageSize: 1000)).Count);
        Assert.Equal(1, _reads.Count - before);

        before = _reads.Count;
        Assert.Equal(Keys.Length, (await ReadAsync(null, pageSize: 4)).Count);
        // The first page (four rows, to "09.test"), then the 36 windows from "0" on, and a second page of the window from
        // "z" (five rows).
        Assert.Equal(1 + 36 + 1, _reads.Count - before);
    }

    [Fact]
    public async Task TheSweepsStreams_ReadEveryCandidateAndDigestOfALargeTable_InNameOrder()
    {
        // More than a page (1,000) of names over every first character, so both streams go past their first page.
        var parser = _harness.Get<DomainParser>();
        const string firsts = "0123456789abcdefghijklmnopqrstuvwxyz";
        var names = Enumerable.Range(0, 1_300).Select(i => $"{firsts[i * 7 % firsts.Length]}{i:D4}.test").ToList();
        await _harness.Get<CandidateStore>().AddAsync(names.Select(n => parser.Parse(n)), "test", CancellationToken.None);
        await _harness.Get<DigestStore>().SetManyAsync(names.Where((_, i) => i % 3 == 0).Select(n => (n, "d-" + n)).ToList(), _harness.Time.GetUtcNow(),
            CancellationToken.None);
        var ordered = names.Order(StringComparer.Ordinal).ToList();
        var after = ordered[400];

        var candidates = new List<string>();
        await foreach (var c in _harness.Get<CandidateStore>().StreamAsync(after, CancellationToken.None)) candidates.Add(c.Domain);
        var digests = new List<(string, string)>();
        await foreach (var d in _harness.Get<DigestStore>().StreamAsync(null, CancellationToken.None)) digests.Add(d);

        Assert.Equal(ordered.Skip(401), candidates);
        Assert.Equal(names.Where((_, i) => i % 3 == 0).Order(StringComparer.Ordinal).Select(n => (n, "d-" + n)), digests);
    }

    [Fact]
    public async Task TheApisPagesAfterTheFirst_AreReadByWindows_InNameOrder_WithTheirFilters()
    {
        var parser = _harness.Get<DomainParser>();
        var store = _harness.Get<CandidateStore>();
        const string firsts = "0123456789abcdefghijklmnopqrstuvwxyz";
        var names = Enumerable.Range(0, 90).Select(i => $"{firsts[i * 7 % firsts.Length]}{i:D2}.test").Append("xn--fiq228c.test").ToList();
        await store.AddAsync(names.Select(n => parser.Parse(n)), "all", CancellationToken.None);
        var quarter = names.Where((_, i) => i % 4 == 0).ToList();
        await store.AddAsync(quarter.Select(n => parser.Parse(n)), "quarter", CancellationToken.None, ["q"]);

        async Task<List<string>> EveryPageAsync(int top, string? source, string? tag)
        {
            var all = new List<string>();
            for (string? after = null; ;)
            {
                var (page, last) = await store.PageAsync(after, top, null, source, tag, CancellationToken.None);
                all.AddRange(page.Select(c => c.Domain));
                if (last is null) return all;
                Assert.Equal(top, page.Count);
                Assert.Equal(page[^1].Domain, last);
                after = last;
            }
        }

        Assert.Equal(names.Order(StringComparer.Ordinal), await EveryPageAsync(7, null, null));
        Assert.Equal(quarter.Order(StringComparer.Ordinal), await EveryPageAsync(3, "quarter", null));
        Assert.Equal(quarter.Order(StringComparer.Ordinal), await EveryPageAsync(5, null, "q"));
        Assert.Equal(quarter.Order(StringComparer.Ordinal), await EveryPageAsync(quarter.Count, "quarter", "q")); // a last page that is exactly full

        // A page after "m" reads the windows from "m" on (the 13 from "m" to "y", then "z" on), not one range of every
        // name after it, which the emulator sorts whole for each page.
        var before = _reads.Count;
        var (rest, end) = await store.PageAsync("m", 1000, null, null, null, CancellationToken.None);
        Assert.Equal(names.Where(n => string.CompareOrdinal(n, "m") > 0).Order(StringComparer.Ordinal), rest.Select(c => c.Domain));
        Assert.Null(end);
        Assert.Equal(14, _reads.Count - before);
    }

    [Fact]
    public async Task AKeySpaceWithinAPartition_IsReadByItsOwnWindows_AndNothingOutsideIt()
    {
        // Keys like the review queue's ("q|{100-score:D3}|…") among other rows of the partition, windows per score.
        var space = new KeyOrderStream.KeySpace("q|", "q}", ["q|001", "q|050", "q|100"]);
        string[] inside = ["q|", "q|000|a", "q|000|b", "q|001", "q|001|a", "q|049|z", "q|050|a", "q|099|~", "q|100|a", "q|100|b", "q|~"];
        string[] outside = ["p~", "q", "q{", "q}", "q}|a", "r|a"];
        var ordered = inside.Order(StringComparer.Ordinal).ToList();
        var kept = ordered.Where((_, i) => i % 2 == 0).ToList(); // every other key inside, and every key outside
        var table = _harness.Get<StorageClients>().Candidates;
        await table.SubmitTransactionAsync(inside.Concat(outside).Select(k => new TableTransactionAction(TableTransactionActionType.Add,
            new TableEntity("space-test", k) { ["Kept"] = !inside.Contains(k) || kept.Contains(k) })));

        async Task<List<string>> ReadAsync(string? after, int pageSize, string? only = null)
        {
            var keys = new List<string>();
            await foreach (var row in KeyOrderStream.ReadAsync(table, "space-test", space, after, pageSize, ["RowKey"], only, CancellationToken.None)) keys.Add(row.RowKey);
            return keys;
        }

        Assert.Equal(ordered, await ReadAsync(null, 1000));
        Assert.Equal(ordered, await ReadAsync(null, 2)); // windows after the first page
        Assert.Equal(ordered.Where(k => string.CompareOrdinal(k, "q|001|a") > 0), await ReadAsync("q|001|a", 2));
        Assert.Equal(kept, await ReadAsync(null, 2, " and Kept eq true")); // more conditions on every window
        // The windows after any key hold the keys of the space after it, each once, in order — none outside the space.
        var all = inside.Concat(outside).Order(StringComparer.Ordinal).ToList();
        foreach (var after in new[] { "a", "q", "q|", "q|000|b", "q|050", "q|099|~", "q|100|b", "q|~", "q}" })
        {
            Assert.Equal(ordered.Where(k => string.CompareOrdinal(k, after) > 0), KeyOrderStreamWindowsOf(space, after, all));
        }
    }

    // Which of the keys the windows after a key would hold, in the windows' order (each window's keys in key order).
    private static List<string> KeyOrderStreamWindowsOf(KeyOrderStream.KeySpace space, string after, List<string> keys)
    {
        var held = new List<string>();
        foreach (var window in KeyOrderStream.Windows("space-test", space, after))
        {
            held.AddRange(keys.Where(k => Holds(window, k)));
        }
        return held;
    }

    // Evaluates a window's filter ("RowKey gt/ge/lt '…'" clauses joined by "and") for one key.
    private static bool Holds(string filter, string key)
    {
        foreach (var clause in filter.Split(" and "))
        {
            var parts = clause.Split(' ', 3);
            if (parts[0] != "RowKey") continue;
            var value = parts[2].Trim('\'').Replace("''", "'");
            var c = string.CompareOrdinal(key, value);
            if (!(parts[1] switch { "gt" => c > 0, "ge" => c >= 0, "lt" => c < 0, _ => throw new InvalidOperationException(clause) })) return false;
        }
        return true;
    }
}
