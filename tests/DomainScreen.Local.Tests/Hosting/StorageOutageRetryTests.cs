using Azure.Core;
using Azure.Storage.Queues;
using DomainScreen.Local.Hosting;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.DependencyInjection;

namespace DomainScreen.Local.Tests.Hosting;

public sealed class StorageOutageRetryTests
{
    [Fact]
    public async Task TheWebJobsQueueClients_RetryLongEnoughToRideOutAStorageRestart()
    {
        // The WebJobs queue extension asks this factory for its clients' options (a connection string gives it no
        // configuration section, so the defaults are what it gets): the listeners must outlast a restart of storage.
        await using var app = LocalRuntime.Build(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true" }, "http://127.0.0.1:0");

        var options = (QueueClientOptions)app.Services.GetRequiredService<AzureComponentFactory>().CreateClientOptions(typeof(QueueClientOptions), null!, null!);

        Assert.Equal((RetryMode.Exponential, 10, TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(8)),
            (options.Retry.Mode, options.Retry.MaxRetries, options.Retry.Delay, options.Retry.MaxDelay));
        var window = Enumerable.Range(0, options.Retry.MaxRetries).Sum(k => Math.Min(options.Retry.MaxDelay.TotalSeconds, options.Retry.Delay.TotalSeconds * Math.Pow(2, k)));
        Assert.True(window >= 50, $"retries span {window:0.#} s");
    }
}
