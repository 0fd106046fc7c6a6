using DomainScreen.Core.Fetching;
using Microsoft.Extensions.Time.Testing;

namespace DomainScreen.Core.Tests.Fetching;

public sealed class AuthorityCircuitBreakerTests
{
    private sealed class Failing(bool fail) : HttpMessageHandler
    {
        public int Sent;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Sent++;
            return fail
                ? Task.FromException<HttpResponseMessage>(new HttpRequestException(HttpRequestError.ConnectionError, "refused"))
                : Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.OK));
        }
    }

    [Fact]
    public async Task RepeatedFailures_OpenTheCircuitForThatAuthorityOnly_ThenItCloses()
    {
        var time = new FakeTimeProvider();
        using var breaker = new AuthorityCircuitBreaker(time);
        var dead = new Failing(fail: true);
        using var deadClient = new HttpClient(new AuthorityCircuitBreakerHandler(breaker) { InnerHandler = dead });
        var alive = new Failing(fail: false);
        using var aliveClient = new HttpClient(new AuthorityCircuitBreakerHandler(breaker) { InnerHandler = alive });

        for (var i = 0; i < AuthorityCircuitBreaker.FailureThreshold; i++)
        {
            await Assert.ThrowsAsync<HttpRequestException>(() => deadClient.GetAsync(new Uri("http://dead.example.com/")));
        }
        var open = await Assert.ThrowsAsync<HttpRequestException>(() => deadClient.GetAsync(new Uri("http://dead.example.com/")));

        Assert.Equal(AuthorityCircuitBreaker.FailureThreshold, dead.Sent);
        Assert.IsType<FetchConnectException>(open.InnerException);
        Assert.True((await aliveClient.GetAsync(new Uri("http://alive.example.com/"))).IsSuccessStatusCode);

        time.Advance(TimeSpan.FromSeconds(31));
        await Assert.ThrowsAsync<HttpRequestException>(() => deadClient.GetAsync(new Uri("http://dead.example.com/")));
        Assert.Equal(AuthorityCircuitBreaker.FailureThreshold + 1, dead.Sent);
    }

    [Fact]
    public void ANewAuthoritysFailures_AreCounted_WhenTheBreakersMemoryIsFull()
    {
        var time = new FakeTimeProvider();
        using var breaker = new AuthorityCircuitBreaker(time);
        // A long sweep's worth of authorities that each failed once, recently: the memory is full.
        for (var i = 0; i < AuthorityCircuitBreaker.Entries; i++) breaker.Failed($"dead-{i}.example:80");

        for (var i = 0; i < AuthorityCircuitBreaker.FailureThreshold; i++) breaker.Failed("new-dead.example:80");

        Assert.True(breaker.IsOpen("new-dead.example:80"));
    }
}
