using DomainScreen.Core.Sources;

namespace DomainScreen.Core.Tests.Sources;

public sealed class SortedNamesTests
{
    private static async IAsyncEnumerable<string> Of(IEnumerable<string> names)
    {
        foreach (var n in names) yield return n;
        await Task.CompletedTask;
    }

    [Fact]
    public async Task Sort_AcrossManyRuns_IsOrdinalAndUnique()
    {
        var path = Path.GetTempFileName();
        var names = Enumerable.Range(0, 1000).Select(i => $"n{(i * 7919) % 700:D4}.test").ToList(); // 700 distinct, shuffled, repeated

        var count = await SortedNames.SortToFileAsync(Of(names), path, CancellationToken.None, runSize: 64);

        var lines = await File.ReadAllLinesAsync(path);
        Assert.Equal(700, count);
        Assert.Equal(names.Distinct().Order(StringComparer.Ordinal), lines);
        File.Delete(path);
    }

    [Fact]
    public async Task Added_IsWhatTheSecondListHasAndTheFirstDoesNot()
    {
        using var before = new StringReader("a.test\nc.test\nd.test\n");
        using var after = new StringReader("b.test\nc.test\ne.test\n");
        var added = new List<string>();

        await foreach (var n in SortedNames.AddedAsync(before, after, CancellationToken.None)) added.Add(n);

        Assert.Equal(["b.test", "e.test"], added);
    }
}
