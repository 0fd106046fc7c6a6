using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace DomainScreen.Core.Storage;

/// <summary>
/// Reads a paged stream ahead of its consumer: the next page of a table query is fetched while the consumer still works
/// on the last one, instead of only once it asks for the next item. Order and errors are the source's; at most
/// <c>capacity</c> items wait in memory; a consumer that stops early stops the reading.
/// </summary>
public static class ReadAhead
{
    public static async IAsyncEnumerable<T> Of<T>(IAsyncEnumerable<T> source, int capacity,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        var channel = Channel.CreateBounded<T>(new BoundedChannelOptions(capacity) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var pump = PumpAsync(source, channel.Writer, stop.Token);
        try
        {
            // ReadAllAsync ends when the pump completes the channel, and throws the source's error if it failed.
            await foreach (var item in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                // ReadAllAsync keeps handing out what is already buffered after a cancellation; the caller asked to stop.
                cancellationToken.ThrowIfCancellationRequested();
                yield return item;
            }
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await pump.ConfigureAwait(false);
        }
    }

    // Never throws: the source's error (or a cancellation) is handed to the reader through the channel.
    private static async Task PumpAsync<T>(IAsyncEnumerable<T> source, ChannelWriter<T> writer, CancellationToken cancellationToken)
    {
        await Task.Yield();
        try
        {
            await foreach (var item in source.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                await writer.WriteAsync(item, cancellationToken).ConfigureAwait(false);
            }
            writer.TryComplete();
        }
#pragma warning disable CA1031 // handed on to the reader, which rethrows it
        catch (Exception ex)
#pragma warning restore CA1031
        {
            writer.TryComplete(ex);
        }
    }
}
