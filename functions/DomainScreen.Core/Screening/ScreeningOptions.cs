using System.ComponentModel.DataAnnotations;

namespace DomainScreen.Core.Screening;

/// <summary>Settings under <c>Screening</c>.</summary>
public sealed class ScreeningOptions
{
    public const string Section = "Screening";

    /// <summary>
    /// Domains per queue message. Default 50. A message keeps its place among the messages in flight (host.json: 32 +
    /// 224) until its slowest screen ends, so with 25 a 10,000-name submission's last 144 messages waited for messages
    /// held by one slow host each; 50 puts 12,800 names within reach of the screen slots, and halves the per-message
    /// storage requests and executions (docs/benchmarks.md, "Fourteenth session": a 10k submission 196 → 240–246
    /// domains/s, a first sweep 255–264 → 307–327, storage requests per domain 1.27 → 1.15 and 1.38 → 1.21).
    /// </summary>
    [Range(1, 200)]
    public int DomainsPerMessage { get; set; } = 50;

    /// <summary>
    /// Domains of one message screened at the same time in the main lane. Default 16. A screen that moves to the slow
    /// lane (<see cref="SlowScreenSeconds"/>) gives its place back, so slow hosts of one message do not hold the rest.
    /// </summary>
    [Range(1, 256)]
    public int Parallelism { get; set; } = 16;

    /// <summary>
    /// <see cref="Parallelism"/> for an analyst's submission: default 50, a whole message at once (within
    /// <see cref="MaxConcurrentScreens"/>). An analyst waits for a submission, and its names often come in runs of one
    /// provider's domains: when those are slow, 16 at a time entered the slow lane only 3 s apart per group (a 10,000-name
    /// submission with its 2 % slow hosts together: 228–246 domains/s at 16, 275–307 at 50; with them spread 306.7 at 50
    /// against 312.6 at 16 — docs/benchmarks.md). Sweeps keep <see cref="Parallelism"/> (50 measured slower for them).
    /// </summary>
    [Range(1, 500)]
    public int SubmissionParallelism { get; set; } = 50;

    /// <summary>
    /// Screens running at once in this process, over every message being handled. Many messages are taken from the
    /// queues at once (host.json: 32 + 224) so that a message waiting on one slow host does not hold the others back;
    /// this bounds the memory and connections they use together. Default 256.
    /// </summary>
    [Range(1, 4096)]
    public int MaxConcurrentScreens { get; set; } = 256;

    /// <summary>
    /// A screen still running after this many seconds gives its slot to a waiting screen and finishes in the slow lane
    /// (<see cref="MaxSlowScreens"/>), so that hosts answering at a trickle — tarpits, overloaded servers, or many names of
    /// one operator on one slow machine, which arrive together in name order — cannot hold every slot for their whole
    /// fetch budget while the fast screens queue behind them. Default 3.
    /// </summary>
    [Range(1, 600)]
    public int SlowScreenSeconds { get; set; } = 3;

    /// <summary>
    /// Slow screens running at once beside the <see cref="MaxConcurrentScreens"/> (a slow screen stays in its slot when
    /// the lane is full). Together the two bound the screens in flight. Default 384 (128 before the fourteenth session: a
    /// 10,000-name submission's 500 slow hosts, each trickling for its 15 s budget, then also held ordinary slots —
    /// 239.5–245.2 domains/s against 277.6–281.3 with 384, alternated, same peak memory; docs/benchmarks.md). The fetched
    /// bodies stay bounded by <c>Fetching:PageMemoryMiB</c>; 0 turns the slow lane off.
    /// </summary>
    [Range(0, 4096)]
    public int MaxSlowScreens { get; set; } = 384;

    /// <summary>
    /// Result transactions in flight at once in this process. A result is written as soon as its screen ends, alone if
    /// a transaction is free; results that end while all are busy wait in this process, not on storage, and the next
    /// free transaction takes the waiting results of one partition together (<see cref="ResultStore"/>). Without a
    /// bound the messages in flight (host.json: 32 + 224, each up to 50 names) could hold thousands of open writes
    /// against storage — against the emulator that made a first sweep slower and stalled its end (docs/benchmarks.md,
    /// "Eleventh session"). Default 4: fewer transactions in flight make fuller ones (128: ≈ 0.6 storage requests per
    /// domain on a first sweep; 4: ≈ 0.42; 1: ≈ 0.35, and the fastest against the emulator), while four at ≈ 20 ms each
    /// still carry 200 results a second one by one — more than an instance screens — against Azure Storage, where a
    /// bound of one would make results wait for their partition's turn (docs/benchmarks.md, "Fifteenth session").
    /// </summary>
    [Range(1, 1024)]
    public int MaxConcurrentResultWrites { get; set; } = 4;

    /// <summary>
    /// The GC heap limit a screening process sets for itself at start, MiB (<see cref="HeapLimit"/>). Unset: 192 +
    /// <c>Fetching:PageMemoryMiB</c>, at least 320 (320 with the defaults; 384 before the twenty-ninth session) — what the screens in flight hold is bounded by that
    /// budget, and a capped heap is what keeps a long sweep's memory flat instead of growing with the collector's room.
    /// 0: leave the runtime's own limit (a container's, or none). A lower limit the runtime already has (a container's
    /// memory limit, <c>DOTNET_GCHeapHardLimit</c>) is kept. A value below that is applied but warned about at start:
    /// before batches held their results abridged, 320 ran a 100k sweep out of memory.
    /// </summary>
    [Range(0, 1024 * 1024)]
    public int? HeapLimitMiB { get; set; }

    /// <summary>Upper bound on one domain's whole screen, seconds. Default 30.</summary>
    [Range(1, 600)]
    public int DomainTimeoutSeconds { get; set; } = 30;

    /// <summary>
    /// How long a screen waits for its registration lookup once the rest of its evidence is in, seconds. A lookup
    /// queued behind an RDAP server's rate limit (2 a second by default) would otherwise hold the screen for its whole
    /// budget; it carries on after the screen and is cached for the next one. Default 3.
    /// </summary>
    [Range(0, 600)]
    public int RegistrationGraceSeconds { get; set; } = 3;

    /// <summary>History rows returned by GET /api/domains/{domain}. Default 20.</summary>
    [Range(1, 500)]
    public int HistoryLimit { get; set; } = 20;
}
