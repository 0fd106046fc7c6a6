using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace DomainScreen.Local.Hosting;

/// <summary>
/// Azurite (the npm package pinned in the repository's package.json) as a child process: installed with
/// <c>npm ci</c> when missing, started with telemetry off and the API-version check skipped (the current Azure
/// SDK speaks a newer version than Azurite 3.37 accepts), stopped on dispose. It runs under a small watchdog
/// (<c>azurite-watchdog.js</c>) that ends it when this process is gone, so a killed parent leaves no Azurite behind.
/// </summary>
public sealed partial class AzuriteProcess : IAsyncDisposable
{
    public const string AccountName = "devstoreaccount1";

    // The well-known development key, published in Azurite's and the Azure SDK's documentation; not a secret.
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    /// <summary>
    /// The most Azurite can keep on disk, bytes: it saves each store (tables, queues, blobs' metadata) as one JSON string
    /// every 5 s (LokiJS autosave), and Node's longest string is 2^29 − 24 characters; a larger table store makes the
    /// save throw and the process stop. Measured with the benchmarks' <c>azurite persistence</c> probe (docs/benchmarks.md).
    /// </summary>
    public const long DiskStoreLimitBytes = (1L << 29) - 24;

    /// <summary>The table store's file in a data directory (the one that grows with screened domains).</summary>
    public const string TableStoreFile = "__azurite_db_table__.json";

    private readonly Process _process;
    private readonly List<string> _output;
    private readonly TaskCompletionSource<int> _exited;
    private volatile bool _stopping;

    private AzuriteProcess(Process process, int blobPort, int queuePort, int tablePort, string? location, List<string> output, TaskCompletionSource<int> exited)
    {
        _process = process;
        BlobPort = blobPort;
        QueuePort = queuePort;
        TablePort = tablePort;
        Location = location;
        _output = output;
        _exited = exited;
    }

    /// <summary>The data directory, or null when the data is kept in memory.</summary>
    public string? Location { get; }

    /// <summary>Completes with the exit code when the process ends on its own (not when this object stops it).</summary>
    public Task<int> Stopped => _exited.Task;

    /// <summary>Azurite's last lines of output (at most <see cref="OutputLinesKept"/>): what it said before it stopped.</summary>
    public IReadOnlyList<string> RecentOutput
    {
        get
        {
            lock (_output) return [.. _output];
        }
    }

    private const int OutputLinesKept = 60;

    /// <summary>Size of the table store's file on disk, bytes (0 in memory or before its first save).</summary>
    public long TableStoreBytes()
    {
        if (Location is null) return 0;
        var file = new FileInfo(Path.Combine(Location, TableStoreFile));
        return file.Exists ? file.Length : 0;
    }

    /// <summary>The Azurite (node) process id, for resource measurements.</summary>
    public int ProcessId => _process.Id;

    public int BlobPort { get; }
    public int QueuePort { get; }
    public int TablePort { get; }

    public string ConnectionString => Connection(BlobPort, QueuePort, TablePort);

    public static string Connection(int blobPort, int queuePort, int tablePort) =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{blobPort}/{AccountName};QueueEndpoint=http://127.0.0.1:{queuePort}/{AccountName};" +
        $"TableEndpoint=http://127.0.0.1:{tablePort}/{AccountName};";

    /// <summary>
    /// Starts Azurite. Ports 0 let it pick free ones (read back from its output). <paramref name="location"/>
    /// null keeps everything in memory.
    /// </summary>
    public static async Task<AzuriteProcess> StartAsync(int blobPort = 0, int queuePort = 0, int tablePort = 0, string? location = null,
        Action<string>? log = null, CancellationToken cancellationToken = default)
    {
        var root = RepositoryRoot.Find();
        var exe = await EnsureInstalledAsync(root, log, cancellationToken).ConfigureAwait(false);
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // The watchdog lives beside this class in the checkout, as Azurite itself lives in its node_modules.
        start.ArgumentList.Add(Path.Combine(root, "functions", "DomainScreen.Local", "Hosting", "azurite-watchdog.js"));
        start.ArgumentList.Add(exe);
        foreach (var arg in new[] { "--silent", "--disableTelemetry", "--skipApiVersionCheck", "--loose" }) start.ArgumentList.Add(arg);
        if (location is null) start.ArgumentList.Add("--inMemoryPersistence");
        else
        {
            Directory.CreateDirectory(location);
            start.ArgumentList.Add("--location");
            start.ArgumentList.Add(location);
        }
        foreach (var (name, port) in new[] { ("--blobPort", blobPort), ("--queuePort", queuePort), ("--tablePort", tablePort) })
        {
            start.ArgumentList.Add(name);
            start.ArgumentList.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start Azurite");
        var ports = new Dictionary<string, int>();
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new List<string>();
        void OnLine(string? line)
        {
            if (line is null) return;
            lock (output)
            {
                output.Add(line);
                if (output.Count > OutputLinesKept) output.RemoveAt(0);
                var match = ListeningLine().Match(line);
                if (match.Success) ports[match.Groups[1].Value] = int.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
                if (ports.Count == 3) ready.TrySetResult();
            }
        }
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) =>
        {
            lock (output) ready.TrySetException(new InvalidOperationException("Azurite exited during start:\n" + string.Join('\n', output)));
        };

        try
        {
            await ready.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Kill(process);
            throw;
        }
        log?.Invoke($"Azurite listening: blob {ports["Blob"]}, queue {ports["Queue"]}, table {ports["Table"]}");
        var exited = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new AzuriteProcess(process, ports["Blob"], ports["Queue"], ports["Table"], location, output, exited);
        _ = started.WatchAsync();
        return started;
    }

    // WaitForExitAsync also waits for the redirected output to be read to its end, so RecentOutput holds the last words.
    private async Task WatchAsync()
    {
        await _process.WaitForExitAsync().ConfigureAwait(false);
        if (!_stopping) _exited.TrySetResult(ExitCode(_process));
    }

    private static int ExitCode(Process process)
    {
        try
        {
            return process.ExitCode;
        }
        catch (InvalidOperationException)
        {
            return -1;
        }
    }

    /// <summary>
    /// Runs <c>npm ci</c> once when the pinned packages (Azurite; axe-core for the console's accessibility tests) are
    /// not installed; safe when several processes race. Returns the path of Azurite's entry script.
    /// <para>
    /// Without the lock only a marker written after a finished install is trusted: <c>npm ci</c> extracts packages in
    /// parallel, so Azurite's entry script can exist while the modules it loads are still being written — a second
    /// test assembly starting then ran a half-installed Azurite ("Cannot find module './common/Environment'").
    /// </para>
    /// </summary>
    public static async Task<string> EnsureInstalledAsync(string root, Action<string>? log, CancellationToken cancellationToken)
    {
        // The package's own entry point (what node_modules/.bin/azurite links to), run by node under the watchdog.
        var exe = Path.Combine(root, "node_modules", "azurite", "dist", "src", "azurite.js");
        var axe = Path.Combine(root, "node_modules", "axe-core", "axe.min.js");
        var installed = Path.Combine(root, "node_modules", InstalledMarker); // npm ci deletes node_modules, and it with it
        if (File.Exists(installed) && File.Exists(exe) && File.Exists(axe)) return exe;
        await using var gate = await AcquireLockAsync(Path.Combine(root, ".npm-install.lock"), cancellationToken).ConfigureAwait(false);
        // Under the lock no install of ours is running: files present are a finished install (ours, or a manual npm ci).
        if (File.Exists(exe) && File.Exists(axe))
        {
            await File.WriteAllTextAsync(installed, "", cancellationToken).ConfigureAwait(false);
            return exe;
        }
        log?.Invoke("Installing Azurite (npm ci)...");
        var npm = new ProcessStartInfo("npm") { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "ci", "--no-audit", "--no-fund", "--loglevel=error" }) npm.ArgumentList.Add(arg);
        using var process = Process.Start(npm) ?? throw new InvalidOperationException("could not run npm: is Node.js installed?");
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.StandardOutput.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (process.ExitCode != 0 || !File.Exists(exe) || !File.Exists(axe))
        {
            throw new InvalidOperationException($"npm ci failed with exit code {process.ExitCode}: {await stderr.ConfigureAwait(false)}");
        }
        await File.WriteAllTextAsync(installed, "", cancellationToken).ConfigureAwait(false);
        return exe;
    }

    /// <summary>Written in node_modules once an install has finished.</summary>
    internal const string InstalledMarker = ".domainscreen-installed";

    private static async Task<FileStream> AcquireLockAsync(string path, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException)
            {
                // Another process is installing; poll for the lock to be released.
                await Task.Delay(250, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Waits for the process to end (after a signal sent by the caller); throws when it is still running at the deadline.</summary>
    public Task WaitForExitAsync(TimeSpan timeout) => _process.WaitForExitAsync().WaitAsync(timeout);

    /// <summary>
    /// Stops Azurite. With data on disk it is first asked to stop (SIGTERM): Azurite then closes its stores, saving what
    /// came since its last 5-second save — killed outright, a review decision or audit record written in those seconds
    /// would be gone at the next start. Killed if it has not ended within <see cref="OrderlyStop"/>.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        _stopping = true;
        if (Location is not null && !OperatingSystem.IsWindows() && !_process.HasExited && SendSignal(_process.Id, SigTerm) == 0)
        {
            try
            {
                await _process.WaitForExitAsync().WaitAsync(OrderlyStop).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Killed below.
            }
        }
        Kill(_process);
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        _process.Dispose();
    }

    /// <summary>How long Azurite may take to save and close its stores when asked to stop (a large store takes seconds).</summary>
    private static readonly TimeSpan OrderlyStop = TimeSpan.FromSeconds(30);

    private const int SigTerm = 15;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    [GeneratedRegex(@"Azurite (Blob|Queue|Table) service is successfully listening at https?://[^:]+:(\d+)")]
    private static partial Regex ListeningLine();
}
