using DomainScreen.Core;
using DomainScreen.Core.Api;
using DomainScreen.Core.Sweeps;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.WebJobs;
using Microsoft.Azure.WebJobs.Host;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DomainScreen.Local.Hosting;

/// <summary>
/// <c>domainscreen serve</c>: the Functions app's behaviour on one machine. ASP.NET Core serves the same
/// <c>/api/...</c> routes; the WebJobs SDK (the trigger engine inside the Functions host) runs the same queue and
/// timer triggers with host.json's queue settings.
/// </summary>
public static class LocalRuntime
{
    public const string DefaultUrl = "http://127.0.0.1:7071";

    /// <summary>Settings the local runtime assumes unless configuration says otherwise.</summary>
    public static readonly IReadOnlyDictionary<string, string?> Defaults = new Dictionary<string, string?>
    {
        ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
        ["Sweep:Schedule"] = SweepOptions.DefaultSchedule,
        ["Auth:Mode"] = AuthOptions.ApiKeysMode,
        ["Logging:LogLevel:Default"] = "Information",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        ["Logging:LogLevel:Azure"] = "Warning",
        ["Logging:LogLevel:Azure.Core"] = "Error",
        ["Logging:LogLevel:Host"] = "Warning",
        ["Logging:LogLevel:Function"] = "Warning",
        ["Logging:LogLevel:Microsoft.Azure.WebJobs"] = "Warning",
        ["Logging:LogLevel:System.Net.Http.HttpClient"] = "Warning",
        ["Logging:LogLevel:Polly"] = "Warning",
        // A failed start is reported once, as one line, by the command (not again as a stack trace by the host).
        ["Logging:LogLevel:Microsoft.Extensions.Hosting.Internal.Host"] = "None",
    };

    /// <param name="extraSettingsFile">A JSON settings file (serve's keys) read above the defaults and below environment variables.</param>
    /// <param name="configure">Extra service registrations after the service's own (fault-injection tests).</param>
    public static WebApplication Build(IReadOnlyDictionary<string, string?> settings, string url = DefaultUrl, string[]? args = null,
        string? extraSettingsFile = null, Action<IServiceCollection>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args ?? [], ContentRootPath = AppContext.BaseDirectory });
        // Defaults sit below every other source; explicit settings above all of them.
        builder.Configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource { InitialData = Defaults });
        if (extraSettingsFile is not null && File.Exists(extraSettingsFile))
        {
            var file = new ConfigurationBuilder().AddJsonFile(extraSettingsFile).Build().AsEnumerable().ToDictionary(kv => kv.Key, kv => kv.Value);
            builder.Configuration.Sources.Insert(1, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource { InitialData = file });
        }
        builder.Configuration.AddInMemoryCollection(settings);
        builder.WebHost.UseUrls(url);

        builder.Services.AddDomainScreening(builder.Configuration);
        configure?.Invoke(builder.Services);
        // The WebJobs queue extension makes its storage clients through Microsoft.Extensions.Azure's component factory,
        // which applies these defaults. A listener request that fails all its retries is fatal to the WebJobs host (it
        // ends the process): with the SDK's three tries 0.8 s apart, doubling, a storage restart longer than ≈ 6 s ended
        // serve (seen in CI, docs/reliability.md finding 23). Ten tries from 0.5 s, at most 8 s apart, ride out ≈ 60 s.
        builder.Services.AddAzureClients(clients => clients.ConfigureDefaults(options => StorageOutageRetry.Apply(options.Retry)));
        builder.Host.ConfigureWebJobs(webJobs =>
        {
            webJobs.AddAzureStorageQueues(o => HostJsonQueues.Apply(o, builder.Configuration));
            webJobs.AddTimers();
        });
        // Without Microsoft.Azure.WebJobs.Host.Storage (no build matches WebJobs 3.0.48 here) the queue
        // extension needs this registration to start.
        builder.Services.AddSingleton<DistributedLockManagerContainerProvider>();
        builder.Services.AddSingleton<ITypeLocator>(new FixedTypeLocator(typeof(LocalTriggers)));

        var app = builder.Build();
        MapRoutes(app);
        return app;
    }

    /// <summary>
    /// Sets this process's heap limit from <c>Screening:HeapLimitMiB</c> (<see cref="Core.Screening.HeapLimit"/>) and logs
    /// what was decided. Called by the processes that screen (serve, the harness and its workers), never by tests that
    /// host several runtimes in one process.
    /// </summary>
    public static void LimitHeap(WebApplication app) =>
        app.Logger.LogInformation("Memory: {HeapLimit}", Core.Screening.HeapLimit.Apply(app.Configuration));

    /// <summary>
    /// The same routes as the Functions app: every <c>/api/…</c> request goes through Core's route table (JSON 404
    /// and 405 included), <c>/review/</c> is the review console; any other path is a JSON 404.
    /// </summary>
    public static void MapRoutes(IEndpointRouteBuilder app)
    {
        // Resolved per request, not here: a bad setting is then reported when the host starts (options validate on start).
        RequestDelegate dispatch = context => context.RequestServices.GetRequiredService<ApiRouter>().DispatchAsync(context);
        app.Map("/api/{**path}", dispatch);
        // The review console: static files embedded in Core, the same as the Functions app serves.
        RequestDelegate console = context => context.RequestServices.GetRequiredService<DomainScreen.Core.ReviewConsole.ConsoleAssets>().WriteAsync(context);
        app.Map("/review", console);
        app.Map("/review/{**path}", console);
        app.MapFallback(dispatch);
    }

    private sealed class FixedTypeLocator(params Type[] types) : ITypeLocator
    {
        public IReadOnlyList<Type> GetTypes() => types;
    }
}
