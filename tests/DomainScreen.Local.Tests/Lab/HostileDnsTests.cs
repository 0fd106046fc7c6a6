using DomainScreen.Core.Dns;
using DomainScreen.Local.Lab;
using Microsoft.Extensions.Options;

namespace DomainScreen.Local.Tests.Lab;

/// <summary>
/// Malformed, oversized and lying DNS answers from a server that writes its own bytes (<see cref="LabHostileDns"/>),
/// read by the resolver the service uses: every one becomes a recorded outcome (an error, a timeout, no data, or the
/// bounded records), never an exception; and random mutations of a valid answer at volume (a sample in CI;
/// <c>DOMAINSCREEN_FUZZ_INPUTS=100000</c> for the full run, docs/reliability.md).
/// </summary>
public sealed class HostileDnsTests
{
    // Long enough that a loaded machine (the whole suite at once) still delivers every well-timed answer.
    private static DnsClientResolver Resolver(string endpoint, int timeoutMs = 2000)
    {
        var options = new DnsOptions { TimeoutMs = timeoutMs, Retries = 0 };
        options.Servers.Add(endpoint);
        return new DnsClientResolver(Options.Create(options));
    }

    public static readonly TheoryData<string> Modes = new(LabHostileDns.Modes);

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task EveryHostileAnswer_IsARecordedOutcome(string mode)
    {
        using var server = new LabHostileDns();
        using var resolver = Resolver(server.Endpoint);

        var answer = await resolver.QueryAsync($"{mode}.hostile.test", DnsRecordType.A, CancellationToken.None);

        Assert.Equal($"{mode}.hostile.test", answer.Name);
        Assert.True(answer.Records.Count <= new DnsOptions().MaxRecordsPerAnswer, $"{mode}: {answer.Records.Count} records kept");
        if (mode != "oversized") Assert.NotEqual(DnsOutcome.Answer, answer.Outcome);
        Assert.True(server.Received >= 1, $"{mode}: the server saw {server.Received} queries; outcome {answer.Outcome} {answer.Detail}");
    }

    [Fact]
    public async Task AnOversizedAnswer_KeepsOnlyTheBoundedRecords()
    {
        using var server = new LabHostileDns();
        using var resolver = Resolver(server.Endpoint);

        var answer = await resolver.QueryAsync("oversized.hostile.test", DnsRecordType.A, CancellationToken.None);

        Assert.True(answer.Outcome is DnsOutcome.Answer or DnsOutcome.Error, answer.Outcome.ToString());
        Assert.InRange(answer.Records.Count, 0, new DnsOptions().MaxRecordsPerAnswer);
    }

    [Fact]
    public async Task Finding_AnNsecRecordWithABrokenBitmap_IsAnError_NotALibraryCrash()
    {
        // Found by the fuzz target below: an answer holding an NSEC record (type 47) whose 4-byte RDATA is no type
        // bitmap makes DnsClient 1.8 fail in its own parse-error handler with a NullReferenceException
        // (MichaCo/DnsClient.NET#193). Served with the query's id, as the fuzzer sent it.
        var packet = Convert.FromBase64String("39OBgAABAAMAAAAABm0yNDcwNgRmdXo6BHRlc3QAABAAAcAMAAEAAQAAALcABMYzZADADAABAAEAAAA8AATGM2QBwAwALwABAAAAfAAExjNkAg==");
        using var server = new LabHostileDns(query =>
        {
            var answer = (byte[])packet.Clone();
            answer[0] = query[0];
            answer[1] = query[1];
            return answer;
        });
        using var resolver = Resolver(server.Endpoint);

        var answer = await resolver.QueryAsync("nsec.hostile.test", DnsRecordType.TXT, CancellationToken.None);

        Assert.Equal(DnsOutcome.Error, answer.Outcome);
    }

    [Fact]
    [Trait("Category", "fuzz")]
    public async Task MutatedAnswers_AtVolume_NeverThrow()
    {
        var inputs = long.TryParse(Environment.GetEnvironmentVariable("DOMAINSCREEN_FUZZ_INPUTS"), out var n) && n > 0 ? n : 300;
        var seed = 20261201;
        var random = new Random(seed);
        var gate = new Lock();
        var sent = new System.Collections.Concurrent.ConcurrentDictionary<string, byte[]>();
        using var server = new LabHostileDns(query =>
        {
            if (LabHostileDns.QuestionEnd(query) < 0) return null;
            var label = LabHostileDns.FirstLabel(query);
            var answer = LabHostileDns.Valid(query, 3);
            lock (gate)
            {
                // Keep the id (bytes 0-1) so the client reads the answer instead of waiting; change anything else.
                var edits = random.Next(1, 6);
                for (var i = 0; i < edits; i++)
                {
                    var at = random.Next(2, answer.Length);
                    switch (random.Next(4))
                    {
                        case 0: answer[at] = (byte)random.Next(256); break;
                        case 1: answer[at] = 0xC0; break; // a compression pointer where there was none
                        case 2: answer = answer[..at]; break;
                        default: answer[at] ^= (byte)(1 << random.Next(8)); break;
                    }
                    if (answer.Length <= 2) break;
                }
            }
            sent[label] = answer;
            return answer;
        });
        using var resolver = Resolver(server.Endpoint, timeoutMs: 500);
        var libraryFailures = new System.Collections.Concurrent.ConcurrentBag<string>();
        var outcomes = new System.Collections.Concurrent.ConcurrentDictionary<DnsOutcome, int>();
        await Parallel.ForEachAsync(Enumerable.Range(0, (int)inputs), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, ct) =>
        {
            var answer = await resolver.QueryAsync($"m{i}.fuzz.test", (i % 3) switch { 0 => DnsRecordType.A, 1 => DnsRecordType.TXT, _ => DnsRecordType.MX }, ct);
            Assert.True(answer.Records.Count <= new DnsOptions().MaxRecordsPerAnswer);
            outcomes.AddOrUpdate(answer.Outcome, 1, (_, c) => c + 1);
            if (answer.Detail?.StartsWith("NullReferenceException", StringComparison.Ordinal) == true && sent.TryGetValue($"m{i}", out var packet))
            {
                libraryFailures.Add(Convert.ToBase64String(packet));
            }
        });

        Assert.Equal(inputs, outcomes.Values.Sum());
        Console.WriteLine($"DNS answers: {inputs:N0} mutated, outcomes {string.Join(", ", outcomes.Select(o => $"{o.Key} {o.Value}"))}; " +
            $"DnsClient's own NullReferenceException (recorded as Error) {libraryFailures.Count}: {string.Join(" ", libraryFailures.Take(3))}");
    }
}
