using System.Buffers.Binary;
using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using DomainScreen.Core.Scoring;
using DomainScreen.Core.Sources;

namespace DomainScreen.Core.Tests.Sources;

public sealed class CtEntriesTests
{
    private static byte[] Certificate(params string[] names)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + names[0], key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var n in names) san.AddDnsName(n);
        request.CertificateExtensions.Add(san.Build());
        using var cert = request.CreateSelfSigned(DateTimeOffset.UnixEpoch.AddYears(50), DateTimeOffset.UnixEpoch.AddYears(60));
        return cert.RawData;
    }

    private static byte[] L24(byte[] d) => [(byte)(d.Length >> 16), (byte)(d.Length >> 8), (byte)d.Length, .. d];

    private static byte[] Timestamped(ushort type, byte[] entry)
    {
        var head = new byte[10];
        BinaryPrimitives.WriteUInt64BigEndian(head, 1_796_000_000_000);
        BinaryPrimitives.WriteUInt16BigEndian(head.AsSpan(8), type);
        return [.. head, .. entry, 0, 0];
    }

    [Fact]
    public void MerkleTreeLeaf_X509_GivesSanNamesAndCn_Cleaned()
    {
        var leaf = new byte[] { 0, 0 }.Concat(Timestamped(0, L24(Certificate("*.FaceSwap-Now.test", "faceswap-now.test", "www.faceswap-now.test")))).ToArray();

        var names = CtEntries.FromMerkleTreeLeaf(7, leaf);

        Assert.Null(names.Error);
        Assert.Equal((7L, false), (names.Index, names.Precertificate));
        Assert.Equal(["faceswap-now.test", "www.faceswap-now.test"], names.Names);
    }

    [Fact]
    public void MerkleTreeLeaf_Precertificate_ReadsTheTbsCertificate()
    {
        var der = Certificate("undress-ai.test", "app.undress-ai.test");
        var tbs = new AsnReader(der, AsnEncodingRules.DER).ReadSequence().ReadEncodedValue().ToArray();
        var leaf = new byte[] { 0, 0 }.Concat(Timestamped(1, [.. new byte[32], .. L24(tbs)])).ToArray();

        var names = CtEntries.FromMerkleTreeLeaf(8, leaf);

        Assert.Null(names.Error);
        Assert.True(names.Precertificate);
        Assert.Equal(["undress-ai.test", "app.undress-ai.test"], names.Names);
    }

    [Theory]
    [InlineData(new byte[] { 0, 0, 1, 2, 3 })]
    [InlineData(new byte[] { 1, 0, 0, 0 })]
    [InlineData(new byte[] { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 1 })]
    public void MalformedEntries_AreErrorsNotExceptions(byte[] leaf) => Assert.NotNull(CtEntries.FromMerkleTreeLeaf(1, leaf).Error);

    [Fact]
    public void DataTile_ReadsEachTileLeafInTurn()
    {
        byte[] chain = [0, 0];
        var a = Timestamped(0, L24(Certificate("a-faceswap.test")));
        var der = Certificate("b.test");
        var tbs = new AsnReader(der, AsnEncodingRules.DER).ReadSequence().ReadEncodedValue().ToArray();
        var b = Timestamped(1, [.. new byte[32], .. L24(tbs)]);
        byte[] tile = [.. a, .. chain, .. b, .. L24(der), .. chain];

        var entries = CtEntries.FromDataTile(256, tile);

        Assert.Equal([(256L, "a-faceswap.test"), (257L, "b.test")], entries.Select(e => (e.Index, e.Names.Single())));
    }

    [Theory]
    [InlineData(0, "000")]
    [InlineData(67, "067")]
    [InlineData(1000, "x001/000")]
    [InlineData(1234067, "x001/x234/067")]
    public void TilePath_IsThreeDigitElements(long n, string path) => Assert.Equal(path, CtFollower.TilePath(n));

    [Theory]
    [InlineData("faceswap-now.test", "keyword:faceswap")]
    [InlineData("xn--ai-385d640i.test", "keyword:换脸")]                  // ai换脸.test
    [InlineData("xn--dpseek-app-ksia.com", "brand:deepseek")]            // dееpseek-app.com, Cyrillic е
    [InlineData("d33pseek-login.xyz", "brand:deepseek")]
    [InlineData("gpt4-api-relay.shop", "pattern:")]
    [InlineData("chat.deepseek.com", null)]                              // the brand's own domain
    [InlineData("bakery-shop.test", null)]
    public void WatchMatcher_FindsKeywordsPatternsAndBrands_ThroughConfusables(string name, string? expected)
    {
        var matcher = new WatchMatcher(DomainScreen.Core.Fingerprints.CatalogProvider.BuiltInPolicy().Watch);

        var match = matcher.Match(name);

        if (expected is null) Assert.Null(match);
        else Assert.StartsWith(expected, match, StringComparison.Ordinal);
    }
}
