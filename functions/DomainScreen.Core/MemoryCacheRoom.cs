using Microsoft.Extensions.Caching.Memory;

namespace DomainScreen.Core;

/// <summary>
/// Adding to a size-limited <see cref="MemoryCache"/> that is full drops the entry being added (and compacts in the
/// background), so a cache that fills during a long sweep stops remembering anything new — the newest entries, usually
/// the ones about to be read. <see cref="SetMakingRoom"/> makes room first: once the cache is 95 % full, the least
/// recently used quarter goes (one compaction at a time; the 5 % left free takes what others add meanwhile). For caches
/// whose entries all have <c>Size = 1</c> and whose <c>SizeLimit</c> is <c>limit</c>.
/// </summary>
public static class MemoryCacheRoom
{
    public static void SetMakingRoom<TKey, TValue>(this MemoryCache cache, int limit, TKey key, TValue value, MemoryCacheEntryOptions options)
        where TKey : notnull
    {
        // The cache is a private field of its owner, never locked by anyone else.
        if (cache.Count >= limit - limit / 20 && Monitor.TryEnter(cache))
        {
            try
            {
                cache.Compact(0.25);
            }
            finally
            {
                Monitor.Exit(cache);
            }
        }
        cache.Set(key, value, options);
    }
}
