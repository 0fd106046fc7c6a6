using DomainScreen.Local.Hosting;

namespace DomainScreen.Local.Tests.Hosting;

/// <summary>What serve says as the on-disk table store of its Azurite nears what Azurite can save, and when Azurite stops.</summary>
public sealed class AzuriteCapacityTests
{
    private const long Limit = AzuriteProcess.DiskStoreLimitBytes;

    [Fact]
    public void Warning_OncePerLevel_AtHalfThreeQuartersAndNinetyPercent()
    {
        var warned = 0;
        Assert.Null(AzuriteCapacity.Warning(0, ref warned));
        Assert.Null(AzuriteCapacity.Warning(Limit * 49 / 100, ref warned));
        var half = AzuriteCapacity.Warning(Limit / 2 + 1, ref warned);
        Assert.NotNull(half);
        Assert.Contains("50 %", half, StringComparison.Ordinal);
        Assert.Contains("--memory-storage", half, StringComparison.Ordinal);
        Assert.Null(AzuriteCapacity.Warning(Limit * 60 / 100, ref warned)); // said already
        // A jump past two levels warns once, at the higher one.
        var bytes = Limit * 95 / 100;
        var high = AzuriteCapacity.Warning(bytes, ref warned);
        Assert.Contains($"{100 * bytes / Limit} %", high, StringComparison.Ordinal);
        Assert.Equal(90, warned);
        Assert.Null(AzuriteCapacity.Warning(Limit, ref warned));
    }

    [Fact]
    public void Warning_SaysRoughlyHowManyMoreDomainsFit()
    {
        var warned = 0;
        var text = AzuriteCapacity.Warning(Limit - 700_000_00, ref warned)!;
        Assert.Contains("≈ 10,000 more screened domains", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Stopped_AFullStore_IsExplained_AnyOtherStopShowsAzuritesLastWords()
    {
        var full = AzuriteCapacity.Stopped(1, Limit - 1000, ["", "RangeError: Invalid string length", "    at JSON.stringify (<anonymous>)"], "/state/azurite");
        Assert.Contains("exit code 1", full, StringComparison.Ordinal);
        Assert.Contains("cannot save more than", full, StringComparison.Ordinal);
        Assert.Contains("/state/azurite", full, StringComparison.Ordinal);
        Assert.Contains("RangeError: Invalid string length", full, StringComparison.Ordinal);

        var killed = AzuriteCapacity.Stopped(137, 5_000_000, ["Azurite Table service is successfully listening"], "/state/azurite");
        Assert.Contains("exit code 137", killed, StringComparison.Ordinal);
        Assert.DoesNotContain("cannot save more than", killed, StringComparison.Ordinal);
        Assert.Contains("successfully listening", killed, StringComparison.Ordinal);
    }
}
