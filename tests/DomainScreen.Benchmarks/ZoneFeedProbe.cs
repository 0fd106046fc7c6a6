using System.Diagnostics;
using System.Globalization;
using System.Text;
using DomainScreen.Core.Sources;

namespace DomainScreen.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release -- zone [names]</c>: the zone-feed path without storage. Writes a TLD-style zone of
/// <c>names</c> delegations (two NS records each, plus glue) and a second day's zone with 1 % new and 1 % removed,
/// then reads, sorts (external merge sort) and diffs them as <see cref="FeedProcessor"/> does, printing names/s and
/// the process's peak working set, which must not grow with the zone.
/// </summary>
internal static class ZoneFeedProbe
{
    public static async Task<int> RunAsync(string[] args)
    {
        var names = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1_000_000;
        var dir = Directory.CreateTempSubdirectory("ds-zone-");
        try
        {
            var day1 = Path.Combine(dir.FullName, "day1.zone");
            var day2 = Path.Combine(dir.FullName, "day2.zone");
            Write(day1, names, 0);
            Write(day2, names, names / 100);
            Console.WriteLine($"zone files: {new FileInfo(day1).Length / 1e6:0} MB and {new FileInfo(day2).Length / 1e6:0} MB, {names:N0} delegations each");
            var before = Process.GetCurrentProcess().PeakWorkingSet64;
            var clock = Stopwatch.StartNew();
            var sorted1 = await SortAsync(day1);
            var t1 = clock.Elapsed;
            var sorted2 = await SortAsync(day2);
            using var a = new StreamReader(sorted1);
            using var b = new StreamReader(sorted2);
            var added = 0;
            await foreach (var _ in SortedNames.AddedAsync(a, b, CancellationToken.None)) added++;
            clock.Stop();
            var peak = Process.GetCurrentProcess().PeakWorkingSet64;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"read+sort day 1: {t1.TotalSeconds:0.0} s ({names / t1.TotalSeconds:N0} names/s); both days + diff: {clock.Elapsed.TotalSeconds:0.0} s " +
                $"({2.0 * names / clock.Elapsed.TotalSeconds:N0} names/s); {added:N0} new names; peak working set {peak / 1e6:0} MB (before: {before / 1e6:0} MB)"));
            return 0;
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static async Task<string> SortAsync(string zone)
    {
        using var reader = new StreamReader(zone);
        var zoneReader = new ZoneFileReader(reader);
        var output = zone + ".sorted";
        await SortedNames.SortToFileAsync(Delegations(zoneReader), output, CancellationToken.None);
        return output;
    }

    private static async IAsyncEnumerable<string> Delegations(ZoneFileReader zone)
    {
        foreach (var r in zone.Records()) if (r.Type == "NS" && r.Owner != zone.Origin) yield return r.Owner;
        await Task.CompletedTask;
    }

    // A shuffled order (registries do not promise sorted files); day 2 drops the first `shift` names and adds as many.
    private static void Write(string path, int names, int shift)
    {
        using var w = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16);
        w.Write("$ORIGIN test.\n$TTL 3600\n@ IN SOA a.nic.test. hostmaster.nic.test. ( 2026113001 1800 900 604800 86400 )\n  IN NS a.nic.test.\n");
        for (long i = 0; i < names; i++)
        {
            var n = (i * 48271 % names) + shift;
            w.Write(string.Create(CultureInfo.InvariantCulture, $"d{n:x8}\t86400\tIN\tNS\tns1.host{n % 97}.example.\n\t86400\tIN\tNS\tns2.host{n % 97}.example.\n"));
        }
        w.Write("a.nic 86400 IN A 192.0.2.53\n");
    }
}
