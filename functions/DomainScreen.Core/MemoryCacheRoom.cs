using System.Runtime.CompilerServices;
using Microsoft.Extensions.Caching.Memory;

namespace DomainScreen.Core;

/// <summary>
/// Adding to a size-limited <see cref="MemoryCache"/> that is full drops the entry being added (and compacts in the
/// background), so a cache that fills during a long sweep stops remembering anything new — the newest entries, usually
/// the ones about to be read. <see cref="SetMakingRoom"/> makes room first: once the cache is 95 % full, the least
/// recently used quarter goes (one compaction at a time, and sets wait while it runs). For caches whose entries all have
/// <c>Size = 1</c> and whose <c>SizeLimit</c> is <c>limit</c>.
/// </summary>
/// <remarks>
/// How full the cache is, is looked at once every <see cref="Stride"/> sets, not on each: <see cref="MemoryCache.Count"/>
/// is <see cref="System.Collections.Concurrent.ConcurrentDictionary{TKey, TValue}.Count"/>, which takes every lock of
/// the table — 1,024 of them once it holds thousands of entries. Looked at on every set it was ≈ 5 % of a sweep's CPU
/// (docs/benchmarks.md, "Thirty-third session"). Between two looks at most a stride (1 % of the limit) is added, so a
/// cache seen below 95 % cannot fill before the next look. While a compaction runs, sets wait for it: otherwise other
/// threads refill the 5 % in the milliseconds it takes, and every set after that is dropped until the next compaction
/// (eight threads setting as fast as they can lost most of their entries that way).
/// </remarks>
public static class MemoryCacheRoom
{
    private sealed class Room
    {
        public uint Sets;
        public volatile bool Compacting;
    }

    private static readonly ConditionalWeakTable<MemoryCache, Room> Rooms = new();

    /// <summary>Sets between two looks at a cache's count: 1 % of its limit (every set for a limit under 200).</summary>
    internal static int Stride(int limit) => Math.Max(1, limit / 100);

    public static void SetMakingRoom<TKey, TValue>(this MemoryCache cache, int limit, TKey key, TValue value, MemoryCacheEntryOptions options)
        where TKey : notnull
    {
        var room = Rooms.GetValue(cache, static _ => new Room());
        if (room.Compacting)
        {
            lock (room)
            {
                // Waits for the compaction in progress.
            }
        }
        if (Interlocked.Increment(ref room.Sets) % (uint)Stride(limit) == 0 && cache.Count >= limit - limit / 20 && Monitor.TryEnter(room))
        {
            try
            {
                room.Compacting = true;
                cache.Compact(0.25);
            }
            finally
            {
                room.Compacting = false;
                Monitor.Exit(room);
            }
        }
        cache.Set(key, value, options);
    }
}
