using DomainScreen.Core.Screening;
using Microsoft.Extensions.Options;

namespace DomainScreen.Core.Tests.Screening;

public sealed class ScreenSlotsOrderTests
{
    private static ScreenSlots Slots(int capacity, int slow = 0) =>
        new(Options.Create(new ScreeningOptions { MaxConcurrentScreens = capacity, MaxSlowScreens = slow }));

    [Fact]
    public async Task SlowScreen_MovedToTheSlowLane_HandsItsSlotToTheNextWaiter()
    {
        using var slots = Slots(1, slow: 1);
        await slots.WaitAsync(10, CancellationToken.None); // the slow screen
        var next = slots.WaitAsync(20, CancellationToken.None);
        Assert.False(next.IsCompleted);

        Assert.True(slots.TryMoveToSlowLane());
        await next; // the waiter has the slot now
        Assert.Equal((1, 1, 0), (slots.InUse, slots.SlowInUse, slots.Waiting));

        // The lane is full: a second slow screen keeps its slot, and nobody waiting gets it.
        var third = slots.WaitAsync(30, CancellationToken.None);
        Assert.False(slots.TryMoveToSlowLane());
        Assert.False(third.IsCompleted);

        slots.ReleaseSlow(); // the first slow screen ends: room in the lane again
        Assert.Equal(0, slots.SlowInUse);
        Assert.True(slots.TryMoveToSlowLane());
        await third;
        slots.ReleaseSlow();
        slots.Release();
        Assert.Equal((0, 0), (slots.InUse, slots.SlowInUse));
        Assert.Throws<InvalidOperationException>(slots.ReleaseSlow);
    }

    [Fact]
    public async Task SlowLaneOfSizeZero_KeepsEveryScreenInItsSlot()
    {
        using var slots = Slots(1);
        await slots.WaitAsync(10, CancellationToken.None);
        var next = slots.WaitAsync(20, CancellationToken.None);
        Assert.False(slots.TryMoveToSlowLane());
        Assert.False(next.IsCompleted);
        slots.Release();
        await next;
    }

    [Fact]
    public async Task FreeSlot_GoesToTheLowestTicket_ThenInArrivalOrder()
    {
        using var slots = Slots(1);
        await slots.WaitAsync(10, CancellationToken.None);
        var pending = new Dictionary<Task, string>
        {
            [slots.WaitAsync(30, CancellationToken.None)] = "c",
            [slots.WaitAsync(20, CancellationToken.None)] = "a",
            [slots.WaitAsync(30, CancellationToken.None)] = "d",
            [slots.WaitAsync(20, CancellationToken.None)] = "b",
        };
        Assert.Equal(4, slots.Waiting);
        Assert.DoesNotContain(pending.Keys, t => t.IsCompleted);

        var served = new List<string>();
        while (pending.Count > 0)
        {
            slots.Release(); // exactly one waiter gets the slot
            var done = await Task.WhenAny(pending.Keys);
            served.Add(pending[done]);
            pending.Remove(done);
            Assert.DoesNotContain(pending.Keys, t => t.IsCompleted);
        }

        Assert.Equal(["a", "b", "c", "d"], served);
    }

    [Fact]
    public void Submissions_AreTicketedBeforeBackgroundWork_EvenWhenTheyStartLater()
    {
        using var slots = Slots(4);
        var sweep = slots.TicketFor(ScreenRequest.SweepSource);
        var ct = slots.TicketFor(ScreenRequest.CtSource);
        var submission = slots.TicketFor(ScreenRequest.SubmissionSource);
        var laterSweep = slots.TicketFor(ScreenRequest.SweepSource);

        Assert.True(submission < sweep);
        Assert.True(sweep < ct);
        Assert.True(ct < laterSweep);
    }

    [Fact]
    public async Task CancelledWaiter_IsSkipped_AndItsSlotIsNotLost()
    {
        using var slots = Slots(1);
        await slots.WaitAsync(1, CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        var cancelled = slots.WaitAsync(1, cancel.Token);
        var next = slots.WaitAsync(2, CancellationToken.None);

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.False(next.IsCompleted);

        slots.Release();
        await next;
        slots.Release();
        Assert.True(slots.WaitAsync(3, CancellationToken.None).IsCompletedSuccessfully);
    }

    [Fact]
    public async Task CancelledBeforeWaiting_Throws()
    {
        using var slots = Slots(1);
        using var cancel = new CancellationTokenSource();
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => slots.WaitAsync(1, cancel.Token));
        Assert.True(slots.WaitAsync(1, CancellationToken.None).IsCompletedSuccessfully);
    }

    [Fact]
    public void ReleasingMoreThanTaken_Throws()
    {
        using var slots = Slots(2);
        Assert.Throws<InvalidOperationException>(slots.Release);
    }
}
