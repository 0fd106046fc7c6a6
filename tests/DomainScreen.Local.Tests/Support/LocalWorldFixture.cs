using System.Globalization;
using System.Net.Http.Headers;
using DomainScreen.Core.Api;
using DomainScreen.Local.Hosting;
using DomainScreen.Local.Lab;
using Microsoft.AspNetCore.Builder;

namespace DomainScreen.Local.Tests.Support;

/// <summary>
/// The whole local stack once per test assembly: in-memory Azurite on free ports, the lab (DNS + web), and the
/// local runtime (ASP.NET Core routes + WebJobs triggers) pointed at both, with a poison threshold of 2.
/// </summary>
public sealed class LocalWorldFixture : IAsyncLifetime
{
    public const string AdminKey = "e2e-admin-key";
    public const string PartnerKey = "e2e-partner-key";
    public const string PartnerId = "e2e-partner";
    public const int MaxDequeueCount = 2;

    public AzuriteProcess Azurite { get; private set; } = null!;
    public LabWorld Lab { get; private set; } = null!;
    public WebApplication App { get; private set; } = null!;
    public HttpClient Http { get; private set; } = null!;
    public Uri BaseAddress { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Azurite = await AzuriteProcess.StartAsync();
        Lab = await LabWorld.StartAsync();
        var settings = new Dictionary<string, string?>(Lab.Settings)
        {
            ["AzureWebJobsStorage"] = Azurite.ConnectionString,
            ["Auth:ApiKeys:0:Name"] = "e2e",
            ["Auth:ApiKeys:0:Sha256"] = CallerAuthenticator.HashKey(AdminKey),
            ["Auth:ApiKeys:0:Roles:0"] = Roles.Admin,
            ["Auth:ApiKeys:0:Roles:1"] = Roles.Analyst,
            ["Auth:ApiKeys:1:Name"] = "e2e-partner",
            ["Auth:ApiKeys:1:Sha256"] = CallerAuthenticator.HashKey(PartnerKey),
            ["Auth:ApiKeys:1:Roles:0"] = Roles.Partner,
            ["Auth:ApiKeys:1:PartnerId"] = PartnerId,
            ["Actions:SigningKeyDirectory"] = Path.Combine(Path.GetTempPath(), "ds-e2e-keys-" + Guid.NewGuid().ToString("N")[..8]),
            ["AzureFunctionsJobHost:extensions:queues:maxDequeueCount"] = MaxDequeueCount.ToString(CultureInfo.InvariantCulture),
            ["AzureFunctionsJobHost:extensions:queues:maxPollingInterval"] = "00:00:00.200",
            ["AzureFunctionsJobHost:extensions:queues:visibilityTimeout"] = "00:00:00",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        BaseAddress = new Uri($"http://127.0.0.1:{FreePorts.Tcp()}");
        App = LocalRuntime.Build(settings, BaseAddress.ToString().TrimEnd('/'));
        await App.StartAsync();
        Http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        using var partner = new StringContent("""{"name":"E2E partner","kinds":["block","deregister"],"routes":{"all":true}}""", System.Text.Encoding.UTF8, "application/json");
        (await Http.PutAsync(new Uri("/api/partners/" + PartnerId, UriKind.Relative), partner)).EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        if (App is not null)
        {
            await App.StopAsync();
            await App.DisposeAsync();
        }
        if (Lab is not null) await Lab.DisposeAsync();
        if (Azurite is not null) await Azurite.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class LocalWorldCollection : ICollectionFixture<LocalWorldFixture>
{
    public const string Name = "local-world";
}
