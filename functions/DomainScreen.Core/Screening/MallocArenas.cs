using System.Runtime.InteropServices;

namespace DomainScreen.Core.Screening;

/// <summary>
/// Limits the C library's malloc arenas in a screening process (<see cref="ScreeningOptions.MallocArenas"/>), as the
/// <c>MALLOC_ARENA_MAX</c> environment variable would, for the native allocations beside the GC heap (sockets, Brotli,
/// the runtime's own). glibc gives each thread that meets contention an arena of its own, up to eight per core, and an
/// arena keeps the memory it grew to: over a 100k sweep those arenas took 51–57 MB of RSS beyond the GC's committed
/// memory against 33 MB in a 10k sweep — most of what kept a long sweep's peak above a short one's under the same heap
/// cap. With two: 32–34 MB through the 100k sweep, at the same speed (docs/benchmarks.md, "Twenty-ninth session").
/// </summary>
/// <remarks>
/// Applied with glibc's <c>mallopt(M_ARENA_MAX)</c> at start, before the host runs its work; glibc reads the limit
/// when it next needs an arena, and arenas made before it stay. An explicit <c>MALLOC_ARENA_MAX</c> wins; on other C
/// libraries (musl ignores the call) and other systems nothing is done.
/// </remarks>
public static class MallocArenas
{
    /// <summary>Arenas when <see cref="ScreeningOptions.MallocArenas"/> is unset.</summary>
    public const int Default = 2;

    private const int ArenaMaxParameter = -8; // M_ARENA_MAX in glibc's malloc.h

    /// <summary>The limit to set (null: none) and the sentence to log.</summary>
    public static (int? Arenas, string Reason) Decide(int? configured, string? environment, bool linux)
    {
        if (configured == 0) return (null, "malloc arenas: the C library's default (Screening:MallocArenas is 0)");
        if (!linux) return (null, "malloc arenas: not Linux, left alone");
        if (!string.IsNullOrEmpty(environment)) return (null, $"malloc arenas: MALLOC_ARENA_MAX={environment} applies");
        return (configured ?? Default, "");
    }

    /// <summary>Applies the configured limit to this process; returns the sentence to log.</summary>
    public static string Apply(int? configured)
    {
        var (arenas, reason) = Decide(configured, Environment.GetEnvironmentVariable("MALLOC_ARENA_MAX"), OperatingSystem.IsLinux());
        if (arenas is not { } n) return reason;
        try
        {
            return SetOption(ArenaMaxParameter, n) == 1
                ? $"malloc arenas limited to {n}"
                : $"malloc arenas: the C library refused a limit of {n} (not glibc?)";
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return $"malloc arenas: no mallopt in this C library ({e.GetType().Name})";
        }
    }

    // DllImport rather than LibraryImport: the arguments are plain ints (nothing to marshal), and LibraryImport would
    // need unsafe code enabled for the whole project.
    [DllImport("libc", EntryPoint = "mallopt", ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int SetOption(int parameter, int value);
}
