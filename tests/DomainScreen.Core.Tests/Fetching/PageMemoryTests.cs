using System.Net;
using System.Text;
using DomainScreen.Core;
using DomainScreen.Core.Fetching;
using DomainScreen.Core.Tests.Domains;
using Microsoft.Extensions.Options;

namespace DomainScreen.Core.Tests.Fetching;

/// <summary>
/// The page-memory budget: what reads hold, who waits, in which order, and that reads holding units never wait
/// (so many large pages over a small budget all finish).
/// </summary>
public sealed class PageMemoryTests
{
    private const int MiB = 1024 * 1024;
    private static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(1); // a failure guard, not a timing assumption

    private static PageMemory Budget(int mib) => new(Options.Create(new FetchOptions { PageMemoryMiB = mib }));

    private static byte[] Bytes(int n) => Enumerable.Range(0, n).Select(i => (byte)(i * 7)).ToArray();

    /// <summary>Hands out at most <c>chunk</c> bytes per read and reports each read to <c>onRead</c>.</summary>
    private sealed class Trickle(byte[] data, int chunk, Action? onRead = null) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            onRead?.Invoke();
            return base.ReadAsync(buffer[..Math.Min(buffer.Length, chunk)], cancellationToken);
        }
    }

    [Fact]
    public async Task SmallReads_DoNotTouchTheBudget()
    {
        var memory = Budget(8);
        using var lease = memory.Open();
        var buffer = new BoundedBuffer(2 * MiB, announced: null, lease, waitForMemory: true);

        await buffer.FillAsync(new Trickle(Bytes(60_000), 8_192), CancellationToken.None);

        Assert.Equal(60_000, buffer.Bytes.Length);
        Assert.Equal(0, lease.Held);
        Assert.Equal(0, memory.InUse);
    }

    [Fact]
    public async Task LandingRead_HoldsItsWorstCaseWhileReading_ThenOnlyWhatItsBufferUses()
    {
        var memory = Budget(64);
        using var lease = memory.Open();
        var buffer = new BoundedBuffer(2 * MiB, announced: null, lease, waitForMemory: true);
        long mostHeld = 0;

        await buffer.FillAsync(new Trickle(Bytes(300_000), 16_384, () => mostHeld = Math.Max(mostHeld, memory.InUse)), CancellationToken.None);

        // No length announced (a compressed or chunked body): the whole MaxBodyBytes while reading.
        Assert.Equal(PageMemory.UnitsFor(2 * MiB + 1), mostHeld);
        Assert.Equal(Bytes(300_000), buffer.Bytes.ToArray());
        Assert.Equal(PageMemory.UnitsFor(buffer.Capacity), lease.Held);
        Assert.Equal(lease.Held, memory.InUse);
        Assert.Equal((buffer.Capacity - PageMemory.FreeBytesPerRead) * 3L, lease.Held);

        lease.Dispose();
        Assert.Equal(0, memory.InUse);
    }

    [Fact]
    public async Task AnnouncedLength_IsTheWorstCase_AndTheBufferStopsThere()
    {
        var memory = Budget(64);
        using var lease = memory.Open();
        var buffer = new BoundedBuffer(2 * MiB, announced: 300_000, lease, waitForMemory: true);
        long mostHeld = 0;

        await buffer.FillAsync(new Trickle(Bytes(300_000), 16_384, () => mostHeld = Math.Max(mostHeld, memory.InUse)), CancellationToken.None);

        Assert.Equal(PageMemory.UnitsFor(300_001), mostHeld);
        Assert.Equal(300_001, buffer.Capacity);
        Assert.Equal(PageMemory.UnitsFor(300_001), lease.Held);
    }

    [Fact]
    public async Task LandingRead_WaitsForRoom_AndGoesOnWhenAnotherScreenLetsGo()
    {
        var memory = Budget(8);
        var other = memory.Open();
        await other.TakeAsync(memory.Capacity, CancellationToken.None);
        using var lease = memory.Open();
        var buffer = new BoundedBuffer(2 * MiB, announced: null, lease, waitForMemory: true);

        var fill = buffer.FillAsync(new Trickle(Bytes(200_000), 16_384), CancellationToken.None);

        Assert.False(fill.IsCompleted);
        Assert.Equal(1, memory.Waiting);
        Assert.Equal(PageMemory.FreeBytesPerRead, buffer.Bytes.Length); // read up to its free part, then waited
        other.Dispose();
        await fill.WaitAsync(HangGuard);
        Assert.Equal(Bytes(200_000), buffer.Bytes.ToArray());
        Assert.Equal(0, memory.Waiting);
    }

    [Fact]
    public async Task Waiters_AreServedInArrivalOrder_AndACancelledOneLetsTheNextIn()
    {
        var memory = Budget(8);
        var holder = memory.Open();
        await holder.TakeAsync(memory.Capacity - MiB, CancellationToken.None); // 1 MiB left
        using var big = memory.Open();
        using var small = memory.Open();
        using var cancelBig = new CancellationTokenSource();

        var bigWaits = big.TakeAsync(4 * MiB, cancelBig.Token);
        var smallWaits = small.TakeAsync(MiB / 2, CancellationToken.None);

        // The small request would fit, but it arrived after the big one: first come, first served.
        Assert.False(bigWaits.IsCompleted);
        Assert.False(smallWaits.IsCompleted);
        Assert.Equal(2, memory.Waiting);

        await cancelBig.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => bigWaits.WaitAsync(HangGuard));
        Assert.Equal(MiB / 2, await smallWaits.WaitAsync(HangGuard));
        Assert.Equal(0, big.Held);
        Assert.Equal(memory.Capacity - MiB / 2, memory.InUse);

        holder.Dispose();
        small.Dispose();
        Assert.Equal(0, memory.InUse);
    }

    [Fact]
    public async Task ProbeRead_WithoutRoom_StopsAtItsFreePart_AndWithRoomReadsAll()
    {
        var memory = Budget(8);
        var holder = memory.Open();
        await holder.TakeAsync(memory.Capacity, CancellationToken.None);
        using var lease = memory.Open();

        var cut = new BoundedBuffer(256 * 1024, announced: null, lease, waitForMemory: false);
        await cut.FillAsync(new Trickle(Bytes(200_000), 16_384), CancellationToken.None).WaitAsync(HangGuard);

        Assert.True(cut.Exceeded);
        Assert.Equal(Bytes(PageMemory.FreeBytesPerRead), cut.Bytes.ToArray());
        Assert.Equal(0, lease.Held);
        Assert.Equal(0, memory.Waiting);

        holder.Dispose();
        var whole = new BoundedBuffer(256 * 1024, announced: null, lease, waitForMemory: false);
        await whole.FillAsync(new Trickle(Bytes(200_000), 16_384), CancellationToken.None);
        Assert.False(whole.Exceeded);
        Assert.Equal(Bytes(200_000), whole.Bytes.ToArray());
        Assert.Equal(PageMemory.UnitsFor(whole.Capacity), lease.Held);
    }

    [Fact]
    public async Task ReadLargerThanTheWholeBudget_TakesAllOfIt_AndStillCompletes()
    {
        var memory = Budget(8);
        using var lease = memory.Open();
        var buffer = new BoundedBuffer(4 * MiB, announced: null, lease, waitForMemory: true);

        await buffer.FillAsync(new Trickle(Bytes(3 * MiB + 5), 256 * 1024), CancellationToken.None).WaitAsync(HangGuard);

        Assert.Equal(3 * MiB + 5, buffer.Bytes.Length);
        Assert.Equal(PageMemory.UnitsFor(buffer.Capacity), lease.Held);
        lease.Dispose();
        Assert.Equal(0, memory.InUse);
    }

    [Fact]
    public async Task ManyLargePages_OverASmallBudget_AllFinish_AndNeverHoldMoreThanIt()
    {
        // 24 screens of 1.5 MB pages without a length, a budget with room for one worst case (≈ 6 MiB) at a time.
        var memory = Budget(8);
        long mostHeld = 0;
        var gate = new Lock();
        void Observe()
        {
            lock (gate) mostHeld = Math.Max(mostHeld, memory.InUse);
        }
        var data = Bytes(1_500_000);

        var screens = Enumerable.Range(0, 24).Select(_ => Task.Run(async () =>
        {
            using var lease = memory.Open();
            var buffer = new BoundedBuffer(2 * MiB, announced: null, lease, waitForMemory: true);
            await buffer.FillAsync(new Trickle(data, 32 * 1024, Observe), CancellationToken.None);
            return buffer.Bytes.Length;
        })).ToArray();

        var lengths = await Task.WhenAll(screens).WaitAsync(HangGuard);
        Assert.All(lengths, l => Assert.Equal(data.Length, l));
        Assert.InRange(mostHeld, PageMemory.UnitsFor(2 * MiB + 1), memory.Capacity);
        Assert.Equal(0, memory.InUse);
    }

    [Fact]
    public async Task PageFetcher_HoldsTheLandingPageUntilTheLeaseIsDisposed_AndCutsAFaviconThatFindsNoRoom()
    {
        var memory = Budget(8);
        var html = "<html><head><title>big</title><link rel=icon href=/big.ico></head><body>" + new string('x', 400_000) + "</body></html>";
        var icon = Bytes(200_000);
        var handler = new Routes(new()
        {
            ["http://big.example.com/"] = () => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(html, Encoding.UTF8, "text/html") },
            ["http://big.example.com/big.ico"] = () => new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(icon) },
        });
        using var tls = new TlsObservations();
        var fetcher = new PageFetcher(new HttpClient(handler), TestSuffixes.Parser, tls, Options.Create(new FetchOptions()));

        var lease = memory.Open();
        var evidence = await fetcher.FetchAsync(TestSuffixes.Parser.Parse("big.example.com"), null, CancellationToken.None, lease);

        Assert.Equal(FetchOutcomes.Ok, evidence.Outcome);
        Assert.False(evidence.Truncated);
        Assert.Equal(Encoding.UTF8.GetByteCount(html), evidence.BodyBytes);
        // The page (announced length) and the favicon both found room: both held.
        Assert.True(lease.Held >= PageMemory.UnitsFor(evidence.BodyBytes + 1) + PageMemory.UnitsFor(200_000));
        Assert.Equal(icon.Length, evidence.Favicon!.Bytes);
        lease.Dispose();
        Assert.Equal(0, memory.InUse);

        // Now another screen holds all but the page's worst case: the page still gets its turn, the favicon is cut.
        var other = memory.Open();
        await other.TakeAsync(memory.Capacity - PageMemory.UnitsFor(Encoding.UTF8.GetByteCount(html) + 1), CancellationToken.None);
        using var second = memory.Open();
        var cut = await fetcher.FetchAsync(TestSuffixes.Parser.Parse("big.example.com"), null, CancellationToken.None, second);
        Assert.Equal(Encoding.UTF8.GetByteCount(html), cut.BodyBytes);
        Assert.Equal(PageMemory.FreeBytesPerRead, cut.Favicon!.Bytes);
        other.Dispose();
    }

    private sealed class Routes(Dictionary<string, Func<HttpResponseMessage>> routes) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var url = request.RequestUri!.AbsoluteUri;
            if (routes.TryGetValue(url, out var respond)) return Task.FromResult(respond());
            if (url.StartsWith("https://", StringComparison.Ordinal)) throw new HttpRequestException(HttpRequestError.SecureConnectionError, "no TLS here");
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.NotFound) { Content = new StringContent("nf") });
        }
    }
}
