using System.Text.Json;
using DomainScreen.Local.Cli;

namespace DomainScreen.Local.Tests;

public sealed class InspectCommandTests
{
    private static async Task<JsonElement> InspectJson(string html, string? headers = null, string? url = null, System.Text.Encoding? encoding = null)
    {
        var page = Path.GetTempFileName();
        await File.WriteAllBytesAsync(page, (encoding ?? System.Text.Encoding.UTF8).GetBytes(html));
        string? headerFile = null;
        if (headers is not null)
        {
            headerFile = Path.GetTempFileName();
            await File.WriteAllTextAsync(headerFile, headers);
        }
        using var output = new StringWriter();
        var exit = await InspectCommand.RunAsync(new FileInfo(page), headerFile is null ? null : new FileInfo(headerFile), url, json: true, null, output, CancellationToken.None);
        Assert.Equal(0, exit);
        return JsonDocument.Parse(output.ToString()).RootElement.Clone();
    }

    [Fact]
    public async Task Inspect_Json_HasTheDocumentedFields()
    {
        var report = await InspectJson("""
            <html><head><title>FaceFusion 3.4.1</title></head><body>
            <script>window.gradio_config = {"title":"FaceFusion 3.4.1","components":[{"id":1,"type":"markdown","props":{"value":"会员充值 一键换脸"}}]};</script>
            <footer>京ICP备12345678号-1</footer></body></html>
            """, url: "https://swap.example.com/");

        Assert.Equal("block", report.GetProperty("band").GetString());
        Assert.InRange(report.GetProperty("score").GetInt32(), 75, 100);
        Assert.Contains("face-swap", report.GetProperty("categories").EnumerateArray().Select(c => c.GetString()));
        var product = report.GetProperty("products").EnumerateArray().Single();
        Assert.Equal(("facefusion", "FaceFusion"), (product.GetProperty("id").GetString(), product.GetProperty("name").GetString()));
        Assert.Equal(["京ICP备12345678号-1"], report.GetProperty("filings").EnumerateArray().Select(f => f.GetString()));
        Assert.Contains(report.GetProperty("evidence").EnumerateArray(), e => e.GetProperty("id").GetString() == "fs-zh-01" && e.TryGetProperty("offset", out _));
        Assert.Equal("swap.example.com", report.GetProperty("domain").GetString());
    }

    [Fact]
    public async Task Inspect_HeadersFile_FeedsHeaderRules()
    {
        var report = await InspectJson("<html><head><title>New API</title></head></html>",
            headers: "HTTP/1.1 200 OK\nX-New-Api-Version: v0.9.1\nContent-Type: text/html; charset=utf-8\n");

        Assert.Contains(report.GetProperty("products").EnumerateArray(), p => p.GetProperty("id").GetString() == "new-api");
    }

    [Fact]
    public async Task Inspect_GbkSavedPage_IsDecoded()
    {
        System.Text.Encoding.RegisterProvider(System.Text.CodePagesEncodingProvider.Instance);
        var report = await InspectJson("<html><head><meta charset=\"gbk\"><title>一键脱衣 会员</title></head><body>AI脱衣 充值</body></html>",
            encoding: System.Text.Encoding.GetEncoding("GBK"));

        Assert.Equal("一键脱衣 会员", report.GetProperty("title").GetString());
        Assert.Contains("nudify", report.GetProperty("categories").EnumerateArray().Select(c => c.GetString()));
    }

    [Fact]
    public async Task Inspect_AllowlistedUrl_IsAtMostWatch()
    {
        var report = await InspectJson("<h1>Undress AI</h1><p>Nudify. Pricing. Buy credits</p>", url: "https://www.example.gov.cn/page");

        Assert.Equal("watch", report.GetProperty("band").GetString());
    }

    [Theory]
    [InlineData("<!-- saved from url=(0031)https://swap.example.com/app -->\n<html><head><title>x</title></head></html>", "swap.example.com")]
    [InlineData("<!DOCTYPE html> <html><!--\n Page saved with SingleFile \n url: https://Voice.Example.org/clone \n saved date: Wed Nov 25 2026\n--><head></head></html>", "voice.example.org")]
    public async Task SavedPage_WithoutUrl_TakesTheBrowsersMarker(string html, string domain)
    {
        var report = await InspectJson(html);

        Assert.Equal(domain, report.GetProperty("domain").GetString());
    }

    [Fact]
    public async Task SavedPage_CanonicalLink_IsNotTakenForTheDomain()
    {
        // A site could name an allowlisted domain in its own canonical link; only the browser's marker counts.
        var report = await InspectJson("""<html><head><link rel="canonical" href="https://www.gov.cn/"><title>一键脱衣</title></head><body>一键脱衣 AI脱衣 会员 99元/月</body></html>""");

        Assert.False(report.TryGetProperty("domain", out var domain) && domain.ValueKind != JsonValueKind.Null, $"domain {domain}");
        Assert.Equal("block", report.GetProperty("band").GetString());
    }
}
