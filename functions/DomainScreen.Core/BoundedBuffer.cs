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
/// </remarks>
internal sealed class BoundedBuffer(int max, long? announced = null)
{
    private const int DefaultStart = 16 * 1024;
    private const int MinGrowth = 4 * 1024;
    private const int MaxStart = 256 * 1024;

    private byte[] _buffer = new byte[InitialCapacity(max, announced)];
    private int _length;

    internal int Capacity => _buffer.Length;

    private static int InitialCapacity(int max, long? announced) =>
        announced is >= 0 ? (int)Math.Min(Math.Min(max + 1L, announced.Value + 1), MaxStart) : Math.Min(max + 1, DefaultStart);

    /// <summary>The bytes read, at most <c>max</c>.</summary>
    public ReadOnlyMemory<byte> Bytes => _buffer.AsMemory(0, Math.Min(_length, max));

    /// <summary>True when the stream held more than <c>max</c> bytes (the rest was not read).</summary>
    public bool Exceeded => _length > max;

    /// <summary>Reads until the stream ends or the limit is passed.</summary>
    public async Task FillAsync(Stream stream, CancellationToken cancellationToken)
    {
        while (_length <= max)
        {
            if (_length == _buffer.Length) Array.Resize(ref _buffer, (int)Math.Min(Math.Max(_buffer.Length * 2L, _buffer.Length + MinGrowth), max + 1L));
            var read = await stream.ReadAsync(_buffer.AsMemory(_length), cancellationToken).ConfigureAwait(false);
            if (read == 0) return;
            _length += read;
        }
    }

    public static async Task<BoundedBuffer> ReadAsync(HttpResponseMessage response, int max, CancellationToken cancellationToken)
    {
        var buffer = new BoundedBuffer(max, response.Content.Headers.ContentLength);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await buffer.FillAsync(stream, cancellationToken).ConfigureAwait(false);
        return buffer;
    }
}
