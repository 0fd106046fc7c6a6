using System.Text;
using Azure.Storage.Queues.Models;
using DomainScreen.Core;
using DomainScreen.Core.Api;
using DomainScreen.Core.Dns;
using DomainScreen.Core.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace DomainScreen.Functions.Tests.Support;

/// <summary>
/// Real Core services against the shared Azurite, each harness with its own queue names so tests do not see each
/// other's messages. DNS is the only fake: the scripted resolver at the IDnsResolver seam.
/// </summary>
public sealed class FunctionsHarness : IAsyncDisposable
{
    public const string AnalystKey = "analyst-key", AdminKey = "admin-key", ReaderKey = "reader-key", ReviewerKey = "reviewer-key",
        Reviewer2Key = "reviewer2-key", PartnerKey = "partner-key";

    private readonly ServiceProvider _services;

    public FunctionsHarness(AzuriteFixture azurite, IDnsResolver dns, IDictionary<string, string?>? extra = null, Action<IServiceCollection>? configure = null)
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var settings = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["Storage:SweepQueue"] = "sweep-" + suffix,
            ["Storage:PriorityQueue"] = "priority-" + suffix,
            // Tables of their own, so one test's candidates, cases or sweeps are not another's (pass the same prefix in
            // `extra` to share them, e.g. two partners of one deployment).
            ["Storage:TablePrefix"] = "t" + suffix,
            ["Storage:ActionsQueue"] = "actions-" + suffix,
            ["Storage:SweepStartQueue"] = "starts-" + suffix,
            ["Auth:Mode"] = AuthOptions.ApiKeysMode,
            ["Domains:ExtraSuffixes:0"] = "test",
            ["Submissions:MaxLines"] = "50",
            ["Screening:DomainsPerMessage"] = "3",
            ["Actions:SigningKeyDirectory"] = Path.Combine(Path.GetTempPath(), "ds-harness-keys"),
        };
        AddKey(settings, 0, AnalystKey, Roles.Analyst);
        AddKey(settings, 1, AdminKey, Roles.Admin);
        AddKey(settings, 2, ReaderKey, Roles.Reader);
        AddKey(settings, 3, ReviewerKey, Roles.Reviewer);
        AddKey(settings, 4, Reviewer2Key, Roles.Reviewer, "reviewer2-user");
        AddKey(settings, 5, PartnerKey, Roles.Partner);
        settings["Auth:ApiKeys:5:PartnerId"] = "telecom-a";
        foreach (var (k, v) in extra ?? new Dictionary<string, string?>()) settings[k] = v;

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton<IConfiguration>(configuration);
        services.AddDomainScreening(configuration);
        services.AddSingleton(dns);
        services.AddSingleton<TimeProvider>(Time);
        configure?.Invoke(services);
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        Storage = _services.GetRequiredService<StorageClients>();
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 25, 18, 0, 5, TimeSpan.Zero));

    /// <summary>This harness's table prefix.</summary>
    public string TablePrefix => Get<Microsoft.Extensions.Options.IOptions<StorageOptions>>().Value.TablePrefix;

    public StorageClients Storage { get; }

    public T Get<T>() where T : notnull => _services.GetRequiredService<T>();

    public T Create<T>() => ActivatorUtilities.CreateInstance<T>(_services);

    public Task InitializeAsync() => Storage.EnsureCreatedAsync();

    public static HttpRequest Request(string method, string path, string? body = null, string? contentType = null, string? key = null,
        IDictionary<string, string>? headers = null)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        var query = path.IndexOf('?', StringComparison.Ordinal);
        // Decoded once, as Kestrel and the Functions host do (a route value is never decoded again).
        context.Request.Path = PathString.FromUriComponent(query < 0 ? path : path[..query]);
        if (query >= 0) context.Request.QueryString = new QueryString(path[query..]);
        foreach (var (name, value) in headers ?? new Dictionary<string, string>()) context.Request.Headers[name] = value;
        if (body is not null)
        {
            var bytes = Encoding.UTF8.GetBytes(body);
            context.Request.Body = new MemoryStream(bytes);
            context.Request.ContentLength = bytes.Length;
            context.Request.ContentType = contentType;
        }
        if (key is not null) context.Request.Headers.Authorization = "Bearer " + key;
        context.Response.Body = new MemoryStream();
        return context.Request;
    }

    /// <summary>Runs the action result the way the Functions host does and returns status, body and headers.</summary>
    public static async Task<(int Status, string Body, IHeaderDictionary Headers)> Execute(HttpRequest request, IActionResult result)
    {
        await result.ExecuteResultAsync(new ActionContext(request.HttpContext, new RouteData(), new ActionDescriptor()));
        var response = request.HttpContext.Response;
        response.Body.Position = 0;
        using var reader = new StreamReader(response.Body);
        return (response.StatusCode, await reader.ReadToEndAsync(), response.Headers);
    }

    /// <summary>One HTTP call through the Functions app's API trigger (the route table), as the host would make it.</summary>
    public async Task<(int Status, string Body, IHeaderDictionary Headers)> Http(string method, string path, string? body = null, string? contentType = null,
        string? key = null, IDictionary<string, string>? headers = null)
    {
        var request = Request(method, path, body, contentType, key, headers);
        return await Execute(request, await Create<ApiFunctions>().Api(request, CancellationToken.None));
    }

    public Task<List<QueueMessage>> DrainAsync(bool priority) => DrainAsync(priority ? Storage.PriorityQueue : Storage.SweepQueue);

    /// <summary>Takes every message off <paramref name="queue"/> (received and deleted), oldest first.</summary>
    public static async Task<List<QueueMessage>> DrainAsync(Azure.Storage.Queues.QueueClient queue)
    {
        var all = new List<QueueMessage>();
        while (true)
        {
            QueueMessage[] batch = (await queue.ReceiveMessagesAsync(32)).Value;
            if (batch.Length == 0) return all;
            all.AddRange(batch);
            foreach (var m in batch) await queue.DeleteMessageAsync(m.MessageId, m.PopReceipt);
        }
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();

    private static void AddKey(Dictionary<string, string?> settings, int i, string key, string role, string? name = null)
    {
        settings[$"Auth:ApiKeys:{i}:Name"] = name ?? role + "-user";
        settings[$"Auth:ApiKeys:{i}:Sha256"] = CallerAuthenticator.HashKey(key);
        settings[$"Auth:ApiKeys:{i}:Roles:0"] = role;
    }
}
