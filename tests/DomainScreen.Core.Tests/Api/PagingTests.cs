using DomainScreen.Core.Api;

namespace DomainScreen.Core.Tests.Api;

public sealed class PagingTests
{
    private static ApiCall Call(string query) => new(new ApiRequest
    {
        Method = "GET",
        Path = "/api/x",
        Query = name => query.Split('&').Select(p => p.Split('=', 2)).Where(p => p[0] == name).Select(p => Uri.UnescapeDataString(p[1])).FirstOrDefault(),
    }, Caller.Anonymous, new Dictionary<string, string>());

    [Fact]
    public void Read_TokenRoundTripsAnyKey()
    {
        var token = Paging.Encode("q|005|2519…|例子.公司");

        var (top, after, error) = Paging.Read(Call("top=10&continuationToken=" + Uri.EscapeDataString(token)), 50, 200);

        Assert.Null(error);
        Assert.Equal((10, "q|005|2519…|例子.公司"), (top, after));
    }

    [Theory]
    [InlineData("top=0")]
    [InlineData("top=201")]
    [InlineData("top=ten")]
    [InlineData("continuationToken=notours")]
    [InlineData("continuationToken=k%%%")]
    public void Read_BadValues_Are400(string query)
    {
        var (_, _, error) = Paging.Read(Call(query), 50, 200);

        Assert.Equal(400, error!.Status);
    }
}
