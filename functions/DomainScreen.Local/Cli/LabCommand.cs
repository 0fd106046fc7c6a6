using System.CommandLine;
using DomainScreen.Local.Lab;

namespace DomainScreen.Local.Cli;

/// <summary><c>domainscreen lab</c>: the offline world until Ctrl+C, with the settings that point at it.</summary>
internal static class LabCommand
{
    public static Command Create()
    {
        var command = new Command("lab", "Run the lab: an authoritative DNS server and a web server on loopback serving the lab sites.");
        command.SetAction(async (_, ct) =>
        {
            await using var world = await LabWorld.StartAsync(ct).ConfigureAwait(false);
            Console.WriteLine($"Lab DNS server: {world.Dns.Endpoint} (UDP and TCP)");
            Console.WriteLine($"Lab web server: http://127.0.0.1:{world.Http.HttpPort} (site chosen by Host header)");
            Console.WriteLine("Settings that point DomainScreen at the lab (environment variables):");
            foreach (var (key, value) in world.Settings) Console.WriteLine($"  {key.Replace(":", "__", StringComparison.Ordinal)}={value}");
            Console.WriteLine($"{world.Manifest.Sites.Count} sites:");
            foreach (var site in world.Manifest.Sites) Console.WriteLine($"  {site.Domain,-32} dns={site.Dns,-9} {site.Page ?? site.Behaviour}");
            try
            {
                await Task.Delay(Timeout.Infinite, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C.
            }
            return 0;
        });
        return command;
    }
}
