using Microsoft.Extensions.Caching.Memory;

namespace DomainScreen.Core.Tests.Common;

/// <summary>A size-limited cache filled to its limit still takes the newest entry, and loses the least recently used.</summary>
public sealed class MemoryCacheRoomTests
{
    private static MemoryCacheEntryOptions One => new() { Size = 1 };

    [Fact]
    public void AFullCache_KeepsTheNewEntry_AndDropsTheLeastRecentlyUsed()
    {
        const int limit = 1_000;
        using var cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = limit });
        for (var i = 0; i < limit; i++) cache.SetMakingRoom(limit, i, i, One);
        Assert.True(cache.TryGetValue(limit - 1, out _)); // the newest of the fill was kept

        cache.SetMakingRoom(limit, -1, -1, One);

        Assert.True(cache.TryGetValue(-1, out int kept) && kept == -1);
        Assert.False(cache.TryGetValue(0, out _)); // the oldest went to make room
        Assert.True(cache.Count <= limit);
    }

    [Theory]
    [InlineData(1_000)]
    [InlineData(20_000)]
    public void EverySetIsKept_ThroughManyFillsAndCompactions(int limit)
    {
        // The count is looked at only when the sets since the last look could have filled the cache to its look
        // point; room must still be made before the cache is full, or the set being made is the one dropped.
        using var cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = limit });
        for (var i = 0; i < limit * 6; i++)
        {
            cache.SetMakingRoom(limit, i, i, One);
            Assert.True(cache.TryGetValue(i, out int kept) && kept == i, $"set {i} was dropped");
        }
        Assert.True(cache.Count < limit);
    }

    [Fact]
    public void EverySetIsKept_WhenManyThreadsFillOneCache()
    {
        const int limit = 5_000, threads = 8, each = 10_000;
        using var cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = limit });
        var dropped = 0;
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            for (var i = 0; i < each; i++)
            {
                var key = t * each + i;
                cache.SetMakingRoom(limit, key, key, One);
                if (!cache.TryGetValue(key, out _)) Interlocked.Increment(ref dropped);
            }
        });
        // MemoryCache itself may drop a set under contention (its size accounting gives up after 100 failed
        // compare-exchanges): 0–2 of these 80,000 in practice. Sets that did not wait for a compaction refilled the
        // headroom and were dropped by the tens of thousands (docs/benchmarks.md, "Thirty-third session"); looks skipped
        // while a descheduled thread held the lock lost 1,260 once in CI (docs/reliability.md, finding 25).
        Assert.True(dropped < each / 100, $"{dropped} sets not found right after they were made");
    }

    [Fact]
    public void ASetDueToLook_WhileAnotherThreadHoldsTheLock_WaitsForIt_AndStillMakesRoom()
    {
        // A thread descheduled while it held the room's lock (waiting out a compaction) once made every look skip:
        // the others filled the cache meanwhile and lost their entries by the thousand (one CI failure). Here the
        // test holds the lock while a setter passes its look point; the setter must wait, not set past it.
        const int limit = 1_000;
        using var cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = limit });
        for (var i = 0; i < limit * 85 / 100; i++) cache.SetMakingRoom(limit, i, i, One);
        var lookDue = MemoryCacheRoom.LookPoint(limit) + 1; // the first set looked at an empty cache
        Assert.True(MemoryCacheRoom.SetsOf(cache) < lookDue);

        var dropped = 0;
        var setter = new Thread(() =>
        {
            for (var i = limit * 85 / 100; i < limit * 2; i++)
            {
                cache.SetMakingRoom(limit, i, i, One);
                if (!cache.TryGetValue(i, out _)) dropped++;
            }
        });
        var blocked = false;
        lock (MemoryCacheRoom.LockOf(cache))
        {
            setter.Start();
            var spin = new SpinWait();
            while (setter.IsAlive && !(blocked = MemoryCacheRoom.SetsOf(cache) >= lookDue && setter.ThreadState.HasFlag(ThreadState.WaitSleepJoin)))
                spin.SpinOnce();
            Assert.True(cache.Count <= MemoryCacheRoom.LookPoint(limit) + 1, $"{cache.Count} entries set past the look point while the lock was held");
        }
        setter.Join();

        Assert.True(blocked, "the setter never waited for the lock");
        Assert.Equal(0, dropped);
        Assert.True(cache.TryGetValue(limit * 2 - 1, out _));
        Assert.True(cache.Count < limit);
    }

    [Fact]
    public void APlainSetOnAFullCache_DropsTheNewEntry_WhichIsWhyTheHelperExists()
    {
        const int limit = 100;
        using var cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = limit });
        for (var i = 0; i < limit; i++) cache.Set(i, i, One);

        cache.Set(-1, -1, One);

        Assert.False(cache.TryGetValue(-1, out _));
    }
}
