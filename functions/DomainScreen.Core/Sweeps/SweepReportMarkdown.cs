using System.Globalization;
using System.Text;

namespace DomainScreen.Core.Sweeps;

/// <summary>
/// A sweep report for people: what an administration files the next morning. Simplified Chinese by default,
/// English with <c>lang=en</c>. Names are written as code so a reader never follows them by accident.
/// </summary>
public static class SweepReportMarkdown
{
    private sealed record Text(string Title, string Complete, string Running, string Window, string Looked, string Found, string Failures,
        string Watch, string NewFlags, string NoneNew, string Sources, string Bands, string Categories, string Products, string Reasons,
        string Count, string Item, string Share, string CasesOpened, string NotResolving, string Unscreened, string Previous, string FirstSweep,
        IReadOnlyDictionary<string, string> BandNames, IReadOnlyDictionary<string, string> Reason);

    private static readonly Text Zh = new("DomainScreen 巡检报告", "已完成", "进行中（以下为截至目前的数据）", "时间", "巡检范围", "发现", "未能完成的检查",
        "监控名单（在办、已批准、已处置的案件）", "本次新增的标记域名", "与上次巡检相比没有新增的标记。", "来源", "风险等级", "类别", "识别出的产品", "原因",
        "数量", "项目", "占比", "新开案件", "域名不存在（NXDOMAIN）", "未检查", "上次巡检", "这是第一次有报告的巡检。",
        new Dictionary<string, string> { ["clear"] = "无风险", ["watch"] = "关注", ["review"] = "待复核", ["block"] = "建议处置" },
        new Dictionary<string, string>
        {
            ["dns-timeout"] = "DNS 超时", ["dns-servfail"] = "DNS 服务器失败（SERVFAIL）", ["dns-refused"] = "DNS 拒绝", ["dns-error"] = "DNS 错误",
            ["fetch-refused-by-guard"] = "地址受保护策略拒绝访问（内网、保留地址）", ["tls"] = "TLS 握手失败", ["fetch-timeout"] = "网页超时",
            ["fetch-connection"] = "无法连接", ["fetch-redirects"] = "重定向异常", ["fetch-protocol"] = "HTTP 协议错误", ["budget"] = "超出单域名时间预算",
            ["screening-error"] = "检查出错",
        });

    private static readonly Text En = new("DomainScreen sweep report", "complete", "running (figures so far)", "Window", "What was looked at", "What was found",
        "Checks that could not complete", "Watchlist (open, approved and actioned cases)", "Newly flagged since the previous sweep",
        "Nothing newly flagged since the previous sweep.", "Source", "Band", "Category", "Product identified", "Reason", "Count", "Item", "Share",
        "Cases opened", "Names that do not exist (NXDOMAIN)", "Not screened", "Previous sweep", "This is the first sweep with a report.",
        new Dictionary<string, string> { ["clear"] = "clear", ["watch"] = "watch", ["review"] = "review", ["block"] = "block" },
        new Dictionary<string, string>
        {
            ["dns-timeout"] = "DNS timeout", ["dns-servfail"] = "DNS SERVFAIL", ["dns-refused"] = "DNS refused", ["dns-error"] = "DNS error",
            ["fetch-refused-by-guard"] = "address refused by the guard (private or reserved)", ["tls"] = "TLS handshake failed", ["fetch-timeout"] = "web timeout",
            ["fetch-connection"] = "could not connect", ["fetch-redirects"] = "redirect problems", ["fetch-protocol"] = "HTTP protocol error",
            ["budget"] = "over the per-domain time budget", ["screening-error"] = "screening error",
        });

    private static readonly Dictionary<string, string> CategoryNames = new()
    {
        ["face-swap"] = "AI换脸", ["voice-clone"] = "声音克隆", ["nudify"] = "一键脱衣", ["ai-companion"] = "AI陪伴（含擦边）", ["fake-news"] = "AI谣言与虚假信息",
        ["llm-resale"] = "大模型账号/接口倒卖", ["abuse-tool-sale"] = "滥用工具售卖", ["genai-service"] = "生成式AI服务", ["self-hosted-ai"] = "自建AI工具",
        ["vulgar-content"] = "AI低俗色情内容", ["minors"] = "危害未成年人", ["troll-farm"] = "AI水军与刷量", ["brand-impersonation"] = "仿冒AI品牌",
    };

    public static string Render(SweepReport r, string lang)
    {
        var t = lang == "en" ? En : Zh;
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        var china = TimeSpan.FromHours(8);
        sb.Append(inv, $"# {t.Title}: `{r.SweepId}`\n\n");
        sb.Append(inv, $"**{(r.Complete ? t.Complete : t.Running)}** · {t.Window}: {r.StartedAt.ToOffset(china):yyyy-MM-dd HH:mm}");
        if (r.FinishedAt is { } f) sb.Append(inv, $" – {f.ToOffset(china):HH:mm} (UTC+8)");
        sb.Append(inv, $" · {r.DurationSeconds:0} s · {r.DomainsPerSecond:0.#}/s · trigger `{r.Trigger}`\n\n");

        sb.Append(inv, $"## {t.Looked}\n\n");
        sb.Append(lang == "en"
            ? string.Create(inv, $"{r.Total} names: {r.Screened} screened, {r.Failed} failed, {r.Unscreened} not screened.\n\n")
            : string.Create(inv, $"共 {r.Total} 个域名：已检查 {r.Screened}，失败 {r.Failed}，未检查 {r.Unscreened}。\n\n"));
        Table(sb, t.Sources, t.Count, r.Sources, null, r.Total);

        sb.Append(inv, $"## {t.Found}\n\n");
        Table(sb, t.Bands, t.Count, r.Bands.Where(b => b.Value > 0).ToDictionary(), t.BandNames, r.Screened);
        if (r.Categories.Count > 0) Table(sb, t.Categories, t.Count, r.Categories, lang == "en" ? null : CategoryNames, null);
        if (r.Products.Count > 0) Table(sb, t.Products, t.Count, r.Products, null, null);
        sb.Append(inv, $"- {t.CasesOpened}: **{r.CasesOpened}**\n- {t.NotResolving}: {r.NotResolving}\n\n");

        sb.Append(inv, $"### {t.NewFlags}\n\n");
        if (r.PreviousSweepId is null) sb.Append(t.FirstSweep).Append("\n\n");
        else if (r.NewFlags.Count == 0) sb.Append(t.NoneNew).Append(inv, $" ({t.Previous}: `{r.PreviousSweepId}`)\n\n");
        else
        {
            foreach (var name in r.NewFlags.Take(200)) sb.Append(inv, $"- `{name}`\n");
            if (r.NewFlags.Count > 200) sb.Append(inv, $"- … (+{r.NewFlags.Count - 200})\n");
            sb.Append(inv, $"\n{t.Previous}: `{r.PreviousSweepId}`\n\n");
        }

        sb.Append(inv, $"## {t.Watch}\n\n");
        var w = r.Watchlist;
        sb.Append(lang == "en"
            ? string.Create(inv, $"{w.Screened} re-screened: {w.StillUp} still up, {w.Gone} gone, {w.BlockNotEffective} blocks not effective.\n\n")
            : string.Create(inv, $"复查 {w.Screened} 个：仍在运行 {w.StillUp}，已下线 {w.Gone}，封堵未生效 {w.BlockNotEffective}。\n\n"));

        sb.Append(inv, $"## {t.Failures}\n\n");
        if (r.Failures.Count == 0) sb.Append(lang == "en" ? "None.\n" : "无。\n");
        else Table(sb, t.Reasons, t.Count, r.Failures, t.Reason, null);
        return sb.ToString();
    }

    private static void Table(StringBuilder sb, string header, string count, IReadOnlyDictionary<string, int> rows, IReadOnlyDictionary<string, string>? names, int? of)
    {
        sb.Append(CultureInfo.InvariantCulture, $"| {header} | {count} |{(of is > 0 ? " % |" : "")}\n|---|---:|{(of is > 0 ? "---:|" : "")}\n");
        foreach (var (key, n) in rows)
        {
            var label = names?.GetValueOrDefault(key) ?? (key.StartsWith("invalid-name:", StringComparison.Ordinal) ? key : key);
            sb.Append(CultureInfo.InvariantCulture, $"| {label.Replace("|", "\\|", StringComparison.Ordinal)} | {n} |");
            if (of is > 0 and var total) sb.Append(CultureInfo.InvariantCulture, $" {100.0 * n / total:0.#} |");
            sb.Append('\n');
        }
        sb.Append('\n');
    }
}
