using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using DomainScreen.Core.Actions;
using DomainScreen.Core.Exports;

namespace DomainScreen.Core.Tests.Exports;

public sealed partial class ExportFormatTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);

    private static readonly ActiveBlock Host = new("undress.test", ["app.undress.test", "undress.test"], "undress.test", "host", ["nudify"], Now, ["alice"], ["p1"], "a1");
    private static readonly ActiveBlock Whole = new("xn--fsqu00a.test", ["xn--fsqu00a.test"], "例子.test", "registrable-domain", ["face-swap", "voice-clone"], Now, ["bob", "carol"], ["p1"], "a2");

    [Fact]
    public void Rpz_HasTtlSoaNsThenEachNameRelative_AndWildcardsForWholeDomains()
    {
        var zone = RpzExport.Write([Host, Whole], 1796000000, "rpz.example.invalid", RpzPolicies.NxDomain, [], Now);
        var records = zone.Split('\n').Where(l => l.Length > 0 && !l.StartsWith(';')).ToList();

        Assert.Equal("$TTL 300", records[0]);
        Assert.Equal("@ IN SOA rpz.example.invalid. hostmaster.rpz.example.invalid. ( 1796000000 3600 600 864000 300 )", records[1]);
        Assert.Equal("  IN NS localhost.", records[2]);
        Assert.Equal(["app.undress.test CNAME .", "undress.test CNAME .", "xn--fsqu00a.test CNAME .", "*.xn--fsqu00a.test CNAME ."], records.Skip(3));
        Assert.DoesNotContain("例子", records.Skip(3).First(), StringComparison.Ordinal);
    }

    [Fact]
    public void Rpz_NoDataAndGardenPolicies()
    {
        Assert.Contains("undress.test CNAME *.", RpzExport.Write([Host], 1, "z", RpzPolicies.NoData, [], Now), StringComparison.Ordinal);
        var garden = RpzExport.Write([Whole], 1, "z", RpzPolicies.Garden, ["192.0.2.10", "2001:db8::10"], Now);
        Assert.Contains("*.xn--fsqu00a.test A 192.0.2.10", garden, StringComparison.Ordinal);
        Assert.Contains("xn--fsqu00a.test AAAA 2001:db8::10", garden, StringComparison.Ordinal);
        Assert.DoesNotContain("CNAME", garden, StringComparison.Ordinal);
    }

    [Fact]
    public void Rpz_ADisplayNameWithALineBreak_CannotInjectRecords()
    {
        var hostile = Host with { DisplayName = "x\nevil.test CNAME rpz-passthru." };

        var zone = RpzExport.Write([hostile], 1, "z", RpzPolicies.NxDomain, [], Now);

        Assert.DoesNotContain(zone.Split('\n'), l => l.StartsWith("evil.test", StringComparison.Ordinal));
    }

    [Fact]
    public void Csv_QuotesAndDefusesFormulas()
    {
        var action = new PartnerAction
        {
            ActionId = "a9", PartnerId = "p1", CaseId = "x.test", Kind = "block", Domain = "x.test", DisplayName = "=HYPERLINK(\"evil\")", Scope = "host",
            Categories = ["nudify", "face-swap"], DecisionVersion = 1, Jws = "j", State = "applied", CreatedAt = Now, ExpiresAt = Now.AddDays(7), ApprovedBy = ["a, b"],
        };

        var lines = CsvExport.Write([action]).Split("\r\n");

        Assert.Equal(CsvExport.Header, lines[0]);
        Assert.Equal("x.test,\"'=HYPERLINK(\"\"evil\"\")\",block,host,nudify;face-swap,x.test,2026-11-30T08:00:00Z,\"a, b\",p1,applied,a9", lines[1]);
    }

    [Fact]
    public void Stix_BundleHasTheRequiredPropertiesAndValidPatterns()
    {
        var bundle = StixExport.Write([Host, Whole], "Regulator X", Now);

        Assert.Equal("bundle", (string?)bundle["type"]);
        Assert.Matches(IdPattern(), (string)bundle["id"]!);
        var objects = bundle["objects"]!.AsArray().Select(o => o!.AsObject()).ToList();
        var identity = Assert.Single(objects, o => (string?)o["type"] == "identity");
        var indicators = objects.Where(o => (string?)o["type"] == "indicator").ToList();
        Assert.Equal(2, indicators.Count);
        foreach (var o in objects)
        {
            foreach (var required in new[] { "type", "spec_version", "id", "created", "modified" }) Assert.NotNull(o[required]);
            Assert.Equal("2.1", (string?)o["spec_version"]);
            Assert.StartsWith((string)o["type"]! + "--", (string)o["id"]!, StringComparison.Ordinal);
            Assert.Matches(IdPattern(), (string)o["id"]!);
            Assert.Matches(TimestampPattern(), (string)o["created"]!);
        }
        foreach (var indicator in indicators)
        {
            foreach (var required in new[] { "pattern", "pattern_type", "valid_from" }) Assert.NotNull(indicator[required]);
            Assert.Equal("stix", (string?)indicator["pattern_type"]);
            Assert.Equal(identity["id"]!.ToString(), indicator["created_by_ref"]!.ToString());
            Assert.True(StixPattern.IsValid((string)indicator["pattern"]!), (string)indicator["pattern"]!);
        }
        Assert.Equal("[domain-name:value = 'app.undress.test' OR domain-name:value = 'undress.test']", (string?)indicators[0]["pattern"]);
        Assert.Equal("[domain-name:value = 'xn--fsqu00a.test' OR domain-name:value LIKE '%.xn--fsqu00a.test']", (string?)indicators[1]["pattern"]);
        Assert.Equal(["face-swap", "voice-clone"], indicators[1]["labels"]!.AsArray().Select(l => (string)l!));
        // The same block exported again names the same indicator.
        Assert.Equal(indicators[0]["id"]!.ToString(), StixExport.Write([Host], "Regulator X", Now.AddDays(1))["objects"]![1]!["id"]!.ToString());
    }

    [Theory]
    [InlineData("[domain-name:value = x.test]")]
    [InlineData("domain-name:value = 'x.test'")]
    [InlineData("[domain-name:value = 'x.test'")]
    [InlineData("[domain-name:value = 'x\\q']")]
    [InlineData("[domain-name = 'x.test']")]
    [InlineData("[domain-name:value ~ 'x.test']")]
    public void StixPatternChecker_RefusesWhatTheGrammarDoesNot(string pattern) => Assert.False(StixPattern.IsValid(pattern));

    [Fact]
    public void NameUuid_IsAVersion5Uuid()
    {
        var id = StixExport.NameUuid("x").ToString();

        Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", id);
        Assert.Equal(id, StixExport.NameUuid("x").ToString());
    }

    [Fact]
    public void Xarf_HasTheCoreContentAndFraudFields()
    {
        var action = new PartnerAction
        {
            ActionId = "a7", PartnerId = "p1", CaseId = "undress.test", Kind = "deregister", Domain = "undress.test", DisplayName = "undress.test", Scope = "registrable-domain",
            Categories = ["nudify"], DecisionVersion = 1, Jws = "j", State = "dispatched", CreatedAt = Now, ExpiresAt = Now.AddDays(7), ApprovedBy = ["alice", "bob"],
        };

        var report = XarfExport.Write(action, null, new ActionOptions { ReporterOrg = "Regulator", ReporterContact = "abuse@regulator.example", ReporterDomain = "regulator.example" }, Now);

        foreach (var required in new[] { "xarf_version", "report_id", "timestamp", "reporter", "sender", "source_identifier", "category", "type", "url", "fraud_type" })
        {
            Assert.NotNull(report[required]);
        }
        Assert.Matches(@"^4\.[0-9]+\.[0-9]+$", (string)report["xarf_version"]!);
        Assert.True(Guid.TryParse((string)report["report_id"]!, out _));
        Assert.True(DateTimeOffset.TryParse((string)report["timestamp"]!, CultureInfo.InvariantCulture, out _));
        Assert.Equal(("content", "fraud", "other"), ((string?)report["category"], (string?)report["type"], (string?)report["fraud_type"]));
        foreach (var contact in new[] { report["reporter"]!.AsObject(), report["sender"]!.AsObject() })
        {
            Assert.Equal(["contact", "domain", "org"], contact.Select(p => p.Key).Order());
        }
        var evidence = Assert.Single(report["evidence"]!.AsArray())!.AsObject();
        Assert.Matches("^sha256:[a-f0-9]{64}$", (string)evidence["hash"]!);
        Assert.Contains("\"caseId\":\"undress.test\"", System.Text.Encoding.UTF8.GetString(Convert.FromBase64String((string)evidence["payload"]!)), StringComparison.Ordinal);
        Assert.All(report["tags"]!.AsArray(), t => Assert.Matches("^[a-z0-9][a-z0-9_+-]*:[a-z0-9][a-z0-9_+-.]*$", (string)t!));
    }

    [GeneratedRegex("^[a-z][a-z0-9-]+--[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")]
    private static partial Regex IdPattern();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")]
    private static partial Regex TimestampPattern();
}
