using Azure.Core;
using Azure.Core.Pipeline;
using DomainScreen.Core;
using DomainScreen.Core.Dns;
using DomainScreen.Core.Tests.Dns;
using DomainScreen.Functions.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Polly;
using Polly.Simmy;
using Polly.Simmy.Fault;
using System.Text.Json;
using static DomainScreen.Functions.Tests.Review.ReviewHarness;
using static DomainScreen.Functions.Tests.Support.FunctionsHarness;

namespace DomainScreen.Functions.Tests;

/// <summary>
/// Faults injected with Polly's chaos strategies (Polly.Core 8.9, seeded) into the storage pipeline (every table,
/// queue and blob request of the service) and into DNS, while a submission is screened with the host's redelivery
/// rules (a message that throws comes back, up to maxDequeueCount = 5, then the poison queue). At the end every
/// domain is accounted for exactly once: a result, or a recorded failure. And answers lost after storage applied the
/// write, across case opening, decisions and the audit trail: every case opened, decided and audited exactly once.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ChaosTests(AzuriteFixture azurite)
{
    private const int MaxDequeueCount = 5;

    /// <summary>An Azure SDK pipeline step that runs each request through a Polly chaos pipeline.</summary>
    private sealed class ChaosPolicy(ResiliencePipeline chaos) : HttpPipelinePolicy
    {
        public bool Enabled { get; set; } = true;

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
            ProcessAsync(message, pipeline).AsTask().GetAwaiter().GetResult();

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            if (Enabled) await chaos.ExecuteAsync(static _ => ValueTask.CompletedTask, message.CancellationToken);
            await ProcessNextAsync(message, pipeline);
        }
    }

    /// <summary>A resolver that sometimes fails the way a network does (timeouts), through a chaos pipeline.</summary>
    private sealed class ChaosDns(IDnsResolver inner, ResiliencePipeline chaos) : IDnsResolver
    {
        public async Task<DnsAnswer> QueryAsync(string name, DnsRecordType type, CancellationToken cancellationToken)
        {
            await chaos.ExecuteAsync(static _ => ValueTask.CompletedTask, cancellationToken);
            return await inner.QueryAsync(name, type, cancellationToken);
        }
    }

    private static ResiliencePipeline Faults(double rate, int seed, Func<Exception> fault, Action onInjected)
    {
        var random = new Random(seed);
        return new ResiliencePipelineBuilder { Name = "chaos" }
            .AddChaosFault(new ChaosFaultStrategyOptions
            {
                InjectionRate = rate,
                Randomizer = random.NextDouble,
                FaultGenerator = _ => new ValueTask<Exception?>(fault()),
                OnFaultInjected = _ => { onInjected(); return default; },
            })
            .Build();
    }

    [Fact]
    public async Task StorageAndDnsFaults_EveryDomainAccountedForOnce()
    {
        var dns = new FakeDnsResolver();
        var names = Enumerable.Range(0, 12).Select(i => $"chaos-{i:D2}.test").ToList();
        foreach (var n in names) dns.Add(n, DnsRecordType.A, new DnsRecord(n, DnsRecordType.A, 60, "198.51.100.7"));
        var storageFaults = 0;
        var dnsFaults = 0;
        ChaosPolicy? chaos = null;
        var prefix = "c" + Guid.NewGuid().ToString("N")[..8];
        var shared = new Dictionary<string, string?>
        {
            ["Storage:TablePrefix"] = prefix, ["Storage:PriorityQueue"] = "priority-" + prefix, ["Storage:SweepQueue"] = "sweep-" + prefix,
            ["Storage:ActionsQueue"] = "actions-" + prefix,
        };
        await using var faulty = new FunctionsHarness(azurite, dns, shared, services =>
        {
            // IOException is what a dropped connection looks like: the SDK retries it (3 times), then it reaches our code.
            chaos = new ChaosPolicy(Faults(0.2, 7, () => new IOException("chaos: connection dropped"), () => Interlocked.Increment(ref storageFaults)));
            services.AddSingleton<HttpPipelinePolicy>(chaos);
            services.AddSingleton<IDnsResolver>(new ChaosDns(dns, Faults(0.2, 11, () => new TimeoutException("chaos: DNS timeout"), () => Interlocked.Increment(ref dnsFaults))));
        });
        await using var clean = new FunctionsHarness(azurite, dns, shared);
        await clean.InitializeAsync();

        // The submission through the clean side (its answer must be known); the screening through the faulty one.
        var (status, body, _) = await clean.Http("POST", "/api/submissions", string.Join('\n', names), "text/plain", AnalystKey);
        Assert.Equal(202, status);
        var id = JsonSerializer.Deserialize(body, CoreJson.Default.SubmissionAccepted)!.SubmissionId;

        var functions = faulty.Create<ScreenBatchFunctions>();
        var pending = (await clean.DrainAsync(priority: true)).Select(m => (Body: m.Body.ToString(), Dequeues: 0)).ToList();
        var poisoned = 0;
        while (pending.Count > 0)
        {
            var (message, dequeues) = pending[0];
            pending.RemoveAt(0);
            try
            {
                await functions.ScreenBatchPriority(message, CancellationToken.None);
            }
#pragma warning disable CA1031 // what the host does with any exception: the message comes back
            catch (Exception)
#pragma warning restore CA1031
            {
                if (dequeues + 1 < MaxDequeueCount) pending.Add((message, dequeues + 1));
                else poisoned++;
            }
        }

        var (_, statusBody, _) = await clean.Http("GET", $"/api/submissions/{id}?top=100", key: ReaderKey);
        var submission = JsonSerializer.Deserialize(statusBody, CoreJson.Default.SubmissionStatus)!;
        Assert.True(storageFaults >= 5 && dnsFaults >= 5, $"faults injected: storage {storageFaults}, DNS {dnsFaults}");
        Assert.Equal(0, poisoned);
        Assert.Equal(names.Count, submission.Total);
        Assert.Equal(0, submission.Pending);
        Assert.Equal(names.Count, submission.Completed + submission.Failed);
        Assert.Equal(names.Order(StringComparer.Ordinal), submission.Domains.Select(d => d.Domain).Order(StringComparer.Ordinal));
        // A DNS fault is a recorded outcome of that domain, not a lost one.
        Assert.All(submission.Domains, d => Assert.NotNull(d.Stage));
    }

    [Fact]
    public async Task AnswersLostAfterWritesLanded_EveryCaseOpenedDecidedAndAuditedOnce()
    {
        var lost = new LostAnswerPolicy(0.3, 17); // 30 % of writes lose their answer, each request at most once
        await using var faulty = new FunctionsHarness(azurite, new FakeDnsResolver(), configure: s => s.AddSingleton<HttpPipelinePolicy>(lost));
        await faulty.InitializeAsync();
        var domains = Enumerable.Range(0, 9).Select(i => Fresh($"lost-{i}")).ToList();

        // Three batches of three flagged domains (opened together), each delivered until it completes, as the host would.
        foreach (var (batch, n) in domains.Chunk(3).Select((b, n) => (b, n)))
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await ConsumeAsync(faulty, $"r-lost-{n}", [.. batch.Select(d => Result(d, "block", 90))]);
                    break;
                }
                catch (IOException) when (attempt < MaxDequeueCount)
                {
                }
            }
        }
        faulty.Time.Advance(TimeSpan.FromMinutes(5));
        foreach (var domain in domains)
        {
            var (_, _, etag) = await GetCaseAsync(faulty, domain);
            var (status, body, _) = await DecideAsync(faulty, domain, etag, """{"decision":"reject","reason":"a studio's own demo"}""");
            Assert.True(status == 200, $"{domain}: {status} {body}");
        }

        Assert.True(lost.Lost >= 5, $"answers lost: {lost.Lost}");
        foreach (var domain in domains)
        {
            var (_, c, _) = await GetCaseAsync(faulty, domain);
            Assert.Equal((Core.Review.CaseStates.Rejected, 2), (c!.State, c.Case.Version));
            Assert.Equal(["opened", "rejected"], c.Events.Select(e => e.Event).Order());
            var (_, audit, _) = await faulty.Http("GET", $"/api/audit?caseId={domain}", key: AdminKey);
            Assert.Equal(["case.decision", "case.opened"], JsonSerializer.Deserialize(audit, CoreJson.Default.AuditPage)!.Entries.Select(e => e.Action).Order());
        }
    }
}
