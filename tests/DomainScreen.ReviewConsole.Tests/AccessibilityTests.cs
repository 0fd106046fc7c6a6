using System.Text.Json;
using DomainScreen.Local.Hosting;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace DomainScreen.ReviewConsole.Tests;

/// <summary>
/// WCAG 2.x A and AA rules (labels, names, contrast, landmarks, ARIA) checked by axe-core (the npm package pinned in
/// package.json, installed with Azurite) on every page of the console in both languages; and the layout at the size
/// 200 % zoom gives a 1280×720 window (640×360 CSS pixels): nothing scrolls sideways and the decisions stay reachable.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class AccessibilityTests(ConsoleWorld world)
{
    private static readonly string Axe = Path.Combine(RepositoryRoot.Find(), "node_modules", "axe-core", "axe.min.js");

    [Theory]
    [InlineData("zh-CN")]
    [InlineData("en")]
    public async Task EveryPage_PassesWcagAaRules(string language)
    {
        // axe is injected as a script of the test, so this one context bypasses the console's CSP.
        await using var context = await world.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1280, Height = 720 }, BaseURL = world.BaseAddress.ToString(), BypassCSP = true,
        });
        context.SetDefaultTimeout(60_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/review/");
        await page.EvaluateAsync($"localStorage.setItem('ds.lang', '{language}')");
        await page.ReloadAsync();
        Assert.Empty(await ViolationsAsync(page, "sign-in"));

        await ConsoleWorld.SignInAsync(page, ConsoleWorld.ReviewerKey, language);
        var failures = new List<string>();
        foreach (var route in new[] { "#/queue", "#/case/deepfake-course.test", "#/sweeps", "#/partners", "#/allowlist", "#/audit" })
        {
            await page.GotoAsync("/review/" + route);
            await page.Locator("main h1").WaitForAsync();
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            failures.AddRange(await ViolationsAsync(page, route));
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task At200PercentZoom_NothingScrollsSideways_AndDecisionsAreReachable()
    {
        await using var context = await world.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 640, Height = 360 }, DeviceScaleFactor = 2, BaseURL = world.BaseAddress.ToString(),
        });
        context.SetDefaultTimeout(60_000);
        var page = await context.NewPageAsync();
        await ConsoleWorld.SignInAsync(page, ConsoleWorld.ReviewerKey);
        foreach (var route in new[] { "#/queue", "#/sweeps", "#/case/deepfake-course.test" })
        {
            await page.GotoAsync("/review/" + route);
            await page.Locator("main h1").WaitForAsync();
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            var overflow = await page.EvaluateAsync<int>("document.documentElement.scrollWidth - document.documentElement.clientWidth");
            Assert.True(overflow <= 1, $"{route} scrolls sideways by {overflow} CSS px at 640×360");
        }
        var approve = page.GetByRole(AriaRole.Button, new() { Name = "批准", Exact = true });
        await approve.ScrollIntoViewIfNeededAsync();
        await Expect(approve).ToBeInViewportAsync();
        await world.ScreenshotAsync(page, "case-zoom-200");
    }

    private static async Task<List<string>> ViolationsAsync(IPage page, string where)
    {
        await page.AddScriptTagAsync(new PageAddScriptTagOptions { Path = Axe });
        var json = await page.EvaluateAsync<JsonElement>(
            "async () => (await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })).violations" +
            ".map(v => ({ id: v.id, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' ' + (n.failureSummary || '').replace(/\\s+/g, ' ')) }))");
        return json.EnumerateArray().Select(v => $"{where}: {v.GetProperty("id").GetString()} ({v.GetProperty("help").GetString()}): " +
            string.Join(" | ", v.GetProperty("nodes").EnumerateArray().Select(n => n.GetString()))).ToList();
    }
}
