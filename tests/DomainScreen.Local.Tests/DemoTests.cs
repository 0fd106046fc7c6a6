using DomainScreen.Local.Cli;

namespace DomainScreen.Local.Tests;

/// <summary>The README's main command, run in-process: its own Azurite, lab and runtime.</summary>
public sealed class DemoTests
{
    [Fact]
    public async Task Demo_SweepsEveryLabCandidateAsExpected_AndWithAutoReviewReachesThePartner()
    {
        using var progress = new StringWriter();

        var summary = await DemoCommand.RunAsync(progress, TimeSpan.FromMinutes(3), CancellationToken.None, autoReview: true);

        Assert.True(summary.Totals.Complete, progress.ToString());
        Assert.Equal(summary.Totals.Candidates, summary.Totals.Screened);
        Assert.Equal(0, summary.Totals.Missing);
        Assert.True(summary.Totals.Mismatches == 0, string.Join('\n', summary.Rows.Where(r => !r.Matches)
            .Select(r => $"{r.Domain}: dns {r.Dns}, fetch {r.Fetch}, band {r.Band} {r.Score}: {string.Join("; ", r.Mismatches)}")));
        // Every review and block site opened a case for its registrable domain, and each waits for a reviewer.
        var flagged = summary.Rows.Where(r => r.Band is "review" or "block").Select(r => string.Join('.', r.Domain.Split('.')[^2..])).Distinct().Order().ToList();
        Assert.Equal(flagged, summary.Totals.Cases.CaseIds.Order());
        Assert.Equal(flagged.Count, summary.Totals.Cases.Opened);
        // The scripted reviewer approved every block-band case; the partner's client verified, applied and acknowledged each.
        var blocked = summary.Rows.Count(r => r.Band == "block");
        Assert.Equal((blocked, blocked, blocked, 0, blocked), (summary.Totals.Actions!.Approved, summary.Totals.Actions.Dispatched, summary.Totals.Actions.Applied,
            summary.Totals.Actions.Refused, summary.Totals.Actions.CasesActioned));
        Assert.Equal(flagged.Count - blocked, summary.Totals.Cases.Pending);
        Assert.Equal(blocked, summary.Totals.RpzEntries);
        Assert.InRange(summary.Totals.SweepMs, 1, summary.Totals.ElapsedMs);
    }
}
