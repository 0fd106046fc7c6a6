using DomainScreen.Core.Fetching;
using Microsoft.Extensions.Configuration;

namespace DomainScreen.Core.Screening;

/// <summary>
/// Sets the process's GC heap limit from <see cref="ScreeningOptions.HeapLimitMiB"/> at start, for the processes that
/// screen (<c>domainscreen serve</c>, <c>sweep-worker</c>, the Functions worker, the benchmark harness).
/// </summary>
/// <remarks>
/// Without a limit the collector on a large machine lets a long sweep's heap grow with its own room — gen0 budgets and
/// uncompacted gen2 — though the live data stays flat (docs/benchmarks.md: a 100k sweep peaked at 1.37× a 10k sweep
/// with 113–141 MB live). With a limit it collects to stay under it; <see cref="PageMemory"/> is what makes a fixed
/// limit safe, by bounding what the screens in flight hold whatever the pages weigh. Applied with
/// <see cref="GC.RefreshMemoryLimit"/>, and only ever lowering: a runtime that already has a lower limit (a container's
/// memory limit, <c>DOTNET_GCHeapHardLimit</c>) keeps it, and one configured explicitly keeps its setting.
/// </remarks>
public static class HeapLimit
{
    /// <summary>
    /// What the process holds besides fetched bodies: catalog, caches, messages, results, and room to allocate. 256 until
    /// the twenty-ninth session, when a sweep's live data fell by a third (batches hold their stored results abridged,
    /// a result waiting for its transaction one entity, shorter-lived DNS caches: 138 MB live mid-way through a 30k sweep
    /// against 203 MB, docs/benchmarks.md).
    /// </summary>
    public const int BaseMiB = 192;

    /// <summary>
    /// The least heap a long sweep has been seen to need whatever the page budget. 384 until the twenty-ninth session:
    /// 320 MiB had run a 100k sweep out of memory with a 128 MiB page budget and again with a 64 MiB one (live data
    /// 176–221 MB either way; most of it not page bodies) — docs/reliability.md, finding 24; with the live data a
    /// third lower, 100k sweeps finish under 320 MiB at the throughput they had under 384. A smaller page budget does
    /// not lower the limit below this.
    /// </summary>
    public const int FloorMiB = 320;

    private const long MiB = 1024 * 1024;

    /// <summary>The limit wanted when none is configured, and below which a configured one is warned about, MiB.</summary>
    public static int SafeMiB(int pageMemoryMiB) => Math.Max(BaseMiB + pageMemoryMiB, FloorMiB);

    private static readonly string[] RuntimeSettings =
    [
        "GCHeapHardLimit", "GCHeapHardLimitPercent", "GCHeapHardLimitSOH", "GCHeapHardLimitLOH", "GCHeapHardLimitPOH",
    ];

    /// <summary>The limit wanted, bytes; null for none (0 configured).</summary>
    public static long? Wanted(int? configuredMiB, int pageMemoryMiB) => configuredMiB switch
    {
        null => SafeMiB(pageMemoryMiB) * MiB,
        0 => null,
        var n => n.Value * MiB,
    };

    /// <summary>
    /// A warning for a configured limit below <see cref="SafeMiB"/> (<see cref="BaseMiB"/> + the page-memory budget,
    /// at least <see cref="FloorMiB"/>), or null: the screens' bodies may take the whole budget on top of a long
    /// sweep's ≈ 110–170 MB of live data, and sweeps under 320 MiB ran out of memory (docs/reliability.md, finding 24).
    /// </summary>
    public static string? Warning(int? configuredMiB, int pageMemoryMiB) =>
        configuredMiB is > 0 and var n && n < SafeMiB(pageMemoryMiB)
            ? $"Screening:HeapLimitMiB {n} is below {SafeMiB(pageMemoryMiB)} MiB ({BaseMiB} + Fetching:PageMemoryMiB {pageMemoryMiB}, at least {FloorMiB}): a long sweep may run out of memory"
            : null;

    /// <summary>Whether to set <paramref name="wanted"/>, and why (the sentence logged at start).</summary>
    public static (bool Apply, string Reason) Decide(long? wanted, long runtimeLimit, string? runtimeSetting)
    {
        if (wanted is null) return (false, "Screening:HeapLimitMiB is 0: the runtime's own heap limit applies");
        if (runtimeSetting is not null) return (false, $"the runtime's {runtimeSetting} setting applies");
        if (runtimeLimit <= wanted) return (false, $"the runtime's limit of {runtimeLimit / MiB} MiB is already lower than {wanted / MiB} MiB");
        return (true, $"heap limited to {wanted / MiB} MiB (the runtime allowed {runtimeLimit / MiB} MiB)");
    }

    /// <summary>Applies the configured limit to this process; returns the sentence to log.</summary>
    public static string Apply(IConfiguration configuration)
    {
        var screening = configuration.GetSection(ScreeningOptions.Section).Get<ScreeningOptions>() ?? new ScreeningOptions();
        var fetching = configuration.GetSection(FetchOptions.Section).Get<FetchOptions>() ?? new FetchOptions();
        var wanted = Wanted(screening.HeapLimitMiB, fetching.PageMemoryMiB);
        var (apply, reason) = Decide(wanted, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes, ExplicitRuntimeSetting());
        if (Warning(screening.HeapLimitMiB, fetching.PageMemoryMiB) is { } warning) reason = $"{reason}; warning: {warning}";
        if (!apply) return reason;
        AppContext.SetData("GCHeapHardLimit", (ulong)wanted!.Value);
        try
        {
            GC.RefreshMemoryLimit();
            return reason;
        }
        catch (InvalidOperationException ex)
        {
            // More already committed than the limit (set too late, or set too low): run without it rather than fail.
            AppContext.SetData("GCHeapHardLimit", null);
            return $"heap limit of {wanted / MiB} MiB not set: {ex.Message}";
        }
    }

    private static string? ExplicitRuntimeSetting()
    {
        foreach (var name in RuntimeSettings)
        {
            if (AppContext.GetData(name) is not null) return name;
            if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOTNET_" + name))) return "DOTNET_" + name;
            if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("COMPlus_" + name))) return "COMPlus_" + name;
        }
        return null;
    }
}
