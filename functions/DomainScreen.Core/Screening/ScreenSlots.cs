using Microsoft.Extensions.Options;

namespace DomainScreen.Core.Screening;

/// <summary>
/// The process-wide limit on screens in flight (<see cref="ScreeningOptions.MaxConcurrentScreens"/>), shared by every
/// message being handled: messages are taken from the queues generously so that one slow host does not idle the
/// others, and this keeps their screens together within bounds.
/// </summary>
/// <remarks>
/// A free slot goes to the waiting screen with the lowest ticket (<see cref="TicketFor"/>): analyst submissions before
/// sweep batches, and otherwise the message that started first. With a plain semaphore the 256 messages a process holds
/// shared the slots round-robin, so all of them finished together at the end: the results of a whole window of
/// messages reached storage in one burst while the screening CPU sat idle, then the other way round. In ticket order
/// the oldest messages finish first and their writes overlap the screening of the next (docs/benchmarks.md,
/// "Messages finish in order").
/// <para>
/// A screen still running after <see cref="ScreeningOptions.SlowScreenSeconds"/> can move to the slow lane
/// (<see cref="TryMoveToSlowLane"/>, up to <see cref="ScreeningOptions.MaxSlowScreens"/>): its slot goes to the next
/// waiting screen, so hosts answering at a trickle cannot hold every slot for their whole fetch budget.
/// </para>
/// </remarks>
public sealed class ScreenSlots : IDisposable
{
    /// <summary>Tickets of sweep, watchlist and CT batches start here, after every submission's.</summary>
    private const long BackgroundBase = 1L << 40;

    private readonly Lock _gate = new();
    private readonly PriorityQueue<Waiter, (long Ticket, long Arrival)> _waiting = new();
    private int _free;
    private int _slowFree;
    private long _arrivals;
    private long _issued;

    public ScreenSlots(IOptions<ScreeningOptions> options)
    {
        _free = options.Value.MaxConcurrentScreens;
        Capacity = _free;
        _slowFree = SlowCapacity = options.Value.MaxSlowScreens;
    }

    public int Capacity { get; }

    /// <summary>Places in the slow lane (<see cref="ScreeningOptions.MaxSlowScreens"/>).</summary>
    public int SlowCapacity { get; }

    /// <summary>Slow screens in the slow lane now.</summary>
    public int SlowInUse
    {
        get { lock (_gate) return SlowCapacity - _slowFree; }
    }

    /// <summary>Screens holding a slot now.</summary>
    public int InUse
    {
        get { lock (_gate) return Capacity - _free; }
    }

    /// <summary>Screens waiting for a slot now.</summary>
    public int Waiting
    {
        get { lock (_gate) return _waiting.Count; }
    }

    /// <summary>A ticket for a message starting now: submissions are served before background work, then by start order.</summary>
    public long TicketFor(string source)
    {
        var sequence = Interlocked.Increment(ref _issued);
        return source == ScreenRequest.SubmissionSource ? sequence : BackgroundBase + sequence;
    }

    /// <summary>Waits for a slot; among waiters the lowest ticket is served first, equal tickets in arrival order.</summary>
    public Task WaitAsync(long ticket, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Waiter waiter;
        lock (_gate)
        {
            if (_free > 0)
            {
                _free--;
                return Task.CompletedTask;
            }
            waiter = new Waiter();
            _waiting.Enqueue(waiter, (ticket, _arrivals++));
            // A cancelled waiter stays queued and is skipped when its turn comes (Release hands a slot only to a waiter
            // still waiting), so cancellation never loses a slot. Registered under the lock so that Release, which
            // disposes the registration, always sees it.
            if (cancellationToken.CanBeCanceled)
            {
                waiter.Registration = cancellationToken.UnsafeRegister(static (state, token) => ((Waiter)state!).TrySetCanceled(token), waiter);
            }
        }
        return waiter.Task;
    }

    /// <summary>
    /// Moves a slow screen that holds a slot into the slow lane: its slot goes to the next waiting screen (or back to
    /// the free ones) and the screen ends with <see cref="ReleaseSlow"/> instead of <see cref="Release"/>. False, and
    /// the screen keeps its slot, when the lane is full.
    /// </summary>
    public bool TryMoveToSlowLane()
    {
        lock (_gate)
        {
            if (_slowFree == 0) return false;
            _slowFree--;
        }
        Release();
        return true;
    }

    /// <summary>Ends a screen that was moved to the slow lane.</summary>
    public void ReleaseSlow()
    {
        lock (_gate)
        {
            if (_slowFree == SlowCapacity) throw new InvalidOperationException("ScreenSlots slow lane released more often than taken");
            _slowFree++;
        }
    }

    public void Release()
    {
        Waiter? next = null;
        lock (_gate)
        {
            while (_waiting.TryDequeue(out var waiter, out _))
            {
                if (waiter.TrySetResult())
                {
                    next = waiter;
                    break;
                }
            }
            if (next is null)
            {
                if (_free == Capacity) throw new InvalidOperationException("ScreenSlots released more often than taken");
                _free++;
            }
        }
        next?.Registration.Dispose();
    }

    public void Dispose()
    {
        lock (_gate)
        {
            while (_waiting.TryDequeue(out var waiter, out _)) waiter.TrySetCanceled();
        }
    }

    private sealed class Waiter() : TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public CancellationTokenRegistration Registration { get; set; }
    }
}
