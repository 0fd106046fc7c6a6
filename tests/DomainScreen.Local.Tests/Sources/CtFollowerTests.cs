using System.Net.Http.Json;
using DomainScreen.Core;
using DomainScreen.Core.Sources;
using DomainScreen.Core.Sweeps;
using DomainScreen.Local.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace DomainScreen.Local.Tests.Sources;

/// <summary>The lab's CT log followed through both APIs, with the runtime's real storage and queues.</summary>
[Collection(LocalWorldCollection.Name)]
public sealed class CtFollowerTests(LocalWorldFixture world)
{
    // A follower of one log of our choosing (the runtime's own timer follows the lab log under its configured URL).
    private CtFollower Follower(string log) => ActivatorUtilities.CreateInstance<CtFollower>(world.App.Services,
        Options.Create(new SourceOptions { CtLogs = { log }, CtStartAt = "beginning", CtBatch = 2 }));

    [Theory]
    [InlineData("rfc6962")]
    [InlineData("static")]
    public async Task Follow_FindsWatchedNames_IncludingAPrecertificate_SkipsAMalformedEntry_AndKeepsItsPosition(string api)
    {
        var ct = world.Lab.Http.CtLog;
        var port = world.Lab.Http.HttpPort;
        // Each case gets a log URL of its own (the lab serves its log under /ct-log/<label>/ too), so its position starts afresh.
        var log = api == "static" ? $"static+http://127.0.0.1:{port}/ct-log/t-{api}/static/" : $"http://127.0.0.1:{port}/ct-log/t-{api}/";
        var follower = Follower(log);

        var first = Assert.Single(await follower.RunAsync(CancellationToken.None));

        Assert.Equal(ct.Size, first.To);
        Assert.True(first.Watched >= 3, $"{first}");
        var candidates = (await world.App.Services.GetRequiredService<CandidateStore>().PageAsync(null, 1000, null, null, "ct", CancellationToken.None)).Candidates
            .Select(c => c.Domain).ToList();
        Assert.Contains("faceswap-studio.test", candidates);
        Assert.Contains("deepseek-download.test", candidates);
        Assert.Contains("undress-ai.test", candidates); // from the precertificate
        Assert.DoesNotContain("bakery-shop.test", candidates);

        // Restarted: nothing new, nothing read again. Then two new entries, one of them malformed.
        var again = Assert.Single(await Follower(log).RunAsync(CancellationToken.None));
        Assert.Equal((first.To, first.To), (again.From, again.To));
        ct.AddCertificate($"nudify-{api}-{Guid.NewGuid().ToString("N")[..6]}.test");
        ct.AddMalformed();
        var later = Assert.Single(await Follower(log).RunAsync(CancellationToken.None));
        Assert.Equal((first.To, first.To + 2, 1, 1), (later.From, later.To, later.Watched, later.Malformed));
    }

    [Fact]
    public async Task WatchedNames_AreScreenedAtOnce_OnThePriorityQueue()
    {
        world.Lab.Http.CtLog.AddCertificate("faceswap-studio.test");
        var run = Assert.Single(await Follower($"http://127.0.0.1:{world.Lab.Http.HttpPort}/ct-log/t-screen/").RunAsync(CancellationToken.None));
        Assert.True(run.Watched >= 1, $"{run}");

        var report = await Eventually.Until(async () =>
            {
                using var answer = await world.Http.GetAsync(new Uri("/api/domains/faceswap-studio.test", UriKind.Relative));
                return answer.IsSuccessStatusCode ? await answer.Content.ReadFromJsonAsync(CoreJson.Default.DomainReport) : null;
            },
            r => r?.Latest?.Source == "ct" || r?.History.Any(h => h.Source == "ct") == true, what: "a screening from the CT source");
        Assert.NotNull(report);
    }

    [Theory]
    [InlineData("http://169.254.169.254/ct-log/")] // cloud metadata
    [InlineData("http://10.1.2.3:8080/ct-log/")]
    [InlineData("static+http://[fd00::1]/ct-log/static/")]
    public async Task ALogAtARefusedAddress_IsNotFetched_AndTheRunGoesOn(string log)
    {
        var result = Assert.Single(await Follower(log).RunAsync(CancellationToken.None));

        // Refused by the SSRF guard before any connection; reported, and tried again next run.
        Assert.Contains("refused address", result.Error, StringComparison.Ordinal);
        Assert.Equal((0L, 0), (result.To, result.Names));
    }
}
