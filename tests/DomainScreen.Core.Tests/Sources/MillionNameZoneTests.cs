using System.Globalization;
using DomainScreen.Core.Sources;

namespace DomainScreen.Core.Tests.Sources;

/// <summary>
/// A generated TLD zone of a million delegations, read and diffed the way a zone feed is: the zone is produced line by
/// line (never held as a whole), sorted in runs of 100,000 names spilled to disk, and the next day's zone adds exactly
/// the names it should. Speed and peak memory are in docs/benchmarks.md (<c>zone</c> probe), not asserted here.
/// </summary>
public sealed class MillionNameZoneTests
{
    private const int Names = 1_000_000, Shift = 10_000, Run = 100_000;

    [Fact]
    public async Task MillionDelegations_NextDayAddsExactlyTheNewNames_InBoundedRuns()
    {
        var dir = Directory.CreateTempSubdirectory("ds-zone-test-");
        try
        {
            var day1 = Path.Combine(dir.FullName, "day1.sorted");
            var day2 = Path.Combine(dir.FullName, "day2.sorted");
            Assert.Equal(Names, await SortedNames.SortToFileAsync(Delegations(0), day1, CancellationToken.None, Run));
            Assert.Equal(Names, await SortedNames.SortToFileAsync(Delegations(Shift), day2, CancellationToken.None, Run));

            using var before = new StreamReader(day1);
            using var after = new StreamReader(day2);
            var added = new List<string>();
            await foreach (var name in SortedNames.AddedAsync(before, after, CancellationToken.None)) added.Add(name);

            var expected = Enumerable.Range(Names, Shift).Select(Name).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(expected, added);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static string Name(int n) => string.Create(CultureInfo.InvariantCulture, $"d{n:x8}.test");

    // Day N: names shift…shift+Names-1 in a scrambled order (registries do not promise sorted files), two NS each, read
    // through the master-file reader from a stream that is generated as it is read.
    private static async IAsyncEnumerable<string> Delegations(int shift)
    {
        var zone = new ZoneFileReader(new GeneratedZone(shift));
        foreach (var r in zone.Records()) if (r.Type == "NS" && r.Owner != zone.Origin) yield return r.Owner;
        await Task.CompletedTask;
    }

    private sealed class GeneratedZone(int shift) : TextReader
    {
        private static readonly string[] Head =
            ["$ORIGIN test.", "$TTL 3600", "@ IN SOA a.nic.test. hostmaster.nic.test. ( 2026113001 1800 900 604800 86400 )", "  IN NS a.nic.test."];

        private int _head;
        private long _i;
        private bool _second;

        public override string? ReadLine()
        {
            if (_head < Head.Length) return Head[_head++];
            if (_i >= Names) return null;
            var n = (int)(_i * 48271 % Names) + shift;
            if (!_second)
            {
                _second = true;
                return string.Create(CultureInfo.InvariantCulture, $"d{n:x8}\t86400\tIN\tNS\tns1.host{n % 97}.example.");
            }
            _second = false;
            _i++;
            return string.Create(CultureInfo.InvariantCulture, $"\t86400\tIN\tNS\tns2.host{n % 97}.example.");
        }
    }
}
