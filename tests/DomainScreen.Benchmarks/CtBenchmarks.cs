using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BenchmarkDotNet.Attributes;
using DomainScreen.Core.Sources;

namespace DomainScreen.Benchmarks;

/// <summary>
/// Certificate Transparency parsing on one core: RFC 6962 leaves holding real-shaped certificates (three SAN names),
/// names extracted and matched against the built-in watch terms, as <see cref="CtFollower"/> does per entry.
/// `dotnet run -c Release -- --filter '*Ct*'`.
/// </summary>
[MemoryDiagnoser]
public class CtBenchmarks
{
    private byte[][] _leaves = [];
    private WatchMatcher _matcher = null!;

    [GlobalSetup]
    public void Setup()
    {
        _matcher = new WatchMatcher(DomainScreen.Core.Fingerprints.CatalogProvider.BuiltInPolicy().Watch);
        _leaves = Enumerable.Range(0, 256).Select(i =>
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest($"CN=shop{i}.example.com", key, HashAlgorithmName.SHA256);
            var san = new SubjectAlternativeNameBuilder();
            san.AddDnsName($"shop{i}.example.com");
            san.AddDnsName($"www.shop{i}.example.com");
            san.AddDnsName(i % 50 == 0 ? $"faceswap{i}.example.net" : $"mail.shop{i}.example.com");
            request.CertificateExtensions.Add(san.Build());
            using var cert = request.CreateSelfSigned(DateTimeOffset.UnixEpoch.AddYears(56), DateTimeOffset.UnixEpoch.AddYears(57));
            var der = cert.RawData;
            var leaf = new byte[2 + 10 + 3 + der.Length + 2];
            BinaryPrimitives.WriteUInt64BigEndian(leaf.AsSpan(2), 1_796_000_000_000);
            leaf[12] = (byte)(der.Length >> 16);
            leaf[13] = (byte)(der.Length >> 8);
            leaf[14] = (byte)der.Length;
            der.CopyTo(leaf, 15);
            return leaf;
        }).ToArray();
    }

    /// <summary>256 entries per invocation: divide the mean by 256 for one entry.</summary>
    [Benchmark]
    public int ParseAndMatch256()
    {
        var watched = 0;
        for (var i = 0; i < _leaves.Length; i++)
        {
            foreach (var name in CtEntries.FromMerkleTreeLeaf(i, _leaves[i]).Names)
            {
                if (_matcher.Match(name) is not null) watched++;
            }
        }
        return watched;
    }
}
