using DomainScreen.Core.Fetching;

namespace DomainScreen.Core.Tests.Fetching;

public sealed class FetchEvidenceTests
{
    [Fact]
    public void WithoutContent_DropsPageProbeAndFaviconContents_KeepsTheirHashesAndSizes()
    {
        var fetch = new FetchEvidence
        {
            Outcome = FetchOutcomes.Ok,
            BodyBytes = 3,
            BodySha256 = "page-hash",
            Body = "abc",
            RawBody = new byte[] { 1, 2, 3 },
            RawFavicon = new byte[] { 4 },
            Favicon = new FaviconEvidence("http://x.test/favicon.ico", 200, "image/x-icon", 1, "icon-hash", 42, FetchOutcomes.Ok),
            Probes = [new ProbeResult("/api/status", 200, "application/json", 2, "probe-hash", FetchOutcomes.Ok, "{}") { Body = "{}", RawBody = new byte[] { 5, 6 } }],
        };

        var light = fetch.WithoutContent();

        Assert.Null(light.Body);
        Assert.True(light.RawBody.IsEmpty);
        Assert.True(light.RawFavicon.IsEmpty);
        var probe = Assert.Single(light.Probes);
        Assert.Null(probe.Body);
        Assert.True(probe.RawBody.IsEmpty);
        Assert.Equal(("page-hash", 3, "icon-hash", "probe-hash", "{}"), (light.BodySha256, light.BodyBytes, light.Favicon!.Sha256, probe.Sha256, probe.Preview));
        Assert.Equal("abc", fetch.Body); // the original is not changed
    }
}
