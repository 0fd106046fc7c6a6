using System.Runtime.CompilerServices;
using DomainScreen.Core.Storage;

namespace DomainScreen.Core.Tests.Storage;

public class ReadAheadTests
{
    private static async IAsyncEnumerable<int> Numbers(int count, Action<int>? produced = null, Exception? failAtEnd = null)
    {
        for (var i = 0; i < count; i++)
        {
            await Task.Yield();
            produced?.Invoke(i + 1);
            yield return i;
        }
        if (failAtEnd is not null) throw failAtEnd;
    }

    [Fact]
    public async Task Items_ComeInTheSourcesOrder()
    {
        var read = new List<int>();
        await foreach (var n in ReadAhead.Of(Numbers(10_000), capacity: 7)) read.Add(n);
        Assert.Equal(Enumerable.Range(0, 10_000), read);
    }

    [Fact(Timeout = 30_000)]
    public async Task Source_IsReadAhead_WhileTheConsumerHoldsAnItem()
    {
        const int capacity = 5;
        var ahead = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // One item taken, `capacity` waiting in the buffer, one more in hand: the source was asked for capacity + 2.
        var stream = ReadAhead.Of(Numbers(100, produced: n => { if (n == capacity + 2) ahead.TrySetResult(); }), capacity);
        await using var reader = stream.GetAsyncEnumerator();
        Assert.True(await reader.MoveNextAsync());
        Assert.Equal(0, reader.Current);
        await ahead.Task; // never completes when the source is read only on demand
        var rest = new List<int>();
        while (await reader.MoveNextAsync()) rest.Add(reader.Current);
        Assert.Equal(Enumerable.Range(1, 99), rest);
    }

    [Fact]
    public async Task SourceError_ReachesTheConsumer_AfterTheItemsBeforeIt()
    {
        var read = new List<int>();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await foreach (var n in ReadAhead.Of(Numbers(50, failAtEnd: new InvalidOperationException("page 2 failed")), capacity: 8)) read.Add(n);
        });
        Assert.Equal("page 2 failed", error.Message);
        Assert.Equal(Enumerable.Range(0, 50), read);
    }

    [Fact(Timeout = 30_000)]
    public async Task ConsumerThatStops_StopsTheSource()
    {
        var stopped = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        async IAsyncEnumerable<int> Endless([EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            try
            {
                yield return 1;
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            finally
            {
                stopped.TrySetResult(cancellationToken.IsCancellationRequested);
            }
        }

        await foreach (var n in ReadAhead.Of(Endless(), capacity: 4))
        {
            Assert.Equal(1, n);
            break;
        }
        // The loop's end disposed the reader, which cancelled the source and waited for it.
        Assert.True(stopped.Task.IsCompleted);
        Assert.True(await stopped.Task);
    }

    [Fact]
    public async Task Cancellation_ByTheCaller_EndsTheRead()
    {
        using var cancel = new CancellationTokenSource();
        var read = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in ReadAhead.Of(Numbers(1_000), capacity: 3, cancel.Token))
            {
                if (++read == 10) await cancel.CancelAsync();
            }
        });
        Assert.Equal(10, read);
    }
}
