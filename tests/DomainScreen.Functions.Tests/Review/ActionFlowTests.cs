using System.Text.Json;
using DomainScreen.Core;
using DomainScreen.Core.Actions;
using DomainScreen.Core.Review;
using DomainScreen.Core.Tests.Dns;
using DomainScreen.Functions.Tests.Support;
using static DomainScreen.Functions.Tests.Review.ReviewHarness;
using static DomainScreen.Functions.Tests.Support.FunctionsHarness;

namespace DomainScreen.Functions.Tests.Review;

/// <summary>From an approval to a partner's acknowledgement, against Azurite: planning, dispatch, partner routes, case states.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class ActionFlowTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly FunctionsHarness _harness = new(azurite, new FakeDnsResolver());
    private readonly string _partner = "telecom-a"; // the harness's partner key
    private readonly string _other = "other-" + Guid.NewGuid().ToString("N")[..6];

    public async Task InitializeAsync()
    {
        await _harness.InitializeAsync();
        // Each test's names are fresh; the partners route only the .test names this class uses.
        Assert.Equal(200, (await _harness.Http("PUT", "/api/partners/" + _partner, """{"name":"Telecom A","kinds":["block","deregister"],"routes":{"tlds":["test"]},"contact":"noc@a.example"}""", "application/json", AdminKey)).Status);
        Assert.Equal(200, (await _harness.Http("PUT", "/api/partners/" + _other, """{"name":"Other","kinds":["block"],"routes":{"suffixes":["elsewhere.example"]}}""", "application/json", AdminKey)).Status);
    }

    public Task DisposeAsync() => _harness.DisposeAsync().AsTask();

    private async Task<string> ApprovedCaseAsync(string stem, string actions = "\"block\"")
    {
        var domain = Fresh(stem);
        await ConsumeAsync(_harness, "r-" + stem, Result(domain, "block", 95));
        var (status, body, _) = await DecideAsync(_harness, domain, "\"1\"", $$"""{"decision":"approve","actions":[{{actions}}]}""");
        Assert.True(status is 200 or 202, body);
        return domain;
    }

    private async Task<List<PartnerAction>> ActionsOfAsync(string caseId)
    {
        var (_, body, _) = await _harness.Http("GET", $"/api/cases/{caseId}/actions", key: ReaderKey);
        return JsonSerializer.Deserialize(body, CoreJson.Default.ListPartnerAction)!;
    }

    private async Task DispatchAllAsync()
    {
        var functions = _harness.Create<ActionFunctions>();
        while (true)
        {
            var batch = (await _harness.Storage.ActionsQueue.ReceiveMessagesAsync(32)).Value;
            if (batch.Length == 0) return;
            foreach (var m in batch)
            {
                await functions.DispatchAction(m.Body.ToString(), CancellationToken.None);
                await _harness.Storage.ActionsQueue.DeleteMessageAsync(m.MessageId, m.PopReceipt);
            }
        }
    }

    private async Task<List<PartnerActionView>> PendingAsync(string key = PartnerKey)
    {
        var (status, body, _) = await _harness.Http("GET", "/api/partner/actions?status=pending&top=500", key: key);
        Assert.Equal(200, status);
        return JsonSerializer.Deserialize(body, CoreJson.Default.PartnerActionPage)!.Actions.ToList();
    }

    [Fact]
    public async Task Approval_PlansOneActionPerPartnerThatHandlesIt_AndReplaysPlanNothingNew()
    {
        var domain = await ApprovedCaseAsync("plan");
        var planner = _harness.Get<ActionPlanner>();
        var (_, c, _) = await GetCaseAsync(_harness, domain);
        for (var i = 0; i < 3; i++) await planner.OnChangedAsync(c!.Case with { DecisionVersion = 0 }, c.Case, Core.Api.Caller.System, "replay", CancellationToken.None);

        var actions = await ActionsOfAsync(domain);

        var action = Assert.Single(actions);
        Assert.Equal((_partner, ActionVerbs.Block, ActionStates.Planned), (action.PartnerId, action.Kind, action.State));
        Assert.Equal(ActionPlanner.ActionId(domain, "block", _partner, 1), action.ActionId);
    }

    [Fact]
    public async Task TheSameQueueMessageThreeTimes_ReachesThePartnerOnce()
    {
        var domain = await ApprovedCaseAsync("thrice");
        var message = Assert.Single((await _harness.Storage.ActionsQueue.ReceiveMessagesAsync(32)).Value,
            m => m.Body.ToString().Contains(ActionPlanner.ActionId(domain, "block", _partner, 1), StringComparison.Ordinal));
        var functions = _harness.Create<ActionFunctions>();

        for (var i = 0; i < 3; i++) await functions.DispatchAction(message.Body.ToString(), CancellationToken.None);

        var queue = _harness.Storage.PartnerQueue(_partner);
        var sent = new List<string>();
        foreach (var m in (await queue.PeekMessagesAsync(32)).Value) sent.Add(m.Body.ToString());
        var action = Assert.Single(await ActionsOfAsync(domain));
        Assert.Single(sent, jws => jws == action.Jws);
        Assert.Equal(ActionStates.Dispatched, action.State);
    }

    [Fact]
    public async Task PartnerAcknowledges_CaseBecomesActioned_SameAckAgainIs200_ConflictingIs409()
    {
        var domain = await ApprovedCaseAsync("ack");
        await DispatchAllAsync();
        var pending = Assert.Single(await PendingAsync(), a => a.Domain == domain);
        var (_, keysBody, _) = await _harness.Http("GET", "/api/partner/keys");
        Assert.NotNull(Jws.Verify(pending.Jws, JsonSerializer.Deserialize(keysBody, CoreJson.Default.JsonWebKeySet)!).Payload);

        var ack = $"/api/partner/actions/{pending.ActionId}/ack";
        Assert.Equal(200, (await _harness.Http("POST", ack, """{"status":"applied","note":"in RPZ"}""", "application/json", PartnerKey)).Status);
        Assert.Equal(200, (await _harness.Http("POST", ack, """{"status":"applied"}""", "application/json", PartnerKey)).Status);
        var (conflict, body, _) = await _harness.Http("POST", ack, """{"status":"failed"}""", "application/json", PartnerKey);
        Assert.Equal(409, conflict);
        Assert.Contains("conflicting-ack", body, StringComparison.Ordinal);
        Assert.Equal(400, (await _harness.Http("POST", ack, """{"status":"done"}""", "application/json", PartnerKey)).Status);

        var (_, c, _) = await GetCaseAsync(_harness, domain);
        Assert.Equal(CaseStates.Actioned, c!.State);
        Assert.Equal("actioned", c.Events[^1].Event);
        Assert.DoesNotContain(await PendingAsync(), a => a.Domain == domain);
    }

    [Fact]
    public async Task PartnerRefuses_CaseGoesBackToAReviewerWithTheNote()
    {
        var domain = await ApprovedCaseAsync("refuse");
        await DispatchAllAsync();
        var pending = Assert.Single(await PendingAsync(), a => a.Domain == domain);

        Assert.Equal(200, (await _harness.Http("POST", $"/api/partner/actions/{pending.ActionId}/ack", """{"status":"refused","note":"court order needed"}""", "application/json", PartnerKey)).Status);

        var (_, c, _) = await GetCaseAsync(_harness, domain);
        Assert.Equal(CaseStates.Escalated, c!.State);
        Assert.Contains("court order needed", c.Events[^1].Note, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Partners_SeeAndAcknowledgeOnlyTheirOwnActions()
    {
        var domain = await ApprovedCaseAsync("isolation");
        await DispatchAllAsync();
        var mine = Assert.Single(await PendingAsync(), a => a.Domain == domain);
        await using var other = new FunctionsHarness(azurite, new FakeDnsResolver(), new Dictionary<string, string?>
        {
            ["Auth:ApiKeys:5:PartnerId"] = _other,
            ["Storage:TablePrefix"] = _harness.TablePrefix,
        });
        await other.InitializeAsync();

        var (_, list, _) = await other.Http("GET", "/api/partner/actions?status=all", key: PartnerKey);
        Assert.DoesNotContain(mine.ActionId, list, StringComparison.Ordinal);
        Assert.Equal(404, (await other.Http("POST", $"/api/partner/actions/{mine.ActionId}/ack", """{"status":"applied"}""", "application/json", PartnerKey)).Status);
        Assert.Equal(404, (await other.Http("GET", $"/api/actions/{mine.ActionId}/xarf", key: PartnerKey)).Status);
        var (_, rpz, _) = await other.Http("GET", "/api/exports/rpz", key: PartnerKey);
        Assert.DoesNotContain(domain, rpz, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rejection_AfterABlock_PlansAnUnblock_AndTheRpzDropsTheName()
    {
        var domain = await ApprovedCaseAsync("reverse");
        await DispatchAllAsync();
        var block = Assert.Single(await PendingAsync(), a => a.Domain == domain);
        Assert.Equal(200, (await _harness.Http("POST", $"/api/partner/actions/{block.ActionId}/ack", """{"status":"applied"}""", "application/json", PartnerKey)).Status);
        var (_, before, _) = await _harness.Http("GET", "/api/exports/rpz", key: ReviewerKey);
        Assert.Contains(domain + " CNAME .", before, StringComparison.Ordinal);

        var (_, c, etag) = await GetCaseAsync(_harness, domain);
        Assert.Equal(200, (await DecideAsync(_harness, domain, etag, """{"decision":"reject","reason":"the owner showed consent records"}""")).Status);
        await DispatchAllAsync();

        var unblock = Assert.Single(await PendingAsync(), a => a.Domain == domain);
        Assert.Equal(ActionVerbs.Unblock, unblock.Kind);
        Assert.Equal(ActionPlanner.ActionId(domain, "unblock", _partner, 2), unblock.ActionId);
        var (_, after, _) = await _harness.Http("GET", "/api/exports/rpz", key: ReviewerKey);
        Assert.DoesNotContain(domain + " CNAME .", after, StringComparison.Ordinal);
        Assert.True(Serial(after) > Serial(before));
    }

    [Fact]
    public async Task Deregister_GoesToPartnersThatHandleIt_AndHasAXarfReport()
    {
        var domain = Fresh("dereg");
        await ConsumeAsync(_harness, "r-dereg", Result(domain, "block", 95));
        Assert.Equal(202, (await DecideAsync(_harness, domain, "\"1\"", """{"decision":"approve","actions":["block","deregister"]}""")).Status);
        Assert.Equal(200, (await DecideAsync(_harness, domain, "\"2\"", """{"decision":"approve","actions":["block","deregister"]}""", Reviewer2Key)).Status);
        await DispatchAllAsync();

        var actions = await ActionsOfAsync(domain);
        Assert.Equal(["block", "deregister"], actions.Select(a => a.Kind).Order());
        var deregister = actions.Single(a => a.Kind == "deregister");
        Assert.Equal(["reviewer-user", "reviewer2-user"], deregister.ApprovedBy);
        var (status, xarf, _) = await _harness.Http("GET", $"/api/actions/{deregister.ActionId}/xarf", key: ReviewerKey);
        Assert.Equal(200, status);
        using var doc = JsonDocument.Parse(xarf);
        Assert.Equal(domain, doc.RootElement.GetProperty("domain").GetString());
        Assert.Equal(409, (await _harness.Http("GET", $"/api/actions/{actions.Single(a => a.Kind == "block").ActionId}/xarf", key: ReviewerKey)).Status);
        var (_, csv, _) = await _harness.Http("GET", "/api/exports/csv", key: ReviewerKey);
        Assert.Contains($"{domain},{domain},deregister,host,nudify,{domain}", csv, StringComparison.Ordinal);
        var (_, stix, _) = await _harness.Http("GET", "/api/exports/stix", key: AdminKey);
        Assert.Contains($"[domain-name:value = '{domain}']", stix, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Partners_AreAdministeredWithClearErrors()
    {
        Assert.Equal(400, (await _harness.Http("PUT", "/api/partners/Bad_Id", """{"name":"x","kinds":["block"],"routes":{"all":true}}""", "application/json", AdminKey)).Status);
        Assert.Equal(400, (await _harness.Http("PUT", "/api/partners/ok-id", """{"name":"x","kinds":["suspend"],"routes":{"all":true}}""", "application/json", AdminKey)).Status);
        Assert.Equal(400, (await _harness.Http("PUT", "/api/partners/ok-id", """{"name":"x","kinds":["block"],"routes":{}}""", "application/json", AdminKey)).Status);
        Assert.Equal(400, (await _harness.Http("PUT", "/api/partners/ok-id", """{"name":"x","kinds":["block"],"routes":{"all":true},"extra":1}""", "application/json", AdminKey)).Status);
        var id = "p-" + Guid.NewGuid().ToString("N")[..6];
        Assert.Equal(200, (await _harness.Http("PUT", "/api/partners/" + id, """{"name":"CT","kinds":["block"],"routes":{"tlds":["中国"]}}""", "application/json", AdminKey)).Status);
        var (_, body, _) = await _harness.Http("GET", "/api/partners/" + id, key: AdminKey);
        Assert.Equal(["xn--fiqs8s"], JsonSerializer.Deserialize(body, CoreJson.Default.Partner)!.Routes.Tlds);
        Assert.True(await _harness.Storage.PartnerQueue(id).ExistsAsync());
        Assert.Equal(204, (await _harness.Http("DELETE", "/api/partners/" + id, key: AdminKey)).Status);
        Assert.Equal(404, (await _harness.Http("GET", "/api/partners/" + id, key: AdminKey)).Status);
    }

    [Fact]
    public async Task Maintenance_PlansWhatAnApprovalMissed_AndMarksUnacknowledgedActionsOverdue()
    {
        // Approved while no partner handled the name: nothing could be planned.
        var domain = $"late-{Guid.NewGuid().ToString("N")[..8]}.cn"; // no partner of this class routes .cn
        await ConsumeAsync(_harness, "r-late", Result(domain, "block", 95));
        Assert.Equal(200, (await DecideAsync(_harness, domain, "\"1\"", """{"decision":"approve","actions":["block"]}""")).Status);
        Assert.Empty(await ActionsOfAsync(domain));
        var partner = "late-" + Guid.NewGuid().ToString("N")[..6];
        Assert.Equal(200, (await _harness.Http("PUT", "/api/partners/" + partner, $$$"""{"name":"Late","kinds":["block"],"routes":{"suffixes":["{{{domain}}}"]}}""", "application/json", AdminKey)).Status);
        var maintenance = _harness.Get<ActionMaintenance>();

        await maintenance.RunAsync(CancellationToken.None);
        await DispatchAllAsync();

        var action = Assert.Single(await ActionsOfAsync(domain));
        Assert.Equal((partner, ActionStates.Dispatched, false), (action.PartnerId, action.State, action.Overdue));
        // The partner's queue is lost with the message in it (deleted by mistake, an emulator restarted empty).
        await _harness.Storage.PartnerQueue(partner).DeleteAsync();
        _harness.Time.Advance(TimeSpan.FromHours(25));
        await maintenance.RunAsync(CancellationToken.None);
        Assert.True(Assert.Single(await ActionsOfAsync(domain)).Overdue);
        // Overdue means sent again: the same signed message is back on the partner's queue.
        var resent = (await _harness.Storage.PartnerQueue(partner).ReceiveMessagesAsync(32)).Value;
        Assert.Equal(action.Jws, Assert.Single(resent).Body.ToString());
    }

    private static long Serial(string zone)
    {
        var soa = zone.Split('\n').First(l => l.StartsWith("@ IN SOA", StringComparison.Ordinal));
        return long.Parse(soa[(soa.IndexOf('(', StringComparison.Ordinal) + 1)..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
    }
}
