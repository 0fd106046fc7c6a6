using DomainScreen.Core;
using DomainScreen.Core.Api;
using DomainScreen.Core.Sweeps;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.WebJobs;
using Microsoft.Azure.WebJobs.Host;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

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
    };

    public static WebApplication Build(IReadOnlyDictionary<string, string?> settings, string url = DefaultUrl, string[]? args = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args ?? [], ContentRootPath = AppContext.BaseDirectory });
        // Defaults sit below every other source; explicit settings above all of them.
        builder.Configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource { InitialData = Defaults });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.WebHost.UseUrls(url);

        builder.Services.AddDomainScreening(builder.Configuration);
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

    /// <summary>The same routes and verbs as the Functions app.</summary>
    public static void MapRoutes(IEndpointRouteBuilder app)
    {
        app.MapPost("/api/submissions", (HttpRequest r, DomainScreenApi api, CancellationToken ct) =>
            Write(api.SubmitAsync(r.ToApiRequest(), ct)));
        app.MapGet("/api/submissions/{id}", (HttpRequest r, string id, DomainScreenApi api, CancellationToken ct) =>
            Write(api.GetSubmissionAsync(r.ToApiRequest(), id, ct)));
        app.MapGet("/api/domains/{domain}", (HttpRequest r, string domain, DomainScreenApi api, CancellationToken ct) =>
            Write(api.GetDomainAsync(r.ToApiRequest(), domain, ct)));
        app.MapPost("/api/sweeps", (HttpRequest r, DomainScreenApi api, CancellationToken ct) =>
            Write(api.StartSweepAsync(r.ToApiRequest(), ct)));
        app.MapGet("/api/sweeps/{id}", (HttpRequest r, string id, DomainScreenApi api, CancellationToken ct) =>
            Write(api.GetSweepAsync(r.ToApiRequest(), id, ct)));
        app.MapGet("/api/health", (DomainScreenApi api, CancellationToken ct) => Write(api.HealthAsync(ct)));
    }

    private static async Task<IResult> Write(Task<ApiResult> pending)
    {
        var result = await pending.ConfigureAwait(false);
        return new ApiHttpResult(result);
    }

    private sealed class ApiHttpResult(ApiResult result) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext) => result.WriteToAsync(httpContext.Response);
    }

    private sealed class FixedTypeLocator(params Type[] types) : ITypeLocator
    {
        public IReadOnlyList<Type> GetTypes() => types;
    }
}
