using System.Text.Json;
using Azure.Core;
using Azure.Core.Pipeline;
using DomainScreen.Core;
using DomainScreen.Core.Tests.Dns;
using DomainScreen.Functions.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static DomainScreen.Functions.Tests.Review.ReviewHarness;
using static DomainScreen.Functions.Tests.Support.FunctionsHarness;

namespace DomainScreen.Functions.Tests.Review;

/// <summary>
/// The whole case flow against a storage client that records every request: the audit table only ever sees inserts
/// and reads — no code path updates or deletes an audit row.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class AuditAppendOnlyTests(AzuriteFixture azurite)
{
    private sealed class Recorder : HttpPipelineSynchronousPolicy
    {
        public List<(string Method, string Path, string? Body)> Requests { get; } = [];

        public override void OnSendingRequest(HttpMessage message)
        {
            string? body = null;
            if (message.Request.Content is { } content && message.Request.Uri.Path.Contains("$batch", StringComparison.Ordinal))
            {
                using var buffer = new MemoryStream();
                content.WriteTo(buffer, CancellationToken.None);
                body = System.Text.Encoding.UTF8.GetString(buffer.ToArray());
            }
            lock (Requests) Requests.Add((message.Request.Method.ToString(), message.Request.Uri.Path, body));
        }
    }

    [Fact]
    public async Task WholeCaseFlow_OnlyInsertsAndReadsAuditRows()
    {
        var recorder = new Recorder();
        await using var harness = new FunctionsHarness(azurite, new FakeDnsResolver(), configure: s => s.AddSingleton<HttpPipelinePolicy>(recorder));
        await harness.InitializeAsync();
        var a = Fresh("audit-a");
        var b = Fresh("audit-b");

        await ConsumeAsync(harness, "r1", Result(a, "block", 95), Result(b, "review", 60));
        Assert.Equal(202, (await DecideAsync(harness, a, "\"1\"", """{"decision":"approve","actions":["block","deregister"]}""")).Status);
        Assert.Equal(200, (await DecideAsync(harness, a, "\"2\"", """{"decision":"approve","actions":["block","deregister"]}""", Reviewer2Key)).Status);
        Assert.Equal(200, (await harness.Http("POST", $"/api/cases/{a}/appeal", """{"contact":"c","text":"t"}""", "application/json", AnalystKey)).Status);
        Assert.Equal(200, (await DecideAsync(harness, a, "\"4\"", """{"decision":"uphold"}""")).Status);
        Assert.Equal(200, (await DecideAsync(harness, b, "\"1\"", """{"decision":"reject","reason":"fine","allowlist":true}""")).Status);
        Assert.Equal(200, (await harness.Http("PUT", "/api/allowlist/" + b, """{"reason":"checked again"}""", "application/json", AdminKey)).Status);
        Assert.Equal(204, (await harness.Http("DELETE", "/api/allowlist/" + b, key: AdminKey)).Status);
        harness.Time.Advance(TimeSpan.FromHours(1));
        await ConsumeAsync(harness, "r2", Result(b, "block", 90, page: "changed", at: harness.Time.GetUtcNow())); // reopens
        var (_, trail, _) = await harness.Http("GET", "/api/audit?top=200", key: AdminKey);

        var entries = JsonSerializer.Deserialize(trail, CoreJson.Default.AuditPage)!.Entries.Where(e => e.CaseId == a || e.CaseId == b || e.Target == b).ToList();
        Assert.Equal(new[] { "case.opened", "case.opened", "case.decision", "case.decision", "case.appeal", "case.decision", "case.decision",
            "allowlist.put", "allowlist.put", "allowlist.delete", "case.reopened" }.Order(), entries.Select(e => e.Action).Order());
        Assert.Contains(entries, e => e.Action == "case.decision" && e.ActorName == "reviewer2-user" && e.After!["state"] == "approved");
        List<(string Method, string Path, string? Body)> requests;
        lock (recorder.Requests) requests = [.. recorder.Requests];
        var audit = "/" + harness.TablePrefix + "Audit";
        var toAudit = requests.Where(r => r.Path.Contains(audit, StringComparison.Ordinal)).ToList();
        Assert.Contains(toAudit, r => r.Method == "POST");
        Assert.All(toAudit, r => Assert.True(r.Method is "POST" or "GET", $"{r.Method} {r.Path}"));
        // Inserts go to the table itself, never to one entity's address (which is how updates and deletes are sent).
        Assert.All(toAudit.Where(r => r.Method == "POST"), r => Assert.EndsWith(audit, r.Path, StringComparison.Ordinal));
        Assert.All(requests.Where(r => r.Body is not null), r => Assert.DoesNotContain(audit + "(", r.Body!, StringComparison.Ordinal));
    }
}
