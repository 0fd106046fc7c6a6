namespace DomainScreen.Core;

/// <summary>
/// Reads a stream into memory, never more than <c>max</c> bytes (plus one, to know the stream was longer). What
/// arrived stays readable if the read fails midway (a stalled or reset connection keeps its partial body). The one
/// bounded read behind page fetches, RDAP answers and request bodies.
/// </summary>
/// <remarks>
/// The buffer starts at the length the sender announced (plus the one byte that tells a longer stream), or at 16 KiB
/// when none was announced, and doubles from there up to the limit: a 600-byte RDAP answer or a 20 KB page no longer
/// costs a 64 KiB array (these buffers were a fifth of everything a sweep allocated). A false announcement only
/// changes where the doubling starts; the limit is enforced on the bytes that arrive. An announcement buys at most
/// 256 KiB up front, so a hostile server cannot make every fetch allocate the whole limit by announcing it and then
/// sending nothing.
/// <para>
/// With a <see cref="Fetching.PageMemory.Lease"/> the buffer past its first <see cref="Fetching.PageMemory.FreeBytesPerRead"/>
/// is held against the process's page-memory budget: a read that may wait (a landing page) takes its whole worst case
/// before it first grows past the free part and gives back the unused rest when it ends; one that may not (a favicon,
/// a probe) takes each growth only if the budget has it now, and otherwise stops there (<see cref="Exceeded"/>).
/// </para>
/// </remarks>
internal sealed class BoundedBuffer(int max, long? announced = null, Fetching.PageMemory.Lease? lease = null, bool waitForMemory = false)
{
    private const int DefaultStart = 16 * 1024;
    private const int MinGrowth = 4 * 1024;
    private const int MaxStart = 256 * 1024;

    private byte[] _buffer = new byte[InitialCapacity(max, announced, lease is not null)];
    private int _length;
    private bool _cut;
    private long _units;

    internal int Capacity => _buffer.Length;

    private static int InitialCapacity(int max, long? announced, bool leased)
    {
        var start = announced is >= 0 ? (int)Math.Min(Math.Min(max + 1L, announced.Value + 1), MaxStart) : Math.Min(max + 1, DefaultStart);
        return leased ? Math.Min(start, Fetching.PageMemory.FreeBytesPerRead) : start;
    }

    /// <summary>The bytes read, at most <c>max</c>.</summary>
    public ReadOnlyMemory<byte> Bytes => _buffer.AsMemory(0, Math.Min(_length, max));

    /// <summary>True when the stream held more than <c>max</c> bytes, or the page-memory budget stopped the read.</summary>
    public bool Exceeded => _length > max || _cut;

    /// <summary>Reads until the stream ends or the limit is passed.</summary>
    public async Task FillAsync(Stream stream, CancellationToken cancellationToken)
    {
        try
        {
            while (_length <= max)
            {
                if (_length == _buffer.Length)
                {
                    var next = NextCapacity();
                    if (!await MayGrowToAsync(next, cancellationToken).ConfigureAwait(false))
                    {
                        _cut = true;
                        return;
                    }
                    Array.Resize(ref _buffer, next);
                }
                var read = await stream.ReadAsync(_buffer.AsMemory(_length), cancellationToken).ConfigureAwait(false);
                if (read == 0) return;
                _length += read;
            }
        }
        finally
        {
            // What the read took and its buffer does not use (a shorter body than its worst case) goes back now.
            var used = Fetching.PageMemory.UnitsFor(_buffer.Length);
            if (lease is not null && _units > used)
            {
                lease.Return(_units - used);
                _units = used;
            }
        }
    }

    /// <summary>Doubling (at least <see cref="MinGrowth"/>) up to the limit, and no further than the announced length while it holds.</summary>
    private int NextCapacity()
    {
        var next = Math.Min(Math.Max(_buffer.Length * 2L, _buffer.Length + MinGrowth), max + 1L);
        if (announced is >= 0 && _buffer.Length <= announced.Value) next = Math.Min(next, announced.Value + 1);
        return (int)next;
    }

    private async ValueTask<bool> MayGrowToAsync(int capacity, CancellationToken cancellationToken)
    {
        if (lease is null) return true;
        var need = Fetching.PageMemory.UnitsFor(capacity);
        if (need <= _units) return true;
        if (!waitForMemory)
        {
            if (!lease.TryTake(need - _units)) return false;
            _units = need;
            return true;
        }
        if (_units == 0)
        {
            // The whole worst case at once (a read holding units never waits again: no deadlock between reads).
            var worst = Fetching.PageMemory.UnitsFor(announced is >= 0 ? Math.Min(announced.Value + 1, max + 1L) : max + 1L);
            _units = await lease.TakeAsync(Math.Max(need, worst), cancellationToken).ConfigureAwait(false);
        }
        // Past the worst case only when the stream is longer than announced, or one read is larger than the budget.
        if (need > _units)
        {
            lease.Force(need - _units);
            _units = need;
        }
        return true;
    }

    public static async Task<BoundedBuffer> ReadAsync(HttpResponseMessage response, int max, CancellationToken cancellationToken)
    {
        var buffer = new BoundedBuffer(max, response.Content.Headers.ContentLength);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await buffer.FillAsync(stream, cancellationToken).ConfigureAwait(false);
        return buffer;
    }
}
