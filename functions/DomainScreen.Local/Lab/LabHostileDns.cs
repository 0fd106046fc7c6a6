using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace DomainScreen.Local.Lab;

/// <summary>
/// A DNS server that answers badly on purpose, over UDP and TCP on loopback: what the first label of the question
/// asks for (<see cref="Modes"/>) — truncated, cut short, a compression-pointer loop, oversized, a wrong id, a wrong
/// question, a lying record count, an RDLENGTH past the end, an undefined RCODE, garbage — or, for fuzzing, whatever a
/// caller-supplied function makes of the query. The lab's well-behaved server (ARSoft) cannot send malformed packets;
/// this one writes the bytes itself.
/// </summary>
public sealed class LabHostileDns : IDisposable
{
    public static readonly string[] Modes =
    [
        "truncated", "cut", "pointer-loop", "oversized", "wrong-id", "wrong-question", "count-lie", "bad-rdlength", "rcode-15",
        "garbage", "empty", "label-too-long", "many-answers-wrong-type",
    ];

    private readonly UdpClient _udp;
    private readonly TcpListener _tcp;
    private readonly CancellationTokenSource _stop = new();
    private readonly Func<byte[], byte[]?> _answer;

    public LabHostileDns(Func<byte[], byte[]?>? answer = null)
    {
        _answer = answer ?? Answer;
        // UDP and TCP on the same port number: take a free UDP port, and try another when its TCP twin is taken.
        for (var attempt = 0; ; attempt++)
        {
            var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
            var port = ((IPEndPoint)udp.Client.LocalEndPoint!).Port;
            var tcp = new TcpListener(IPAddress.Loopback, port);
            try
            {
                tcp.Start();
                (_udp, _tcp, Port) = (udp, tcp, port);
                break;
            }
            catch (SocketException) when (attempt < 50)
            {
                udp.Dispose();
            }
        }
        _ = Task.Run(UdpLoopAsync);
        _ = Task.Run(TcpLoopAsync);
    }

    public int Port { get; }

    public string Endpoint => $"127.0.0.1:{Port}";

    /// <summary>Queries received (UDP and TCP).</summary>
    public int Received => _received;

    private int _received;

    private async Task UdpLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var request = await _udp.ReceiveAsync(_stop.Token).ConfigureAwait(false);
                Interlocked.Increment(ref _received);
                if (_answer(request.Buffer) is { } answer) await _udp.SendAsync(answer, request.RemoteEndPoint, _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (SocketException)
            {
                // A client went away (ICMP port unreachable on the next receive): keep serving.
            }
        }
    }

    private async Task TcpLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _tcp.AcceptTcpClientAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            _ = Task.Run(async () =>
            {
                using (client)
                {
                    try
                    {
                        var stream = client.GetStream();
                        var length = new byte[2];
                        await stream.ReadExactlyAsync(length, _stop.Token).ConfigureAwait(false);
                        var query = new byte[BinaryPrimitives.ReadUInt16BigEndian(length)];
                        await stream.ReadExactlyAsync(query, _stop.Token).ConfigureAwait(false);
                        Interlocked.Increment(ref _received);
                        if (_answer(query) is not { } answer) return;
                        var framed = new byte[answer.Length + 2];
                        BinaryPrimitives.WriteUInt16BigEndian(framed, (ushort)Math.Min(answer.Length, ushort.MaxValue));
                        answer.CopyTo(framed, 2);
                        await stream.WriteAsync(framed, _stop.Token).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or EndOfStreamException)
                    {
                        // The client hung up.
                    }
                }
            });
        }
    }

    /// <summary>The end of the question section (offset after QTYPE and QCLASS), or -1 when the query is malformed.</summary>
    public static int QuestionEnd(byte[] query)
    {
        var at = 12;
        while (at < query.Length && query[at] != 0)
        {
            if ((query[at] & 0xC0) != 0) return -1;
            at += query[at] + 1;
        }
        return at + 5 <= query.Length ? at + 5 : -1;
    }

    /// <summary>The first label of the question, lower-case.</summary>
    public static string FirstLabel(byte[] query) =>
        query.Length > 13 && query[12] > 0 && 13 + query[12] <= query.Length
            ? System.Text.Encoding.ASCII.GetString(query, 13, query[12]).ToLowerInvariant()
            : "";

    /// <summary>A well-formed answer with <paramref name="count"/> A records for the query's question.</summary>
    public static byte[] Valid(byte[] query, int count = 1, ushort flags = 0x8180)
    {
        var end = QuestionEnd(query);
        var answer = new List<byte>(end + (count * 16));
        answer.AddRange(query.AsSpan(0, end).ToArray());
        BinaryPrimitives.WriteUInt16BigEndian(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(answer)[2..], flags);
        var header = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(answer);
        BinaryPrimitives.WriteUInt16BigEndian(header[6..], (ushort)count);
        BinaryPrimitives.WriteUInt16BigEndian(header[8..], 0); // no authority records
        BinaryPrimitives.WriteUInt16BigEndian(header[10..], 0); // the query's EDNS OPT record is not echoed
        for (var i = 0; i < count; i++)
        {
            // Name: pointer to the question (offset 12); A, IN, TTL 60, RDLENGTH 4, 198.51.100.x.
            answer.AddRange([0xC0, 0x0C, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 198, 51, 100, (byte)(i % 250)]);
        }
        return answer.ToArray();
    }

    private static byte[]? Answer(byte[] query)
    {
        var end = QuestionEnd(query);
        if (end < 0) return null;
        var valid = Valid(query);
        switch (FirstLabel(query))
        {
            case "truncated":
                return Valid(query, 0, 0x8380); // TC set, nothing in it (also over TCP: a server that lies about truncation)
            case "cut":
                return valid[..^3];
            case "pointer-loop":
                // The answer's name is a pointer to itself.
                valid[end] = 0xC0;
                valid[end + 1] = (byte)end;
                return valid;
            case "oversized":
                return Valid(query, 3000);
            case "wrong-id":
                valid[1] ^= 0xFF;
                return valid;
            case "wrong-question":
                valid[13] = (byte)'x';
                return valid;
            case "count-lie":
                BinaryPrimitives.WriteUInt16BigEndian(valid.AsSpan(6), ushort.MaxValue);
                return valid;
            case "bad-rdlength":
                BinaryPrimitives.WriteUInt16BigEndian(valid.AsSpan(end + 10), 200);
                return valid;
            case "rcode-15":
                valid[3] = (byte)((valid[3] & 0xF0) | 0x0F);
                return valid;
            case "garbage":
                var random = new Random(query[0] | (query[1] << 8));
                var junk = new byte[random.Next(1, 120)];
                random.NextBytes(junk);
                return junk;
            case "empty":
                return [];
            case "label-too-long":
                // An answer owner with a 70-byte label (labels are at most 63; 0x40–0x7F is a reserved label type).
                var owner = new byte[72];
                owner[0] = 70;
                owner.AsSpan(1, 70).Fill((byte)'a');
                return [.. valid.AsSpan(0, end), .. owner, .. valid.AsSpan(end + 2)];
            case "many-answers-wrong-type":
                var many = Valid(query, 40);
                for (var i = 0; i < 40; i++) many[end + (i * 16) + 3] = 16; // TXT type with 4 bytes that are not a TXT string set
                return many;
            default:
                return valid;
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _udp.Dispose();
        _tcp.Stop();
        _stop.Dispose();
    }
}
