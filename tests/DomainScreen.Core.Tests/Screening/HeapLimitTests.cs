using DomainScreen.Core.Screening;

namespace DomainScreen.Core.Tests.Screening;

/// <summary>The heap limit a screening process sets for itself: what it wants, and when it leaves the runtime's alone.</summary>
public sealed class HeapLimitTests
{
    private const long MiB = 1024 * 1024;

    [Fact]
    public void Unset_IsTheBaseAndThePageMemoryBudget() =>
        Assert.Equal((HeapLimit.BaseMiB + 192) * MiB, HeapLimit.Wanted(null, 192));

    [Fact]
    public void Unset_WithASmallPageBudget_IsNeverBelowTheFloor()
    {
        // A long sweep's live data is 110–170 MB whatever the page budget (docs/benchmarks.md, twenty-ninth session).
        Assert.Equal(320 * MiB, HeapLimit.Wanted(null, 64));
        Assert.Equal(320 * MiB, HeapLimit.Wanted(null, 128));
        Assert.Equal(384 * MiB, HeapLimit.Wanted(null, 192));
    }

    [Fact]
    public void Zero_MeansNoLimitOfOurOwn()
    {
        Assert.Null(HeapLimit.Wanted(0, 192));
        var (apply, reason) = HeapLimit.Decide(null, 24L * 1024 * MiB, null);
        Assert.False(apply);
        Assert.Contains("HeapLimitMiB is 0", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void AConfiguredLimitBelowTheBaseAndThePageBudget_IsWarnedAbout()
    {
        Assert.Contains("below 320 MiB", HeapLimit.Warning(288, 128), StringComparison.Ordinal);
        Assert.Contains("below 320 MiB", HeapLimit.Warning(256, 64), StringComparison.Ordinal);
        Assert.Contains("below 384 MiB", HeapLimit.Warning(320, 192), StringComparison.Ordinal);
        Assert.Null(HeapLimit.Warning(320, 128));
        Assert.Null(HeapLimit.Warning(320, 64));
        Assert.Null(HeapLimit.Warning(null, 128));
        Assert.Null(HeapLimit.Warning(0, 128));
    }

    [Fact]
    public void Configured_IsTakenAsIs() => Assert.Equal(1024 * MiB, HeapLimit.Wanted(1024, 192));

    [Fact]
    public void ALargerMachine_GetsTheLimit()
    {
        var (apply, reason) = HeapLimit.Decide(448 * MiB, 24L * 1024 * MiB, null);
        Assert.True(apply);
        Assert.Contains("448 MiB", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ALowerRuntimeLimit_AsAContainerHas_IsKept()
    {
        var (apply, reason) = HeapLimit.Decide(448 * MiB, 384 * MiB, null);
        Assert.False(apply);
        Assert.Contains("384 MiB", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void AnExplicitRuntimeSetting_WinsEvenWhenHigher()
    {
        var (apply, reason) = HeapLimit.Decide(448 * MiB, 2048 * MiB, "DOTNET_GCHeapHardLimit");
        Assert.False(apply);
        Assert.Contains("DOTNET_GCHeapHardLimit", reason, StringComparison.Ordinal);
    }
}
