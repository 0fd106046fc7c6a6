using DomainScreen.Core.Api;
using DomainScreen.Core.Dns;
using DomainScreen.Core.Domains;
using DomainScreen.Core.Screening;
using DomainScreen.Core.Storage;
using DomainScreen.Core.Submissions;
using DomainScreen.Core.Sweeps;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace DomainScreen.Core;

public static class ServiceCollectionExtensions
{
    /// <summary>Registers every Core service and validated option; both hosts call this and nothing else.</summary>
    public static IServiceCollection AddDomainScreening(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(TimeProvider.System);

        services.AddOptions<DomainOptions>().BindConfiguration(DomainOptions.Section).ValidateOnStart();
        services.AddOptions<DnsOptions>().BindConfiguration(DnsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ScreeningOptions>().BindConfiguration(ScreeningOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SubmissionOptions>().BindConfiguration(SubmissionOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SweepOptions>().BindConfiguration(SweepOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<StorageOptions>()
            .Configure(o => BindStorage(o, configuration))
            .Validate(o => !o.Validate().Any(), "Storage is not configured: set AzureWebJobsStorage to a connection string, " +
                "or AzureWebJobsStorage__blobServiceUri, __queueServiceUri and __tableServiceUri.")
            .ValidateOnStart();

        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<DomainOptions>>().Value;
            return PublicSuffixList.Load(PublicSuffixList.ResolvePath(o.PublicSuffixListPath), o.IncludePrivateSuffixes, o.ExtraSuffixes);
        });
        services.AddSingleton<DomainParser>();

        services.AddSingleton<IDnsResolver, DnsClientResolver>();
        services.AddSingleton<DnsEvidenceCollector>();

        services.AddSingleton<StorageClients>();
        services.AddHostedService<StorageBootstrap>();
        services.AddSingleton<ResultStore>();
        services.AddSingleton<SubmissionStore>();
        services.AddSingleton<CandidateStore>();
        services.AddSingleton<SweepStore>();
        services.AddSingleton<ScreenRequestSender>();

        services.AddSingleton<DomainScreener>();
        services.AddSingleton<ScreenBatchProcessor>();
        services.AddSingleton<SubmissionParser>();
        services.AddSingleton<SubmissionService>();
        services.AddSingleton<SweepService>();

        services.AddSingleton<CallerAuthenticator>();
        services.AddSingleton<DomainScreenApi>();
        return services;
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
}
