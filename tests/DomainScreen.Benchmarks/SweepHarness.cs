using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text.Json;
using DomainScreen.Core.Api;
using DomainScreen.Core.Domains;
using DomainScreen.Core.Screening;
using DomainScreen.Core.Storage;
using DomainScreen.Core.Sweeps;
using DomainScreen.Local.Hosting;
using DomainScreen.Local.Lab;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace DomainScreen.Benchmarks;

/// <summary>
/// End-to-end sweep throughput against real servers (knot or nsd for DNS, nginx for the web and RDAP), through the
/// local runtime's real queues and Azurite: domains/s, per-domain latency percentiles, peak RSS, storage
/// transactions and function executions per domain (counted). Driven by sweep.sh; not run by CI.
/// </summary>
public static class SweepHarness
{
    public static async Task<int> RunAsync(string[] args)
    {
        var options = Args(args);
        var domainsFile = options["domains"];
        var timeline = options.GetValueOrDefault("timeline");
        if (timeline is not null)
        {
            await File.WriteAllTextAsync(timeline, "seconds,screened,perSecond,harnessRssMb,azuriteRssMb,transactions,azuriteMainThreadShare,queuedMessages,visibleMessages,screensRunning,screensWaiting,liveAfterGen2Mb,heapAfterGen2Mb,gen2Collections,gcCommittedMb,harnessRssAnonMb\n");
        }
        var names = (await File.ReadAllLinesAsync(domainsFile)).Where(l => l.Length > 0).ToList();
        // --azurite-location dir: Azurite keeps its data on disk there, as `serve` starts it (default: in memory).
        var location = options.GetValueOrDefault("azurite-location");
        await using var azurite = await AzuriteProcess.StartAsync(location: location, log: Console.Error.WriteLine);
        var settings = Settings(options, azurite.ConnectionString);

        var submit = options.ContainsKey("submit");
        var url = $"http://127.0.0.1:{FreePorts.Tcp()}";
        // --request-profile file: storage requests by kind with their wall time, written after each pass (a later pass to "<file>.passN").
        var profile = options.ContainsKey("request-profile") ? new RequestProfile() : null;
        await using var app = LocalRuntime.Build(settings, url,
            configure: profile is null ? null : services => services.AddSingleton<Azure.Core.Pipeline.HttpPipelinePolicy>(profile));
        Console.Error.WriteLine($"memory: {DomainScreen.Core.Screening.HeapLimit.Apply(app.Configuration)}");
        await app.StartAsync();
        // --workers N: N-1 more processes of the runtime on the same storage and queues (scale-out simulation).
        var workers = new List<Process>();
        for (var w = 1; w < int.Parse(options.GetValueOrDefault("workers", "1"), CultureInfo.InvariantCulture); w++)
        {
            var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardInput = true, RedirectStandardOutput = true };
            start.ArgumentList.Add("sweep-worker");
            foreach (var (key, value) in options.Where(o => o.Key is not ("domains" or "out" or "timeline" or "request-profile" or "workers" or "repeat" or "azurite-location")))
            {
                start.ArgumentList.Add("--" + key);
                start.ArgumentList.Add(value);
            }
            start.ArgumentList.Add("--storage");
            start.ArgumentList.Add(azurite.ConnectionString);
            var worker = Process.Start(start)!;
            if (await worker.StandardOutput.ReadLineAsync() != "ready") throw new InvalidOperationException("a worker process did not start");
            workers.Add(worker);
        }
        var workerIds = workers.Select(p => p.Id).ToArray();

        var durations = new List<double>(names.Count);
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "domainscreen.screen.duration") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<double>((_, value, _, _) =>
        {
            lock (durations) durations.Add(value);
        });
        listener.Start();

        if (submit)
        {
            // --submit K: the names split into K submissions, one after the other in the same process — the first on a
            // fresh process (start-up JIT included), later ones on a warm one with names it has not seen; each reported.
            var count = Math.Max(1, int.Parse(options["submit"], CultureInfo.InvariantCulture));
            var results = new List<Dictionary<string, object>>();
            for (var k = 0; k < count; k++)
            {
                var part = names.Skip(k * names.Count / count).Take((k + 1) * names.Count / count - k * names.Count / count).ToList();
                lock (durations) durations.Clear();
                results.Add(await SubmitOnceAsync(url, part, app, azurite.ProcessId, durations,
                    timeline is null || k == 0 ? timeline : $"{timeline}.sub{k + 1}", profile));
            }
            await app.StopAsync();
            if (profile is not null) await File.WriteAllTextAsync(options["request-profile"], profile.Report());
            var result = new Dictionary<string, object>(results[0]);
            if (results.Count > 1) result["submissions"] = results;
            var text = JsonSerializer.Serialize(result);
            Console.WriteLine(text);
            if (options.TryGetValue("out", out var submitOut)) await File.WriteAllTextAsync(submitOut, text);
            return 0;
        }

        var parser = app.Services.GetRequiredService<DomainParser>();
        var parsed = names.Select(n => parser.TryParse(n).Name).OfType<DomainName>().ToList();
        Console.Error.WriteLine($"Loading {parsed.Count} candidates...");
        await app.Services.GetRequiredService<CandidateStore>().AddAsync(parsed, "bench", CancellationToken.None);
        Console.Error.WriteLine(FormattableString.Invariant(
            $"Loaded: RSS {RssMb(Environment.ProcessId, "VmRSS:")} MB, peak {PeakRssMb(Environment.ProcessId)} MB, GC committed {GC.GetGCMemoryInfo().TotalCommittedBytes / 1e6:F1} MB, heap {GC.GetGCMemoryInfo().HeapSizeBytes / 1e6:F1} MB"));

        // --repeat 2: the same candidates swept again with the stored results in place (the nightly case: most
        // results unchanged), each pass reported on its own.
        var passes = new List<Dictionary<string, object>>();
        var repeat = int.Parse(options.GetValueOrDefault("repeat", "1"), CultureInfo.InvariantCulture);
        for (var pass = 1; pass <= repeat; pass++)
        {
            lock (durations) durations.Clear();
            passes.Add(await SweepOnceAsync(app, azurite.ProcessId, workerIds, timeline, durations,
                int.Parse(options.GetValueOrDefault("timeline-seconds", "10"), CultureInfo.InvariantCulture)));
            if (profile is not null)
            {
                // Each pass on its own: the first to the named file, later ones to "<file>.pass<N>".
                await File.WriteAllTextAsync(pass == 1 ? options["request-profile"] : $"{options["request-profile"]}.pass{pass}", profile.Report());
                profile.Reset();
            }
        }
        foreach (var worker in workers)
        {
            worker.StandardInput.Close();
            await worker.WaitForExitAsync();
        }
        await app.StopAsync();
        var report = new Dictionary<string, object>(passes[0]);
        if (passes.Count > 1) report["passes"] = passes;
        var json = JsonSerializer.Serialize(report);
        Console.WriteLine(json);
        if (options.TryGetValue("out", out var outFile)) await File.WriteAllTextAsync(outFile, json);
        return 0;
    }

    /// <summary>The local runtime's settings for a harness run (and its extra workers, which must match).</summary>
    private static Dictionary<string, string?> Settings(Dictionary<string, string> options, string connectionString)
    {
        // --submit: one analyst submission of every name through the HTTP API and the priority queue, with the
        // settings a user gets (only DNS server, port map and RDAP bootstrap pointed at the local world), polled with
        // GET /api/submissions/{id} — the way a user runs `serve`. Otherwise the tuned sweep harness below.
        var submit = options.ContainsKey("submit");
        var settings = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = connectionString,
            ["Dns:Servers:0"] = options["dns"],
            ["Dns:TimeoutMs"] = "1000",
            ["Dns:Retries"] = "0",
            ["Domains:ExtraSuffixes:0"] = "test",
            ["Fetching:AllowLoopback"] = "true",
            ["Fetching:PortMap:80"] = options["http-port"],
            ["Fetching:PortMap:443"] = options.GetValueOrDefault("https-port", "1"),
            ["Fetching:TotalTimeoutSeconds"] = options.GetValueOrDefault("fetch-timeout", "5"),
            ["Registration:BootstrapUrl"] = options["bootstrap"],
            ["Registration:RequestsPerSecondPerServer"] = options.GetValueOrDefault("rdap-rate", "10000"),
            ["Registration:QueueLimitPerServer"] = "100000",
            ["Screening:DomainsPerMessage"] = options.GetValueOrDefault("per-message", "50"), // the product's default since the fourteenth session (25 before)
            ["Screening:Parallelism"] = options.GetValueOrDefault("parallelism", "16"),
            ["Auth:ApiKeys:0:Name"] = "bench",
            ["Auth:ApiKeys:0:Sha256"] = CallerAuthenticator.HashKey("bench"),
            ["Auth:ApiKeys:0:Roles:0"] = Roles.Admin,
            ["Logging:LogLevel:Default"] = "Warning",
            ["AzureFunctionsJobHost:extensions:queues:batchSize"] = options.GetValueOrDefault("batch-size", "16"),
            ["AzureFunctionsJobHost:extensions:queues:maxPollingInterval"] = "00:00:00.500",
        };
        if (submit)
        {
            string[] tuned = ["Dns:TimeoutMs", "Dns:Retries", "Fetching:TotalTimeoutSeconds", "Registration:RequestsPerSecondPerServer",
                "Registration:QueueLimitPerServer", "Screening:DomainsPerMessage", "Screening:Parallelism",
                "AzureFunctionsJobHost:extensions:queues:batchSize", "AzureFunctionsJobHost:extensions:queues:maxPollingInterval"];
            foreach (var key in tuned) settings.Remove(key);
            settings["Auth:ApiKeys:1:Name"] = "analyst";
            settings["Auth:ApiKeys:1:Sha256"] = CallerAuthenticator.HashKey("analyst");
            settings["Auth:ApiKeys:1:Roles:0"] = Roles.Analyst;
        }
        // --setting:Key value: any other setting of the local runtime for this run (e.g. a log level).
        foreach (var (key, value) in options.Where(o => o.Key.StartsWith("setting:", StringComparison.Ordinal))) settings[key["setting:".Length..]] = value;
        return settings;
    }

    /// <summary>
    /// `sweep-worker`: one more process of the local runtime on the same storage and queues (API on a free port, not
    /// used), screening whatever the queues hold until stdin closes — the harness's scale-out simulation.
    /// </summary>
    public static async Task<int> WorkerAsync(string[] args)
    {
        var options = Args(args);
        await using var app = LocalRuntime.Build(Settings(options, options["storage"]), $"http://127.0.0.1:{FreePorts.Tcp()}");
        LocalRuntime.LimitHeap(app);
        await app.StartAsync();
        Console.Out.WriteLine("ready");
        await Console.In.ReadToEndAsync();
        await app.StopAsync();
        return 0;
    }

    /// <summary>
    /// What the last gen-2 collection (blocking or background) kept, MB, the heap it left, MB, and how many gen-2
    /// collections there have been: whether the live data grows with a sweep, which RSS under a heap cap cannot show.
    /// </summary>
    private static string LastGen2()
    {
        var blocking = GC.GetGCMemoryInfo(GCKind.FullBlocking);
        var background = GC.GetGCMemoryInfo(GCKind.Background);
        var last = blocking.Index >= background.Index ? blocking : background;
        return string.Create(CultureInfo.InvariantCulture,
            $"{last.PromotedBytes / 1048576.0:0.0},{last.HeapSizeBytes / 1048576.0:0.0},{GC.CollectionCount(2)}");
    }

    /// <summary>User+system CPU seconds a process has used (from /proc).</summary>
    private static double CpuSeconds(int pid) => CpuSeconds($"/proc/{pid}/stat");

    /// <summary>
    /// CPU seconds of a process's main thread. Azurite serves every request on Node's one JavaScript thread (the
    /// process's other threads are the GC's and libuv's helpers), so this thread's share of wall time says how close
    /// the emulator is to its own bound: at 1.0 requests queue however fast DomainScreen is.
    /// </summary>
    internal static double MainThreadCpuSeconds(int pid) => CpuSeconds($"/proc/{pid}/task/{pid}/stat");

    private static double CpuSeconds(string statFile)
    {
        try
        {
            var stat = File.ReadAllText(statFile);
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private static async Task<Dictionary<string, object>> SubmitOnceAsync(string url, List<string> names, WebApplication app, int azuritePid,
        List<double> durations, string? timeline, RequestProfile? profile)
    {
        using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(5) };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "analyst");
        var requests = app.Services.GetRequiredService<StorageClients>().Requests;
        var before = requests.Total;
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var gcBefore = GcMark.Now();
        var azuriteBefore = CpuSeconds(azuritePid);
        var azuriteMainBefore = MainThreadCpuSeconds(azuritePid);
        var clock = Stopwatch.StartNew();
        using var body = new StringContent(string.Join('\n', names), System.Text.Encoding.UTF8, "text/plain");
        using var posted = await http.PostAsync("/api/submissions", body);
        var created = await posted.Content.ReadAsStringAsync();
        if (!posted.IsSuccessStatusCode) throw new InvalidOperationException($"POST /api/submissions: {(int)posted.StatusCode} {created}");
        var id = JsonDocument.Parse(created).RootElement.GetProperty("submissionId").GetString();
        var acceptedAt = clock.Elapsed.TotalSeconds;
        // --timeline file: a line a second from a sampler of its own (the status poll below can wait seconds on a busy
        // emulator): screens finished, CPU of this process and Azurite, and the machine's idle share — where a
        // submission's time goes (start, saturated middle, tail of slow hosts).
        using var sampling = new CancellationTokenSource();
        var sampler = timeline is null ? Task.CompletedTask : SampleAsync(timeline, clock, durations, azuritePid, requests, profile, sampling.Token);
        int pending;
        int total;
        do
        {
            await Task.Delay(1000);
            using var status = JsonDocument.Parse(await http.GetStringAsync($"/api/submissions/{id}?top=1"));
            pending = status.RootElement.GetProperty("pending").GetInt32();
            total = status.RootElement.GetProperty("total").GetInt32();
            Console.Error.Write($"\r{total - pending}/{total} screened, {clock.Elapsed.TotalSeconds:0.0} s   ");
        }
        while (pending > 0);
        clock.Stop();
        await sampling.CancelAsync();
        await sampler;
        double[] sorted;
        lock (durations) sorted = [.. durations.Order()];
        Console.Error.WriteLine();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        var azuriteMain = MainThreadCpuSeconds(azuritePid) - azuriteMainBefore;
        var gcAfter = GcMark.Now();
        var transactions = requests.Total - before;
        return new Dictionary<string, object>
        {
            ["mode"] = "submission (default settings)",
            ["domains"] = total,
            ["p50Ms"] = Percentile(sorted, 0.50),
            ["p95Ms"] = Percentile(sorted, 0.95),
            ["p99Ms"] = Percentile(sorted, 0.99),
            ["maxMs"] = sorted.Length == 0 ? 0 : Math.Round(sorted[^1], 1),
            ["acceptedSeconds"] = Math.Round(acceptedAt, 2),
            ["elapsedSeconds"] = Math.Round(clock.Elapsed.TotalSeconds, 2),
            ["domainsPerSecond"] = Math.Round(total / clock.Elapsed.TotalSeconds, 1),
            ["harnessCpuSeconds"] = Math.Round(cpu.TotalSeconds, 1),
            ["cpuMsPerDomain"] = Math.Round(cpu.TotalMilliseconds / Math.Max(1, total), 2),
            ["allocatedMbPerDomain"] = gcAfter.AllocatedMbPerDomain(gcBefore, total),
            ["gcPauseShare"] = gcAfter.PauseShare(gcBefore, clock.Elapsed),
            ["gen2Collections"] = gcAfter.Gen2 - gcBefore.Gen2,
            ["jitMethods"] = gcAfter.Jit(gcBefore).Methods,
            ["jitSeconds"] = gcAfter.Jit(gcBefore).Seconds,
            ["harnessPeakRssMb"] = PeakRssMb(Environment.ProcessId),
            ["azuritePeakRssMb"] = PeakRssMb(azuritePid),
            ["azuriteCpuShare"] = Math.Round((CpuSeconds(azuritePid) - azuriteBefore) / clock.Elapsed.TotalSeconds, 2),
            ["azuriteMainThreadShare"] = Math.Round(azuriteMain / clock.Elapsed.TotalSeconds, 2),
            ["azuriteMainThreadMsPerDomain"] = Math.Round(azuriteMain * 1000 / Math.Max(1, total), 2),
            ["azuriteBoundDomainsPerSecond"] = Math.Round(Math.Max(1, total) / Math.Max(0.001, azuriteMain), 1),
            ["transactionsPerDomain"] = Math.Round(transactions / (double)Math.Max(1, total), 3),
        };
    }

    /// <summary>
    /// The submission's timeline, a line a second; with <c>--request-profile</c> also the storage requests of each second
    /// by kind (<c>&lt;file&gt;.requests</c>: the three kinds that took the most wall time).
    /// </summary>
    private static async Task SampleAsync(string file, Stopwatch clock, List<double> durations, int azuritePid, StorageRequestCounter requests,
        RequestProfile? profile, CancellationToken cancellationToken)
    {
        await File.WriteAllTextAsync(file, "seconds,screensFinished,perSecond,harnessCores,azuriteCores,azuriteMainThread,machineIdle,storageRequestsPerSecond\n", CancellationToken.None);
        if (profile is not null) await File.WriteAllTextAsync(file + ".requests", "seconds,top request kinds (count, wall seconds)\n", CancellationToken.None);
        var last = (Time: clock.Elapsed.TotalSeconds, Done: 0, Cpu: Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds,
            Azurite: CpuSeconds(azuritePid), Main: MainThreadCpuSeconds(azuritePid), Machine: MachineTicks(), Requests: requests.Total);
        var lastProfile = profile?.Snapshot();
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                int done;
                lock (durations) done = durations.Count;
                var now = (Time: clock.Elapsed.TotalSeconds, Done: done, Cpu: Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds,
                    Azurite: CpuSeconds(azuritePid), Main: MainThreadCpuSeconds(azuritePid), Machine: MachineTicks(), Requests: requests.Total);
                var dt = Math.Max(0.001, now.Time - last.Time);
                var ticks = Math.Max(1, now.Machine.Total - last.Machine.Total);
                await File.AppendAllTextAsync(file, string.Create(CultureInfo.InvariantCulture,
                    $"{now.Time:0.0},{done},{(done - last.Done) / dt:0},{(now.Cpu - last.Cpu) / dt:0.00},{(now.Azurite - last.Azurite) / dt:0.00},{(now.Main - last.Main) / dt:0.00},{(now.Machine.Idle - last.Machine.Idle) / (double)ticks:0.00},{(now.Requests - last.Requests) / dt:0}\n"),
                    CancellationToken.None);
                if (profile is not null)
                {
                    var snapshot = profile.Snapshot();
                    var top = snapshot.Select(kv => (kv.Key, Count: kv.Value.Count - lastProfile!.GetValueOrDefault(kv.Key).Count,
                            Seconds: kv.Value.Seconds - lastProfile!.GetValueOrDefault(kv.Key).Seconds))
                        .Where(e => e.Count > 0).OrderByDescending(e => e.Seconds).Take(3)
                        .Select(e => string.Create(CultureInfo.InvariantCulture, $"{e.Key} ({e.Count}, {e.Seconds:0.0})"));
                    await File.AppendAllTextAsync(file + ".requests", string.Create(CultureInfo.InvariantCulture, $"{now.Time:0.0},{string.Join("; ", top)}\n"), CancellationToken.None);
                    lastProfile = snapshot;
                }
                last = now;
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>All CPUs' ticks and their idle ticks, from the first line of /proc/stat.</summary>
    private static (long Total, long Idle) MachineTicks()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        return (fields.Sum(), fields[3] + fields[4]);
    }

    /// <summary>Domains whose result digest was written since <paramref name="since"/>, counted by lab kind (the name before <c>-N.test</c>).</summary>
    private static async Task<SortedDictionary<string, int>> WrittenByKindAsync(StorageClients storage, DateTimeOffset since)
    {
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var filter = Azure.Data.Tables.TableClient.CreateQueryFilter($"PartitionKey eq {"digest"} and At ge {since}");
        await foreach (var e in storage.Candidates.QueryAsync<Azure.Data.Tables.TableEntity>(filter, maxPerPage: 1000, select: ["RowKey"]))
        {
            var dash = e.RowKey.LastIndexOf('-');
            var kind = dash > 0 ? e.RowKey[..dash] : e.RowKey;
            if (kind.Length > 6 && kind[4] == 'q' && kind[5] == '-') kind = kind[6..]; // LAB_NAMES=mixed: k3x9q-slow-17.test
            counts[kind] = counts.GetValueOrDefault(kind) + 1;
        }
        return counts;
    }

    private static async Task<Dictionary<string, object>> SweepOnceAsync(WebApplication app, int azuritePid, int[] workerIds, string? timeline,
        List<double> durations, int timelineSeconds)
    {
        var requests = app.Services.GetRequiredService<StorageClients>().Requests;
        var before = requests.Total;
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var gcBefore = GcMark.Now();
        var workersBefore = workerIds.Sum(CpuSeconds);
        var azuriteBefore = CpuSeconds(azuritePid);
        var azuriteMainBefore = MainThreadCpuSeconds(azuritePid);
        var passStart = app.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        var clock = Stopwatch.StartNew();
        // Queueing runs alongside the polling: batches are screened while later ones are still being queued, and on a
        // 100,000-name sweep against a busy Azurite queueing lasts most of the sweep (the timeline must cover it).
        var sweepId = "sweep-" + Guid.CreateVersion7().ToString("N");
        var queueing = app.Services.GetRequiredService<SweepService>().StartAsync(sweepId, "manual", CancellationToken.None);
        var sweeps = app.Services.GetRequiredService<SweepStore>();
        SweepStatus? status = null;
        // A line every 10 s to the timeline file (--timeline): screened, rate over the window, current RSS of this
        // process and Azurite — where a long sweep slows down and whether memory grows with it.
        var lastScreened = 0;
        var lastMark = TimeSpan.Zero;
        var lastMainThread = azuriteMainBefore;
        while (status is not { Done: true } || !queueing.IsCompleted)
        {
            // Progress is two point reads: polling costs nothing that matters.
            await Task.Delay(1000);
            if (queueing.IsFaulted) await queueing; // surfaces the error
            status = await sweeps.GetAsync(sweepId, CancellationToken.None);
            if (status is null) continue;
            Console.Error.Write($"\r{status.Screened}/{status.Total} screened, {clock.Elapsed.TotalSeconds:0.0} s   ");
            if (timeline is not null && (clock.Elapsed - lastMark).TotalSeconds >= timelineSeconds)
            {
                var window = (clock.Elapsed - lastMark).TotalSeconds;
                var mainThread = MainThreadCpuSeconds(azuritePid);
                // Messages waiting in the sweep queue: the approximate count includes those a listener holds (invisible);
                // a peek sees only those no listener has taken (up to 32).
                var slots = app.Services.GetRequiredService<ScreenSlots>();
                var sweepQueue = app.Services.GetRequiredService<StorageClients>().SweepQueue;
                var queued = (await sweepQueue.GetPropertiesAsync()).Value.ApproximateMessagesCount;
                var visible = (await sweepQueue.PeekMessagesAsync(32)).Value.Length;
                await File.AppendAllTextAsync(timeline, string.Create(CultureInfo.InvariantCulture,
                    $"{clock.Elapsed.TotalSeconds:0},{status.Screened},{(status.Screened - lastScreened) / window:0.0},{RssMb(Environment.ProcessId, "VmRSS:")},{RssMb(azuritePid, "VmRSS:")},{requests.Total - before},{(mainThread - lastMainThread) / window:0.00},{queued},{visible},{slots.InUse},{slots.Waiting},{LastGen2()},{GC.GetGCMemoryInfo().TotalCommittedBytes / 1048576.0:0.0},{RssMb(Environment.ProcessId, "RssAnon:")}\n"));
                lastMainThread = mainThread;
                lastScreened = status.Screened;
                lastMark = clock.Elapsed;
            }
        }
        await queueing;
        clock.Stop();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        var azuriteMain = MainThreadCpuSeconds(azuritePid) - azuriteMainBefore;
        var gcAfter = GcMark.Now();
        Console.Error.WriteLine();
        var transactions = requests.Total - before;
        double[] sorted;
        lock (durations) sorted = [.. durations.Order()];
        // Peaks before the digest query below, which is the harness's own work.
        var harnessPeak = PeakRssMb(Environment.ProcessId);
        var azuritePeak = PeakRssMb(azuritePid);
        var written = await WrittenByKindAsync(app.Services.GetRequiredService<StorageClients>(), passStart);
        return new Dictionary<string, object>
        {
            ["domains"] = status.Total,
            ["screened"] = status.Screened,
            ["elapsedSeconds"] = Math.Round(clock.Elapsed.TotalSeconds, 2),
            ["domainsPerSecond"] = Math.Round(status.Screened / clock.Elapsed.TotalSeconds, 1),
            ["p50Ms"] = Percentile(sorted, 0.50),
            ["p95Ms"] = Percentile(sorted, 0.95),
            ["p99Ms"] = Percentile(sorted, 0.99),
            ["maxMs"] = sorted.Length == 0 ? 0 : Math.Round(sorted[^1], 1),
            ["harnessCpuSeconds"] = Math.Round(cpu.TotalSeconds, 1),
            ["cpuMsPerDomain"] = Math.Round(cpu.TotalMilliseconds / Math.Max(1, status.Screened), 2),
            ["allocatedMbPerDomain"] = gcAfter.AllocatedMbPerDomain(gcBefore, status.Screened),
            ["gcPauseShare"] = gcAfter.PauseShare(gcBefore, clock.Elapsed),
            ["gen2Collections"] = gcAfter.Gen2 - gcBefore.Gen2,
            ["jitMethods"] = gcAfter.Jit(gcBefore).Methods,
            ["jitSeconds"] = gcAfter.Jit(gcBefore).Seconds,
            ["harnessPeakRssMb"] = harnessPeak,
            ["azuritePeakRssMb"] = azuritePeak,
            ["workers"] = 1 + workerIds.Length,
            ["workersCpuMsPerDomain"] = Math.Round((workerIds.Sum(CpuSeconds) - workersBefore) * 1000 / Math.Max(1, status.Screened), 2),
            ["workersPeakRssMb"] = workerIds.Select(PeakRssMb).DefaultIfEmpty(0).Max(),
            ["azuriteCpuShare"] = Math.Round((CpuSeconds(azuritePid) - azuriteBefore) / clock.Elapsed.TotalSeconds, 2),
            ["azuriteMainThreadShare"] = Math.Round(azuriteMain / clock.Elapsed.TotalSeconds, 2),
            ["azuriteMainThreadMsPerDomain"] = Math.Round(azuriteMain * 1000 / Math.Max(1, status.Screened), 2),
            // What the emulator's one thread could carry if DomainScreen cost nothing and that thread did nothing else.
            ["azuriteBoundDomainsPerSecond"] = Math.Round(Math.Max(1, status.Screened) / Math.Max(0.001, azuriteMain), 1),
            ["storageTransactions"] = transactions,
            ["transactionsPerDomain"] = Math.Round(transactions / (double)Math.Max(1, status.Screened), 3),
            // Results written in this pass (their digest changed), by the lab's kind of site: on a repeated pass these
            // are the domains whose evidence or verdict differed from the pass before.
            ["resultsWritten"] = written.Values.Sum(),
            ["resultsWrittenByKind"] = written,
            ["functionExecutions"] = status.Batches,
            ["executionsPerDomain"] = Math.Round(status.Batches / (double)Math.Max(1, status.Screened), 4),
        };
    }

    /// <summary>What this process's GC had done at one moment: bytes allocated, time paused, gen2 collections.</summary>
    private readonly record struct GcMark(long Allocated, TimeSpan Paused, int Gen2, long JitMethods, TimeSpan JitTime)
    {
        public static GcMark Now() => new(GC.GetTotalAllocatedBytes(), GC.GetTotalPauseDuration(), GC.CollectionCount(2),
            System.Runtime.JitInfo.GetCompiledMethodCount(), System.Runtime.JitInfo.GetCompilationTime());

        /// <summary>Methods the JIT compiled since <paramref name="before"/> (tier 0, instrumented and tier 1 each count) and its thread time.</summary>
        public (long Methods, double Seconds) Jit(GcMark before) => (JitMethods - before.JitMethods, Math.Round((JitTime - before.JitTime).TotalSeconds, 2));

        public double AllocatedMbPerDomain(GcMark before, int domains) => Math.Round((Allocated - before.Allocated) / 1e6 / Math.Max(1, domains), 3);

        /// <summary>The share of wall time the process spent paused for GC since <paramref name="before"/>.</summary>
        public double PauseShare(GcMark before, TimeSpan elapsed) => Math.Round((Paused - before.Paused) / elapsed, 3);
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : Math.Round(sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))], 1);

    /// <summary>VmHWM (peak resident set) of a process, MB.</summary>
    public static double PeakRssMb(int pid) => RssMb(pid, "VmHWM:");

    private static double RssMb(int pid, string field)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal));
            return line is null ? 0 : Math.Round(double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024, 1);
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private static Dictionary<string, string> Args(string[] args)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2) result[args[i].TrimStart('-')] = args[i + 1];
        return result;
    }
}
