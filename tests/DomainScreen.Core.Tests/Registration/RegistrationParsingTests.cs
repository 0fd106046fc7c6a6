using System.Text;
using DomainScreen.Core.Registration;

namespace DomainScreen.Core.Tests.Registration;

public sealed class RegistrationParsingTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 0, 0, 0, TimeSpan.Zero);

    // Shape of a Verisign-style RDAP domain answer (RFC 9083 / ICANN response profile), trimmed.
    private const string Rdap = """
        {"objectClassName":"domain","ldhName":"EXAMPLE.COM",
         "status":["client delete prohibited","client transfer prohibited"],
         "events":[{"eventAction":"registration","eventDate":"1995-08-14T04:00:00Z"},
                   {"eventAction":"expiration","eventDate":"2027-08-13T04:00:00Z"},
                   {"eventAction":"last changed","eventDate":"2026-08-14T07:01:39Z"},
                   {"eventAction":"last update of RDAP database","eventDate":"2026-11-24T10:00:00Z"}],
         "entities":[{"objectClassName":"entity","handle":"376","roles":["registrar"],
            "publicIds":[{"type":"IANA Registrar ID","identifier":"376"}],
            "vcardArray":["vcard",[["version",{},"text","4.0"],["fn",{},"text","RESERVED-Internet Assigned Numbers Authority"]]],
            "entities":[{"objectClassName":"entity","roles":["abuse"],
               "vcardArray":["vcard",[["version",{},"text","4.0"],["fn",{},"text",""],["tel",{"type":"voice"},"uri","tel:+1.3108239358"],["email",{},"text","abuse@iana.org"]]]}]}],
         "nameservers":[{"objectClassName":"nameserver","ldhName":"A.IANA-SERVERS.NET"},{"objectClassName":"nameserver","ldhName":"B.IANA-SERVERS.NET"}]}
        """;

    [Fact]
    public void Rdap_ReadsDatesRegistrarAbuseStatusAndNameServers()
    {
        var e = RdapParser.Parse("example.com", "https://rdap.verisign.com/com/v1/", Encoding.UTF8.GetBytes(Rdap), Now);

        Assert.Equal(RegistrationOutcomes.Found, e.Outcome);
        Assert.Equal(new DateTimeOffset(1995, 8, 14, 4, 0, 0, TimeSpan.Zero), e.Created);
        Assert.Equal(new DateTimeOffset(2027, 8, 13, 4, 0, 0, TimeSpan.Zero), e.Expires);
        Assert.Equal(new DateTimeOffset(2026, 8, 14, 7, 1, 39, TimeSpan.Zero), e.Updated);
        Assert.Equal("RESERVED-Internet Assigned Numbers Authority", e.Registrar);
        Assert.Equal("376", e.RegistrarIanaId);
        Assert.Equal("abuse@iana.org", e.AbuseEmail);
        Assert.Equal("+1.3108239358", e.AbusePhone);
        Assert.Equal(["client delete prohibited", "client transfer prohibited"], e.Statuses);
        Assert.Equal(["a.iana-servers.net", "b.iana-servers.net"], e.NameServers);
    }

    [Fact]
    public void Rdap_MissingParts_AreNull()
    {
        var e = RdapParser.Parse("x.cn", "s", """{"objectClassName":"domain","entities":[{"roles":["registrant"]}]}"""u8, Now);

        Assert.Null(e.Created);
        Assert.Null(e.Registrar);
        Assert.Empty(e.NameServers);
    }

    [Fact]
    public void Bootstrap_MapsTldsToHttpsBase()
    {
        const string json = """{"version":"1.0","services":[[["com","net"],["http://rdap.verisign.com/com/v1","https://rdap.verisign.com/com/v1/"]],[["cn"],["https://rdap.cnnic.cn/"]]]}""";

        Assert.True(RdapBootstrap.TryParse(json, out var map));
        Assert.Equal("https://rdap.verisign.com/com/v1/", map["net"].AbsoluteUri);
        Assert.Equal("https://rdap.cnnic.cn/", map["cn"].AbsoluteUri);
        Assert.False(map.ContainsKey("org"));
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("not json")]
    [InlineData("""{"services":"x"}""")]
    public void Bootstrap_Garbage_IsRejected(string json)
    {
        Assert.False(RdapBootstrap.TryParse(json, out _));
    }

    [Fact]
    public void Whois_IcannFormat()
    {
        const string text = """
            Domain Name: EXAMPLE.ORG
            Updated Date: 2026-01-20T15:41:47Z
            Creation Date: 1995-04-30T04:00:00Z
            Registry Expiry Date: 2027-05-01T04:00:00Z
            Registrar: RESERVED-Internet Assigned Numbers Authority
            Registrar IANA ID: 376
            Registrar Abuse Contact Email: abuse@iana.org
            Domain Status: clientDeleteProhibited https://icann.org/epp#clientDeleteProhibited
            Name Server: A.IANA-SERVERS.NET
            """;

        var e = WhoisClient.Parse("example.org", "whois.pir.org", text, Now);

        Assert.Equal(new DateTimeOffset(1995, 4, 30, 4, 0, 0, TimeSpan.Zero), e.Created);
        Assert.Equal("376", e.RegistrarIanaId);
        Assert.Equal("abuse@iana.org", e.AbuseEmail);
        Assert.Equal(["clientDeleteProhibited"], e.Statuses);
        Assert.Equal(["a.iana-servers.net"], e.NameServers);
    }

    [Fact]
    public void Whois_CnnicFormat()
    {
        const string text = """
            Domain Name: example.cn
            ROID: 20030312s10001s00012345-cn
            Domain Status: ok
            Sponsoring Registrar: 阿里云计算有限公司（万网）
            Name Server: dns1.hichina.com
            Registration Time: 2003-03-17 12:20:05
            Expiration Time: 2027-03-17 12:48:36
            """;

        var e = WhoisClient.Parse("example.cn", "whois.cnnic.cn", text, Now);

        Assert.Equal(new DateTimeOffset(2003, 3, 17, 12, 20, 5, TimeSpan.Zero), e.Created);
        Assert.Equal("阿里云计算有限公司（万网）", e.Registrar);
        Assert.Equal(new DateTimeOffset(2027, 3, 17, 12, 48, 36, TimeSpan.Zero), e.Expires);
    }

    [Fact]
    public void Whois_NoMatch_IsNotFound()
    {
        Assert.Equal(RegistrationOutcomes.NotFound, WhoisClient.Parse("x.com", "s", "No match for \"X.COM\".\r\n", Now).Outcome);
    }
}
