using System.Runtime.CompilerServices;
using Microsoft.Extensions.Caching.Memory;

namespace DomainScreen.Core;

/// <summary>
/// Adding to a size-limited <see cref="MemoryCache"/> that is full drops the entry being added (and compacts in the
/// background), so a cache that fills during a long sweep stops remembering anything new — the newest entries, usually
/// the ones about to be read. <see cref="SetMakingRoom"/> makes room first: before the cache can reach 90 % full, its
/// count is looked at, and from 80 % the least recently used quarter goes (one compaction at a time; sets wait while it
/// runs). For caches whose entries all have <c>Size = 1</c> and whose <c>SizeLimit</c> is <c>limit</c>.
/// </summary>
/// <remarks>
/// <para>The count is not looked at on each set: <see cref="MemoryCache.Count"/> is
/// <see cref="System.Collections.Concurrent.ConcurrentDictionary{TKey, TValue}.Count"/>, which takes every lock of the
/// table — 1,024 of them once it holds thousands of entries; looked at on every set it was ≈ 5 % of a sweep's CPU
/// (docs/benchmarks.md, "Thirty-third session"). Instead each look leaves a budget: the count seen may grow by at most
/// one entry per set, so the next look is due when the sets since could have taken it to 90 %. Every set counts
/// against the budget and the set that exhausts it looks — waiting for the lock if another thread holds it, never
/// skipping the look (a look skipped because a thread was descheduled while holding the lock let other threads fill
/// the cache: 10,488 of 160,000 sets lost in one run of 32 threads on a loaded machine, and one CI failure).</para>
/// <para>Sets already counted but not yet in the cache when a look reads the count (at most one per thread in flight)
/// are not in its budget; the 10 % left above the look point is their room.</para>
/// </remarks>
public static class MemoryCacheRoom
{
    private sealed class Room
    {
        /// <summary>Sets made so far.</summary>
        public long Sets;

        /// <summary>The set whose number reaches this looks at the count (the first set looks).</summary>
        public long LookAt;

        public volatile bool Compacting;
    }

    private static readonly ConditionalWeakTable<MemoryCache, Room> Rooms = new();

    /// <summary>The count the cache may reach before its count must be looked at again: 90 % of the limit.</summary>
    internal static int LookPoint(int limit) => limit - limit / 10;

    /// <summary>The count from which a look compacts: 80 % of the limit, so a look that does not compact leaves at
    /// least a tenth of the limit before the next.</summary>
    internal static int CompactPoint(int limit) => limit - limit / 5;

    /// <summary>The object a cache's looks lock (for tests that hold it, as a descheduled thread would).</summary>
    internal static object LockOf(MemoryCache cache) => RoomOf(cache);

    /// <summary>Sets made on a cache so far.</summary>
    internal static long SetsOf(MemoryCache cache) => Volatile.Read(ref RoomOf(cache).Sets);

    private static Room RoomOf(MemoryCache cache) => Rooms.GetValue(cache, static _ => new Room());

    public static void SetMakingRoom<TKey, TValue>(this MemoryCache cache, int limit, TKey key, TValue value, MemoryCacheEntryOptions options)
        where TKey : notnull
    {
        var room = RoomOf(cache);
        if (room.Compacting)
        {
            lock (room)
            {
                // Waits for the compaction in progress.
            }
        }
        var set = Interlocked.Increment(ref room.Sets);
        if (set >= Volatile.Read(ref room.LookAt)) Look(cache, limit, room, set);
        cache.Set(key, value, options);
    }

    private static void Look(MemoryCache cache, int limit, Room room, long set)
    {
        lock (room)
        {
            if (set < room.LookAt) return; // another thread looked after this set was counted
            var counted = Volatile.Read(ref room.Sets);
            var count = cache.Count;
            if (count >= CompactPoint(limit))
            {
                room.Compacting = true;
                try
                {
                    cache.Compact(0.25);
                }
                finally
                {
                    room.Compacting = false;
                }
                count = cache.Count;
            }
            Volatile.Write(ref room.LookAt, counted + Math.Max(1, LookPoint(limit) - count));
        }
    }
}
