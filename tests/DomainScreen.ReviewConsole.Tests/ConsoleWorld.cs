using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using DomainScreen.Core.Api;
using DomainScreen.Core.Domains;
using DomainScreen.Core.Sweeps;
using DomainScreen.Local.Hosting;
using DomainScreen.Local.Lab;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace DomainScreen.ReviewConsole.Tests;

/// <summary>
/// What `serve --lab` runs, in this process: in-memory Azurite on free ports, the lab (DNS, web, CT log), and the local
/// runtime with keys for two reviewers, an admin and a partner; the lab's names swept once so the queue holds the
/// lab's cases. And Debian's chromium driven by Playwright (installed with apt when missing; never downloaded by
/// Playwright).
/// </summary>
public sealed class ConsoleWorld : IAsyncLifetime
{
    public const string ReviewerKey = "console-reviewer-key", SecondReviewerKey = "console-reviewer2-key", AdminKey = "console-admin-key",
        PartnerKey = "console-partner-key", PartnerId = "console-partner";

    public const string Chromium = "/usr/bin/chromium";

    public AzuriteProcess Azurite { get; private set; } = null!;
    public LabWorld Lab { get; private set; } = null!;
    public WebApplication App { get; private set; } = null!;
    public Uri BaseAddress { get; private set; } = null!;
    public HttpClient Admin { get; private set; } = null!;
    public IPlaywright Playwright { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Screenshots of each page: test artifacts (TestResults/screenshots next to the test assembly).</summary>
    public string ScreenshotDir { get; } = Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");

    public async Task InitializeAsync()
    {
        await EnsureChromiumAsync();
        Directory.CreateDirectory(ScreenshotDir);
        Azurite = await AzuriteProcess.StartAsync();
        Lab = await LabWorld.StartAsync();
        var settings = new Dictionary<string, string?>(Lab.Settings)
        {
            ["AzureWebJobsStorage"] = Azurite.ConnectionString,
            ["Actions:SigningKeyDirectory"] = Path.Combine(Path.GetTempPath(), "ds-console-keys-" + Guid.NewGuid().ToString("N")[..8]),
            ["AzureFunctionsJobHost:extensions:queues:maxPollingInterval"] = "00:00:00.200",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        var keys = new (string Name, string Key, string Role, string? Partner)[]
        {
            ("reviewer-li", ReviewerKey, Roles.Reviewer, null), ("reviewer-wang", SecondReviewerKey, Roles.Reviewer, null),
            ("admin", AdminKey, Roles.Admin, null), ("partner", PartnerKey, Roles.Partner, PartnerId),
        };
        for (var i = 0; i < keys.Length; i++)
        {
            settings[$"Auth:ApiKeys:{i}:Name"] = keys[i].Name;
            settings[$"Auth:ApiKeys:{i}:Sha256"] = CallerAuthenticator.HashKey(keys[i].Key);
            settings[$"Auth:ApiKeys:{i}:Roles:0"] = keys[i].Role;
            if (keys[i].Partner is { } p) settings[$"Auth:ApiKeys:{i}:PartnerId"] = p;
        }
        BaseAddress = new Uri($"http://127.0.0.1:{FreePorts.Tcp()}");
        App = LocalRuntime.Build(settings, BaseAddress.ToString().TrimEnd('/'));
        await App.StartAsync();
        Admin = Client(AdminKey);
        using (var partner = JsonContent.Create(new { name = "Console partner", kinds = new[] { "block", "deregister" }, routes = new { all = true } }))
        {
            (await Admin.PutAsync(new Uri("/api/partners/" + PartnerId, UriKind.Relative), partner)).EnsureSuccessStatusCode();
        }

        // The lab's candidates, one sweep, and wait until every batch is screened (cases are opened before "done").
        var parser = App.Services.GetRequiredService<DomainParser>();
        await App.Services.GetRequiredService<CandidateStore>().AddAsync(Lab.Manifest.Candidates.Select(s => parser.Parse(s.Domain)).ToList(), "lab", CancellationToken.None);
        var started = await (await Admin.PostAsync(new Uri("/api/sweeps", UriKind.Relative), null)).Content.ReadFromJsonAsync<JsonElement>();
        var sweepId = started.GetProperty("sweepId").GetString();
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var status = await Admin.GetFromJsonAsync<JsonElement>(new Uri($"/api/sweeps/{sweepId}", UriKind.Relative));
            if (status.GetProperty("done").GetBoolean()) break;
            if (deadline.Elapsed > TimeSpan.FromMinutes(3)) throw new TimeoutException("the lab sweep did not finish: " + status);
            await Task.Delay(200);
        }

        Assertions.SetDefaultExpectTimeout(30_000);
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await Playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
        });
    }

    public HttpClient Client(string key)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    /// <summary>A fresh browser context (its own session storage) at 1280×720, Chinese UI by default, recording every request.</summary>
    public async Task<(IBrowserContext Context, IPage Page, List<string> Requests)> OpenAsync(float scale = 1)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1280, Height = 720 },
            DeviceScaleFactor = scale,
            Locale = "zh-CN",
            BaseURL = BaseAddress.ToString(),
        });
        // Deadlines, not waits: each step waits for its condition and returns as soon as it holds. They are generous
        // because the suite also runs under CPU pressure (stress-ng on both cores plus the other test assemblies).
        context.SetDefaultTimeout(60_000);
        var requests = new List<string>();
        context.Request += (_, request) => { lock (requests) requests.Add(request.Url); };
        var page = await context.NewPageAsync();
        return (context, page, requests);
    }

    /// <summary>Opens the console and signs in with a key the way a person does: the labelled field, then Enter.</summary>
    public static async Task SignInAsync(IPage page, string key, string language = "zh-CN")
    {
        await page.GotoAsync("/review/");
        var field = page.GetByLabel(language == "en" ? "API key" : "访问密钥");
        await field.FillAsync(key);
        await field.PressAsync("Enter");
        await page.GetByRole(AriaRole.Button, new() { Name = language == "en" ? "Sign out" : "退出" }).WaitForAsync();
    }

    public Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDir, name + ".png"), FullPage = false });

    /// <summary>Debian's chromium, installed with apt when missing (CI has the package registries).</summary>
    private static async Task EnsureChromiumAsync()
    {
        if (File.Exists(Chromium)) return;
        // Chromium, and a CJK font so screenshots show the Chinese labels (tests do not depend on it).
        var root = Environment.UserName == "root";
        foreach (var args in new[] { "update -qq", "install -y -qq --no-install-recommends chromium fonts-wqy-microhei" })
        {
            var info = new ProcessStartInfo(root ? "apt-get" : "sudo", root ? args : "-n apt-get " + args) { RedirectStandardOutput = true, RedirectStandardError = true };
            info.Environment["DEBIAN_FRONTEND"] = "noninteractive";
            using var process = Process.Start(info)!;
            var output = process.StandardError.ReadToEndAsync();
            await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            if (process.ExitCode != 0) throw new InvalidOperationException($"apt-get {args} failed ({process.ExitCode}): {await output}");
        }
        if (!File.Exists(Chromium)) throw new InvalidOperationException($"apt-get installed chromium, but {Chromium} is missing.");
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        Playwright?.Dispose();
        Admin?.Dispose();
        if (App is not null)
        {
            await App.StopAsync();
            await App.DisposeAsync();
        }
        if (Lab is not null) await Lab.DisposeAsync();
        if (Azurite is not null) await Azurite.DisposeAsync();
    }

    public static string Stamp() => TimeProvider.System.GetUtcNow().ToString("HHmmssfff", CultureInfo.InvariantCulture);
}

[CollectionDefinition(Name)]
public sealed class ConsoleCollection : ICollectionFixture<ConsoleWorld>
{
    public const string Name = "review-console";
}
