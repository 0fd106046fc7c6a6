using System.Buffers.Binary;
using System.Text;

namespace DomainScreen.Core.Fetching;

/// <summary>MurmurHash3 x86 32-bit, and the favicon hash Shodan and FOFA publish as <c>icon_hash</c>.</summary>
internal static class Murmur3
{
    /// <summary>MurmurHash3_x86_32 as a signed integer (Python's <c>mmh3.hash</c>).</summary>
    public static int Hash32(ReadOnlySpan<byte> data, uint seed = 0)
    {
        const uint c1 = 0xcc9e2d51, c2 = 0x1b873593;
        var h = seed;
        var blocks = data.Length / 4;
        for (var i = 0; i < blocks; i++)
        {
            var k = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(i * 4, 4));
            k *= c1;
            k = uint.RotateLeft(k, 15);
            k *= c2;
            h ^= k;
            h = uint.RotateLeft(h, 13);
            h = (h * 5) + 0xe6546b64;
        }
        var tail = data[(blocks * 4)..];
        uint k1 = 0;
        switch (tail.Length)
        {
            case 3: k1 ^= (uint)tail[2] << 16; goto case 2;
            case 2: k1 ^= (uint)tail[1] << 8; goto case 1;
            case 1:
                k1 ^= tail[0];
                k1 *= c1;
                k1 = uint.RotateLeft(k1, 15);
                k1 *= c2;
                h ^= k1;
                break;
        }
        h ^= (uint)data.Length;
        h ^= h >> 16;
        h *= 0x85ebca6b;
        h ^= h >> 13;
        h *= 0xc2b2ae35;
        h ^= h >> 16;
        return unchecked((int)h);
    }

    /// <summary>
    /// Shodan/FOFA <c>icon_hash</c>: MurmurHash3 of the bytes' base64 as Python's <c>base64.encodebytes</c>
    /// writes it (a newline after every 76 characters and at the end).
    /// </summary>
    public static int IconHash(ReadOnlySpan<byte> icon)
    {
        var b64 = Convert.ToBase64String(icon);
        var sb = new StringBuilder(b64.Length + (b64.Length / 76) + 2);
        for (var i = 0; i < b64.Length; i += 76)
        {
            sb.Append(b64, i, Math.Min(76, b64.Length - i)).Append('\n');
        }
        return Hash32(Encoding.ASCII.GetBytes(sb.ToString()));
    }
}
