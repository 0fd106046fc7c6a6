using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using DomainScreen.Core;
using DomainScreen.Local.Hosting;
using DomainScreen.Local.Tests.Support;

namespace DomainScreen.Local.Tests.Hosting;

/// <summary>The command line as the README shows it.</summary>
[Collection(LocalWorldCollection.Name)]
public sealed class CommandLineTests(LocalWorldFixture world)
{
    [Fact]
    public async Task DotnetRun_Inspect_ResolvesARelativePathAgainstTheCallersDirectory()
    {
        var dir = Directory.CreateTempSubdirectory("ds-inspect-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "saved-page.html"), "<html><head><title>Hello</title></head><body>A bakery.</body></html>");
            var project = Path.Combine(RepositoryRoot.Find(), "functions", "DomainScreen.Local");
            using var run = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("dotnet",
                ["run", "--no-build", "--project", project, "--", "inspect", "saved-page.html", "--json"])
            {
                WorkingDirectory = dir.FullName,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            var stdout = run.StandardOutput.ReadToEndAsync();
            var stderr = run.StandardError.ReadToEndAsync();
            await run.WaitForExitAsync();

            Assert.True(run.ExitCode == 0, await stderr);
            Assert.Equal("clear", JsonDocument.Parse(await stdout).RootElement.GetProperty("band").GetString());
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task SweepCli_StartAnswersBeforeQueueing_AndStatusFollowsTheSweepToDone()
    {
        string[] api = ["--url", world.BaseAddress.ToString(), "--key", LocalWorldFixture.AdminKey];

        var (startExit, started) = await CommandProcess.RunAsync(["sweep", "start", .. api]);
        Assert.True(startExit == 0, started);
        Assert.Contains("started; its batches are being queued", started, StringComparison.Ordinal);
        var sweepId = started.Split(':')[0].Trim();
        Assert.StartsWith("sweep-", sweepId, StringComparison.Ordinal);

        // serve's StartSweep trigger queues it and the screen triggers screen it.
        var done = await Eventually.Until(async () => (await world.Http.GetFromJsonAsync(new Uri($"/api/sweeps/{sweepId}", UriKind.Relative), CoreJson.Default.SweepStatus))!,
            s => s.Done, TimeSpan.FromSeconds(120), "the sweep");
        Assert.Equal(("manual", "queued"), (done.Trigger, done.State));
        var (statusExit, status) = await CommandProcess.RunAsync(["sweep", "status", sweepId, .. api]);
        Assert.True(statusExit == 0, status);
        Assert.Contains($"{sweepId}: queued, {done.Screened}/{done.Total} screened", status, StringComparison.Ordinal);
        Assert.EndsWith(", done", status.TrimEnd(), StringComparison.Ordinal);
        var (resumeExit, resumed) = await CommandProcess.RunAsync(["sweep", "resume", sweepId, .. api]);
        Assert.Equal(1, resumeExit);
        Assert.Contains("409 already-queued", resumed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CasesCli_ListsShowsAndDecides_AgainstARunningRuntime()
    {
        var submitted = await world.Http.PostAsync(new Uri("/api/submissions", UriKind.Relative),
            new StringContent("voice-clone-shop.test\n", Encoding.UTF8, "text/plain"));
        var id = (await submitted.Content.ReadFromJsonAsync(CoreJson.Default.SubmissionAccepted))!.SubmissionId;
        await Eventually.Until(async () => (await world.Http.GetFromJsonAsync(new Uri($"/api/submissions/{id}", UriKind.Relative), CoreJson.Default.SubmissionStatus))!,
            s => s.Pending == 0, what: "the submission");
        string[] api = ["--url", world.BaseAddress.ToString(), "--key", LocalWorldFixture.AdminKey];

        var (listExit, list) = await CommandProcess.RunAsync(["cases", "list", "--q", "voice-clone-shop", "--json", .. api]);
        Assert.True(listExit == 0, list);
        var listed = JsonSerializer.Deserialize(list, CoreJson.Default.CaseList)!;
        var summary = Assert.Single(listed.Cases);
        Assert.Equal(("voice-clone-shop.test", "block"), (summary.CaseId, summary.Band));

        var (showExit, show) = await CommandProcess.RunAsync(["cases", "show", "voice-clone-shop.test", .. api]);
        Assert.True(showExit == 0, show);
        Assert.Contains("voice-clone", show, StringComparison.Ordinal);
        Assert.Contains("opened", show, StringComparison.Ordinal);

        var (decideExit, decided) = await CommandProcess.RunAsync(["cases", "decide", "voice-clone-shop.test", "escalate", "--note", "legal to check", .. api]);
        Assert.True(decideExit == 0, decided);
        Assert.Contains("now escalated", decided, StringComparison.Ordinal);

        var (againExit, again) = await CommandProcess.RunAsync(["cases", "decide", "voice-clone-shop.test", "escalate", .. api]);
        Assert.Equal(1, againExit);
        Assert.Contains("409 invalid-transition", again, StringComparison.Ordinal);

        var (auditExit, audit) = await CommandProcess.RunAsync(["audit", "--case", "voice-clone-shop.test", .. api]);
        Assert.True(auditExit == 0, audit);
        Assert.Contains("case.decision", audit, StringComparison.Ordinal);
        Assert.Contains("by e2e", audit, StringComparison.Ordinal);

        var (rpzExit, rpz) = await CommandProcess.RunAsync(["export", "rpz", .. api]);
        Assert.True(rpzExit == 0, rpz);
        Assert.Contains("$TTL 300", rpz, StringComparison.Ordinal);
        var (csvExit, csv) = await CommandProcess.RunAsync(["export", "csv", .. api]);
        Assert.True(csvExit == 0, csv);
        Assert.StartsWith(DomainScreen.Core.Exports.CsvExport.Header, csv, StringComparison.Ordinal);

        var (unreachable, message) = await CommandProcess.RunAsync(["cases", "list", "--url", $"http://127.0.0.1:{DomainScreen.Local.Lab.FreePorts.Tcp()}", "--key", "x"]);
        Assert.Equal(3, unreachable);
        Assert.Contains("is `domainscreen serve` running", message, StringComparison.Ordinal);
    }
}
