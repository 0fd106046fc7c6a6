using System.Net;
using System.Net.Sockets;
using DomainScreen.Local.Lab;

namespace DomainScreen.Local.Tests.Lab;

public sealed class FreePortsTests
{
    [Fact]
    public void Ports_AreBelowTheEphemeralRange_NeverHandedOutTwice_AndBindable()
    {
        var ports = Enumerable.Range(0, 300).Select(_ => FreePorts.Tcp()).ToList();

        // An outgoing connection or DNS query can take an ephemeral port between "found free" and "bound".
        Assert.All(ports, p => Assert.InRange(p, 1024, FreePorts.EphemeralRangeStart - 1));
        Assert.Equal(ports.Count, ports.Distinct().Count());
        foreach (var port in ports.Take(20))
        {
            var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
        }
    }

    [Fact]
    public void Consecutive_GivesARunOfFreePorts_ThatNoLaterCallOverlaps()
    {
        var first = FreePorts.Consecutive(3);
        var later = Enumerable.Range(0, 300).Select(_ => FreePorts.Tcp()).ToHashSet();

        Assert.InRange(first + 2, 1024, FreePorts.EphemeralRangeStart - 1);
        Assert.DoesNotContain(first, later);
        Assert.DoesNotContain(first + 1, later);
        Assert.DoesNotContain(first + 2, later);
    }

    [Fact]
    public void Udp_IsBelowTheEphemeralRange_AndFreeForBothProtocols()
    {
        var port = FreePorts.Udp();
        Assert.InRange(port, 1024, FreePorts.EphemeralRangeStart - 1);
        using (var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, port)))
        {
            var tcp = new TcpListener(IPAddress.Loopback, port);
            tcp.Start();
            tcp.Stop();
        }
    }
}
