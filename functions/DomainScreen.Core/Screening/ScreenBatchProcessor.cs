using System.Text.Json;
using DomainScreen.Core.Domains;
using DomainScreen.Core.Storage;
using DomainScreen.Core.Review;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DomainScreen.Core.Screening;

/// <summary>
/// Handles one queue message: validates it, screens its domains with bounded parallelism against one catalog,
/// policy and allowlist snapshot, stores every result, then hands the batch to every registered
/// <see cref="IScreeningResultConsumer"/> (it does not know who asked for the screen). A message that cannot be read throws <see cref="InvalidScreenRequestException"/>, so the
/// host retries it and then moves it to the poison queue; one domain's failure is a failed result, not an exception.
/// </summary>
public sealed class ScreenBatchProcessor(
    DomainParser parser,
    DomainScreener screener,
    ResultStore results,
    DigestStore digests,
    EvidenceStore evidence,
    TimeProvider time,
    IEnumerable<IScreeningResultConsumer> consumers,
    Fingerprints.CatalogProvider catalogs,
    ReviewAllowlist allowlist,
    Registration.RegistrationLookup registrations,
    ScreenSlots slots,
    Fetching.PageMemory pageMemory,
    IOptions<ScreeningOptions> options,
    ILogger<ScreenBatchProcessor> logger)
{
    private const int MaxDomainsPerMessage = 500;

    private readonly IScreeningResultConsumer[] _consumers = [.. consumers];

    /// <summary>
    /// Waits up to <see cref="ScreeningOptions.SlowScreenSeconds"/> for a screen; one still running then hands its slot
    /// on and finishes in the slow lane, if the lane has room (true: release it with <see cref="ScreenSlots.ReleaseSlow"/>).
    /// </summary>
    private async Task<bool> MovedToSlowLaneAsync(Task screening, CancellationToken cancellationToken)
    {
        if (screening.IsCompleted || slots.SlowCapacity == 0) return false;
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var slowAfter = Task.Delay(TimeSpan.FromSeconds(options.Value.SlowScreenSeconds), time, timer.Token);
        var first = await Task.WhenAny(screening, slowAfter).ConfigureAwait(false);
        await timer.CancelAsync().ConfigureAwait(false);
        return first == slowAfter && slowAfter.IsCompletedSuccessfully && slots.TryMoveToSlowLane();
    }

    private bool NeedsWhole(ScreeningResult result)
    {
        foreach (var consumer in _consumers)
        {
            if (consumer.NeedsWhole(result)) return true;
        }
        return false;
    }

    /// <summary>
    /// Screens, stores and hands over one message's domains; returns its results as the consumers got them (abridged
    /// where none needed them whole: <see cref="ScreenedBatch"/>).
    /// </summary>
    public async Task<IReadOnlyList<ScreeningResult>> ProcessAsync(string message, CancellationToken cancellationToken)
    {
        var request = Read(message);
        await Task.WhenAll(catalogs.RefreshIfDueAsync(cancellationToken), allowlist.RefreshIfDueAsync(cancellationToken)).ConfigureAwait(false);
        var snapshot = catalogs.Current;
        var names = new List<DomainName>();
        var rejected = new List<RejectedName>();
        foreach (var domain in request.Domains)
        {
            var parsed = parser.TryParse(domain);
            if (parsed.Name is { } name)
            {
                names.Add(name);
                continue;
            }
            // Not screened, but not lost: the consumers (progress, reports) count it with its reason.
            rejected.Add(new RejectedName(domain, parsed.Error!.CodeName));
            logger.LogWarning("Request {RequestId}: invalid domain {Domain}: {Reason}", request.RequestId, domain, parsed.Error.Message);
        }

        await registrations.PrefetchAsync(names.Select(n => n.RegistrableDomain), cancellationToken).ConfigureAwait(false);
        var screened = new ScreeningResult[names.Count];
        var digest = new string[names.Count];
        // A result with the digest the sweep queued it with says what the stored one says: nothing to store for it
        // (decided once, as each screen ends; its evidence, result and digest all follow that one decision).
        var unchangedAt = new bool[names.Count];
        var ticket = slots.TicketFor(request.Source);
        // A changed result is written as soon as its screen ends, not after the message's slowest screen: the writes of a
        // batch spread over its screening instead of reaching storage all at once when its one slow host gives up
        // (with 5 % slow hosts most 25-name messages hold one). The write does not hold a screen slot or a place in
        // the message's parallelism; the store bounds the transactions in flight (MaxConcurrentResultWrites: unbounded,
        // a 30k first sweep against the emulator fell from ≈ 240 to 170–210 domains/s with ≈ 750 writes open at once)
        // and writes the results that wait meanwhile together; all are awaited below, before the digests.
        var saves = new List<Task>(names.Count);
        // The message's places (Screening:Parallelism; SubmissionParallelism for an analyst's submission) are held by
        // screens in the main lane only: a screen that moves to the slow lane gives its place back with its slot, so a
        // message whose names share one slow provider (names in name order often do) goes on starting its other names
        // instead of waiting 16 at a time for their fetch budgets (a 10k submission with its 2 % slow hosts in four
        // messages took 78 s, against 31 s where they were spread).
        // The slow lane's own bound (Screening:MaxSlowScreens) is process-wide.
        using var places = new SemaphoreSlim(request.Source == ScreenRequest.SubmissionSource ? options.Value.SubmissionParallelism : options.Value.Parallelism);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        async Task ScreenOneAsync(int i, CancellationToken ct)
        {
            var holdsPlace = true;
            try
            {
                ScreeningResult result;
                await slots.WaitAsync(ticket, ct).ConfigureAwait(false);
                // The screen's bodies count against the page-memory budget until they are let go below.
                using var memory = pageMemory.Open();
                var slow = false;
                try
                {
                    var screening = screener.ScreenAsync(names[i], request, snapshot, ct, memory);
                    slow = await MovedToSlowLaneAsync(screening, ct).ConfigureAwait(false);
                    if (slow)
                    {
                        // The message's place goes back with the slot (the slow lane has its own bound).
                        holdsPlace = false;
                        places.Release();
                    }
                    result = await screening.ConfigureAwait(false);
                }
                finally
                {
                    if (slow) slots.ReleaseSlow();
                    else slots.Release();
                }
                digest[i] = ResultDigest.Of(result);
                unchangedAt[i] = request.Known?.GetValueOrDefault(result.Domain) == digest[i];
                // A changed result's evidence is stored now, while the message's other screens run, and then the page
                // text and bytes are let go: until the batch is written a message holds results of a few KB, not every
                // page it fetched (up to MaxBodyBytes each), so memory does not grow with how long the writes wait.
                // Blobs are content-addressed, so storing them before the digests and results is safe to repeat.
                if (result.Fetch is { } fetch)
                {
                    if (!unchangedAt[i]) await evidence.SaveAsync(fetch, ct).ConfigureAwait(false);
                    result = result with { Fetch = fetch.WithoutContent() };
                }
                if (!unchangedAt[i])
                {
                    // The message's token, not the loop's: the write outlives this iteration. The store serializes the
                    // result before it returns, so the whole result need not be kept for it.
                    var save = results.SaveAsync(result, request.RequestedAt, cancellationToken);
                    lock (saves) saves.Add(save);
                }
                // Until the batch is handed over — after its slowest screen and its writes — it keeps only what its
                // consumers read: with 32 + 224 messages of 50 names in flight, whole results were most of a sweep's
                // live heap.
                // An unchanged result adds to nothing (ScreenedBatch.Unchanged): it is always abridged.
                screened[i] = !unchangedAt[i] && NeedsWhole(result) ? result : result.Abridged();
            }
            catch
            {
                // One failed screen stops the message from starting more and tells the others; the message fails.
                await stop.CancelAsync().ConfigureAwait(false);
                throw;
            }
            finally
            {
                if (holdsPlace) places.Release();
            }
        }
        async Task ScreenAllAsync()
        {
            var started = new List<Task>(names.Count);
            try
            {
                for (var i = 0; i < names.Count; i++)
                {
                    await places.WaitAsync(stop.Token).ConfigureAwait(false);
                    started.Add(ScreenOneAsync(i, stop.Token));
                }
            }
            finally
            {
                // A failed screen's exception, not the cancellation it caused, is the one that surfaces.
                await Task.WhenAll(started).ConfigureAwait(false);
            }
        }
        var loop = ScreenAllAsync();
        try
        {
            await loop.ConfigureAwait(false);
        }
        finally
        {
            // Every started write is awaited (and a failed one fails the message, which is then delivered again) even
            // when a screen failed the loop: none is left running unobserved behind a retry.
            // A failed loop's own exception is the one that surfaces; the writes' are then only observed.
            Task[] started;
            lock (saves) started = [.. saves];
            await Task.WhenAll(started).ConfigureAwait(loop.IsCompletedSuccessfully ? ConfigureAwaitOptions.None : ConfigureAwaitOptions.SuppressThrowing);
        }

        var unchanged = new HashSet<string>(StringComparer.Ordinal);
        var changed = new List<int>(names.Count);
        for (var i = 0; i < screened.Length; i++)
        {
            if (unchangedAt[i]) unchanged.Add(screened[i].Domain);
            else changed.Add(i);
        }
        // Digests after the results they describe: a digest never claims a result that is not stored. If the process
        // dies in between, the redelivered message carries the old digests and writes the results again (the same
        // keyed rows), then the digests; a message lost to the poison queue leaves old digests, so the next sweep
        // writes those results again rather than trusting a digest ahead of its result.
        await digests.SetManyAsync(changed.Select(i => (screened[i].Domain, digest[i])).ToList(), time.GetUtcNow(), cancellationToken).ConfigureAwait(false);

        await registrations.FlushAsync(cancellationToken).ConfigureAwait(false);
        // In registration order: progress is registered last, so a batch counts as done only after every other
        // consumer (cases, …) has acted on it.
        var batch = new ScreenedBatch(request, screened, rejected, unchanged);
        foreach (var consumer in _consumers) await consumer.ConsumeAsync(batch, cancellationToken).ConfigureAwait(false);
        logger.LogInformation("Request {RequestId}: screened {Count} domains ({Failed} failed, {Unchanged} unchanged)",
            request.RequestId, screened.Length, screened.Count(r => r.Status == ScreeningResult.Failed), unchanged.Count);
        return screened;
    }

    /// <summary>Parses and checks a message; throws <see cref="InvalidScreenRequestException"/> with the reason.</summary>
    public static ScreenRequest Read(string message)
    {
        var request = QueueMessageJson.Read(message, CoreJson.Default.ScreenRequest, "a screen request", reason => new InvalidScreenRequestException(reason));
        if (request.V != 1) throw new InvalidScreenRequestException($"unsupported message version {request.V}");
        if (string.IsNullOrWhiteSpace(request.RequestId) || string.IsNullOrWhiteSpace(request.RunId))
        {
            throw new InvalidScreenRequestException("message has no requestId or runId");
        }
        if (!ScreenRequest.Sources.Contains(request.Source))
        {
            throw new InvalidScreenRequestException($"unknown source '{request.Source}'");
        }
        if (request.Domains is null || request.Domains.Count is 0 or > MaxDomainsPerMessage)
        {
            throw new InvalidScreenRequestException($"message must list 1 to {MaxDomainsPerMessage} domains");
        }
        if (request.Domains.Any(string.IsNullOrWhiteSpace)) throw new InvalidScreenRequestException("message lists an empty domain");
        return request;
    }
}
