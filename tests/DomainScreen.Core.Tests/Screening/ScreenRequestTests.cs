using DomainScreen.Core.Screening;

namespace DomainScreen.Core.Tests.Screening;

public sealed class ScreenRequestTests
{
    [Theory]
    [InlineData("not json")]
    [InlineData("null")]
    [InlineData("""{"v":2,"requestId":"r","source":"sweep","runId":"x","domains":["a.com"],"requestedAt":"2026-01-01T00:00:00Z"}""")]
    [InlineData("""{"v":1,"requestId":"","source":"sweep","runId":"x","domains":["a.com"],"requestedAt":"2026-01-01T00:00:00Z"}""")]
    [InlineData("""{"v":1,"requestId":"r","source":"other","runId":"x","domains":["a.com"],"requestedAt":"2026-01-01T00:00:00Z"}""")]
    [InlineData("""{"v":1,"requestId":"r","source":"sweep","runId":"x","domains":[],"requestedAt":"2026-01-01T00:00:00Z"}""")]
    [InlineData("""{"v":1,"requestId":"r","source":"sweep","runId":"x","requestedAt":"2026-01-01T00:00:00Z"}""")]
    public void Read_UnusableMessage_ThrowsWithReason(string message)
    {
        var ex = Assert.Throws<InvalidScreenRequestException>(() => ScreenBatchProcessor.Read(message));

        Assert.False(string.IsNullOrWhiteSpace(ex.Message));
    }

    [Fact]
    public void Read_ValidMessage_RoundTrips()
    {
        var request = ScreenBatchProcessor.Read(
            """{"v":1,"requestId":"s1-00000","source":"submission","runId":"s1","domains":["a.com","b.cn"],"requestedAt":"2026-11-25T02:00:00+08:00"}""");

        Assert.Equal(["a.com", "b.cn"], request.Domains);
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 18, 0, 0, TimeSpan.Zero), request.RequestedAt);
    }
}
