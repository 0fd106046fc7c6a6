using System.CommandLine;
using System.Security.Cryptography;
using DomainScreen.Core.Api;
using DomainScreen.Local.Hosting;
using DomainScreen.Local.Lab;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;

namespace DomainScreen.Local.Cli;

/// <summary><c>domainscreen serve [--urls] [--lab]</c>: the local runtime until Ctrl+C.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var urls = new Option<string>("--urls") { Description = "Where the API listens.", DefaultValueFactory = _ => LocalRuntime.DefaultUrl };
        var lab = new Option<bool>("--lab") { Description = "Also start the lab and point DNS and fetching at it." };
        var command = new Command("serve", "Run the API routes and the queue and timer triggers on this machine (the Functions app's behaviour).")
        {
            urls, lab,
        };
        command.SetAction(async (parse, ct) => await RunAsync(parse.GetValue(urls)!, parse.GetValue(lab), ct).ConfigureAwait(false));
        return command;
    }

    private static async Task<int> RunAsync(string urls, bool withLab, CancellationToken cancellationToken)
    {
        var environment = new ConfigurationBuilder().AddEnvironmentVariables().Build();
        var connection = environment["AzureWebJobsStorage"] ?? LocalRuntime.Defaults["AzureWebJobsStorage"];
        await using var azurite = await LocalStorage.EnsureDevelopmentStorageAsync(connection, cancellationToken).ConfigureAwait(false);
        await using var world = withLab ? await LabWorld.StartAsync(cancellationToken).ConfigureAwait(false) : null;

        var settings = new Dictionary<string, string?>();
        if (world is not null)
        {
            foreach (var (k, v) in world.Settings) settings[k] = v;
            Console.Error.WriteLine($"Lab: DNS {world.Dns.Endpoint}, web 127.0.0.1:{world.Http.HttpPort}, {world.Manifest.Sites.Count} sites");
        }
        if ((environment["Auth:Mode"] ?? AuthOptions.ApiKeysMode) == AuthOptions.ApiKeysMode && environment.GetSection("Auth:ApiKeys").GetChildren().Any() is false)
        {
            var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_');
            settings["Auth:ApiKeys:0:Name"] = "local-operator";
            settings["Auth:ApiKeys:0:Sha256"] = CallerAuthenticator.HashKey(key);
            settings["Auth:ApiKeys:0:Roles:0"] = Roles.Admin;
            settings["Auth:ApiKeys:0:Roles:1"] = Roles.Analyst;
            Console.Error.WriteLine($"No Auth:ApiKeys configured: this session's admin key is {key}");
            Console.Error.WriteLine("  e.g. curl -H \"Authorization: Bearer <key>\" " + urls.TrimEnd('/') + "/api/health");
        }
        await using var app = LocalRuntime.Build(settings, urls);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        Console.Error.WriteLine($"DomainScreen local runtime on {urls} (Ctrl+C to stop)");
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C: fall through to an orderly stop.
        }
        await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        return 0;
    }
}
