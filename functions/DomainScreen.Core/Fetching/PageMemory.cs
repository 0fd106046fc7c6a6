using Microsoft.Extensions.Options;

namespace DomainScreen.Core.Fetching;

/// <summary>
/// The process-wide budget for fetched bodies held in memory (<see cref="FetchOptions.PageMemoryMiB"/>), so that what
/// the screens in flight hold together has a bound a heap limit can be set from, whatever the pages weigh.
/// </summary>
/// <remarks>
/// <para>
/// A screen opens a <see cref="Lease"/> and its reads (landing page, favicon, probes) draw on it; the lease is given
/// back when the screen's content is let go (after its evidence is stored). The first
/// <see cref="FreeBytesPerRead"/> of every read are free: most landing pages and nearly every favicon and probe never
/// touch the budget. Past that a read holds <see cref="UnitsPerByte"/> units per byte of buffer, for the bytes and the
/// text decoded from them (at most two bytes of UTF-16 per byte).
/// </para>
/// <para>
/// Without a bound the screens in flight (<c>Screening:MaxConcurrentScreens</c> + <c>MaxSlowScreens</c>) could hold
/// <c>MaxBodyBytes</c> of page and its text each — gigabytes with the defaults —, so no heap limit was safe.
/// </para>
/// <para>
/// Deadlock-free by construction: only a landing page waits for the budget, and only before it holds any of it; it
/// then takes its whole worst case at once (the announced length, or <c>MaxBodyBytes</c> when none is announced, as
/// with compressed or chunked bodies) and gives back what it did not use when the read ends. So a read that holds units
/// never waits for more, and a waiter always gets its turn when holders finish. Favicons and probes never wait: past
/// their free part they take units while the budget has them, and otherwise stop reading there, as they stop at their
/// own caps. Waiters are served in arrival order; a single read larger than the whole budget takes all of it.
/// </para>
/// </remarks>
public sealed class PageMemory
{
    /// <summary>Bytes of every read that do not count against the budget.</summary>
    public const int FreeBytesPerRead = 64 * 1024;

    /// <summary>Units held per byte of buffer past the free part: the byte itself and up to two of decoded text.</summary>
    public const int UnitsPerByte = 3;

    private readonly Lock _gate = new();
    private readonly LinkedList<Waiter> _waiting = new();
    private long _available;

    public PageMemory(IOptions<FetchOptions> options)
    {
        Capacity = options.Value.PageMemoryMiB * 1024L * 1024L;
        _available = Capacity;
    }

    /// <summary>The budget, units (bytes).</summary>
    public long Capacity { get; }

    /// <summary>Units held now (may exceed <see cref="Capacity"/> briefly: see <see cref="Lease.Force"/>).</summary>
    public long InUse
    {
        get { lock (_gate) return Capacity - _available; }
    }

    /// <summary>Reads waiting for units now.</summary>
    public int Waiting
    {
        get { lock (_gate) return _waiting.Count; }
    }

    /// <summary>Units a read holds for a buffer of <paramref name="capacity"/> bytes.</summary>
    public static long UnitsFor(long capacity) => Math.Max(0, capacity - FreeBytesPerRead) * UnitsPerByte;

    /// <summary>A lease for one screen's reads; dispose it when the screen's content is let go.</summary>
    public Lease Open() => new(this);

    private Task TakeAsync(long units, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Waiter waiter;
        lock (_gate)
        {
            if (_waiting.Count == 0 && _available >= units)
            {
                _available -= units;
                return Task.CompletedTask;
            }
            waiter = new Waiter(units);
            waiter.Node = _waiting.AddLast(waiter);
            if (cancellationToken.CanBeCanceled)
            {
                waiter.Registration = cancellationToken.UnsafeRegister(static (state, token) =>
                {
                    var (memory, w) = ((PageMemory, Waiter))state!;
                    memory.Cancel(w, token);
                }, (this, waiter));
            }
        }
        return waiter.Task;
    }

    private bool TryTake(long units)
    {
        lock (_gate)
        {
            if (_waiting.Count > 0 || _available < units) return false;
            _available -= units;
            return true;
        }
    }

    private void Force(long units)
    {
        lock (_gate) _available -= units;
    }

    /// <summary>Adds <paramref name="units"/> back (0: only look again) and serves the waiters that now fit, in order.</summary>
    private void Return(long units)
    {
        List<Waiter>? served = null;
        lock (_gate)
        {
            _available += units;
            while (_waiting.First is { } first && first.Value.Units <= _available)
            {
                _available -= first.Value.Units;
                _waiting.RemoveFirst();
                first.Value.Node = null;
                (served ??= []).Add(first.Value);
            }
        }
        // Completed outside the lock (continuations run asynchronously anyway). A waiter cancelled meanwhile was removed
        // under the lock, so every unit handed out here belongs to a read that goes on and returns it.
        if (served is null) return;
        foreach (var waiter in served)
        {
            waiter.Registration.Dispose();
            waiter.TrySetResult();
        }
    }

    private void Cancel(Waiter waiter, CancellationToken token)
    {
        lock (_gate)
        {
            if (waiter.Node is null) return; // already served: the read owns its units and returns them itself
            _waiting.Remove(waiter.Node);
            waiter.Node = null;
        }
        waiter.TrySetCanceled(token);
        // A cancelled head may have been holding back smaller requests queued behind it.
        Return(0);
    }

    private sealed class Waiter(long units) : TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public long Units { get; } = units;
        public LinkedListNode<Waiter>? Node { get; set; }
        public CancellationTokenRegistration Registration { get; set; }
    }

    /// <summary>One screen's share of the budget: every unit its reads took, given back on <see cref="Dispose"/>.</summary>
    public sealed class Lease : IDisposable
    {
        private readonly PageMemory _memory;
        private long _held;

        internal Lease(PageMemory memory) => _memory = memory;

        /// <summary>Units this lease holds now.</summary>
        public long Held => Interlocked.Read(ref _held);

        /// <summary>
        /// Waits for <paramref name="units"/> in arrival order; returns the units taken: at most the whole budget, so that
        /// a read larger than it waits for all of it rather than for ever.
        /// </summary>
        internal async Task<long> TakeAsync(long units, CancellationToken cancellationToken)
        {
            units = Math.Min(units, _memory.Capacity);
            await _memory.TakeAsync(units, cancellationToken).ConfigureAwait(false);
            Interlocked.Add(ref _held, units);
            return units;
        }

        /// <summary>Takes <paramref name="units"/> if the budget has them now and nobody waits; never waits.</summary>
        internal bool TryTake(long units)
        {
            if (!_memory.TryTake(units)) return false;
            Interlocked.Add(ref _held, units);
            return true;
        }

        /// <summary>
        /// Takes <paramref name="units"/> even past the budget: for a read that already holds its worst case and finds
        /// the stream longer than announced (which HTTP/1.1 framing does not allow); never waits.
        /// </summary>
        internal void Force(long units)
        {
            _memory.Force(units);
            Interlocked.Add(ref _held, units);
        }

        /// <summary>Gives back units a read took and did not use.</summary>
        internal void Return(long units)
        {
            if (units <= 0) return;
            Interlocked.Add(ref _held, -units);
            _memory.Return(units);
        }

        /// <summary>Gives everything back; a lease that took nothing (most screens: pages under 64 KiB) touches no lock.</summary>
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _held, 0) is var held and not 0) _memory.Return(held);
        }
    }
}
