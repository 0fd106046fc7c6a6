using System.Text.RegularExpressions;
using DomainScreen.Core.Dns;
using DomainScreen.Core.Screening;
using DomainScreen.Core.Tests.Dns;
using DomainScreen.Functions.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace DomainScreen.Functions.Tests;

/// <summary>
/// Screening:MaxConcurrentScreens bounds the screens in flight over every message a process handles, not per message:
/// two messages of four names with Parallelism 4 and a limit of 2 never have more than two screens waiting on DNS.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ScreenSlotsTests(AzuriteFixture azurite) : GatedScreensTest(azurite, maxSlowScreens: 0) // the main bound alone
{
    [Fact]
    public async Task ScreensInFlight_AreBoundedAcrossMessages()
    {
        await Harness.Storage.EnsureCreatedAsync();
        var processor = Harness.Get<ScreenBatchProcessor>();
        string Message(int m) =>
            $$"""{"v":1,"requestId":"slots-{{m}}","source":"sweep","runId":"slots","domains":[{{string.Join(",", Enumerable.Range(0, 4).Select(i => $"\"s{m * 4 + i}.slots{m}.test\""))}}],"requestedAt":"2026-12-01T10:00:00Z"}""";

        var both = Task.WhenAll(processor.ProcessAsync(Message(0), CancellationToken.None), processor.ProcessAsync(Message(1), CancellationToken.None));
        await Dns.ReleaseUntilAsync(both);

        var results = await both.WaitAsync(TimeSpan.FromSeconds(1));
        Assert.Equal(8, results.Sum(r => r.Count));
        Assert.InRange(Dns.MaxWaiting, 1, 2);
    }
}

/// <summary>Holds every question about a host sN until the test releases the hosts waiting; counts hosts waiting at once.</summary>
internal sealed partial class GatedResolver : IDnsResolver
{
    private readonly FakeDnsResolver _inner = new();
    private readonly Dictionary<string, TaskCompletionSource> _gates = [];
    private readonly HashSet<string> _waiting = [];
    private readonly HashSet<string> _released = [];
    private TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int MaxWaiting { get; private set; }

    /// <summary>Completes when a name of the test's zones that is not gated is first asked about.</summary>
    public TaskCompletionSource UngatedAsked { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Released once for every host that starts waiting.</summary>
    public SemaphoreSlim Arrivals { get; } = new(0);

    public int WaitingNow
    {
        get { lock (_gates) return _waiting.Count; }
    }

    public async Task<DnsAnswer> QueryAsync(string name, DnsRecordType type, CancellationToken cancellationToken)
    {
        if (HostLabel().Match(name) is { Success: true } m)
        {
            Task gate;
            lock (_gates)
            {
                var host = m.Value;
                if (!_released.Contains(host))
                {
                    if (_waiting.Add(host))
                    {
                        MaxWaiting = Math.Max(MaxWaiting, _waiting.Count);
                        _arrived.TrySetResult();
                        Arrivals.Release();
                    }
                    if (!_gates.TryGetValue(host, out var tcs)) _gates[host] = tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    gate = tcs.Task;
                }
                else gate = Task.CompletedTask;
            }
            await gate.WaitAsync(cancellationToken);
        }
        else if (name.Contains(".slots", StringComparison.Ordinal)) UngatedAsked.TrySetResult();
        return await _inner.QueryAsync(name, type, cancellationToken);
    }

    /// <summary>Lets waiting hosts through as they arrive until <paramref name="work"/> ends (or a 2-minute failure guard does).</summary>
    public async Task ReleaseUntilAsync(Task work)
    {
        var guard = Task.Delay(TimeSpan.FromMinutes(2)); // a failure guard, not a timing assumption
        while (!work.IsCompleted && !guard.IsCompleted) await ReleaseNextAsync(Task.WhenAny(work, guard));
    }

    /// <summary>Waits until some host is waiting (or <paramref name="until"/> ends), then lets every waiting host through.</summary>
    private async Task ReleaseNextAsync(Task until)
    {
        Task arrived;
        lock (_gates) arrived = _waiting.Count > 0 ? Task.CompletedTask : _arrived.Task;
        await Task.WhenAny(arrived, until);
        lock (_gates)
        {
            foreach (var host in _waiting)
            {
                _released.Add(host);
                _gates[host].TrySetResult();
            }
            _waiting.Clear();
            _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    [GeneratedRegex(@"s[0-9]+\.slots[0-9]\.test$")]
    private static partial Regex HostLabel();
}

/// <summary>
/// A process with two screen slots (Parallelism 4, a slow screen after 1 s) whose DNS holds every host sN of the
/// test's zones until the test lets it through.
/// </summary>
public abstract class GatedScreensTest(AzuriteFixture azurite, int maxSlowScreens) : IAsyncLifetime
{
    private protected GatedResolver Dns { get; } = new();
    private protected FunctionsHarness Harness { get; private set; } = null!;

    public Task InitializeAsync()
    {
        Harness = new FunctionsHarness(azurite, Dns, new Dictionary<string, string?>
        {
            ["Screening:MaxConcurrentScreens"] = "2",
            ["Screening:Parallelism"] = "4",
            ["Screening:SlowScreenSeconds"] = "1",
            ["Screening:MaxSlowScreens"] = maxSlowScreens.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        return Harness.InitializeAsync();
    }

    public Task DisposeAsync() => Harness.DisposeAsync().AsTask();
}

/// <summary>
/// The slow lane: screens still running after Screening:SlowScreenSeconds hand their slots on, so hosts that answer at
/// a trickle do not hold every slot while other screens wait.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class SlowLaneTests(AzuriteFixture azurite) : GatedScreensTest(azurite, maxSlowScreens: 2)
{
    [Fact]
    public async Task ScreensStuckOnSlowHosts_LetTheNextScreenRun()
    {
        await Harness.Storage.EnsureCreatedAsync();
        var processor = Harness.Get<ScreenBatchProcessor>();
        var slots = Harness.Get<ScreenSlots>();
        // Two hosts that never answer until released take both slots; a later message's name can only be screened
        // once they have moved to the slow lane.
        const string stuck = """{"v":1,"requestId":"slow-1","source":"sweep","runId":"slow","domains":["s0.slots7.test","s1.slots7.test"],"requestedAt":"2026-12-01T10:00:00Z"}""";
        const string fast = """{"v":1,"requestId":"slow-2","source":"sweep","runId":"slow","domains":["fast.slots7.test"],"requestedAt":"2026-12-01T10:00:00Z"}""";
        var slowBatch = processor.ProcessAsync(stuck, CancellationToken.None);
        Assert.True(await Dns.Arrivals.WaitAsync(TimeSpan.FromMinutes(1)) && await Dns.Arrivals.WaitAsync(TimeSpan.FromMinutes(1)));
        Assert.Equal(2, slots.InUse);
        // The harness's clock moves only when told: past SlowScreenSeconds for both (their timers may start a moment
        // after the hosts reach DNS, so move it until both have moved; the guard fails the test instead of hanging).
        var moving = Task.Delay(TimeSpan.FromMinutes(2));
        while (slots.SlowInUse < 2 && !moving.IsCompleted)
        {
            Harness.Time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(10);
        }
        Assert.Equal((0, 2), (slots.InUse, slots.SlowInUse));

        var fastResults = await processor.ProcessAsync(fast, CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(2)); // failure guard only
        Assert.Equal("fast.slots7.test", Assert.Single(fastResults).Domain);
        Assert.Equal(2, Dns.WaitingNow); // both slow hosts are still held
        Assert.Equal(2, slots.SlowInUse);

        await Dns.ReleaseUntilAsync(slowBatch);
        var results = await slowBatch.WaitAsync(TimeSpan.FromSeconds(1));
        Assert.Equal(["s0.slots7.test", "s1.slots7.test"], results.Select(r => r.Domain).Order(StringComparer.Ordinal));
        Assert.Equal((0, 0), (slots.InUse, slots.SlowInUse));
    }
}

/// <summary>
/// A screen that moves to the slow lane gives its place in the message back (Screening:Parallelism counts the main lane
/// only): a message whose names all hang on one slow provider starts every name within the lane's bound instead of
/// four at a time (Parallelism 4 here), each four waiting out their fetch budget.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class SlowLanePlacesTests(AzuriteFixture azurite) : GatedScreensTest(azurite, maxSlowScreens: 8)
{
    private ScreenSlots Slots => Harness.Get<ScreenSlots>();

    /// <summary>Starts one message of seven held names s0…s6 in <paramref name="zone"/>.</summary>
    private async Task<Task<IReadOnlyList<ScreeningResult>>> StartSevenAsync(string requestId, string source, string zone,
        CancellationToken cancellationToken = default)
    {
        await Harness.Storage.EnsureCreatedAsync();
        var domains = string.Join(",", Enumerable.Range(0, 7).Select(i => $"\"s{i}.{zone}.test\""));
        return Harness.Get<ScreenBatchProcessor>().ProcessAsync(
            $$"""{"v":1,"requestId":"{{requestId}}","source":"{{source}}","runId":"places","domains":[{{domains}}],"requestedAt":"2026-12-01T10:00:00Z"}""",
            cancellationToken);
    }

    [Fact]
    public async Task AMessagesSlowScreens_GiveTheirPlacesToItsOtherNames()
    {
        var slots = Slots;
        var batch = await StartSevenAsync("places-1", "sweep", "slots6");

        // Every host is held at DNS until released. Move the clock past SlowScreenSeconds until all seven wait at once
        // (they can only if the screens that moved to the slow lane let the message start more); the guard fails the
        // test instead of hanging.
        var guard = Task.Delay(TimeSpan.FromSeconds(30));
        int waiting, slow;
        try
        {
            while (Dns.WaitingNow < 7 && !guard.IsCompleted && !batch.IsCompleted)
            {
                Harness.Time.Advance(TimeSpan.FromSeconds(1));
                await Task.Delay(10);
            }
            (waiting, slow) = (Dns.WaitingNow, slots.SlowInUse);
        }
        finally
        {
            await Dns.ReleaseUntilAsync(batch);
        }
        Assert.Equal(7, waiting);
        Assert.InRange(slow, 5, 7); // at most two screens in the main lane (MaxConcurrentScreens 2)

        var results = await batch.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(7, results.Count);
        Assert.Equal((0, 0), (slots.InUse, slots.SlowInUse));
    }

    [Fact]
    public async Task ASubmissionMessage_StartsEveryNameAtOnce_WithinTheProcessSlots()
    {
        var slots = Slots;
        var batch = await StartSevenAsync("places-3", "submission", "slots4");

        // Screening:SubmissionParallelism (default 50), not Parallelism (4 here): two names hold both slots at DNS and
        // the other five wait for a slot, all started. The clock does not move, so none reaches the slow lane.
        var guard = Task.Delay(TimeSpan.FromSeconds(30)); // failure guard only
        int inUse, waiting;
        try
        {
            while ((slots.InUse < 2 || slots.Waiting < 5) && !guard.IsCompleted && !batch.IsCompleted) await Task.Delay(10);
            (inUse, waiting) = (slots.InUse, slots.Waiting);
        }
        finally
        {
            await Dns.ReleaseUntilAsync(batch);
        }
        Assert.Equal((2, 5), (inUse, waiting));
        Assert.Equal(7, (await batch.WaitAsync(TimeSpan.FromSeconds(5))).Count);
    }

    [Fact]
    public async Task AMessageCancelledWhileItsNamesWait_FailsAsCancelled_AndGivesEverySlotBack()
    {
        var slots = Slots;
        using var cancel = new CancellationTokenSource();
        var batch = await StartSevenAsync("places-2", "sweep", "slots5", cancel.Token);
        // Two names hold both slots at DNS, two more wait for a slot, three have not started: cancelled then, the message
        // must fail (and be delivered again), not return the names it screened.
        Assert.True(await Dns.Arrivals.WaitAsync(TimeSpan.FromMinutes(1)) && await Dns.Arrivals.WaitAsync(TimeSpan.FromMinutes(1)));
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => batch.WaitAsync(TimeSpan.FromMinutes(1)));
        Assert.Equal((0, 0), (slots.InUse, slots.SlowInUse));
        Assert.Null(await Harness.Get<ResultStore>().GetLatestAsync("s6.slots5.test", CancellationToken.None));
    }
}

/// <summary>
/// A result is stored as soon as its screen ends, not when the message's slowest screen does; the message's digests
/// follow all its results (a digest never claims a result that is not stored).
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class StreamedResultsTests(AzuriteFixture azurite) : GatedScreensTest(azurite, maxSlowScreens: 0)
{
    [Fact]
    public async Task AResult_IsStoredWhileTheMessagesOtherScreenStillRuns_AndDigestsFollowTheLastResult()
    {
        await Harness.Storage.EnsureCreatedAsync();
        var processor = Harness.Get<ScreenBatchProcessor>();
        var results = Harness.Get<ResultStore>();
        const string message = """{"v":1,"requestId":"stream-1","source":"sweep","runId":"stream","domains":["fast.slots8.test","s0.slots8.test"],"requestedAt":"2026-12-01T10:00:00Z"}""";
        async Task<bool> DigestStoredAsync(string domain) =>
            (await Harness.Storage.Candidates.GetEntityIfExistsAsync<Azure.Data.Tables.TableEntity>("digest", domain)).HasValue;

        var batch = processor.ProcessAsync(message, CancellationToken.None);
        Assert.True(await Dns.Arrivals.WaitAsync(TimeSpan.FromMinutes(1))); // s0 is held at DNS

        // The fast name's result appears while s0 is still held (and the message therefore unfinished: were results
        // written only at the end, the loop would run until s0's screen gives up on its budget and ends the message).
        var guard = Task.Delay(TimeSpan.FromMinutes(1)); // failure guard only
        ScreeningResult? fast = null;
        while (fast is null && !batch.IsCompleted && !guard.IsCompleted)
        {
            fast = await results.GetLatestAsync("fast.slots8.test", CancellationToken.None);
            if (fast is null) await Task.WhenAny(Task.Delay(20), batch);
        }
        Assert.False(batch.IsCompleted);
        Assert.NotNull(fast);
        Assert.Equal("stream-1", fast.RequestId);
        Assert.Equal(1, Dns.WaitingNow);
        Assert.Null(await results.GetLatestAsync("s0.slots8.test", CancellationToken.None));
        Assert.False(await DigestStoredAsync("fast.slots8.test"));

        await Dns.ReleaseUntilAsync(batch);
        Assert.Equal(2, (await batch.WaitAsync(TimeSpan.FromSeconds(1))).Count);
        Assert.NotNull(await results.GetLatestAsync("s0.slots8.test", CancellationToken.None));
        Assert.True(await DigestStoredAsync("fast.slots8.test"));
        Assert.True(await DigestStoredAsync("s0.slots8.test"));
    }
}

/// <summary>
/// Screening:MaxConcurrentResultWrites bounds the result writes a process has open against storage: six screens that
/// end at once with a bound of two leave two writes at storage and the other four waiting in the process.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ResultWritesBoundTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly HoldingPolicy _writes = new("ScreeningResults");
    private FunctionsHarness _harness = null!;

    public Task InitializeAsync()
    {
        _harness = new FunctionsHarness(azurite, new FakeDnsResolver(), new Dictionary<string, string?>
        {
            ["Screening:Parallelism"] = "6",
            ["Screening:MaxConcurrentResultWrites"] = "2",
        }, configure: s => s.AddSingleton<Azure.Core.Pipeline.HttpPipelinePolicy>(_writes));
        return _harness.InitializeAsync();
    }

    public Task DisposeAsync() => _harness.DisposeAsync().AsTask();

    [Fact]
    public async Task ResultWritesInFlight_StayWithinTheBound()
    {
        await _harness.Storage.EnsureCreatedAsync();
        var processor = _harness.Get<ScreenBatchProcessor>();
        var slots = _harness.Get<ScreenSlots>();
        var domains = string.Join(",", Enumerable.Range(0, 6).Select(i => $"\"w{i}.writes.test\""));
        var batch = processor.ProcessAsync(
            $$"""{"v":1,"requestId":"writes-1","source":"sweep","runId":"writes","domains":[{{domains}}],"requestedAt":"2026-12-01T10:00:00Z"}""",
            CancellationToken.None);

        // Failure guards only: two writes reach storage and are held there; then every screen of the message has ended
        // (the other four results are waiting for a place, in the process).
        var guard = Task.Delay(TimeSpan.FromMinutes(1));
        while (_writes.Held < 2 && !batch.IsCompleted && !guard.IsCompleted) await Task.WhenAny(Task.Delay(10), batch);
        while (slots.InUse > 0 && !guard.IsCompleted) await Task.Delay(10);
        Assert.False(batch.IsCompleted);
        Assert.Equal(2, _writes.Held);

        var end = Task.Delay(TimeSpan.FromMinutes(1));
        while (!batch.IsCompleted && !end.IsCompleted)
        {
            _writes.ReleaseAll();
            await Task.WhenAny(Task.Delay(10), batch);
        }
        Assert.Equal(6, (await batch.WaitAsync(TimeSpan.FromSeconds(1))).Count);
        Assert.Equal(2, _writes.MaxHeld);
    }
}
