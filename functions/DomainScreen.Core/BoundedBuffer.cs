namespace DomainScreen.Core;

/// <summary>
/// Reads a stream into memory, never more than <c>max</c> bytes (plus one, to know the stream was longer). What
/// arrived stays readable if the read fails midway (a stalled or reset connection keeps its partial body). The one
/// bounded read behind page fetches, RDAP answers and request bodies.
/// </summary>
internal sealed class BoundedBuffer(int max)
{
    private byte[] _buffer = new byte[Math.Min(max + 1, 64 * 1024)];
    private int _length;

    /// <summary>The bytes read, at most <c>max</c>.</summary>
    public ReadOnlyMemory<byte> Bytes => _buffer.AsMemory(0, Math.Min(_length, max));

    /// <summary>True when the stream held more than <c>max</c> bytes (the rest was not read).</summary>
    public bool Exceeded => _length > max;

    /// <summary>Reads until the stream ends or the limit is passed.</summary>
    public async Task FillAsync(Stream stream, CancellationToken cancellationToken)
    {
        while (_length <= max)
        {
            if (_length == _buffer.Length) Array.Resize(ref _buffer, Math.Min(_buffer.Length * 2, max + 1));
            var read = await stream.ReadAsync(_buffer.AsMemory(_length), cancellationToken).ConfigureAwait(false);
            if (read == 0) return;
            _length += read;
        }
    }

    public static async Task<BoundedBuffer> ReadAsync(HttpResponseMessage response, int max, CancellationToken cancellationToken)
    {
        var buffer = new BoundedBuffer(max);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await buffer.FillAsync(stream, cancellationToken).ConfigureAwait(false);
        return buffer;
    }
}
