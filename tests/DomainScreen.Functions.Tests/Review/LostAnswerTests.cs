using System.Text.Json;
using Azure.Core.Pipeline;
using DomainScreen.Core;
using DomainScreen.Core.Actions;
using DomainScreen.Core.Api;
using DomainScreen.Core.Audit;
using DomainScreen.Core.Review;
using DomainScreen.Core.Tests.Dns;
using DomainScreen.Functions.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static DomainScreen.Functions.Tests.Review.ReviewHarness;
using static DomainScreen.Functions.Tests.Support.FunctionsHarness;

namespace DomainScreen.Functions.Tests.Review;

/// <summary>
/// Writes whose answer is lost after storage applied them (the client retries and meets its own change): the work is
/// kept and audited once, not mistaken for another writer's conflict. Against Azurite, the loss injected in the pipeline.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class LostAnswerTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly LostAnswerPolicy _lost = new();
    private FunctionsHarness _harness = null!;

    public async Task InitializeAsync()
    {
        _harness = new FunctionsHarness(azurite, new FakeDnsResolver(), configure: s => s.AddSingleton<HttpPipelinePolicy>(_lost));
        await _harness.InitializeAsync();
    }

    public Task DisposeAsync() => _harness.DisposeAsync().AsTask();

    /// <summary>A transaction with an operation on <paramref name="table"/> (an update names a row, <c>Table(…)</c>; an insert the table, <c>Table?…</c>).</summary>
    private static bool TransactionOn(string write, string table) =>
        write.StartsWith("POST ", StringComparison.Ordinal) && write.Contains("$batch", StringComparison.Ordinal)
        && (write.Contains(table + "(", StringComparison.Ordinal) || write.Contains(table + "?", StringComparison.Ordinal));

    private async Task<List<AuditEntry>> AuditOfAsync(string caseId)
    {
        var (_, body, _) = await _harness.Http("GET", $"/api/audit?caseId={caseId}", key: AdminKey);
        return [.. JsonSerializer.Deserialize(body, CoreJson.Default.AuditPage)!.Entries];
    }

    [Fact]
    public async Task Decision_WhoseAnswerWasLost_IsAppliedAnsweredAndAuditedOnce()
    {
        var domain = Fresh("lost-decision");
        await ConsumeAsync(_harness, "r1", Result(domain, "block", 90));
        _harness.Time.Advance(TimeSpan.FromMinutes(5));
        var (_, _, etag) = await GetCaseAsync(_harness, domain);
        _lost.Arm(w => TransactionOn(w, "Cases"));

        var (status, body, _) = await DecideAsync(_harness, domain, etag, """{"decision":"reject","reason":"a studio's own demo"}""");

        Assert.Equal(1, _lost.Lost);
        Assert.True(status == 200, body); // not 412 "the case changed": the only change was this decision
        var (_, c, newTag) = await GetCaseAsync(_harness, domain);
        Assert.Equal((CaseStates.Rejected, 2, "\"2\""), (c!.State, c.Case.Version, newTag));
        Assert.Equal(["case.decision", "case.opened"], (await AuditOfAsync(domain)).Select(e => e.Action));
    }

    [Fact]
    public async Task CasesOpenedTogether_WhoseAnswerWasLost_AreEachOpenedAndAuditedOnce()
    {
        string[] domains = [Fresh("lost-open-a"), Fresh("lost-open-b"), Fresh("lost-open-c")];
        _lost.Arm(w => TransactionOn(w, "Cases"));

        await ConsumeAsync(_harness, "r-open", [.. domains.Select(d => Result(d, "block", 88))]);

        Assert.Equal(1, _lost.Lost);
        foreach (var domain in domains)
        {
            var (_, c, _) = await GetCaseAsync(_harness, domain);
            Assert.Equal((CaseStates.Pending, 1), (c!.State, c.Case.Version)); // not joined to itself as a second writer
            Assert.Equal("opened", Assert.Single(c.Events).Event);
            Assert.Equal("case.opened", Assert.Single(await AuditOfAsync(domain)).Action);
        }
    }

    [Fact]
    public async Task KeyedAuditRecord_WhoseGuardAnswerWasLost_IsStillWrittenOnce()
    {
        var caseId = Fresh("lost-audit");
        _harness.Time.Advance(TimeSpan.FromTicks(1_234_567)); // a time with sub-millisecond ticks, as a real clock gives: stored exactly
        var log = _harness.Get<AuditLog>();
        var record = new AuditRecord(Caller.System, "req-keyed", AuditActions.CaseState, caseId, caseId, Note: "keyed", Key: "keyed|" + caseId);
        _lost.Arm(w => w.StartsWith("POST ", StringComparison.Ordinal) && w.Contains("Audit", StringComparison.Ordinal));

        await log.AppendAsync(record, CancellationToken.None);
        await log.AppendAsync(record, CancellationToken.None); // a redelivery adds nothing

        Assert.Equal(1, _lost.Lost);
        Assert.Equal("keyed", Assert.Single(await AuditOfAsync(caseId)).Note);
    }

    [Fact]
    public async Task AuditTransaction_WhoseAnswerWasLost_DoesNotFailAndWritesOnce()
    {
        var caseId = Fresh("lost-audit-many");
        _lost.Arm(w => TransactionOn(w, "Audit"));

        await _harness.Get<AuditLog>().AppendManyAsync(
            [new AuditRecord(Caller.System, "req-1", AuditActions.CaseOpened, caseId, caseId, Note: "one"),
             new AuditRecord(Caller.System, "req-1", AuditActions.CaseOpened, caseId, caseId, Note: "two")], CancellationToken.None);

        Assert.Equal(1, _lost.Lost);
        Assert.Equal(["one", "two"], (await AuditOfAsync(caseId)).Select(e => e.Note).Order());
    }

    [Fact]
    public async Task ActionUpdate_WhoseAnswerWasLost_CountsAsDone_AndAnotherWritersChangeStillConflicts()
    {
        var store = _harness.Get<ActionStore>();
        var caseId = Fresh("lost-action");
        var action = new PartnerAction
        {
            ActionId = "act-" + caseId, PartnerId = "isp-lost", CaseId = caseId, Kind = "block", Domain = caseId, DisplayName = caseId, Scope = "registrable-domain",
            Hosts = [caseId], DecisionVersion = 2, Jws = "x.y.z", State = ActionStates.Applied, CreatedAt = _harness.Time.GetUtcNow(), ExpiresAt = _harness.Time.GetUtcNow().AddHours(72),
        };
        _lost.Arm(w => w.StartsWith("POST ", StringComparison.Ordinal) && w.Contains("Actions", StringComparison.Ordinal));
        Assert.True(await store.TryAddAsync(action, CancellationToken.None)); // its own insert, not "planned before"
        Assert.False(await store.TryAddAsync(action with { Note = "planned again" }, CancellationToken.None));
        var (stored, etag) = (await store.GetAsync(action.PartnerId, action.ActionId, CancellationToken.None))!.Value;

        _lost.Arm(w => w.StartsWith("PUT ", StringComparison.Ordinal) && w.Contains("Actions(", StringComparison.Ordinal));
        Assert.True(await store.TryUpdateAsync(stored with { State = ActionStates.NotEffective, Note = "still answers" }, etag, CancellationToken.None));
        Assert.False(await store.TryUpdateAsync(stored with { State = ActionStates.Failed }, etag, CancellationToken.None)); // a stale ETag is a conflict

        Assert.Equal(2, _lost.Lost);
        var now = (await store.GetAsync(action.PartnerId, action.ActionId, CancellationToken.None))!.Value.Action;
        Assert.Equal((ActionStates.NotEffective, "still answers"), (now.State, now.Note));
    }
}
