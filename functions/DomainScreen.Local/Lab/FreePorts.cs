using System.Net;
using System.Net.Sockets;

namespace DomainScreen.Local.Lab;

/// <summary>
/// Free loopback ports for a server that will bind them a moment later (the lab's servers, a <c>serve</c> child
/// process, Azurite). Drawn at random from below the system's ephemeral range, never from it: a port found free in
/// that range and released can be taken by any outgoing TCP connection or UDP query before its server binds it (a CI
/// run lost a test that way — <c>serve</c> could not bind the port it had just been given). Below the range only
/// another listener can take it; each port is handed out once per process.
/// </summary>
public static class FreePorts
{
    private const int Lowest = 10100; // above Azurite's own 10000–10002
    private static readonly HashSet<int> Given = [];
    private static readonly Lazy<int> EphemeralStart = new(ReadEphemeralStart);

    /// <summary>The first port the system hands to outgoing connections (Linux reads it from procfs; 49152 elsewhere).</summary>
    public static int EphemeralRangeStart => EphemeralStart.Value;

    /// <summary>A TCP port free on loopback.</summary>
    public static int Tcp() => Consecutive(1, udpToo: false);

    /// <summary>A port free for both UDP and TCP (the DNS server binds both).</summary>
    public static int Udp() => Consecutive(1, udpToo: true);

    /// <summary>The first of <paramref name="count"/> consecutive free TCP ports (Azurite: blob, queue, table).</summary>
    public static int Consecutive(int count, bool udpToo = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var end = EphemeralRangeStart;
        if (end - Lowest < 1000) throw new InvalidOperationException(
            $"the system's ephemeral ports start at {end}: too low to leave ports below them for local servers (Linux: net.ipv4.ip_local_port_range)");
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var first = Random.Shared.Next(Lowest, end - count + 1);
            lock (Given)
            {
                if (Enumerable.Range(first, count).Any(Given.Contains)) continue;
                if (!Enumerable.Range(first, count).All(p => Bindable(p, udpToo))) continue;
                foreach (var p in Enumerable.Range(first, count)) Given.Add(p);
                return first;
            }
        }
        throw new InvalidOperationException($"no {count} consecutive free port(s) on loopback between {Lowest} and {end}");
    }

    private static bool Bindable(int port, bool udpToo)
    {
        try
        {
            var tcp = new TcpListener(IPAddress.Loopback, port);
            tcp.Start();
            tcp.Stop();
            if (udpToo)
            {
                using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, port));
            }
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int ReadEphemeralStart()
    {
        const int Iana = 49152;
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            return range.Length == 2 && int.TryParse(range[0], System.Globalization.CultureInfo.InvariantCulture, out var start) && start > 0 ? start : Iana;
        }
        catch (IOException)
        {
            return Iana;
        }
        catch (UnauthorizedAccessException)
        {
            return Iana;
        }
    }
}
