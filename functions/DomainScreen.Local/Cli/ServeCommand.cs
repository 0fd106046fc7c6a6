using System.CommandLine;
using DomainScreen.Core.Api;
using DomainScreen.Core.Audit;
using DomainScreen.Local.Hosting;
using DomainScreen.Local.Lab;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace DomainScreen.Local.Cli;

/// <summary><c>domainscreen serve [--urls] [--lab]</c>: the local runtime until Ctrl+C or SIGTERM.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var urls = new Option<string>("--urls") { Description = "Where the API listens.", DefaultValueFactory = _ => LocalRuntime.DefaultUrl };
        var lab = new Option<bool>("--lab") { Description = "Also start the lab and point DNS and fetching at it." };
        var stateDir = new Option<DirectoryInfo?>("--state-dir") { Description = "Where keys and Azurite's data are kept (default: DOMAINSCREEN_STATE_DIR, else .domainscreen/ in the checkout)." };
        var basePort = new Option<int>("--azurite-base-port")
        {
            Description = "With UseDevelopmentStorage=true: Azurite's blob port (queue +1, table +2), to run two local stacks side by side.",
            DefaultValueFactory = _ => LocalStorage.DefaultBasePort,
        };
        var memoryStorage = new Option<bool>("--memory-storage")
        {
            Description = "With UseDevelopmentStorage=true and no Azurite listening: start Azurite with its data in memory (gone when serve stops) "
                + "instead of on disk, where Azurite cannot save more than ≈ 512 MB of tables (≈ 75,000 screened domains).",
        };
        var command = new Command("serve", "Run the API routes and the queue and timer triggers on this machine (the Functions app's behaviour).")
        {
            urls, lab, stateDir, basePort, memoryStorage,
        };
        command.SetAction(async (parse, ct) => await RunAsync(parse.GetValue(urls)!, parse.GetValue(lab),
            parse.GetValue(stateDir) is { } dir ? new LocalState(dir.FullName) : LocalState.Default(), parse.GetValue(basePort), parse.GetValue(memoryStorage), ct)
            .ConfigureAwait(false));
        return command;
    }

    /// <summary>How often serve looks at the size of the table store of the Azurite it started.</summary>
    private static readonly TimeSpan CapacityCheck = TimeSpan.FromSeconds(15);

    private static async Task<int> RunAsync(string urls, bool withLab, LocalState state, int basePort, bool memoryStorage, CancellationToken cancellationToken)
    {
        var environment = new ConfigurationBuilder().AddEnvironmentVariables().Build();
        var connection = environment["AzureWebJobsStorage"] ?? LocalRuntime.Defaults["AzureWebJobsStorage"];
        LocalStorage.Choice storage;
        try
        {
            storage = await LocalStorage.ChooseAsync(connection, basePort, memoryStorage ? null : state.AzuriteData, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception or IOException)
        {
            Console.Error.WriteLine($"error: could not start Azurite: {ex.Message}");
            return 1;
        }
        await using var azurite = storage.Started;
        Console.Error.WriteLine($"Storage: {storage.Description}");
        await using var world = withLab ? await LabWorld.StartAsync(cancellationToken).ConfigureAwait(false) : null;

        var settings = new Dictionary<string, string?> { ["AzureWebJobsStorage"] = storage.ConnectionString };
        if (environment["Actions:SigningKeyDirectory"] is null && environment["Actions:KeyVaultUri"] is null) settings["Actions:SigningKeyDirectory"] = state.SigningKeys;
        if (world is not null)
        {
            foreach (var (k, v) in world.Settings) settings[k] = v;
            Console.Error.WriteLine($"Lab: DNS {world.Dns.Endpoint}, web 127.0.0.1:{world.Http.HttpPort}, {world.Manifest.Sites.Count} sites");
        }
        IReadOnlyList<string> created = [];
        var keysFromState = (environment["Auth:Mode"] ?? AuthOptions.ApiKeysMode) == AuthOptions.ApiKeysMode
            && !environment.GetSection("Auth:ApiKeys").GetChildren().Any();
        if (keysFromState)
        {
            created = state.EnsureKeys(urls);
            state.SaveUrl(urls);
        }

        await using var app = LocalRuntime.Build(settings, urls, extraSettingsFile: keysFromState ? state.SettingsPath : null);
        try
        {
            LocalRuntime.LimitHeap(app);
            app.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout = TimeSpan.FromSeconds(5);
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OptionsValidationException ex)
        {
            foreach (var failure in ex.Failures.Distinct())
            {
                Console.Error.WriteLine($"error: {Setting(failure)}");
            }
            return 1;
        }
        catch (IOException ex)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            return 1;
        }
        if (keysFromState)
        {
            Console.Error.WriteLine(created.Count > 0
                ? $"Created API keys for {string.Join(", ", created)} in {state.KeysPath} (owner-only); the CLI reads them from there."
                : $"API keys: {state.KeysPath} (reader, analyst, reviewer, admin, partner); the CLI reads them from there.");
            var audit = app.Services.GetRequiredService<AuditLog>();
            foreach (var role in created)
            {
                await audit.AppendAsync(new AuditRecord(Caller.System, "", AuditActions.KeyCreated, Target: "local-" + role,
                    After: new Dictionary<string, string?> { ["role"] = role, ["file"] = state.KeysPath }), cancellationToken).ConfigureAwait(false);
            }
        }
        if (world is not null && keysFromState) await RegisterLocalPartnerAsync(app.Services, cancellationToken).ConfigureAwait(false);
        Console.Error.WriteLine($"DomainScreen local runtime on {urls} (Ctrl+C to stop)");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, app.Lifetime.ApplicationStopping);
        // Ctrl+C or SIGTERM ends the wait (a cancelled task, not thrown by WhenAny); so does the Azurite serve started.
        var stopped = Task.Delay(Timeout.Infinite, stop.Token);
        var watching = azurite is null ? Task.CompletedTask : WatchCapacityAsync(azurite, stop.Token);
        var ended = await Task.WhenAny(azurite is null ? [stopped] : [stopped, azurite.Stopped]).ConfigureAwait(false);
        await stop.CancelAsync().ConfigureAwait(false);
        await watching.ConfigureAwait(false);
        if (azurite is not null && ended == azurite.Stopped)
        {
            Console.Error.WriteLine(AzuriteCapacity.Stopped(await azurite.Stopped.ConfigureAwait(false), azurite.TableStoreBytes(), azurite.RecentOutput, azurite.Location));
            // No orderly stop: it would hand the messages being screened back to a queue that is gone, and the WebJobs SDK
            // ends the process on that failure with an unhandled exception. Those messages come back by themselves when
            // Azurite runs again (their visibility timeout ends); what they wrote is kept as far as Azurite saved it.
            Environment.Exit(1);
        }
        Console.Error.WriteLine("Stopping...");
        await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        return 0;
    }

    /// <summary>Warns as the on-disk table store of the Azurite serve started nears what Azurite can save; ends with <paramref name="cancellationToken"/>.</summary>
    private static async Task WatchCapacityAsync(AzuriteProcess azurite, CancellationToken cancellationToken)
    {
        if (azurite.Location is null) return;
        var warned = 0;
        using var timer = new PeriodicTimer(CapacityCheck, TimeProvider.System);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                if (AzuriteCapacity.Warning(azurite.TableStoreBytes(), ref warned) is { } warning) Console.Error.WriteLine(warning);
            }
        }
        catch (OperationCanceledException)
        {
            // serve is stopping.
        }
    }

    /// <summary>With the lab, the local partner key's partner receives every block and deregister (an admin can change it).</summary>
    private static async Task RegisterLocalPartnerAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var partners = services.GetRequiredService<DomainScreen.Core.Actions.PartnerStore>();
        if (await partners.GetAsync(LocalState.LocalPartnerId, cancellationToken).ConfigureAwait(false) is not null) return;
        await partners.PutAsync(new DomainScreen.Core.Actions.Partner(LocalState.LocalPartnerId, "Local lab partner", ["block", "deregister"],
            new DomainScreen.Core.Actions.PartnerRouting { All = true }, "lab@localhost", TimeProvider.System.GetUtcNow(), "serve --lab"), cancellationToken).ConfigureAwait(false);
        Console.Error.WriteLine($"Registered partner '{LocalState.LocalPartnerId}' (all names, block and deregister): `domainscreen partner pull --rpz lab.rpz` applies its actions.");
    }

    // "DataAnnotation validation failed for 'AuthOptions' members: 'ApiKeys' with the error: '…'." → the message itself.
    private static string Setting(string failure)
    {
        const string marker = "with the error: '";
        var at = failure.IndexOf(marker, StringComparison.Ordinal);
        return at < 0 ? failure : failure[(at + marker.Length)..].TrimEnd('.').TrimEnd('\'');
    }
}
