using System.Text.RegularExpressions;
using DomainScreen.Local.Hosting;
using DomainScreen.Local.Lab;
using DomainScreen.Local.Tests.Support;

namespace DomainScreen.Local.Tests.Hosting;

/// <summary>
/// <c>serve</c> and <c>lab</c> as a user runs them: real processes, real signals. They stop on SIGTERM and Ctrl+C,
/// and an Azurite that <c>serve</c> started never outlives it, even when <c>serve</c> is killed. (POSIX signals:
/// Linux and macOS.)
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed partial class ProcessLifecycleTests : IDisposable
{
    private readonly string _state = Path.Combine(Path.GetTempPath(), "ds-state-" + Guid.NewGuid().ToString("N")[..8]);

    private (CommandProcess Process, string Url) StartServe(int basePort, IDictionary<string, string>? environment = null)
    {
        var url = $"http://127.0.0.1:{FreePorts.Tcp()}";
        var env = new Dictionary<string, string> { ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true" };
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) env[k] = v;
        return (CommandProcess.Start(["serve", "--urls", url, "--state-dir", _state, "--azurite-base-port", basePort.ToString(System.Globalization.CultureInfo.InvariantCulture)], env), url);
    }


    [Theory]
    [InlineData(CommandProcess.SigTerm)]
    [InlineData(CommandProcess.SigInt)]
    public async Task Serve_OnAStopSignal_ExitsAndStopsTheAzuriteItStarted(int signal)
    {
        var (serve, url) = StartServe(CommandProcess.FreeBasePort());
        await using var _ = serve;
        await serve.WaitHealthyAsync(url);
        var azurite = AzuritePid(await serve.WaitForLineAsync("Storage: "));

        serve.Signal(signal);
        await serve.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(0, serve.ExitCode);
        await Eventually.Until(() => Task.FromResult(CommandProcess.IsRunning(azurite)), running => !running, TimeSpan.FromSeconds(20), "Azurite to stop");
    }

    [Fact]
    public async Task Serve_KilledOutright_LeavesNoAzuriteBehind()
    {
        var (serve, url) = StartServe(CommandProcess.FreeBasePort());
        await using var _ = serve;
        await serve.WaitHealthyAsync(url);
        var azurite = AzuritePid(await serve.WaitForLineAsync("Storage: "));

        serve.Signal(CommandProcess.SigKill);

        await Eventually.Until(() => Task.FromResult(CommandProcess.IsRunning(azurite)), running => !running, TimeSpan.FromSeconds(20), "the orphaned Azurite to stop");
    }

    [Fact]
    public async Task Serve_WhenTheAzuriteItStartedStopsMidSubmission_SaysSoAndExitsWithAnError()
    {
        var url = $"http://127.0.0.1:{FreePorts.Tcp()}";
        await using var serve = CommandProcess.Start(["serve", "--lab", "--urls", url, "--state-dir", _state,
            "--azurite-base-port", CommandProcess.FreeBasePort().ToString(System.Globalization.CultureInfo.InvariantCulture)],
            new Dictionary<string, string> { ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true" });
        await serve.WaitHealthyAsync(url);
        var azurite = AzuritePid(await serve.WaitForLineAsync("Storage: "));
        // Messages in flight when storage goes: an orderly stop would hand them back to a queue that is not there.
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new("Bearer", new LocalState(_state).KeyFor("analyst"));
        using var names = new StringContent(string.Join('\n', Enumerable.Range(0, 4000).Select(i => $"gone-{i}.test")), System.Text.Encoding.UTF8, "text/plain");
        using var posted = await http.PostAsync(new Uri(url + "/api/submissions"), names);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, posted.StatusCode);
        var id = System.Text.Json.JsonDocument.Parse(await posted.Content.ReadAsStringAsync()).RootElement.GetProperty("submissionId").GetString();
        await Eventually.Until(async () => System.Text.Json.JsonDocument.Parse(await http.GetStringAsync(new Uri($"{url}/api/submissions/{id}?top=1")))
            .RootElement.GetProperty("completed").GetInt32(), done => done > 0, TimeSpan.FromSeconds(60), "screening to be under way");

        using (var node = System.Diagnostics.Process.GetProcessById(azurite)) node.Kill();

        await serve.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(1, serve.ExitCode);
        Assert.Contains("error: Azurite (the local storage emulator serve started) stopped", serve.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", serve.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Stopping...", serve.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_WithMemoryStorage_StartsAzuriteWithNothingOnDisk()
    {
        var url = $"http://127.0.0.1:{FreePorts.Tcp()}";
        await using var serve = CommandProcess.Start(["serve", "--urls", url, "--state-dir", _state, "--memory-storage",
            "--azurite-base-port", CommandProcess.FreeBasePort().ToString(System.Globalization.CultureInfo.InvariantCulture)],
            new Dictionary<string, string> { ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true" });
        await serve.WaitHealthyAsync(url);

        var storage = await serve.WaitForLineAsync("Storage: ");
        Assert.Contains("data in memory, gone when this command stops", storage, StringComparison.Ordinal);
        var state = new LocalState(_state);
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new("Bearer", state.KeyFor("reviewer"));
        Assert.Equal(System.Net.HttpStatusCode.OK, (await http.GetAsync(new Uri(url + "/api/cases"))).StatusCode); // storage answers
        Assert.False(Directory.Exists(state.AzuriteData));

        serve.Signal(CommandProcess.SigTerm);
        await serve.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, serve.ExitCode);
    }

    [Fact]
    public async Task Serve_AnAzuriteAlreadyListening_IsReusedAndSaidSo_AndKeysAreCreatedOnce()
    {
        var basePort = CommandProcess.FreeBasePort();
        await using var azurite = await AzuriteProcess.StartAsync(basePort, basePort + 1, basePort + 2);
        var (serve, url) = StartServe(basePort);
        await using var _ = serve;
        await serve.WaitHealthyAsync(url);

        var storage = await serve.WaitForLineAsync("Storage: ");
        Assert.Contains("already listening", storage, StringComparison.Ordinal);
        Assert.Contains("not started by this command", storage, StringComparison.Ordinal);
        var keys = await serve.WaitForLineAsync("API keys");
        Assert.Contains("Created API keys for reader, analyst, reviewer, admin", keys, StringComparison.Ordinal);
        var state = new LocalState(_state);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(state.KeysPath));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_state));
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new("Bearer", state.KeyFor("reviewer"));
        Assert.Equal(System.Net.HttpStatusCode.OK, (await http.GetAsync(new Uri(url + "/api/cases"))).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, (await http.PostAsync(new Uri(url + "/api/sweeps"), null)).StatusCode);
        Assert.True(Directory.Exists(state.Directory));
        Assert.Equal(url, state.Url);
        Assert.False(Directory.Exists(state.AzuriteData)); // this Azurite keeps its data where it was told, not in our folder
    }

    [Fact]
    public async Task Serve_ABadRoleSetting_IsOneLineNamingTheSetting()
    {
        var (exit, output) = await CommandProcess.RunAsync(["serve", "--urls", $"http://127.0.0.1:{FreePorts.Tcp()}", "--state-dir", _state],
            new Dictionary<string, string>
            {
                ["AzureWebJobsStorage"] = AzuriteProcess.Connection(1, 1, 1),
                ["Auth__ApiKeys__0__Name"] = "typo",
                ["Auth__ApiKeys__0__Sha256"] = new string('0', 64),
                ["Auth__ApiKeys__0__Roles__0"] = "revieweer",
            });

        Assert.Equal(1, exit);
        var error = Assert.Single(output.Split('\n'), l => l.Contains("error", StringComparison.OrdinalIgnoreCase) || l.Contains("exception", StringComparison.OrdinalIgnoreCase));
        Assert.Contains("Auth__ApiKeys__0__Roles__0='revieweer' is not a role", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(CommandProcess.SigTerm)]
    [InlineData(CommandProcess.SigInt)]
    public async Task Lab_OnAStopSignal_Exits(int signal)
    {
        await using var lab = CommandProcess.Start(["lab"]);
        await lab.WaitForLineAsync("sites:");

        lab.Signal(signal);

        await lab.WaitForExitAsync(TimeSpan.FromSeconds(30));
    }

    private static int AzuritePid(string storageLine)
    {
        var m = PidPattern().Match(storageLine);
        Assert.True(m.Success, storageLine);
        return int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"pid (\d+)")]
    private static partial Regex PidPattern();

    public void Dispose()
    {
        if (Directory.Exists(_state)) Directory.Delete(_state, recursive: true);
    }
}
