using DomainScreen.Core;

namespace DomainScreen.Core.Tests.Common;

public class BoundedBufferTests
{
    private static byte[] Bytes(int n) => Enumerable.Range(0, n).Select(i => (byte)(i * 31)).ToArray();

    /// <summary>A stream that hands out at most <c>chunk</c> bytes per read, as a socket does.</summary>
    private sealed class Trickle(byte[] data, int chunk) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, chunk)], cancellationToken);
    }

    [Fact]
    public async Task AnnouncedLength_IsTheStartingSize_AndTheBodyNeedsNoGrowth()
    {
        var data = Bytes(600);
        var buffer = new BoundedBuffer(1024 * 1024, announced: 600);
        Assert.Equal(601, buffer.Capacity);

        await buffer.FillAsync(new Trickle(data, 100), CancellationToken.None);

        Assert.Equal(601, buffer.Capacity);
        Assert.Equal(data, buffer.Bytes.ToArray());
        Assert.False(buffer.Exceeded);
    }

    [Fact]
    public async Task AnnouncedLengthThatLies_StillReadsEverythingUpToTheLimit()
    {
        var data = Bytes(50_000);
        var buffer = new BoundedBuffer(100_000, announced: 10);

        await buffer.FillAsync(new Trickle(data, 7_000), CancellationToken.None);

        Assert.Equal(data, buffer.Bytes.ToArray());
        Assert.False(buffer.Exceeded);
    }

    [Fact]
    public async Task AnnouncementAboveTheLimit_IsCappedAndALongerBodyIsExceeded()
    {
        var buffer = new BoundedBuffer(1_000, announced: 5_000_000_000);
        Assert.Equal(1_001, buffer.Capacity);

        await buffer.FillAsync(new Trickle(Bytes(5_000), 512), CancellationToken.None);

        Assert.True(buffer.Exceeded);
        Assert.Equal(Bytes(1_000), buffer.Bytes.ToArray());
        Assert.Equal(1_001, buffer.Capacity);
    }

    [Fact]
    public async Task LargeAnnouncement_BuysAtMost256KiBUpFront_AndTheBodyStillArrivesWhole()
    {
        var data = Bytes(600_000);
        var buffer = new BoundedBuffer(2 * 1024 * 1024, announced: 2 * 1024 * 1024);
        Assert.Equal(256 * 1024, buffer.Capacity);

        await buffer.FillAsync(new Trickle(data, 64 * 1024), CancellationToken.None);

        Assert.Equal(data, buffer.Bytes.ToArray());
        Assert.False(buffer.Exceeded);
    }

    [Fact]
    public async Task NoAnnouncement_StartsSmallAndGrowsToTheBody()
    {
        var data = Bytes(70_000);
        var buffer = new BoundedBuffer(2 * 1024 * 1024);
        Assert.Equal(16 * 1024, buffer.Capacity);

        await buffer.FillAsync(new Trickle(data, 4_096), CancellationToken.None);

        Assert.Equal(data, buffer.Bytes.ToArray());
        Assert.False(buffer.Exceeded);
        Assert.InRange(buffer.Capacity, 70_001, 2 * 70_000);
    }

    [Fact]
    public async Task AnnouncedEmptyBodyThatIsNot_GrowsFromOneByte()
    {
        var data = Bytes(9_000);
        var buffer = new BoundedBuffer(8_192, announced: 0);

        await buffer.FillAsync(new Trickle(data, 1_000), CancellationToken.None);

        Assert.True(buffer.Exceeded);
        Assert.Equal(Bytes(8_192), buffer.Bytes.ToArray());
    }
}
