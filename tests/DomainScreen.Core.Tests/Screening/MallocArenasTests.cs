using DomainScreen.Core.Screening;

namespace DomainScreen.Core.Tests.Screening;

/// <summary>The malloc arena limit a screening process sets for itself at start.</summary>
public sealed class MallocArenasTests
{
    [Fact]
    public void Unset_OnLinux_IsTwo() => Assert.Equal(2, MallocArenas.Decide(null, null, linux: true).Arenas);

    [Fact]
    public void Configured_IsTaken_AndZeroLeavesTheLibraryAlone()
    {
        Assert.Equal(4, MallocArenas.Decide(4, null, linux: true).Arenas);
        var (arenas, reason) = MallocArenas.Decide(0, null, linux: true);
        Assert.Null(arenas);
        Assert.Contains("MallocArenas is 0", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void AnExplicitEnvironmentVariable_Wins()
    {
        var (arenas, reason) = MallocArenas.Decide(2, "8", linux: true);
        Assert.Null(arenas);
        Assert.Contains("MALLOC_ARENA_MAX=8", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void NotLinux_NothingIsDone() => Assert.Null(MallocArenas.Decide(null, null, linux: false).Arenas);

    /// <summary>On this machine (Debian, glibc) the call binds and glibc takes the limit.</summary>
    [Fact]
    public void Apply_OnGlibc_SetsTheLimit()
    {
        var reason = MallocArenas.Apply(null);

        var expected = !OperatingSystem.IsLinux() ? "malloc arenas: not Linux, left alone"
            : Environment.GetEnvironmentVariable("MALLOC_ARENA_MAX") is { Length: > 0 } set ? $"malloc arenas: MALLOC_ARENA_MAX={set} applies"
            : "malloc arenas limited to 2";
        Assert.Equal(expected, reason);
    }
}
