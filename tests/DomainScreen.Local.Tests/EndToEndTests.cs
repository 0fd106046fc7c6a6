using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure.Storage.Queues;
using DomainScreen.Core;
using DomainScreen.Core.Dns;
using DomainScreen.Core.Storage;
using DomainScreen.Core.Submissions;
using DomainScreen.Local.Tests.Support;

namespace DomainScreen.Local.Tests;

/// <summary>serve + lab + Azurite: requests go through real HTTP, real queues, the WebJobs trigger and real DNS.</summary>
[Collection(LocalWorldCollection.Name)]
public sealed class EndToEndTests(LocalWorldFixture world)
{
    private async Task<SubmissionAccepted> SubmitAsync(string body)
    {
        using var response = await world.Http.PostAsync(new Uri("/api/submissions", UriKind.Relative), new StringContent(body, Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync(CoreJson.Default.SubmissionAccepted))!;
    }

    private Task<SubmissionStatus> WaitForSubmissionAsync(string id) =>
        Eventually.Until(
            async () => (await world.Http.GetFromJsonAsync(new Uri($"/api/submissions/{id}", UriKind.Relative), CoreJson.Default.SubmissionStatus))!,
            s => s.Pending == 0, what: $"submission {id} to finish");

    [Fact]
    public async Task Submission_ThroughPriorityQueue_StoresLabDnsEvidence()
    {
        var accepted = await SubmitAsync("news-daily.test\ngone-away.test\nwww.news-daily.test\nnot_valid.test\n");

        Assert.Equal("invalid-character", Assert.Single(accepted.Errors).Code);
        var done = await WaitForSubmissionAsync(accepted.SubmissionId);
        Assert.Equal(3, done.Completed);

        var news = (await world.Http.GetFromJsonAsync(new Uri("/api/domains/news-daily.test", UriKind.Relative), CoreJson.Default.DomainReport))!;
        Assert.Equal(["127.0.0.1"], news.Latest!.Dns!.Addresses);
        Assert.Equal(["ns1.lab-dns.test", "ns2.lab-dns.test"], news.Latest.Dns.Records(DnsRecordType.NS).Select(r => r.Value).Order());
        Assert.Contains(news.Latest.Dns.Records(DnsRecordType.MX), r => r.Value == "10 mail.news-daily.test");

        var gone = (await world.Http.GetFromJsonAsync(new Uri("/api/domains/gone-away.test", UriKind.Relative), CoreJson.Default.DomainReport))!;
        Assert.Equal(DnsOutcome.NxDomain, gone.Latest!.Dns!.Status);
        Assert.Equal("completed", gone.Latest.Status);

        var alias = (await world.Http.GetFromJsonAsync(new Uri("/api/domains/www.news-daily.test", UriKind.Relative), CoreJson.Default.DomainReport))!;
        Assert.Equal(["news-daily.test"], alias.Latest!.Dns!.CnameChain);
    }

    [Fact]
    public async Task WildcardZone_IsDetectedByTheProbe()
    {
        var accepted = await SubmitAsync("anything.wild-card.test");
        await WaitForSubmissionAsync(accepted.SubmissionId);

        var report = (await world.Http.GetFromJsonAsync(new Uri("/api/domains/anything.wild-card.test", UriKind.Relative), CoreJson.Default.DomainReport))!;

        Assert.True(report.Latest!.Dns!.Wildcard!.Answers);
        Assert.True(report.Latest.Dns.Wildcard.SameAsTarget);
    }

    [Fact]
    public async Task MalformedQueueMessage_EndsInPoisonQueue_HostKeepsWorking()
    {
        var queues = new QueueServiceClient(world.Azurite.ConnectionString, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        var poison = queues.GetQueueClient(StorageNames.PoisonQueue(StorageNames.PriorityQueue));
        var marker = "not-a-screen-request-" + Guid.NewGuid().ToString("N");
        await queues.GetQueueClient(StorageNames.PriorityQueue).SendMessageAsync(marker);

        await Eventually.Until(async () => (await poison.PeekMessagesAsync(32)).Value.Select(m => m.Body.ToString()).ToList(),
            bodies => bodies.Contains(marker), what: "the malformed message in the poison queue");

        using var health = await world.Http.GetAsync(new Uri("/api/health", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        var accepted = await SubmitAsync("city-bank.test");
        Assert.Equal(1, (await WaitForSubmissionAsync(accepted.SubmissionId)).Completed);
    }

    [Fact]
    public async Task InvalidSubmission_GetsSpecificErrorsAnd400()
    {
        using var response = await world.Http.PostAsync(new Uri("/api/submissions", UriKind.Relative),
            new StringContent("""["com.cn", "10.0.0.1", "*.foo.cn"]""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(["public-suffix", "ip-literal", "wildcard-not-allowed"],
            doc.RootElement.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("code").GetString()));
    }

    [Fact]
    public async Task Routes_WithoutKey_Are401_HealthIsOpen()
    {
        using var anonymous = new HttpClient { BaseAddress = world.BaseAddress };

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(new Uri("/api/domains/news-daily.test", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync(new Uri("/api/submissions", UriKind.Relative), new StringContent("a.test"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(new Uri("/api/health", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task OversizedBody_Is413()
    {
        var body = new string('a', 5 * 1024 * 1024);

        using var response = await world.Http.PostAsync(new Uri("/api/submissions", UriKind.Relative), new StringContent(body, Encoding.UTF8, "text/plain"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    // Two of the 500s found by hostile requests (docs/reliability.md), through real Kestrel.

    [Fact]
    public async Task ChunkedBodyWithAnOverflowingChunkSize_Is400WithTheErrorShape()
    {
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(world.BaseAddress.Host, world.BaseAddress.Port);
        var stream = tcp.GetStream();
        var request = $"POST /api/submissions HTTP/1.1\r\nHost: {world.BaseAddress.Authority}\r\nAuthorization: Bearer {LocalWorldFixture.AdminKey}\r\n" +
            "Content-Type: text/plain\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nFFFFFFFFFFFFFFFF\r\nexample.cn\r\n0\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var answer = await reader.ReadToEndAsync();

        Assert.StartsWith("HTTP/1.1 400", answer, StringComparison.Ordinal);
        // The server answers the next request as usual.
        Assert.Equal(HttpStatusCode.OK, (await world.Http.GetAsync(new Uri("/api/health", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task OneNameAndManyLongRejectedLines_IsAccepted_WithTheLineErrorsStoredBounded()
    {
        var junk = string.Join('\n', Enumerable.Range(0, 200).Select(i => new string((char)('一' + i), 300)));
        var body = "bounded-errors.test\n" + junk;

        using var response = await world.Http.PostAsync(new Uri("/api/submissions", UriKind.Relative), new StringContent(body, Encoding.UTF8, "text/plain"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync(CoreJson.Default.SubmissionAccepted))!.SubmissionId;
        using var status = await world.Http.GetAsync(new Uri($"/api/submissions/{id}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        Assert.True((await status.Content.ReadAsStringAsync()).Length < 1_000_000);
    }
}
