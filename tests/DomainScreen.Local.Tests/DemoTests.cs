using DomainScreen.Local.Cli;

namespace DomainScreen.Local.Tests;

/// <summary>The README's main command, run in-process: its own Azurite, lab and runtime.</summary>
public sealed class DemoTests
{
    [Fact]
    public async Task Demo_SweepsEveryLabCandidateAsExpected()
    {
        using var progress = new StringWriter();

        var summary = await DemoCommand.RunAsync(progress, TimeSpan.FromMinutes(3), CancellationToken.None);

        Assert.True(summary.Totals.Complete, progress.ToString());
        Assert.Equal(summary.Totals.Candidates, summary.Totals.Screened);
        Assert.Equal(0, summary.Totals.Missing);
        Assert.True(summary.Totals.Mismatches == 0, string.Join('\n', summary.Rows.Where(r => !r.Matches)
            .Select(r => $"{r.Domain}: dns {r.Dns}, fetch {r.Fetch}, band {r.Band} {r.Score}: {string.Join("; ", r.Mismatches)}")));
    }
}
