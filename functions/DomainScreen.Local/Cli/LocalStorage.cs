using System.Net.Sockets;
using DomainScreen.Local.Hosting;

namespace DomainScreen.Local.Cli;

/// <summary>Where storage lives for <c>serve</c>: the configured service, an Azurite already listening, or one it starts.</summary>
internal static class LocalStorage
{
    public const string DevelopmentStorage = "UseDevelopmentStorage=true";
    public const int DefaultBasePort = 10000;

    /// <summary>The storage a command uses, and the Azurite child to stop on exit (null when none was started).</summary>
    public sealed record Choice(string ConnectionString, string Description, AzuriteProcess? Started);

    /// <summary>
    /// For <c>UseDevelopmentStorage=true</c> (the default) uses Azurite on <paramref name="basePort"/> (blob),
    /// +1 (queue), +2 (table): one already listening there is reused (and said so), otherwise one is started with data
    /// in <paramref name="dataDirectory"/> (null: in memory). Any other connection setting is used as it is.
    /// </summary>
    public static async Task<Choice> ChooseAsync(string? connection, int basePort, string? dataDirectory, CancellationToken cancellationToken)
    {
        if (!string.Equals(connection?.Trim().TrimEnd(';'), DevelopmentStorage, StringComparison.OrdinalIgnoreCase))
        {
            return new Choice(connection ?? "", $"storage from AzureWebJobsStorage ({Describe(connection)})", null);
        }
        var explicitPorts = AzuriteProcess.Connection(basePort, basePort + 1, basePort + 2);
        var connectionString = basePort == DefaultBasePort ? DevelopmentStorage : explicitPorts;
        if (await ListeningAsync(basePort).ConfigureAwait(false) || await ListeningAsync(basePort + 1).ConfigureAwait(false))
        {
            return new Choice(connectionString,
                $"an Azurite (or other storage emulator) already listening on 127.0.0.1:{basePort}-{basePort + 2}, not started by this command; its data is wherever it keeps it",
                null);
        }
        var where = dataDirectory is null ? "data in memory, gone when this command stops" : $"data in {dataDirectory}";
        Console.Error.WriteLine($"Nothing listens on {basePort}-{basePort + 2}: starting Azurite ({where})");
        var azurite = await AzuriteProcess.StartAsync(basePort, basePort + 1, basePort + 2, dataDirectory, Console.Error.WriteLine, cancellationToken)
            .ConfigureAwait(false);
        return new Choice(connectionString, $"Azurite started by this command (pid {azurite.ProcessId}, ports {basePort}-{basePort + 2}, {where})", azurite);
    }

    private static string Describe(string? connection)
    {
        if (string.IsNullOrWhiteSpace(connection)) return "identity-based service URIs";
        var parts = connection.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2)).Where(p => p.Length == 2)
            .ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);
        return parts.TryGetValue("AccountName", out var account) ? $"account {account}" : "connection string";
    }

    private static async Task<bool> ListeningAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync("127.0.0.1", port).WaitAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is SocketException or TimeoutException)
        {
            return false;
        }
    }
}
