using DomainScreen.Core.Sources;

namespace DomainScreen.Core.Tests.Sources;

public sealed class ZoneFileReaderTests
{
    private static (List<ZoneRecord> Records, ZoneFileReader Reader) Read(string zone, string? origin = null)
    {
        var reader = new ZoneFileReader(new StringReader(zone), origin);
        return (reader.Records().ToList(), reader);
    }

    [Fact]
    public void Records_FollowTheMasterFileRules()
    {
        var (records, reader) = Read("""
            $ORIGIN test.
            $TTL 3600
            @   IN  SOA ns1.nic.test. hostmaster.nic.test. (
                    2026113001 ; serial
                    7200 3600 1209600 3600 )
                IN  NS  ns1.nic.test.
            faceswap        86400 IN NS ns1.host.example.
                            86400 IN NS ns2.host.example.
            voice  IN 3600 NS ns1.host.example. ; class before TTL
            Mixed.Case.test. NS  ns1.host.example.
            txtish          TXT "a ; not a comment ( nor a paren"
            ns1.nic         A   192.0.2.1
            deep.sub        1h  NS  ns.example.
            """);

        Assert.Equal("test", reader.Origin);
        Assert.Equal(0, reader.Malformed);
        Assert.Equal([("test", "SOA"), ("test", "NS"), ("faceswap.test", "NS"), ("faceswap.test", "NS"), ("voice.test", "NS"), ("mixed.case.test", "NS"),
            ("txtish.test", "TXT"), ("ns1.nic.test", "A"), ("deep.sub.test", "NS")], records.Select(r => (r.Owner, r.Type)));
    }

    [Fact]
    public void Origin_ComesFromTheSoaWhenThereIsNoOriginDirective_AndBadLinesAreCountedNotFatal()
    {
        var (records, reader) = Read("""
            cn. 86400 IN SOA a.dns.cn. root.cnnic.cn. 1 2 3 4 5
            example.cn. 86400 IN NS ns1.example.net.
            this line is not a record
              NS orphan.example.
            """);

        Assert.Equal("cn", reader.Origin);
        // The bad line is skipped; the blank owner after it continues the last good record's owner.
        Assert.Equal([("cn", "SOA"), ("example.cn", "NS"), ("example.cn", "NS")], records.Select(r => (r.Owner, r.Type)));
        Assert.Equal(1, reader.Malformed);
    }
}
