using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using DomainScreen.Core;
using DomainScreen.Core.Actions;
using DomainScreen.Local.Cli;
using DomainScreen.Local.Tests.Support;

namespace DomainScreen.Local.Tests.Partner;

/// <summary>
/// The sweep's watchlist asks a partner's own resolver whether an applied block holds. Here the partner's "resolver" is
/// the lab's DNS server, which knows nothing of any RPZ and still answers: the block is not effective, the case goes
/// back to a reviewer, and the sweep report says so.
/// </summary>
[Collection(LocalWorldCollection.Name)]
public sealed class BlockCheckTests(LocalWorldFixture world)
{
    [Fact]
    public async Task Watchlist_MarksABlockThePartnersResolverStillAnswersForAsNotEffective()
    {
        const string target = "rumor-writer.test";
        using var partnerBody = new StringContent($$"""{"name":"E2E partner","kinds":["block","deregister"],"routes":{"all":true},"resolvers":["{{world.Lab.Dns.Endpoint}}"]}""",
            Encoding.UTF8, "application/json");
        (await world.Http.PutAsync(new Uri("/api/partners/" + LocalWorldFixture.PartnerId, UriKind.Relative), partnerBody)).EnsureSuccessStatusCode();
        var submitted = await world.Http.PostAsync(new Uri("/api/submissions", UriKind.Relative), new StringContent(target + "\n", Encoding.UTF8, "text/plain"));
        var id = (await submitted.Content.ReadFromJsonAsync(CoreJson.Default.SubmissionAccepted))!.SubmissionId;
        await Eventually.Until(async () => (await world.Http.GetFromJsonAsync(new Uri($"/api/submissions/{id}", UriKind.Relative), CoreJson.Default.SubmissionStatus))!,
            s => s.Pending == 0, what: "the screening");
        var detail = (await world.Http.GetFromJsonAsync(new Uri("/api/cases/" + target, UriKind.Relative), CoreJson.Default.CaseDetail))!;
        using var approve = new HttpRequestMessage(HttpMethod.Post, new Uri($"/api/cases/{target}/decision", UriKind.Relative))
        {
            Content = new StringContent("""{"decision":"approve","actions":["block"]}""", Encoding.UTF8, "application/json"),
        };
        approve.Headers.TryAddWithoutValidation("If-Match", detail.Etag);
        Assert.True((await world.Http.SendAsync(approve)).IsSuccessStatusCode);
        using var partner = ApiClient.For(world.BaseAddress.ToString(), LocalWorldFixture.PartnerKey);
        await Eventually.Until(async () => (await partner.GetAsync("api/partner/actions?status=pending", CancellationToken.None)).Body,
            body => body.Contains(target, StringComparison.Ordinal), what: "the action to reach the partner");
        var rpz = Path.GetTempFileName();
        await PartnerCommand.PullAsync(partner, rpz, TimeProvider.System, TextWriter.Null, CancellationToken.None);
        File.Delete(rpz);
        Assert.Equal("actioned", (await world.Http.GetFromJsonAsync(new Uri("/api/cases/" + target, UriKind.Relative), CoreJson.Default.CaseDetail))!.State);

        var started = await world.Http.PostAsync(new Uri("/api/sweeps", UriKind.Relative), null);
        var sweepId = JsonDocument.Parse(await started.Content.ReadAsStringAsync()).RootElement.GetProperty("sweepId").GetString()!;
        var report = await Eventually.Until(async () => (await world.Http.GetFromJsonAsync(new Uri($"/api/sweeps/{sweepId}/report", UriKind.Relative), CoreJson.Default.SweepReport))!,
            r => r.Complete, TimeSpan.FromSeconds(120), "the sweep");

        Assert.True(report.Watchlist.BlockNotEffective >= 1, JsonSerializer.Serialize(report, CoreJson.Default.SweepReport));
        var actions = (await world.Http.GetFromJsonAsync<List<PartnerAction>>(new Uri($"/api/cases/{target}/actions", UriKind.Relative), CoreJson.Default.Options))!;
        var block = Assert.Single(actions, a => a.Kind == "block");
        Assert.Equal((ActionStates.NotEffective, sweepId), (block.State, block.NotEffectiveRun));
        Assert.Contains(world.Lab.Dns.Endpoint.ToString(), block.Note, StringComparison.Ordinal);
        Assert.Equal("escalated", (await world.Http.GetFromJsonAsync(new Uri("/api/cases/" + target, UriKind.Relative), CoreJson.Default.CaseDetail))!.State);
        var partnerView = (await partner.GetAsync("api/partner/actions?status=not-effective", CancellationToken.None)).Body;
        Assert.Contains(block.ActionId, partnerView, StringComparison.Ordinal);
    }
}
