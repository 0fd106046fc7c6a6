using System.Net;
using System.Text;
using DomainScreen.Core.Fetching;
using DomainScreen.Core.Tests.Domains;
using Microsoft.Extensions.Options;

namespace DomainScreen.Core.Tests.Fetching;

/// <summary>Redirect handling over a scripted handler (the HTTP seam); the lab tests cover real servers.</summary>
public sealed class PageFetcherRedirectTests
{
    private sealed class ScriptedHandler(Dictionary<string, Func<HttpResponseMessage>> routes) : HttpMessageHandler
    {
        public List<string> Requested { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var url = request.RequestUri!.AbsoluteUri;
            Requested.Add(url);
            if (routes.TryGetValue(url, out var respond)) return Task.FromResult(respond());
            if (url.StartsWith("https://", StringComparison.Ordinal))
            {
                throw new HttpRequestException(HttpRequestError.SecureConnectionError, "no TLS here");
            }
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.NotFound) { Content = new StringContent("nf") });
        }
    }

    private static HttpResponseMessage Redirect(string location, HttpStatusCode code = HttpStatusCode.Found) =>
        new(code) { Headers = { Location = new Uri(location, UriKind.RelativeOrAbsolute) } };

    private static HttpResponseMessage Page(string html) =>
        new(HttpStatusCode.OK) { Content = new StringContent(html, Encoding.UTF8, "text/html") };

    private static async Task<(FetchEvidence Evidence, ScriptedHandler Handler)> Fetch(string domain, Dictionary<string, Func<HttpResponseMessage>> routes, int maxRedirects = 5)
    {
        var handler = new ScriptedHandler(routes);
        using var tls = new TlsObservations();
        var fetcher = new PageFetcher(new HttpClient(handler), TestSuffixes.Parser, tls, Options.Create(new FetchOptions { MaxRedirects = maxRedirects }));
        var evidence = await fetcher.FetchAsync(TestSuffixes.Parser.Parse(domain), null, CancellationToken.None);
        return (evidence, handler);
    }

    [Fact]
    public async Task RelativeAndAbsoluteRedirects_AreFollowedAndRecorded()
    {
        var (e, _) = await Fetch("a.example.com", new()
        {
            ["http://a.example.com/"] = () => Redirect("/step?x=1"),
            ["http://a.example.com/step?x=1"] = () => Redirect("https://www.example.com/final", HttpStatusCode.MovedPermanently),
            ["https://www.example.com/final"] = () => Page("<title>done</title>"),
        });

        Assert.Equal(FetchOutcomes.Ok, e.Outcome);
        Assert.Equal("https://www.example.com/final", e.FinalUrl);
        Assert.Equal("done", e.Title);
        Assert.Equal([302, 301, 200], e.Attempts[^1].Hops.Select(h => h.Status));
        Assert.False(e.CrossDomainRedirect);
    }

    [Fact]
    public async Task RedirectToAnotherRegistrableDomain_IsMarkedCrossDomain()
    {
        var (e, _) = await Fetch("shop.example.com", new()
        {
            ["http://shop.example.com/"] = () => Redirect("http://landing.other.cn/"),
            ["http://landing.other.cn/"] = () => Page("<title>elsewhere</title>"),
        });

        Assert.True(e.CrossDomainRedirect);
        Assert.True(e.Attempts[^1].Hops[^1].CrossDomain);
    }

    [Fact]
    public async Task Loop_IsDetectedBeforeTheLimit()
    {
        var (e, handler) = await Fetch("loop.example.com", new()
        {
            ["http://loop.example.com/"] = () => Redirect("/a"),
            ["http://loop.example.com/a"] = () => Redirect("/b"),
            ["http://loop.example.com/b"] = () => Redirect("/a"),
        });

        Assert.Equal(FetchOutcomes.RedirectLoop, e.Outcome);
        Assert.Equal(3, handler.Requested.Count(u => u.StartsWith("http://", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task TooManyRedirects_StopsAtTheLimit()
    {
        var routes = new Dictionary<string, Func<HttpResponseMessage>>();
        routes["http://long.example.com/"] = () => Redirect("/1");
        for (var i = 1; i < 20; i++)
        {
            var next = i + 1;
            routes[$"http://long.example.com/{i}"] = () => Redirect($"/{next}");
        }

        var (e, handler) = await Fetch("long.example.com", routes, maxRedirects: 3);

        Assert.Equal(FetchOutcomes.TooManyRedirects, e.Outcome);
        Assert.Equal(4, handler.Requested.Count(u => u.StartsWith("http://", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("ftp://files.example.com/x")]
    [InlineData("javascript:alert(1)")]
    [InlineData("file:///etc/passwd")]
    [InlineData("http://user:pass@example.com/")]
    public async Task NonHttpOrCredentialRedirect_IsRefused(string location)
    {
        var (e, handler) = await Fetch("x.example.com", new() { ["http://x.example.com/"] = () => Redirect(location) });

        Assert.Equal(FetchOutcomes.InvalidRedirect, e.Outcome);
        Assert.Single(handler.Requested, u => u.StartsWith("http://", StringComparison.Ordinal));
    }

    [Fact]
    public async Task HttpsFailure_FallsBackToHttp()
    {
        var (e, _) = await Fetch("plain.example.com", new() { ["http://plain.example.com/"] = () => Page("<title>plain</title>") });

        Assert.Equal(["https://plain.example.com/", "http://plain.example.com/"], e.Attempts.Select(a => a.Url));
        Assert.Equal(FetchOutcomes.TlsFailure, e.Attempts[0].Outcome);
        Assert.Equal(FetchOutcomes.Ok, e.Outcome);
    }

    [Fact]
    public async Task BodyOverCap_IsTruncatedAtCap()
    {
        var handler = new ScriptedHandler(new() { ["http://big.example.com/"] = () => Page(new string('x', 10_000)) });
        using var tls = new TlsObservations();
        var fetcher = new PageFetcher(new HttpClient(handler), TestSuffixes.Parser, tls, Options.Create(new FetchOptions { MaxBodyBytes = 4096 }));

        var e = await fetcher.FetchAsync(TestSuffixes.Parser.Parse("big.example.com"), null, CancellationToken.None);

        Assert.True(e.Truncated);
        Assert.Equal(4096, e.BodyBytes);
        Assert.Equal(4096, e.RawBody.Length);
    }
}
