using System.Buffers;
using System.IO.Compression;
using System.Text;
using Azure.Data.Tables;

namespace DomainScreen.Core.Storage;

/// <summary>
/// Stores a JSON document in one table entity, so that a result, case or sweep stays one write. Documents from
/// 1 KiB up are Brotli-compressed into binary properties <c>JsonZ0</c>, <c>JsonZ1</c>… (at most 60,000 bytes each;
/// a binary property holds 64 KiB) with <c>JsonZChunks</c> and the UTF-8 length <c>JsonZBytes</c>; shorter ones,
/// and every row written before compression, are plain strings <c>Json0</c>, <c>Json1</c>… of at most 30,000
/// characters with <c>JsonChunks</c>. Both are read.
/// </summary>
/// <remarks>
/// Compression is for the whole path, not only the bill: a screening result is 5–7 KB of JSON whose Chinese text the
/// serializer writes as <c>\uXXXX</c> escapes, and the table client escaped it once more into its request — that
/// serialization was the largest single allocation of a sweep, and the storage service parsed every byte. Brotli at
/// quality 1 takes ≈ 40 µs for a result and leaves about a third (docs/benchmarks.md, "Allocation per domain").
/// </remarks>
internal static class JsonChunks
{
    private const int ChunkChars = 30_000;
    private const int BinaryChunkBytes = 60_000;
    private const int CompressQuality = 1;
    private const int CompressWindow = 22;

    /// <summary>Documents shorter than this many UTF-8 bytes are stored as plain text (compression would not pay).</summary>
    public const int CompressFromBytes = 1024;

    /// <summary>Largest document accepted, in characters (or UTF-8 bytes for the byte overload).</summary>
    public const int MaxChars = 400_000;

    public static void Write(TableEntity entity, string json)
    {
        if (json.Length > MaxChars)
        {
            throw new ArgumentException($"JSON of {json.Length} chars exceeds the {MaxChars}-char limit for one entity", nameof(json));
        }
        if (json.Length < CompressFromBytes / 3)
        {
            WritePlain(entity, json);
            return;
        }
        var rented = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(json.Length));
        try
        {
            var length = Encoding.UTF8.GetBytes(json, rented);
            WriteEncoded(entity, rented.AsSpan(0, length), json);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Stores a document already serialized to UTF-8 (what the source-generated serializer writes directly).</summary>
    public static void Write(TableEntity entity, ReadOnlySpan<byte> utf8Json)
    {
        if (utf8Json.Length > MaxChars)
        {
            throw new ArgumentException($"JSON of {utf8Json.Length} bytes exceeds the {MaxChars}-byte limit for one entity", nameof(utf8Json));
        }
        WriteEncoded(entity, utf8Json, null);
    }

    /// <param name="text">The same document as a string when the caller has it (saves decoding a short one again).</param>
    private static void WriteEncoded(TableEntity entity, ReadOnlySpan<byte> utf8Json, string? text)
    {
        if (utf8Json.Length < CompressFromBytes)
        {
            WritePlain(entity, text ?? Encoding.UTF8.GetString(utf8Json));
            return;
        }
        var rented = ArrayPool<byte>.Shared.Rent(BrotliEncoder.GetMaxCompressedLength(utf8Json.Length));
        try
        {
            if (!BrotliEncoder.TryCompress(utf8Json, rented, out var compressed, CompressQuality, CompressWindow))
            {
                throw new InvalidOperationException("Brotli could not compress into its own maximum compressed length");
            }
            var count = 0;
            for (var offset = 0; offset < compressed; offset += BinaryChunkBytes, count++)
            {
                entity["JsonZ" + count] = rented.AsSpan(offset, Math.Min(BinaryChunkBytes, compressed - offset)).ToArray();
            }
            entity["JsonZChunks"] = count;
            entity["JsonZBytes"] = utf8Json.Length;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static void WritePlain(TableEntity entity, string json)
    {
        var count = 0;
        for (var offset = 0; offset < json.Length; offset += ChunkChars, count++)
        {
            entity["Json" + count] = json.Substring(offset, Math.Min(ChunkChars, json.Length - offset));
        }
        entity["JsonChunks"] = count;
    }

    /// <summary>The stored document, or null when the entity holds none.</summary>
    /// <exception cref="InvalidDataException">The compressed document is damaged.</exception>
    public static string? Read(TableEntity entity)
    {
        var zipped = entity.GetInt32("JsonZChunks") ?? 0;
        if (zipped > 0) return ReadCompressed(entity, zipped);
        var count = entity.GetInt32("JsonChunks") ?? 0;
        if (count == 0) return null;
        return string.Concat(Enumerable.Range(0, count).Select(i => entity.GetString("Json" + i)));
    }

    private static string ReadCompressed(TableEntity entity, int chunks)
    {
        var length = entity.GetInt32("JsonZBytes") ?? -1;
        if (length is < 0 or > MaxChars * 4)
        {
            throw new InvalidDataException($"Entity {entity.PartitionKey}/{entity.RowKey}: compressed JSON has no valid length ({length})");
        }
        var parts = new byte[chunks][];
        var total = 0;
        for (var i = 0; i < chunks; i++)
        {
            parts[i] = entity.GetBinary("JsonZ" + i)
                ?? throw new InvalidDataException($"Entity {entity.PartitionKey}/{entity.RowKey}: compressed JSON chunk {i} of {chunks} is missing");
            total += parts[i].Length;
        }
        var source = chunks == 1 ? parts[0] : Join(parts, total);
        // One extra byte: a document longer than its recorded length fills it instead of passing as complete.
        var json = ArrayPool<byte>.Shared.Rent(length + 1);
        try
        {
            if (!BrotliDecoder.TryDecompress(source, json.AsSpan(0, length + 1), out var written) || written != length)
            {
                throw new InvalidDataException($"Entity {entity.PartitionKey}/{entity.RowKey}: compressed JSON is damaged");
            }
            return Encoding.UTF8.GetString(json, 0, length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(json);
        }
    }

    private static byte[] Join(byte[][] parts, int total)
    {
        var joined = new byte[total];
        var offset = 0;
        foreach (var part in parts)
        {
            part.CopyTo(joined, offset);
            offset += part.Length;
        }
        return joined;
    }
}
