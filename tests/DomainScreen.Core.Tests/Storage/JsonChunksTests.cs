using System.IO;
using System.Text;
using Azure.Data.Tables;
using DomainScreen.Core.Storage;

namespace DomainScreen.Core.Tests.Storage;

public sealed class JsonChunksTests
{
    // JSON-ish text with Chinese and escapes, repetitive the way results are.
    private static string Document(int length)
    {
        var sb = new StringBuilder("{\"items\":[");
        for (var i = 0; sb.Length < length; i++) sb.Append(System.Globalization.CultureInfo.InvariantCulture, $"{{\"n\":{i},\"text\":\"人脸替换 face swap \\u4E2D {i * 7919 % 1000}\"}},");
        return sb.ToString(0, length);
    }

    // Text that does not compress (so a document needs several 60,000-byte chunks).
    private static string Incompressible(int length)
    {
        var random = new Random(20261201);
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return Convert.ToBase64String(bytes)[..length];
    }

    [Theory]
    [InlineData(10)]
    [InlineData(1_500)]
    [InlineData(30_001)]
    [InlineData(95_000)]
    public void WriteThenRead_RoundTrips(int length)
    {
        var json = Document(length);
        var entity = new TableEntity("p", "r");

        JsonChunks.Write(entity, json);

        Assert.Equal(json, JsonChunks.Read(entity));
    }

    [Fact]
    public void ShortDocument_IsPlainText()
    {
        var entity = new TableEntity("p", "r");

        JsonChunks.Write(entity, "{\"a\":1}");

        Assert.Equal("{\"a\":1}", entity.GetString("Json0"));
        Assert.False(entity.ContainsKey("JsonZ0"));
    }

    [Fact]
    public void LongDocument_IsCompressedToAFractionOfItsSize()
    {
        var json = Document(6_000);
        var entity = new TableEntity("p", "r");

        JsonChunks.Write(entity, Encoding.UTF8.GetBytes(json));

        Assert.False(entity.ContainsKey("Json0"));
        var stored = entity.GetBinary("JsonZ0")!;
        Assert.InRange(stored.Length, 1, Encoding.UTF8.GetByteCount(json) / 3);
        Assert.Equal(json, JsonChunks.Read(entity));
    }

    [Fact]
    public void IncompressibleDocument_IsSplitIntoBinaryPropertiesUnder64KiB()
    {
        var json = Incompressible(JsonChunks.MaxChars);
        var entity = new TableEntity("p", "r");

        JsonChunks.Write(entity, json);

        var chunks = entity.GetInt32("JsonZChunks")!.Value;
        Assert.True(chunks > 1);
        for (var i = 0; i < chunks; i++) Assert.InRange(entity.GetBinary("JsonZ" + i)!.Length, 1, 64 * 1024);
        Assert.Equal(json, JsonChunks.Read(entity));
    }

    [Fact]
    public void RowsWrittenBeforeCompression_AreStillRead()
    {
        var entity = new TableEntity("p", "r") { ["Json0"] = "{\"a\":", ["Json1"] = "\"人\"}", ["JsonChunks"] = 2 };

        Assert.Equal("{\"a\":\"人\"}", JsonChunks.Read(entity));
    }

    [Fact]
    public void DamagedCompressedDocument_IsAClearError()
    {
        var entity = new TableEntity("p", "r");
        JsonChunks.Write(entity, Document(5_000));
        var bytes = entity.GetBinary("JsonZ0")!;
        entity["JsonZ0"] = bytes[..(bytes.Length / 2)];

        var error = Assert.Throws<InvalidDataException>(() => JsonChunks.Read(entity));
        Assert.Contains("p/r", error.Message);
    }

    [Fact]
    public void CompressedDocumentWithAWrongLength_IsAClearError()
    {
        var entity = new TableEntity("p", "r");
        JsonChunks.Write(entity, Document(5_000));
        entity["JsonZBytes"] = 4_000;

        Assert.Throws<InvalidDataException>(() => JsonChunks.Read(entity));
    }

    [Fact]
    public void Write_TooLarge_Throws()
    {
        Assert.Throws<ArgumentException>(() => JsonChunks.Write(new TableEntity("p", "r"), new string('x', JsonChunks.MaxChars + 1)));
        Assert.Throws<ArgumentException>(() => JsonChunks.Write(new TableEntity("p", "r"), new byte[JsonChunks.MaxChars + 1]));
    }
}
