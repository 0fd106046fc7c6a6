using DomainScreen.Core;
using DomainScreen.Core.Registration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DomainScreen.Local.Cli;

/// <summary>
/// Core services for commands that work without storage (<c>screen</c>, <c>inspect</c>): the same registrations as
/// the hosts, with in-process caches in place of the storage-backed ones.
/// </summary>
internal static class CliServices
{
    public static ServiceProvider Build(IReadOnlyDictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = LocalStorage.DevelopmentStorage })
            .AddEnvironmentVariables()
            .AddInMemoryCollection(settings)
            .Build();
        var services = new ServiceCollection();
        // Logs go to stderr, every level: stdout is the command's answer (`screen --json | jq` must see only JSON).
        services.AddLogging(b => b.AddSimpleConsole(o => o.SingleLine = true)
            .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace).SetMinimumLevel(LogLevel.Warning)
            .AddFilter("System.Net.Http", LogLevel.Error).AddFilter("Polly", LogLevel.Error));
        services.AddSingleton<IConfiguration>(configuration);
        services.AddDomainScreening(configuration);
        var memory = new MemoryRegistrationCache();
        services.AddSingleton<IRegistrationCache>(memory);
        services.AddSingleton<IBootstrapStore>(memory);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = false });
    }
}
