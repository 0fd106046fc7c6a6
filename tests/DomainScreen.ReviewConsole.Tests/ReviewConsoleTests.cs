using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using DomainScreen.Local.Cli;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace DomainScreen.ReviewConsole.Tests;

/// <summary>
/// The review console in real Chromium against the local runtime and the lab: what a reviewer does, found by roles
/// and accessible names (the Chinese labels are the default), with a screenshot of each page.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed partial class ReviewConsoleTests(ConsoleWorld world)
{
    [Fact]
    public async Task Reviewer_OpensFaceSwapCase_SeesHighlightedEvidence_ApprovesByKeyboard_ActionTurnsApplied()
    {
        var (context, page, _) = await world.OpenAsync();
        await using var _c = context;
        await ConsoleWorld.SignInAsync(page, ConsoleWorld.ReviewerKey);

        // The queue: highest score first, counts per band, the lab's face-swap site among the block cases.
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "待审队列" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { NameRegex = new Regex("^建议处置 \\d+$") })).ToBeVisibleAsync();
        await world.ScreenshotAsync(page, "queue");

        // Keyboard only: / to search, type, Enter applies the filter, Enter opens the first row.
        await page.Keyboard.PressAsync("/");
        await page.Keyboard.TypeAsync("faceswap-studio");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("table.queue tbody tr")).ToHaveCountAsync(1);
        await page.Locator("h1").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("faceswap-studio.test");

        // Evidence: the matched offer terms are marked in their context on the page.
        var matched = page.GetByRole(AriaRole.Region, new() { Name = "命中内容" });
        await Expect(matched.Locator("mark", new() { HasText = "一键换脸" }).First).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Region, new() { Name = "得分构成" }).Locator("li").First).ToBeVisibleAsync();
        await world.ScreenshotAsync(page, "case");

        // a approves with the default action (block); the partner's action appears and, without reloading, turns to
        // sent (the dispatcher is a queue trigger), awaiting acknowledgement.
        await page.Locator("h1").FocusAsync();
        await page.Keyboard.PressAsync("a");
        await Expect(page.Locator(".case-meta")).ToContainTextAsync("已批准");
        var actions = page.GetByRole(AriaRole.Region, new() { Name = "处置指令与合作方回执" });
        var row = actions.Locator("tbody tr", new() { HasText = ConsoleWorld.PartnerId });
        await Expect(row).ToContainTextAsync("已下发，待回执", new() { Timeout = 30_000 });

        // The reference partner client verifies and applies it; the case page then shows it applied.
        using (var partner = ApiClient.For(world.BaseAddress.ToString(), ConsoleWorld.PartnerKey))
        using (var log = new StringWriter())
        {
            var rpz = Path.Combine(Path.GetTempPath(), $"console-{ConsoleWorld.Stamp()}.rpz");
            var summary = await PartnerCommand.PullAsync(partner, rpz, TimeProvider.System, log, CancellationToken.None);
            Assert.True(summary.Applied >= 1, log.ToString());
            Assert.Contains("faceswap-studio.test", await File.ReadAllTextAsync(rpz));
        }
        await Expect(row).ToContainTextAsync("已执行", new() { Timeout = 15_000 });

        // The decision is in the audit trail with the reviewer's name.
        var audit = await world.Admin.GetFromJsonAsync<JsonElement>(new Uri("/api/audit?caseId=faceswap-studio.test", UriKind.Relative));
        Assert.Contains(audit.GetProperty("entries").EnumerateArray(), e => e.GetProperty("action").GetString() == "case.decision" && e.GetProperty("actorName").GetString() == "reviewer-li");
        await world.ScreenshotAsync(page, "case-actioned");
    }

    [Fact]
    public async Task Reject_WithReason_AddsTheDomainToTheAllowlist()
    {
        var (context, page, _) = await world.OpenAsync();
        await using var _c = context;
        await ConsoleWorld.SignInAsync(page, ConsoleWorld.ReviewerKey);
        await page.GotoAsync("/review/#/case/textgen-host.test");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("textgen-host.test");

        await page.Locator("h1").FocusAsync();
        await page.Keyboard.PressAsync("r");
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("驳回理由").FillAsync("自建模型的公开演示页，已核实备案");
        await Expect(dialog.GetByLabel("加入白名单")).ToBeCheckedAsync();
        await world.ScreenshotAsync(page, "reject-dialog");
        await dialog.GetByLabel("驳回理由").PressAsync("Enter");
        await Expect(page.Locator(".case-meta")).ToContainTextAsync("已驳回");

        var entry = await world.Admin.GetAsync(new Uri("/api/allowlist/textgen-host.test", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, entry.StatusCode);
        Assert.Contains("已核实备案", await entry.Content.ReadAsStringAsync());
        await page.GetByRole(AriaRole.Link, new() { Name = "白名单" }).ClickAsync();
        // The case page (whose evidence names the domain in many cells) is replaced once the allowlist heading shows;
        // looking for the cell before that finds the case page's cells.
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1, Name = "白名单" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Table).GetByRole(AriaRole.Cell, new() { Name = "textgen-host.test", Exact = true })).ToBeVisibleAsync();
        await world.ScreenshotAsync(page, "allowlist");
    }

    [Fact]
    public async Task ACasePageStillLoading_WhenTheReviewerMovesOn_NeverDrawsOverTheNextPage()
    {
        var (context, page, _) = await world.OpenAsync();
        await using var _c = context;
        await ConsoleWorld.SignInAsync(page, ConsoleWorld.ReviewerKey);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "待审队列" })).ToBeVisibleAsync();

        // The case's first request is held until the reviewer has moved on to the allowlist.
        const string Domain = "faceswap-studio.test";
        var asked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await page.RouteAsync($"**/api/cases/{Domain}", async route =>
        {
            asked.TrySetResult();
            await release.Task;
            await route.ContinueAsync();
        });
        // The rest of the case page's requests (actions, audit, stored page) are counted as they finish.
        var rest = new[] { $"/api/cases/{Domain}/actions", $"/api/audit?caseId={Domain}", "/api/evidence/" };
        var finished = rest.ToDictionary(r => r, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        page.RequestFinished += (_, request) =>
        {
            foreach (var (part, done) in finished)
                if (request.Url.Contains(part, StringComparison.Ordinal)) done.TrySetResult();
        };

        await page.GotoAsync($"/review/#/case/{Domain}");
        await asked.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await page.GetByRole(AriaRole.Link, new() { Name = "白名单" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1, Name = "白名单" })).ToBeVisibleAsync();

        release.SetResult();
        await Task.WhenAll(finished.Values.Select(f => f.Task)).WaitAsync(TimeSpan.FromSeconds(30));
        // The held page has all it asked for; two turns of the page's event loop let it finish what it would draw.
        await page.EvaluateAsync("() => new Promise((done) => setTimeout(() => setTimeout(done, 0), 0))");

        await Expect(page.Locator("main h1")).ToHaveCountAsync(1);
        await Expect(page.Locator("main h1")).ToHaveTextAsync("白名单");
        await Expect(page.Locator("main .case-meta")).ToHaveCountAsync(0);
        Assert.Equal("#/allowlist", new Uri(page.Url).Fragment);
    }

    [Fact]
    public async Task LanguageToggle_SwitchesEveryLabel_BothWays()
    {
        var (context, page, _) = await world.OpenAsync();
        await using var _c = context;
        await ConsoleWorld.SignInAsync(page, ConsoleWorld.ReviewerKey);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "待审队列" })).ToBeVisibleAsync();
        Assert.Equal("zh-CN", await page.Locator("html").GetAttributeAsync("lang"));

        await page.GetByRole(AriaRole.Button, new() { Name = "Switch to English" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Review queue" })).ToBeVisibleAsync();
        Assert.Equal("en", await page.Locator("html").GetAttributeAsync("lang"));
        var labels = await page.Locator("h1, h2, label, button, th, nav a, option, legend, summary, caption, .count, .band, .hint").AllInnerTextsAsync();
        Assert.NotEmpty(labels);
        // The language button itself says 中文 (it names the language it switches to).
        Assert.All(labels.Where(l => l != "中文"), l => Assert.DoesNotMatch(Han(), l));
        await world.ScreenshotAsync(page, "queue-en");

        // The case page too, then back to Chinese.
        await page.GotoAsync("/review/#/case/faceswap-pay.test");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Score contributions" })).ToBeVisibleAsync();
        var caseLabels = await page.Locator("h2, label, button, th, legend, summary, .band, .state").AllInnerTextsAsync();
        Assert.All(caseLabels.Where(l => l != "中文"), l => Assert.DoesNotMatch(Han(), l));
        await page.GetByRole(AriaRole.Button, new() { Name = "切换到中文" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "得分构成" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task PartnerKey_SeesOnlyItsPartnerPage_NeverTheQueue()
    {
        var (context, page, requests) = await world.OpenAsync();
        await using var _c = context;
        await ConsoleWorld.SignInAsync(page, ConsoleWorld.PartnerKey);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "我的处置指令" })).ToBeVisibleAsync();
        var nav = page.GetByRole(AriaRole.Navigation, new() { Name = "主导航" });
        await Expect(nav.GetByRole(AriaRole.Link)).ToHaveCountAsync(1);

        await page.GotoAsync("/review/#/queue");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "您的角色不能查看此页面。" })).ToBeVisibleAsync();
        await Expect(page.Locator("table.queue")).ToHaveCountAsync(0);
        lock (requests) Assert.DoesNotContain(requests, r => r.Contains("/api/cases", StringComparison.Ordinal));
        await world.ScreenshotAsync(page, "partner");

        // And the API refuses the partner key anyway.
        using var client = world.Client(ConsoleWorld.PartnerKey);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync(new Uri("/api/cases", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task HostilePage_IsShownAsText_AndNothingIsFetchedFromTheSite()
    {
        var (context, page, requests) = await world.OpenAsync();
        await using var _c = context;
        await ConsoleWorld.SignInAsync(page, ConsoleWorld.ReviewerKey);
        await page.GotoAsync("/review/#/case/open-webui-host.test");
        var stored = page.GetByRole(AriaRole.Region, new() { Name = "页面文本（只读，不执行脚本，不加载资源）" });
        await stored.GetByText("显示页面文本").ClickAsync();
        var text = stored.Locator("pre.page-text");
        await Expect(text).ToContainTextAsync("<script src=\"/static/loader.js\"");
        await Expect(text).ToContainTextAsync("<img id=\"logo\"");
        await Expect(text.Locator("img, script, iframe, link, style")).ToHaveCountAsync(0);
        await world.ScreenshotAsync(page, "page-text");

        // Every request the page made went to the console or the API of this origin: none to the site's paths or hosts.
        var origin = world.BaseAddress.GetLeftPart(UriPartial.Authority);
        lock (requests)
        {
            Assert.All(requests, r => Assert.True(r.StartsWith(origin + "/review/", StringComparison.Ordinal) || r.StartsWith(origin + "/api/", StringComparison.Ordinal)
                || r.StartsWith("data:", StringComparison.Ordinal), r));
            Assert.DoesNotContain(requests, r => r.Contains("/static/", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task DecisionOnAStaleCase_SaysWhoDecidedFirst()
    {
        var (context, page, _) = await world.OpenAsync();
        await using var _c = context;
        await ConsoleWorld.SignInAsync(page, ConsoleWorld.ReviewerKey);
        await page.GotoAsync("/review/#/case/undress-app.test");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("undress-app.test");

        // Meanwhile the other reviewer escalates it through the API.
        using var other = world.Client(ConsoleWorld.SecondReviewerKey);
        var current = await other.GetAsync(new Uri("/api/cases/undress-app.test", UriKind.Relative));
        using var escalate = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/cases/undress-app.test/decision", UriKind.Relative))
        {
            Content = JsonContent.Create(new { decision = "escalate", note = "needs legal" }),
        };
        escalate.Headers.TryAddWithoutValidation("If-Match", current.Headers.ETag!.Tag);
        Assert.Equal(HttpStatusCode.OK, (await other.SendAsync(escalate)).StatusCode);

        await page.GetByRole(AriaRole.Button, new() { Name = "上报", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("已由 reviewer-wang 处理");
    }

    [Fact]
    public async Task Deregistration_AsksForConfirmation_AndNeedsASecondReviewer()
    {
        var (context, page, _) = await world.OpenAsync();
        await using var _c = context;
        await ConsoleWorld.SignInAsync(page, ConsoleWorld.ReviewerKey);
        await page.GotoAsync("/review/#/case/faceswap-pay.test");
        await page.GetByLabel("注销域名").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "批准", Exact = true }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Expect(dialog).ToContainTextAsync("faceswap-pay.test");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "确认" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Note)).ToContainTextAsync("等待第二位审核人批准");

        // The second reviewer sees the first approval and approves it.
        var (context2, page2, _) = await world.OpenAsync();
        await using var _c2 = context2;
        await ConsoleWorld.SignInAsync(page2, ConsoleWorld.SecondReviewerKey);
        await page2.GotoAsync("/review/#/case/faceswap-pay.test");
        await Expect(page2.GetByRole(AriaRole.Note)).ToContainTextAsync("reviewer-li");
        await Expect(page2.GetByLabel("注销域名")).ToBeCheckedAsync();
        await world.ScreenshotAsync(page2, "second-approval");
        await page2.GetByRole(AriaRole.Button, new() { Name = "批准", Exact = true }).ClickAsync();
        await page2.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "确认" }).ClickAsync();
        await Expect(page2.Locator(".case-meta")).ToContainTextAsync("已批准");
    }

    [Fact]
    public async Task Queue_FilterByCategory_SelectWithX_EscalateInBulk_ByKeyboard()
    {
        var (context, page, _) = await world.OpenAsync();
        await using var _c = context;
        await ConsoleWorld.SignInAsync(page, ConsoleWorld.ReviewerKey);
        await page.GetByLabel("类别").SelectOptionAsync(new SelectOptionValue { Label = "大模型账号/接口倒卖" });
        await page.GetByRole(AriaRole.Button, new() { Name = "应用筛选" }).ClickAsync();
        // The table is busy from the click until the filtered rows are in; counting earlier
        // counts the unfiltered table, or the new one before its rows arrive.
        var rows = page.Locator("table.queue[aria-busy=false] tbody tr");
        await Expect(rows.First).ToBeVisibleAsync();
        var count = await rows.CountAsync();
        Assert.Equal(count, await rows.Filter(new() { HasText = "大模型账号/接口倒卖" }).CountAsync());
        Assert.True(count >= 2, $"{count} LLM-resale cases in the lab queue");
        var domains = (await page.Locator("table.queue tbody tr td:nth-child(2) .domain-unicode").AllInnerTextsAsync()).Take(2).ToList();

        await page.Locator("h1").FocusAsync();
        await page.Keyboard.PressAsync("x");
        await page.Keyboard.PressAsync("j");
        await page.Keyboard.PressAsync("x");
        await Expect(page.GetByText("已选 2 项")).ToBeVisibleAsync();
        await page.Keyboard.PressAsync("e");
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("2 项成功");

        foreach (var domain in domains)
        {
            var detail = await world.Admin.GetFromJsonAsync<JsonElement>(new Uri($"/api/cases/{domain}", UriKind.Relative));
            Assert.Equal("escalated", detail.GetProperty("state").GetString());
        }
        // Escalated cases leave the pending queue; the state filter brings them back.
        await Expect(rows).ToHaveCountAsync(count - 2);
    }

    [Fact]
    public async Task SweepsAndPartnerActions_ShowProgressReportsAndActionStates()
    {
        var (context, page, _) = await world.OpenAsync();
        await using var _c = context;
        await ConsoleWorld.SignInAsync(page, ConsoleWorld.AdminKey);
        await page.GetByRole(AriaRole.Link, new() { Name = "巡检" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "巡检", Exact = true })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Progressbar)).ToBeVisibleAsync();
        await Expect(page.GetByText("已完成").First).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Img, new() { Name = "各类别标记数量（按巡检）" })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "查看报告" }).First.ClickAsync();
        await Expect(page.Locator(".report-rendered h3").First).ToContainTextAsync("巡检报告");
        await Expect(page.Locator(".report-rendered table").First).ToBeVisibleAsync();
        await world.ScreenshotAsync(page, "sweeps");

        await page.GetByRole(AriaRole.Link, new() { Name = "合作方处置" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "合作方处置" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { NameRegex = new Regex("^只看超时未回执") })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Cell, new() { Name = "Console partner" })).ToBeVisibleAsync();
        await world.ScreenshotAsync(page, "partners");
    }

    [Fact]
    public async Task ConsoleAssets_CarryAStrictContentSecurityPolicy()
    {
        using var http = new HttpClient { BaseAddress = world.BaseAddress };
        foreach (var path in new[] { "/review/", "/review/app.js", "/review/app.css" })
        {
            var response = await http.GetAsync(new Uri(path, UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains("script-src 'self'", csp);
            Assert.DoesNotContain("unsafe-inline", csp);
            Assert.Contains("frame-ancestors 'none'", csp);
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        }
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(new Uri("/review/nope.js", UriKind.Relative))).StatusCode);
        var redirect = await new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = world.BaseAddress }.GetAsync(new Uri("/review", UriKind.Relative));
        Assert.Equal(HttpStatusCode.PermanentRedirect, redirect.StatusCode);
    }

    [GeneratedRegex(@"\p{IsCJKUnifiedIdeographs}")]
    private static partial Regex Han();
}
