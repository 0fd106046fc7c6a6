using System.Diagnostics;

namespace DomainScreen.Local.Tests.Support;

/// <summary>The built <c>domainscreen</c> command as a real child process, with its output collected line by line.</summary>
public sealed class CommandProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly List<string> _stdout = [];

    private CommandProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>What the command wrote to stdout only (its answer; logs belong on stderr).</summary>
    public string StandardOutput
    {
        get
        {
            lock (_lines) return string.Join('\n', _stdout);
        }
    }

    public string Output
    {
        get
        {
            lock (_lines) return string.Join('\n', _lines);
        }
    }

    public static CommandProcess Start(IEnumerable<string> args, IDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        // Through `env --default-signal`: a child of a background job started without job control inherits SIGINT as
        // ignored (and .NET keeps an inherited SIG_IGN), so Ctrl+C would do nothing there whatever the command does.
        // A person's terminal gives the default disposition; so does this.
        var start = new ProcessStartInfo("env")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? AppContext.BaseDirectory,
        };
        start.ArgumentList.Add("--default-signal=INT,TERM");
        start.ArgumentList.Add("dotnet");
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "domainscreen.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) start.Environment[k] = v;
        var process = new CommandProcess(Process.Start(start)!);
        process._process.OutputDataReceived += (_, e) => process.Add(e.Data, stdout: true);
        process._process.ErrorDataReceived += (_, e) => process.Add(e.Data);
        process._process.BeginOutputReadLine();
        process._process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Runs a command to its end (at most <paramref name="timeout"/>) and returns its exit code and output.</summary>
    public static async Task<(int Exit, string Output, string StandardOutput)> RunWithStdoutAsync(IEnumerable<string> args, TimeSpan? timeout = null)
    {
        await using var process = Start(args);
        await process.WaitForExitAsync(timeout ?? TimeSpan.FromSeconds(90));
        return (process.ExitCode, process.Output, process.StandardOutput);
    }

    public static async Task<(int Exit, string Output)> RunAsync(IEnumerable<string> args, IDictionary<string, string>? environment = null,
        string? workingDirectory = null, TimeSpan? timeout = null)
    {
        await using var process = Start(args, environment, workingDirectory);
        await process.WaitForExitAsync(timeout ?? TimeSpan.FromSeconds(90));
        return (process.ExitCode, process.Output);
    }

    private void Add(string? line, bool stdout = false)
    {
        if (line is null) return;
        if (stdout)
        {
            lock (_lines) _stdout.Add(line);
        }
        lock (_lines) _lines.Add(line);
    }

    /// <summary>Waits for a line containing <paramref name="text"/>; returns it.</summary>
    public Task<string> WaitForLineAsync(string text, TimeSpan? timeout = null) =>
        Eventually.Until(() =>
        {
            lock (_lines) return Task.FromResult(_lines.FirstOrDefault(l => l.Contains(text, StringComparison.Ordinal)) ?? "");
        }, l => l.Length > 0 || _process.HasExited, timeout ?? TimeSpan.FromSeconds(90), $"'{text}' in the output of {_process.StartInfo.ArgumentList[2]}:\n{Output}");

    public async Task WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{_process.StartInfo.ArgumentList[2]} did not exit within {timeout.TotalSeconds} s:\n{Output}");
        }
        _process.WaitForExit(); // drains the output readers
    }

    /// <summary>Waits until this (serving) process answers <c>GET {url}/api/health</c> with a success status.</summary>
    public async Task WaitHealthyAsync(string url)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await Eventually.Until(async () =>
        {
            if (HasExited) return true;
            try
            {
                return (await http.GetAsync(new Uri(url + "/api/health"))).IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
            catch (TaskCanceledException ex) when (ex.InnerException is TimeoutException)
            {
                // One probe slower than 5 s (a process still starting on a loaded machine) is "not yet", not a failure:
                // the 120-s deadline bounds the wait.
                return false;
            }
        }, ok => ok, TimeSpan.FromSeconds(120), "serve to answer /api/health");
        Assert.False(HasExited, Output);
    }

    /// <summary>Sends a POSIX signal with the system's kill(1), as a user or a service manager would.</summary>
    public void Signal(int signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", [$"-{signal}", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            UseShellExecute = false,
        })!;
        kill.WaitForExit();
        if (kill.ExitCode != 0) throw new InvalidOperationException($"kill -{signal} {_process.Id} failed with {kill.ExitCode}");
    }

    public const int SigInt = 2, SigKill = 9, SigTerm = 15;

    public static bool IsRunning(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>A base port with it and the next two free (Azurite's blob, queue, table).</summary>
    public static int FreeBasePort() => DomainScreen.Local.Lab.FreePorts.Consecutive(3);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
