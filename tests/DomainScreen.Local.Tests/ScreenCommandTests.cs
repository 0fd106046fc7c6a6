using System.Text.Json;
using DomainScreen.Core;
using DomainScreen.Local.Cli;

namespace DomainScreen.Local.Tests;

public sealed class ScreenCommandTests
{
    [Fact]
    public async Task Screen_Json_StdoutIsOnlyJson_LogsGoToStderr()
    {
        // No DNS server answers and the RDAP bootstrap cannot be fetched: warnings are logged, and none of them may
        // reach stdout (`screen --json | jq` must work).
        var (exit, all, stdout) = await Support.CommandProcess.RunWithStdoutAsync(
            ["screen", "nothing-answers.cn", "--dns-server", "127.0.0.1:9", "--json"], TimeSpan.FromSeconds(120));

        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal(JsonValueKind.Array, json.RootElement.ValueKind);
        Assert.DoesNotContain("warn:", stdout, StringComparison.Ordinal);
        Assert.Contains("RdapBootstrap", all, StringComparison.Ordinal); // the warning was logged, on stderr
    }

    [Fact]
    public async Task Screen_Lab_Json_GivesEvidencePerDomain()
    {
        using var output = new StringWriter();

        var exit = await ScreenCommand.RunAsync(["news-daily.test", "https://城市.invalid-tld-xyz/", "gone-away.test"], json: true, dnsServer: null, withLab: true, output, CancellationToken.None);

        Assert.Equal(1, exit); // the invalid input is reported, the rest screened
        var reports = JsonSerializer.Deserialize(output.ToString(), CoreJson.Default.ListVerdictReport)!;
        Assert.Equal(["news-daily.test", "gone-away.test"], reports.Select(r => r.Domain));
        Assert.Equal("每日新闻 - 科技频道", reports[0].Result!.Fetch!.Title);
        Assert.Equal("clear", reports[0].Band);
        Assert.Equal("not-attempted", reports[1].Result!.Fetch!.Outcome);
    }

    [Fact]
    public async Task Screen_Lab_Text_ShowsChainTlsAndRegistration()
    {
        using var output = new StringWriter();

        await ScreenCommand.RunAsync(["redirect-cross.test", "tls-self-signed.test", "undress-app.test"], json: false, dnsServer: null, withLab: true, output, CancellationToken.None);

        var text = output.ToString();
        // The whole report is the failure message, so a failure shows which evidence was missing and why.
        foreach (var expected in new[] { "verdict: BLOCK", "[cross-domain]", "INVALID", "registration (rdap, found)" })
        {
            Assert.True(text.Contains(expected, StringComparison.Ordinal), $"missing \"{expected}\" in:\n{text}");
        }
    }
}
