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
