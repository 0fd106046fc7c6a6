using System.Net;
using System.Net.Sockets;

namespace DomainScreen.Local.Lab;

/// <summary>Free loopback ports, found by binding port 0 and releasing it.</summary>
public static class FreePorts
{
    public static int Tcp()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A port free for both UDP and TCP (the DNS server binds both).</summary>
    public static int Udp()
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
            var port = ((IPEndPoint)udp.Client.LocalEndPoint!).Port;
            try
            {
                using var tcp = new TcpListener(IPAddress.Loopback, port);
                tcp.Start();
                return port;
            }
            catch (SocketException)
            {
                // TCP side taken; try another.
            }
        }
        throw new InvalidOperationException("no free UDP+TCP port on loopback");
    }
}
