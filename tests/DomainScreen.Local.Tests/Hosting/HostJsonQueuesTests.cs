using Microsoft.Azure.WebJobs.Host;
using Microsoft.Extensions.Configuration;
using DomainScreen.Local.Hosting;

namespace DomainScreen.Local.Tests.Hosting;

public sealed class HostJsonQueuesTests
{
    [Fact]
    public void Apply_ReadsRootHostJson()
    {
        var options = new QueuesOptions();

        HostJsonQueues.Apply(options, new ConfigurationBuilder().Build());

        Assert.Equal(32, options.BatchSize);
        Assert.Equal(224, options.NewBatchThreshold);
        Assert.Equal(5, options.MaxDequeueCount);
        Assert.Equal(TimeSpan.FromSeconds(2), options.MaxPollingInterval);
    }

    [Fact]
    public void Apply_AppSettingOverridesFile()
    {
        var options = new QueuesOptions();
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureFunctionsJobHost:extensions:queues:maxDequeueCount"] = "2",
        }).Build();

        HostJsonQueues.Apply(options, config);

        Assert.Equal(2, options.MaxDequeueCount);
        Assert.Equal(32, options.BatchSize);
    }
}
