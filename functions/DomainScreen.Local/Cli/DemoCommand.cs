using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using DomainScreen.Core;
using DomainScreen.Core.Api;
using DomainScreen.Core.Domains;
using DomainScreen.Core.Screening;
using DomainScreen.Core.Sweeps;
using DomainScreen.Local.Hosting;
using DomainScreen.Local.Lab;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace DomainScreen.Local.Cli;

/// <summary>
/// <c>domainscreen demo [--json]</c>, the main job offline: start the lab, a private Azurite and the local
/// runtime; put the lab's candidates in the candidate list; start a sweep through the real queues; wait for every
/// result; print a summary.
/// </summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print the summary as JSON on the last line." };
        var review = new Option<string>("--review")
        {
            Description = "none (default): cases wait for a person. auto: a scripted reviewer approves every block-band case (block action), and the lab partner's client verifies, applies and acknowledges the actions.",
            DefaultValueFactory = _ => "none",
        };
        review.AcceptOnlyFromAmong("none", "auto");
        var timeout = new Option<int>("--timeout") { Description = "Seconds to wait for the sweep.", DefaultValueFactory = _ => 300 };
        var command = new Command("demo", "Sweep the built-in lab through the local runtime's real queues and print what was found.") { json, timeout, review };
        command.SetAction(async (parse, ct) =>
        {
            var summary = await RunAsync(Console.Error, TimeSpan.FromSeconds(parse.GetValue(timeout)), ct, parse.GetValue(review) == "auto").ConfigureAwait(false);
            DemoReport.PrintTable(Console.Out, summary);
            if (parse.GetValue(json)) Console.WriteLine(JsonSerializer.Serialize(summary.Totals, DemoReport.Json));
            return summary.Totals.Complete ? 0 : 2;
        });
        return command;
    }

    public const string LabPartner = "lab-partner";

    public static async Task<DemoSummary> RunAsync(TextWriter progress, TimeSpan timeout, CancellationToken cancellationToken, bool autoReview = false)
    {
        var clock = Stopwatch.StartNew();
        await using var world = await LabWorld.StartAsync(cancellationToken).ConfigureAwait(false);
        var candidateCount = world.Manifest.Candidates.Count();
        progress.WriteLine($"Lab: DNS {world.Dns.Endpoint}, web 127.0.0.1:{world.Http.HttpPort}; {world.Manifest.Sites.Count} lab names, " +
            $"{candidateCount} of them candidates (the other {world.Manifest.Sites.Count - candidateCount} are the lab's own infrastructure)");
        await using var azurite = await AzuriteProcess.StartAsync(log: progress.WriteLine, cancellationToken: cancellationToken).ConfigureAwait(false);

        var key = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var partnerKey = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var scratch = Directory.CreateTempSubdirectory("domainscreen-demo-");
        var settings = new Dictionary<string, string?>(world.Settings)
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["Auth:Mode"] = AuthOptions.ApiKeysMode,
            ["Auth:ApiKeys:0:Name"] = "demo",
            ["Auth:ApiKeys:0:Sha256"] = CallerAuthenticator.HashKey(key),
            ["Auth:ApiKeys:0:Roles:0"] = Roles.Admin,
            ["Auth:ApiKeys:0:Roles:1"] = Roles.Reviewer,
            ["Auth:ApiKeys:1:Name"] = "demo-partner",
            ["Auth:ApiKeys:1:Sha256"] = CallerAuthenticator.HashKey(partnerKey),
            ["Auth:ApiKeys:1:Roles:0"] = Roles.Partner,
            ["Auth:ApiKeys:1:PartnerId"] = LabPartner,
            ["Actions:SigningKeyDirectory"] = Path.Combine(scratch.FullName, "signing"),
            ["Logging:LogLevel:Default"] = "Warning",
        };
        var url = $"http://127.0.0.1:{FreePorts.Tcp()}";
        await using var app = LocalRuntime.Build(settings, url);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        progress.WriteLine($"Local runtime on {url}");

        var parser = app.Services.GetRequiredService<DomainParser>();
        var candidates = world.Manifest.Candidates.Select(s => parser.Parse(s.Domain)).ToList();
        await app.Services.GetRequiredService<CandidateStore>().AddAsync(candidates, "lab", cancellationToken).ConfigureAwait(false);

        var requests = app.Services.GetRequiredService<DomainScreen.Core.Storage.StorageClients>().Requests;
        var before = requests.Total;
        var sweepClock = Stopwatch.StartNew();
        using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var start = await http.PostAsync(new Uri("/api/sweeps", UriKind.Relative), null, cancellationToken).ConfigureAwait(false);
        start.EnsureSuccessStatusCode();
        var sweep = (await start.Content.ReadFromJsonAsync(CoreJson.Default.SweepStatus, cancellationToken).ConfigureAwait(false))!;
        progress.WriteLine($"Sweep {sweep.SweepId}: {sweep.Total} candidates in {sweep.Batches} batches on the screen-requests queue");

        var status = await WaitAsync(http, sweep, progress, timeout, cancellationToken).ConfigureAwait(false);
        var sweepTime = sweepClock.Elapsed;
        // Transactions of the sweep itself (start, queueing, screening, results, progress records), before reporting reads.
        var transactions = requests.Total - before;
        var reports = new List<(LabSite Site, DomainReport? Report)>();
        foreach (var site in world.Manifest.Candidates)
        {
            using var response = await http.GetAsync(new Uri("/api/domains/" + Uri.EscapeDataString(site.Domain), UriKind.Relative), cancellationToken)
                .ConfigureAwait(false);
            var report = response.IsSuccessStatusCode
                ? await response.Content.ReadFromJsonAsync(CoreJson.Default.DomainReport, cancellationToken).ConfigureAwait(false)
                : null;
            reports.Add((site, report));
        }
        DemoActions? actions = null;
        if (autoReview)
        {
            actions = await ReviewAndActAsync(app, http, url, partnerKey, Path.Combine(scratch.FullName, "lab.rpz"), progress, timeout, cancellationToken).ConfigureAwait(false);
        }
        var cases = await ReadCasesAsync(http, cancellationToken).ConfigureAwait(false);
        await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            scratch.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is not worth failing the demo for.
        }
        return DemoReport.Summarise(reports, status, clock.Elapsed, sweepTime, transactions, cases, actions);
    }

    /// <summary>
    /// The scripted reviewer and partner: registers the lab partner, approves every pending block-band case with a
    /// block action, waits for the actions to reach the partner's queue, then runs the reference partner client.
    /// </summary>
    private static async Task<DemoActions> ReviewAndActAsync(WebApplication app, HttpClient http, string url, string partnerKey, string rpz,
        TextWriter progress, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var partnerBody = new StringContent("""{"name":"Lab partner","kinds":["block","deregister"],"routes":{"all":true},"contact":"lab@localhost"}""",
            System.Text.Encoding.UTF8, "application/json");
        (await http.PutAsync(new Uri("/api/partners/" + LabPartner, UriKind.Relative), partnerBody, cancellationToken).ConfigureAwait(false)).EnsureSuccessStatusCode();
        var pending = (await http.GetFromJsonAsync(new Uri("/api/cases?state=pending&band=block&top=200", UriKind.Relative), CoreJson.Default.CaseList, cancellationToken)
            .ConfigureAwait(false))!;
        var approved = 0;
        foreach (var c in pending.Cases)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"/api/cases/{c.CaseId}/decision", UriKind.Relative))
            {
                Content = new StringContent("""{"decision":"approve","actions":["block"],"note":"demo: scripted reviewer approves block-band cases"}""",
                    System.Text.Encoding.UTF8, "application/json"),
            };
            request.Headers.TryAddWithoutValidation("If-Match", c.Etag);
            using var answer = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (answer.IsSuccessStatusCode) approved++;
        }
        progress.WriteLine($"Scripted reviewer: approved {approved} block-band cases (block); review-band cases stay pending for a person");

        using var partner = ApiClient.For(url, partnerKey);
        var deadline = Stopwatch.StartNew();
        var dispatched = 0;
        while (deadline.Elapsed < timeout)
        {
            var page = await partner.GetAsync("api/partner/actions?status=pending&top=500", cancellationToken).ConfigureAwait(false);
            dispatched = page.Json.GetProperty("actions").GetArrayLength();
            if (dispatched >= approved) break;
            // The dispatch runs on the actions queue trigger; nothing to await but its result.
            await Task.Delay(200, cancellationToken).ConfigureAwait(false);
        }
        var pull = await PartnerCommand.PullAsync(partner, rpz, TimeProvider.System, progress, cancellationToken).ConfigureAwait(false);
        var actioned = (await http.GetFromJsonAsync(new Uri("/api/cases?state=actioned&top=200", UriKind.Relative), CoreJson.Default.CaseList, cancellationToken)
            .ConfigureAwait(false))!.Counts.Values.Sum();
        return new DemoActions(approved, dispatched, pull.Applied, pull.Refused, actioned, pull.RpzEntries);
    }

    /// <summary>Cases the sweep opened: all of them (the demo's storage is fresh), and how many are pending.</summary>
    private static async Task<DemoCases> ReadCasesAsync(HttpClient http, CancellationToken cancellationToken)
    {
        var all = (await http.GetFromJsonAsync(new Uri("/api/cases?state=all&top=200", UriKind.Relative), CoreJson.Default.CaseList, cancellationToken)
            .ConfigureAwait(false))!;
        var pending = (await http.GetFromJsonAsync(new Uri("/api/cases?state=pending&top=200", UriKind.Relative), CoreJson.Default.CaseList, cancellationToken)
            .ConfigureAwait(false))!;
        return new DemoCases(all.Counts.Values.Sum(), pending.Counts.Values.Sum(), all.Cases.Select(c => c.CaseId).ToList());
    }

    private static async Task<SweepStatus> WaitAsync(HttpClient http, SweepStatus sweep, TextWriter progress, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        var status = sweep;
        while (!status.Done && deadline.Elapsed < timeout)
        {
            // A CLI waiting on a queue it does not own has nothing to await but the clock.
            await Task.Delay(250, cancellationToken).ConfigureAwait(false);
            status = (await http.GetFromJsonAsync(new Uri($"/api/sweeps/{sweep.SweepId}", UriKind.Relative), CoreJson.Default.SweepStatus, cancellationToken)
                .ConfigureAwait(false))!;
            progress.Write(string.Create(CultureInfo.InvariantCulture,
                $"\rScreening: {status.Screened}/{status.Total} domains, {status.BatchesDone}/{status.Batches} batches, {deadline.Elapsed.TotalSeconds:0.0} s   "));
        }
        progress.WriteLine();
        return status;
    }
}
