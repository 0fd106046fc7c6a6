using Azure.Data.Tables;
using DomainScreen.Core.Storage;

namespace DomainScreen.Core.Tests.Storage;

public sealed class JsonChunksTests
{
    [Theory]
    [InlineData(10)]
    [InlineData(30_000)]
    [InlineData(30_001)]
    [InlineData(95_000)]
    public void WriteThenRead_RoundTrips(int length)
    {
        var json = new string('x', length);
        var entity = new TableEntity("p", "r");

        JsonChunks.Write(entity, json);

        Assert.Equal(json, JsonChunks.Read(entity));
        Assert.All(entity.Keys.Where(k => k.StartsWith("Json", StringComparison.Ordinal) && k != "JsonChunks"),
            k => Assert.True(((string)entity[k]).Length <= 32 * 1024));
    }

    [Fact]
    public void Write_TooLarge_Throws()
    {
        Assert.Throws<ArgumentException>(() => JsonChunks.Write(new TableEntity("p", "r"), new string('x', JsonChunks.MaxChars + 1)));
    }
}
