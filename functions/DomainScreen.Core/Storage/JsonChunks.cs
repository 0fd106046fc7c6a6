using Azure.Data.Tables;

namespace DomainScreen.Core.Storage;

/// <summary>
/// Stores a long JSON document across string properties <c>Json0</c>, <c>Json1</c>… of one table entity, since a
/// single property holds at most 32K UTF-16 characters and an entity 1 MiB. Keeps a result to one write.
/// </summary>
internal static class JsonChunks
{
    private const int ChunkChars = 30_000;

    /// <summary>Largest document accepted (a table entity is limited to 1 MiB on the wire).</summary>
    public const int MaxChars = 400_000;

    public static void Write(TableEntity entity, string json)
    {
        if (json.Length > MaxChars)
        {
            throw new ArgumentException($"JSON of {json.Length} chars exceeds the {MaxChars}-char limit for one entity", nameof(json));
        }
        var count = 0;
        for (var offset = 0; offset < json.Length; offset += ChunkChars, count++)
        {
            entity["Json" + count] = json.Substring(offset, Math.Min(ChunkChars, json.Length - offset));
        }
        entity["JsonChunks"] = count;
    }

    public static string? Read(TableEntity entity)
    {
        var count = entity.GetInt32("JsonChunks") ?? 0;
        if (count == 0) return null;
        return string.Concat(Enumerable.Range(0, count).Select(i => entity.GetString("Json" + i)));
    }
}
