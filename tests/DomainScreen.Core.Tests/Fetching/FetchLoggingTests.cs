using System.Net;
using System.Net.Sockets;
using System.Text;
using DomainScreen.Core.Fetching;
using DomainScreen.Core.Registration;
using DomainScreen.Core.Sources;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace DomainScreen.Core.Tests.Fetching;

/// <summary>
/// The screening clients write no per-request HttpClient logs: at a Functions host's default levels those are four
/// Information lines for every page, favicon, probe and RDAP request, sent on to Application Insights. The services are
/// the real registrations (<c>AddDomainScreening</c>); the server is a socket on loopback.
/// </summary>
public sealed class FetchLoggingTests : IDisposable
{
    private readonly TcpListener _server = new(IPAddress.Loopback, 0);
    private readonly ServiceProvider _services;

    public FetchLoggingTests()
    {
        _server.Start();
        _ = Task.Run(ServeAsync);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
            ["Fetching:AllowLoopback"] = "true",
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddFakeLogging());
        services.AddSingleton<IConfiguration>(configuration);
        services.AddDomainScreening(configuration);
        _services = services.BuildServiceProvider();
    }

    private IEnumerable<string?> Categories => _services.GetFakeLogCollector().GetSnapshot().Select(r => r.Category);

    public void Dispose()
    {
        _services.Dispose();
        _server.Stop();
    }

    [Theory]
    [InlineData(nameof(PageFetcher))]
    [InlineData(RdapBootstrap.HttpClientName)]
    [InlineData(CtFollower.HttpClientName)]
    public async Task ARequestThroughAScreeningClient_WritesNoHttpClientLog_EvenAtTrace(string client)
    {
        using var http = _services.GetRequiredService<IHttpClientFactory>().CreateClient(client);

        var body = await http.GetStringAsync(new Uri($"http://127.0.0.1:{((IPEndPoint)_server.LocalEndpoint).Port}/"));

        Assert.Equal("ok", body);
        Assert.DoesNotContain(Categories, c => c != null && c.StartsWith("System.Net.Http.HttpClient", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AClientRegisteredWithTheDefaults_DoesLog_SoTheSinkWouldSeeThem()
    {
        // The control: the factory's default loggers do write to the fake collector at Trace.
        using var http = _services.GetRequiredService<IHttpClientFactory>().CreateClient("any-other");

        await http.GetStringAsync(new Uri($"http://127.0.0.1:{((IPEndPoint)_server.LocalEndpoint).Port}/"));

        Assert.Contains(Categories, c => c != null && c.StartsWith("System.Net.Http.HttpClient.any-other", StringComparison.Ordinal));
    }

    private async Task ServeAsync()
    {
        try
        {
            while (true)
            {
                var client = await _server.AcceptTcpClientAsync();
                _ = Task.Run(async () =>
                {
                    using (client)
                    {
                        var stream = client.GetStream();
                        var buffer = new byte[4096];
                        var read = 0;
                        while (read < buffer.Length && !Encoding.ASCII.GetString(buffer, 0, read).Contains("\r\n\r\n", StringComparison.Ordinal))
                        {
                            var n = await stream.ReadAsync(buffer.AsMemory(read));
                            if (n == 0) return;
                            read += n;
                        }
                        await stream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"));
                    }
                });
            }
        }
        catch (Exception ex) when (ex is ObjectDisposedException or SocketException)
        {
            // Stopped.
        }
    }
}
