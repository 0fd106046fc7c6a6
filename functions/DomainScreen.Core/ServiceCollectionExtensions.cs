using DomainScreen.Core.Api;
using DomainScreen.Core.Audit;
using DomainScreen.Core.Review;
using DomainScreen.Core.Dns;
using DomainScreen.Core.Domains;
using DomainScreen.Core.Fetching;
using DomainScreen.Core.Fingerprints;
using DomainScreen.Core.Scoring;
using DomainScreen.Core.Registration;
using DomainScreen.Core.Screening;
using DomainScreen.Core.Storage;
using DomainScreen.Core.Submissions;
using DomainScreen.Core.Sweeps;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Microsoft.Extensions.Options;

namespace DomainScreen.Core;

public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Every options class and the configuration section it binds (app settings <c>Section__Property</c>).
    /// Infrastructure and sample-settings drift tests read this list.
    /// </summary>
    public static readonly IReadOnlyList<(Type Options, string Section)> OptionSections =
    [
        (typeof(DomainOptions), DomainOptions.Section),
        (typeof(DnsOptions), DnsOptions.Section),
        (typeof(ScreeningOptions), ScreeningOptions.Section),
        (typeof(SubmissionOptions), SubmissionOptions.Section),
        (typeof(SweepOptions), SweepOptions.Section),
        (typeof(FetchOptions), FetchOptions.Section),
        (typeof(RegistrationOptions), RegistrationOptions.Section),
        (typeof(CatalogOptions), CatalogOptions.Section),
        (typeof(AuthOptions), AuthOptions.Section),
        (typeof(ReviewOptions), ReviewOptions.Section),
        (typeof(Actions.ActionOptions), Actions.ActionOptions.Section),
        (typeof(Sources.SourceOptions), Sources.SourceOptions.Section),
        (typeof(StorageOptions), "Storage"),
    ];

    /// <summary>Registers every Core service and validated option; both hosts call this and nothing else.</summary>
    public static IServiceCollection AddDomainScreening(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(TimeProvider.System);

        services.AddOptions<DomainOptions>().BindConfiguration(DomainOptions.Section).ValidateOnStart();
        services.AddOptions<DnsOptions>().BindConfiguration(DnsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ScreeningOptions>().BindConfiguration(ScreeningOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SubmissionOptions>().BindConfiguration(SubmissionOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SweepOptions>().BindConfiguration(SweepOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<FetchOptions>().BindConfiguration(FetchOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<RegistrationOptions>().BindConfiguration(RegistrationOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ReviewOptions>().BindConfiguration(ReviewOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<Sources.SourceOptions>().BindConfiguration(Sources.SourceOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<Actions.ActionOptions>().BindConfiguration(Actions.ActionOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<StorageOptions>().Configure(o => BindStorage(o, configuration)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>();

        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<DomainOptions>>().Value;
            return PublicSuffixList.Load(PublicSuffixList.ResolvePath(o.PublicSuffixListPath), o.IncludePrivateSuffixes, o.ExtraSuffixes);
        });
        services.AddSingleton<DomainParser>();

        services.AddSingleton<IDnsResolver, DnsClientResolver>();
        services.AddSingleton<DnsEvidenceCollector>();

        services.AddFetching();
        services.AddSingleton<RdapBootstrap>();
        services.AddSingleton<WhoisClient>();
        services.AddSingleton<RegistrationLookup>();
        services.AddSingleton<IRegistrationCache, TableRegistrationCache>();
        services.AddSingleton<IBootstrapStore, BlobBootstrapStore>();

        services.AddSingleton<StorageClients>();
        services.AddSingleton<StorageRecovery>();
        services.AddHostedService<StorageWatchdog>();
        services.AddSingleton<EvidenceStore>();
        services.AddHostedService<StorageBootstrap>();
        services.AddSingleton<ResultStore>();
        services.AddSingleton<DigestStore>();
        services.AddSingleton<SubmissionStore>();
        services.AddSingleton<CandidateStore>();
        services.AddSingleton<SweepStore>();
        services.AddSingleton<IDomainCheckLog>(sp => sp.GetRequiredService<SweepStore>());
        services.AddSingleton<ScreenRequestSender>();

        services.AddOptions<CatalogOptions>().BindConfiguration(CatalogOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp => new CatalogProvider(sp.GetRequiredService<IOptions<CatalogOptions>>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<CatalogProvider>>(), sp.GetService<StorageClients>(), sp.GetService<AuditLog>()));
        services.AddSingleton<RiskScorer>();
        services.AddSingleton<DomainScreener>();
        services.AddSingleton<Rescoring.Rescorer>();
        services.AddSingleton<Rescoring.RescoreJob>();
        services.AddSingleton<ScreenSlots>();
        services.AddSingleton<PageMemory>();
        services.AddSingleton<ScreenBatchProcessor>();
        services.AddSingleton<SubmissionParser>();
        services.AddSingleton<SubmissionService>();
        services.AddSingleton<SweepService>();

        services.AddSingleton<AuditLog>();
        services.AddSingleton<ReviewAllowlist>();
        services.AddSingleton<CaseStore>();
        services.AddSingleton<CaseDirectory>();
        services.AddSingleton<CaseService>();
        services.AddSingleton<ISweepReviewView, CaseSweepView>();
        services.AddSingleton<SweepReporter>();

        // Partner actions: a decision consumer plans them, the actions queue dispatches them.
        services.AddSingleton<Actions.PartnerStore>();
        services.AddSingleton<Actions.ActionStore>();
        services.AddSingleton<Actions.LocalKeyRing>();
        services.AddSingleton<Actions.IActionSigner>(sp => sp.GetRequiredService<IOptions<Actions.ActionOptions>>().Value.KeyVaultUri is not null
            ? ActivatorUtilities.CreateInstance<Actions.KeyVaultSigner>(sp)
            : sp.GetRequiredService<Actions.LocalKeyRing>());
        services.AddSingleton<Actions.ActionPlanner>();
        services.AddSingleton<IReviewDecisionConsumer>(sp => sp.GetRequiredService<Actions.ActionPlanner>());
        services.AddSingleton<Actions.ActionDispatcher>();
        services.AddSingleton<Actions.PartnerActionService>();
        services.AddSingleton(sp => new Actions.ActionMaintenance(sp.GetRequiredService<CaseService>(), sp.GetRequiredService<Actions.PartnerActionService>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<Actions.ActionMaintenance>>()));

        // Result consumers: screening hands every stored batch to each of these, in this order. Progress comes
        // last: a batch counts as done once everything else has acted on it.
        services.AddSingleton<IScreeningResultConsumer, CaseOpener>();
        services.AddSingleton<Actions.BlockCheck>();
        services.AddSingleton<IScreeningResultConsumer>(sp => sp.GetRequiredService<Actions.BlockCheck>());
        services.AddSingleton<ISweepActionView>(sp => sp.GetRequiredService<Actions.BlockCheck>());
        services.AddSingleton<IScreeningResultConsumer, SubmissionProgress>();
        services.AddSingleton<IScreeningResultConsumer, SweepProgress>();

        // The route table: each feature's routes, gathered by the router both hosts call.
        services.AddSingleton<IApiRoutes, HealthRoutes>();
        services.AddSingleton<IApiRoutes, MeRoutes>();
        services.AddSingleton<IApiRoutes, Screening.EvidenceRoutes>();
        services.AddSingleton<IApiRoutes, Rescoring.RescoreRoutes>();
        services.AddSingleton<Calibration.Calibrator>();
        services.AddSingleton<IApiRoutes, Calibration.CalibrationRoutes>();
        services.AddSingleton<ReviewConsole.ConsoleAssets>();
        services.AddSingleton<IApiRoutes, SubmissionRoutes>();
        services.AddSingleton<IApiRoutes, DomainRoutes>();
        services.AddSingleton<IApiRoutes, SweepRoutes>();
        services.AddSingleton<IApiRoutes, CandidateRoutes>();
        services.AddSingleton<Sources.FeedProcessor>();
        services.AddSingleton<Sources.LookalikeScanner>();
        services.AddSingleton<Sources.CtFollower>();
        // CT logs are fetched through the same SSRF guard as screening (a log URL is configuration, but a guard on
        // every outbound fetch is the rule), without redirects.
        services.AddHttpClient(Sources.CtFollower.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(60))
            .ConfigurePrimaryHttpMessageHandler(sp => GuardedHandler(sp, LongLivedIdleTimeout))
            .RemoveAllLoggers();
        services.AddSingleton<IApiRoutes, Sources.SourceRoutes>();
        services.AddSingleton<IApiRoutes, CaseRoutes>();
        services.AddSingleton<IApiRoutes, AllowlistRoutes>();
        services.AddSingleton<IApiRoutes, AuditRoutes>();
        services.AddSingleton<IApiRoutes, Actions.ActionRoutes>();
        services.AddSingleton<Exports.ActiveBlocks>();
        services.AddSingleton<IApiRoutes, Exports.ExportRoutes>();
        services.AddSingleton<CallerAuthenticator>();
        services.AddSingleton<ApiRouter>();
        return services;
    }

    /// <summary>
    /// The guarded fetcher: a typed HttpClient on a SocketsHttpHandler whose ConnectCallback connects only to
    /// guard-approved addresses from our resolver, with the standard resilience pipeline keyed by authority.
    /// </summary>
    private static void AddFetching(this IServiceCollection services)
    {
        services.AddSingleton<TlsObservations>();
        services.AddSingleton<GuardedConnector>();
        // Resilience (Microsoft.Extensions.Http.Resilience): one retry only for a connection that broke before any
        // response (the guard's refusals and HTTP statuses are final), and the domain's time budget as a total
        // timeout. The circuit breaker is per authority with bounded memory (AuthorityCircuitBreaker) rather than
        // SelectPipelineByAuthority, whose registry keeps one pipeline per host forever.
        // No HttpClient request logs (RemoveAllLoggers): four Information lines and a logging scope per request — page,
        // favicon, probes, RDAP — that the default levels of a Functions host send on to Application Insights, while
        // each fetch's outcome is already evidence in the result (≈ 1 % of a filtered sweep's allocation; docs/benchmarks.md).
        services.AddHttpClient<PageFetcher>(c => c.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(sp => GuardedHandler(sp, ScreenedHostIdleTimeout))
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .RemoveAllLoggers()
            .AddResilienceHandler("fetch", (builder, context) =>
            {
                var total = TimeSpan.FromSeconds(context.ServiceProvider.GetRequiredService<IOptions<FetchOptions>>().Value.TotalTimeoutSeconds);
                builder.AddTimeout(total);
                builder.AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = 1,
                    Delay = TimeSpan.FromMilliseconds(200),
                    ShouldHandle = args => ValueTask.FromResult(IsTransientConnectFailure(args.Outcome.Exception)),
                });
            })
            .Services.AddSingleton<AuthorityCircuitBreaker>().AddTransient<AuthorityCircuitBreakerHandler>();
        services.AddHttpClient<PageFetcher>().AddHttpMessageHandler<AuthorityCircuitBreakerHandler>();
        services.AddHttpClient(RdapBootstrap.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(sp => GuardedHandler(sp, LongLivedIdleTimeout))
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .RemoveAllLoggers();
    }

    private static bool IsTransientConnectFailure(Exception? ex) =>
        ex is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError } h && h.InnerException is not FetchConnectException;

    /// <summary>
    /// How long a connection to a screened host stays open unused. A screen reuses its connection within a few seconds
    /// (landing page, favicon, probes) and then never again; at 30 s a sweep of 200 domains a second kept ≈ 6,000 idle
    /// connections open, each with its socket, buffers and per-host pool (5,681 were live in a heap dump of a 30k sweep).
    /// RDAP servers and CT logs, asked again and again, keep <see cref="LongLivedIdleTimeout"/>.
    /// </summary>
    private static readonly TimeSpan ScreenedHostIdleTimeout = TimeSpan.FromSeconds(3);

    private static readonly TimeSpan LongLivedIdleTimeout = TimeSpan.FromSeconds(30);

    private static SocketsHttpHandler GuardedHandler(IServiceProvider sp, TimeSpan idleTimeout)
    {
        var o = sp.GetRequiredService<IOptions<FetchOptions>>().Value;
        var tls = sp.GetRequiredService<TlsObservations>();
        return new SocketsHttpHandler
        {
            ConnectCallback = sp.GetRequiredService<GuardedConnector>().ConnectAsync,
            AllowAutoRedirect = false,
            AutomaticDecompression = System.Net.DecompressionMethods.All,
            MaxResponseHeadersLength = o.MaxResponseHeadersKiB,
            UseCookies = false,
            UseProxy = false,
            MaxConnectionsPerServer = 8,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            PooledConnectionIdleTimeout = idleTimeout,
            ConnectTimeout = TimeSpan.FromSeconds(o.ConnectTimeoutSeconds * 3),
            ResponseDrainTimeout = TimeSpan.FromSeconds(1),
            MaxResponseDrainSize = 64 * 1024,
            SslOptions = new System.Net.Security.SslClientAuthenticationOptions { RemoteCertificateValidationCallback = tls.Validate },
        };
    }

    // Reads the same keys the Functions host uses for AzureWebJobsStorage, so one setting configures both.
    private static void BindStorage(StorageOptions o, IConfiguration configuration)
    {
        configuration.GetSection("Storage").Bind(o);
        var name = o.Connection;
        var section = configuration.GetSection(name);
        o.ConnectionString ??= section.Value;
        o.BlobServiceUri ??= UriOrNull(section["blobServiceUri"]);
        o.QueueServiceUri ??= UriOrNull(section["queueServiceUri"]);
        o.TableServiceUri ??= UriOrNull(section["tableServiceUri"]);
        o.ClientId ??= section["clientId"];
    }

    private static Uri? UriOrNull(string? value) => Uri.TryCreate(value, UriKind.Absolute, out var uri) ? uri : null;

    private sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
    {
        public ValidateOptionsResult Validate(string? name, StorageOptions options) =>
            options.Validate().ToList() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
    }
}
