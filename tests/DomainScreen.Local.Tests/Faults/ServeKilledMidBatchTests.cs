using System.Net.Http.Json;
using System.Text;
using DomainScreen.Core;
using DomainScreen.Core.Submissions;
using DomainScreen.Local.Hosting;
using DomainScreen.Local.Lab;
using DomainScreen.Local.Tests.Support;

namespace DomainScreen.Local.Tests.Faults;

/// <summary>
/// <c>serve</c> SIGKILLed while batches are in flight, then started again on the same storage: every name of the
/// submission ends with one result. The batches the killed process had leased come back only when the queue trigger's
/// lease runs out — the WebJobs SDK (and Azure Functions) fix it at 10 minutes — so this run takes 11–13 minutes and
/// runs only when asked: <c>DOMAINSCREEN_LONG=1 dotnet test tests/DomainScreen.Local.Tests --filter Category=long</c>.
/// </summary>
[Trait("Category", "long")]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ServeKilledMidBatchTests : IDisposable
{
    private readonly string _state = Path.Combine(Path.GetTempPath(), "ds-kill-" + Guid.NewGuid().ToString("N")[..8]);

    [LongFact]
    public async Task Serve_KilledMidBatch_AndStartedAgain_ScreensEveryNameOnce()
    {
        var basePort = CommandProcess.FreeBasePort();
        await using var azurite = await AzuriteProcess.StartAsync(basePort, basePort + 1, basePort + 2);
        var names = LabManifest.Load().Candidates.Select(s => s.Domain).ToList();
        var url = $"http://127.0.0.1:{FreePorts.Tcp()}";

        var first = StartServe(url, basePort);
        await using (first)
        {
            await first.WaitHealthyAsync(url);
            using var http = Client(url);
            using var posted = await http.PostAsync(new Uri(url + "/api/submissions"), new StringContent(string.Join('\n', names), Encoding.UTF8, "text/plain"));
            Assert.Equal(System.Net.HttpStatusCode.Accepted, posted.StatusCode);
            var id = (await posted.Content.ReadFromJsonAsync(CoreJson.Default.SubmissionAccepted))!.SubmissionId;
            var atKill = await Eventually.Until(() => StatusAsync(http, url, id), s => s.Completed + s.Failed > 0, TimeSpan.FromMinutes(2),
                "a first batch screened");
            Assert.True(atKill.Pending > 0, "the submission finished before serve could be killed mid-run");
            first.Signal(CommandProcess.SigKill);
            await first.WaitForExitAsync(TimeSpan.FromSeconds(10));
            File.WriteAllText(Path.Combine(_state, "submission"), id);
        }

        var submission = File.ReadAllText(Path.Combine(_state, "submission"));
        var second = StartServe(url, basePort);
        await using (second)
        {
            await second.WaitHealthyAsync(url);
            using var http = Client(url);
            var done = await Eventually.Until(() => StatusAsync(http, url, submission), s => s.Pending == 0, TimeSpan.FromMinutes(14),
                "every leased batch back and screened");

            Assert.Equal(names.Count, done.Total);
            Assert.Equal(done.Total, done.Completed + done.Failed);
            Assert.Equal(done.Total, done.Counts.Values.Sum() + done.Failed);
            Assert.Equal(names.Order(StringComparer.Ordinal), done.Domains.Select(d => d.Domain).Order(StringComparer.Ordinal));
            Assert.DoesNotContain(done.Domains, d => d.Status == DomainStates.Queued);
        }
    }

    private CommandProcess StartServe(string url, int basePort) =>
        CommandProcess.Start(["serve", "--lab", "--urls", url, "--state-dir", _state, "--azurite-base-port", basePort.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            new Dictionary<string, string>
            {
                ["Screening__DomainsPerMessage"] = "2",
                ["AzureFunctionsJobHost__extensions__queues__batchSize"] = "2",
                ["AzureFunctionsJobHost__extensions__queues__newBatchThreshold"] = "0",
            });

    private HttpClient Client(string url)
    {
        var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new("Bearer", new LocalState(_state).KeyFor("analyst"));
        return http;
    }

    private static async Task<SubmissionStatus> StatusAsync(HttpClient http, string url, string id) =>
        (await http.GetFromJsonAsync(new Uri($"{url}/api/submissions/{id}?top=1000"), CoreJson.Default.SubmissionStatus))!;


    public void Dispose()
    {
        if (Directory.Exists(_state)) Directory.Delete(_state, recursive: true);
    }
}

/// <summary>A test that runs only when <c>DOMAINSCREEN_LONG=1</c> (minutes long, by the platform's own timeouts).</summary>
public sealed class LongFactAttribute : FactAttribute
{
    public LongFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("DOMAINSCREEN_LONG") != "1")
            Skip = "long run (minutes, by the queue trigger's 10-minute lease): DOMAINSCREEN_LONG=1 dotnet test --filter Category=long";
    }
}
