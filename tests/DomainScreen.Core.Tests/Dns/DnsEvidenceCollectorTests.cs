using DomainScreen.Core.Dns;
using DomainScreen.Core.Tests.Domains;
using Microsoft.Extensions.Options;
using static DomainScreen.Core.Tests.Dns.FakeDnsResolver;

namespace DomainScreen.Core.Tests.Dns;

public sealed class DnsEvidenceCollectorTests
{
    private static DnsEvidenceCollector Collector(IDnsResolver resolver, int maxChain = 8) =>
        new(resolver, Options.Create(new DnsOptions { MaxCnameChain = maxChain }));

    private static Task<DnsEvidence> Collect(IDnsResolver resolver, string name, int maxChain = 8) =>
        Collector(resolver, maxChain).CollectAsync(TestSuffixes.Parser.Parse(name), CancellationToken.None);

    [Fact]
    public async Task Collect_PlainName_RecordsAddressesAndAllQuestions()
    {
        var dns = new FakeDnsResolver()
            .Add("www.example.com", DnsRecordType.A, A("www.example.com", "93.184.216.34"))
            .Add("example.com", DnsRecordType.NS, new DnsRecord("example.com", DnsRecordType.NS, 3600, "a.iana-servers.net"));

        var evidence = await Collect(dns, "www.example.com");

        Assert.Equal(DnsOutcome.Answer, evidence.Status);
        Assert.Equal(["93.184.216.34"], evidence.Addresses);
        Assert.Equal(["a.iana-servers.net"], evidence.Records(DnsRecordType.NS).Select(r => r.Value));
        Assert.Equal(Enum.GetValues<DnsRecordType>().Order(), evidence.Answers.Select(a => a.Type).Distinct().Order());
    }

    [Fact]
    public async Task Collect_CnameChainAcrossZones_FollowsToAddresses()
    {
        var dns = new FakeDnsResolver()
            .Add("shop.example.com", DnsRecordType.A, Cname("shop.example.com", "edge.cdn.net"))
            .Add("edge.cdn.net", DnsRecordType.A, Cname("edge.cdn.net", "e1.cdn.net"), A("e1.cdn.net", "198.51.100.1"));

        var evidence = await Collect(dns, "shop.example.com");

        Assert.Equal(["edge.cdn.net", "e1.cdn.net"], evidence.CnameChain);
        Assert.Equal(["198.51.100.1"], evidence.Addresses);
        Assert.False(evidence.CnameChainTruncated);
    }

    [Fact]
    public async Task Collect_CnameAnswer_IsReadFromTheAAnswer_WithoutAskingForIt()
    {
        var dns = new FakeDnsResolver()
            .Add("shop.example.com", DnsRecordType.A, Cname("shop.example.com", "edge.cdn.net"), A("edge.cdn.net", "198.51.100.1"))
            .Add("plain.example.com", DnsRecordType.A, A("plain.example.com", "198.51.100.2"));

        var aliased = (await Collect(dns, "shop.example.com")).Answers.Single(a => a.Type == DnsRecordType.CNAME);
        var plain = (await Collect(dns, "plain.example.com")).Answers.Single(a => a.Type == DnsRecordType.CNAME);
        var missing = (await Collect(dns, "gone.example.com")).Answers.Single(a => a.Type == DnsRecordType.CNAME);

        Assert.DoesNotContain(dns.Asked, q => q.Type == DnsRecordType.CNAME);
        Assert.Equal((DnsOutcome.Answer, "edge.cdn.net"), (aliased.Outcome, Assert.Single(aliased.Records).Value));
        Assert.Equal((DnsOutcome.NoData, 0), (plain.Outcome, plain.Records.Count));
        Assert.Equal(DnsOutcome.NxDomain, missing.Outcome);
    }

    [Theory]
    [InlineData(DnsOutcome.Timeout)]
    [InlineData(DnsOutcome.ServFail)]
    public void CnameFromA_FailedAQuestion_LeavesTheCnameUnknown(DnsOutcome failed)
    {
        var answer = DnsEvidenceCollector.CnameFromA("x.example.com", new DnsAnswer("x.example.com", DnsRecordType.A, failed, null, [], 2000));

        Assert.Equal(failed, answer.Outcome);
        Assert.Empty(answer.Records);
    }

    [Fact]
    public async Task Collect_CnameLoop_StopsAndMarksTruncated()
    {
        var dns = new FakeDnsResolver()
            .Add("a.example.com", DnsRecordType.A, Cname("a.example.com", "b.example.com"))
            .Add("b.example.com", DnsRecordType.A, Cname("b.example.com", "a.example.com"));

        var evidence = await Collect(dns, "a.example.com");

        Assert.True(evidence.CnameChainTruncated);
        Assert.Empty(evidence.Addresses);
        Assert.True(dns.Asked.Count(q => q.Type == DnsRecordType.A) < 20);
    }

    [Fact]
    public async Task Collect_LongChain_IsBounded()
    {
        var dns = new FakeDnsResolver();
        for (var i = 0; i < 30; i++) dns.Add($"c{i}.example.com", DnsRecordType.A, Cname($"c{i}.example.com", $"c{i + 1}.example.com"));

        var evidence = await Collect(dns, "c0.example.com", maxChain: 4);

        Assert.Equal(4, evidence.CnameChain.Count);
        Assert.True(evidence.CnameChainTruncated);
    }

    [Fact]
    public async Task Collect_NxDomain_IsData()
    {
        var evidence = await Collect(new FakeDnsResolver(), "missing.example.com");

        Assert.Equal(DnsOutcome.NxDomain, evidence.Status);
        Assert.False(evidence.Resolves);
    }

    [Theory]
    [InlineData(DnsOutcome.ServFail)]
    [InlineData(DnsOutcome.Timeout)]
    [InlineData(DnsOutcome.Refused)]
    public async Task Collect_FailedLookup_StatusIsTheOutcome(DnsOutcome outcome)
    {
        var dns = new FakeDnsResolver()
            .Outcome("x.example.com", DnsRecordType.A, outcome)
            .Outcome("x.example.com", DnsRecordType.AAAA, outcome);

        Assert.Equal(outcome, (await Collect(dns, "x.example.com")).Status);
    }

    [Fact]
    public async Task Collect_WildcardZone_ProbeAnswersWithSameAddress()
    {
        var dns = new FakeDnsResolver()
            .Add("anything.wild.cn", DnsRecordType.A, A("anything.wild.cn", "203.0.113.5"))
            .Wildcard("wild.cn", "203.0.113.5");

        var evidence = await Collect(dns, "anything.wild.cn");

        Assert.True(evidence.Wildcard!.Answers);
        Assert.True(evidence.Wildcard.SameAsTarget);
        Assert.EndsWith(".wild.cn", evidence.Wildcard.ProbeName, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Collect_NoWildcard_ProbeIsNxDomain()
    {
        var dns = new FakeDnsResolver().Add("example.com", DnsRecordType.A, A("example.com", "198.51.100.9"));

        var evidence = await Collect(dns, "example.com");

        Assert.False(evidence.Wildcard!.Answers);
        Assert.Equal(DnsOutcome.NxDomain, evidence.Wildcard.Outcome);
    }

    [Fact]
    public async Task Collect_ManyNetworksShortTtl_FastFluxHints()
    {
        var dns = new FakeDnsResolver().Add("flux.example.com", DnsRecordType.A,
            A("flux.example.com", "198.51.100.1", 30), A("flux.example.com", "198.51.100.2", 60),
            A("flux.example.com", "203.0.113.1", 45), A("flux.example.com", "192.0.2.1", 120));

        var hints = (await Collect(dns, "flux.example.com")).FastFlux;

        Assert.Equal(new FastFluxHints(4, 30, 3, 0), hints);
    }
}
