using System.Net.Sockets;
using DomainScreen.Local.Hosting;

namespace DomainScreen.Local.Cli;

/// <summary>Decides where storage lives for a local command and starts Azurite when it must.</summary>
internal static class LocalStorage
{
    public const string DevelopmentStorage = "UseDevelopmentStorage=true";

    /// <summary>
    /// For <c>UseDevelopmentStorage=true</c> with nothing listening on 10000–10002, starts Azurite on those ports
    /// with data under <c>.azurite/</c> in the checkout. Returns the process to stop on exit, or null.
    /// </summary>
    public static async Task<AzuriteProcess?> EnsureDevelopmentStorageAsync(string? connection, CancellationToken cancellationToken)
    {
        if (!string.Equals(connection?.Trim().TrimEnd(';'), DevelopmentStorage, StringComparison.OrdinalIgnoreCase)) return null;
        if (await ListeningAsync(10000).ConfigureAwait(false) || await ListeningAsync(10001).ConfigureAwait(false)) return null;
        var location = Path.Combine(RepositoryRoot.Find(), ".azurite");
        Console.Error.WriteLine($"Nothing listens on 10000-10002: starting Azurite (data in {location})");
        return await AzuriteProcess.StartAsync(10000, 10001, 10002, location, Console.Error.WriteLine, cancellationToken).ConfigureAwait(false);
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
