using Azure.Data.Tables;
using DomainScreen.Core.Storage;

namespace DomainScreen.Core.Tests.Storage;

/// <summary>What counts as "the stored row is exactly what this write sent" (the lost-answer check).</summary>
public sealed class LostAnswersTests
{
    private static TableEntity Written() => new("p", "r")
    {
        ["State"] = "queued", ["Batches"] = 64, ["Total"] = 192L, ["At"] = new DateTimeOffset(2026, 12, 2, 8, 0, 0, 123, TimeSpan.FromHours(8)),
        ["JsonZ0"] = new byte[] { 1, 2, 3 }, ["Note"] = null,
    };

    /// <summary>The row as the table service hands it back: UTC times, binary as BinaryData, nulls absent, service fields added.</summary>
    private static TableEntity AsStored(TableEntity written)
    {
        var stored = new TableEntity(written.PartitionKey, written.RowKey) { ["odata.etag"] = "W/\"x\"", ["Timestamp"] = DateTimeOffset.UnixEpoch };
        foreach (var (key, value) in written)
        {
            if (key is "PartitionKey" or "RowKey" || value is null) continue;
            stored[key] = value switch
            {
                DateTimeOffset at => at.ToUniversalTime(),
                byte[] bytes => new BinaryData(bytes.ToArray()),
                _ => value,
            };
        }
        return stored;
    }

    [Fact]
    public void TheSameRowAsTheServiceReturnsIt_IsTheWrite() => Assert.True(LostAnswers.SameContent(Written(), AsStored(Written())));

    [Theory]
    [InlineData("State", "queueing")]
    [InlineData("Batches", 65)]
    [InlineData("Note", "set by another writer")]
    public void AnyPropertyChanged_IsAnotherWrite(string key, object value)
    {
        var stored = AsStored(Written());
        stored[key] = value;
        Assert.False(LostAnswers.SameContent(Written(), stored));
    }

    [Fact]
    public void OtherBytesOrAnotherInstant_IsAnotherWrite()
    {
        var bytes = AsStored(Written());
        bytes["JsonZ0"] = new BinaryData(new byte[] { 1, 2, 4 });
        var time = AsStored(Written());
        time["At"] = ((DateTimeOffset)time["At"]).AddTicks(1);
        var missing = AsStored(Written());
        missing.Remove("Batches");

        Assert.False(LostAnswers.SameContent(Written(), bytes));
        Assert.False(LostAnswers.SameContent(Written(), time));
        Assert.False(LostAnswers.SameContent(Written(), missing));
        Assert.False(LostAnswers.SameContent(Written(), AsStored(new TableEntity("p", "other") { ["State"] = "queued" })));
    }
}
