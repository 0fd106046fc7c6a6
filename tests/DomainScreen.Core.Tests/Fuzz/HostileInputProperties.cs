using System.Diagnostics;
using System.Text;
using System.Text.Json;
using CsCheck;
using DomainScreen.Core.Domains;
using DomainScreen.Core.Fingerprints;
using DomainScreen.Core.Screening;
using DomainScreen.Core.Scoring;
using DomainScreen.Core.Sources;
using DomainScreen.Core.Submissions;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace DomainScreen.Core.Tests.Fuzz;

/// <summary>
/// Property-based fuzzing (CsCheck) of everything that reads input from outside: domain names, submission bodies,
/// zone files, CT log entries, pages through the engine and scorer, queue messages and acknowledgement bodies. Each
/// target draws random and mutated inputs (mutations of real samples: lab pages, a real CT leaf) and checks that the
/// reader answers — a value or its documented error — and never throws anything else or loops.
/// CI runs <see cref="Inputs"/> = 1,000 per target; <c>DOMAINSCREEN_FUZZ_INPUTS=100000 dotnet test
/// tests/DomainScreen.Core.Tests --filter Category=fuzz</c> runs the full size (docs/reliability.md).
/// </summary>
[Trait("Category", "fuzz")]
public sealed class HostileInputProperties(ITestOutputHelper output)
{
    public static readonly long Inputs = long.TryParse(Environment.GetEnvironmentVariable("DOMAINSCREEN_FUZZ_INPUTS"), out var n) && n > 0 ? n : 1_000;

    private static readonly DomainParser Parser = Domains.TestSuffixes.Parser;

    // Characters that matter to the readers: separators, dots of several scripts, IDN, confusables, controls, quotes,
    // markup, percent-escapes, surrogate halves.
    private static readonly Gen<char> Tricky = Gen.OneOf(
        Gen.Char['a', 'z'], Gen.Char['0', '9'], Gen.Char["-._~%:/@?#[]!$&'()*+,;= \t\r\n\"<>\\"],
        Gen.Char["。．｡例子公司换脸一键脱衣аеорсху\u200b\u200d\ufeff\u0000\u0085\u2028"], Gen.Char['\ud800', '\udfff'], Gen.Char);

    private static readonly Gen<string> Text = Gen.String[Tricky, 0, 300];

    private static readonly Gen<string> NameLike = Gen.Select(Gen.String[Gen.Char["abcxyz09-例子аі"], 0, 70].Array[1, 6], Gen.OneOf(
        Gen.Const(".test"), Gen.Const(".com"), Gen.Const(".cn"), Gen.Const(".公司"), Gen.Const(""), Gen.Const(".")), Gen.OneOf(Gen.Const(""),
        Gen.Const("https://"), Gen.Const("http://user@"), Gen.Const("*.")), (labels, tld, prefix) => prefix + string.Join('.', labels) + tld);

    private static readonly Gen<byte[]> Bytes = Gen.Byte.Array[0, 2048];

    private void Report(string target, long inputs, Stopwatch clock, long slowestTicks) =>
        output.WriteLine($"{target}: {inputs:N0} inputs, 0 unexpected exceptions, {clock.Elapsed.TotalSeconds:0.0} s, slowest input {slowestTicks / (double)Stopwatch.Frequency * 1000:0.0} ms");

    private void Run<T>(string target, Gen<T> gen, Action<T> check)
    {
        var clock = Stopwatch.StartNew();
        long slowest = 0;
        gen.Sample(value =>
        {
            var start = Stopwatch.GetTimestamp();
            check(value);
            slowest = Math.Max(slowest, Stopwatch.GetTimestamp() - start);
        }, iter: Inputs, threads: 1);
        Report(target, Inputs, clock, slowest);
    }

    [Fact]
    public void DomainNames_ParseOrGiveACode_AndParsedNamesAreStable()
    {
        Run("domain names", Gen.OneOf(Text, NameLike), input =>
        {
            var result = Parser.TryParse(input);
            if (result.Name is not { } name)
            {
                Assert.True(result.Error is not null, $"no name and no error for {Escape(input)}");
                return;
            }
            Assert.True(name.Ascii.Length <= 253 && name.Ascii.All(c => c < 128 && !char.IsAsciiLetterUpper(c)), Escape(input));
            Assert.EndsWith(name.RegistrableDomain, name.Ascii, StringComparison.Ordinal);
            Assert.Equal(name.Ascii, Parser.TryParse(name.Ascii).Name?.Ascii);
            Assert.Equal(name.Ascii, Parser.TryParse(name.Unicode).Name?.Ascii);
        });
    }

    [Fact]
    public void SubmissionBodies_AreAcceptedOrExplained_NeverThrow()
    {
        var submissions = new SubmissionParser(Parser);
        var body = Gen.OneOf(
            Bytes,
            Gen.String[Tricky, 0, 2000].Select(s => Encoding.UTF8.GetBytes(s)),
            NameLike.Array[0, 40].Select(lines => Encoding.UTF8.GetBytes(string.Join('\n', lines))),
            NameLike.Array[0, 40].Select(lines => Encoding.UTF8.GetBytes("domain,note\n" + string.Join('\n', lines.Select(l => $"\"{l}\",x")))),
            NameLike.Array[0, 40].Select(lines => Encoding.UTF8.GetBytes(JsonSerializer.Serialize(lines))),
            Gen.String[Gen.Char["[]{}\",:\\u0123456789abcdefnull "], 0, 400].Select(s => Encoding.UTF8.GetBytes(s)));
        string?[] types = [null, "application/json", "text/plain", "text/csv; charset=utf-8", "text/csv"];
        var type = Gen.Int[0, types.Length - 1].Select(i => types[i]);
        Run("submission bodies", Gen.Select(body, type), t =>
        {
            try
            {
                var parsed = submissions.Parse(t.Item1, t.Item2, 50);
                Assert.All(parsed.Accepted, a => Assert.NotNull(Parser.TryParse(a.Ascii).Name));
                Assert.True(parsed.Errors.Count <= parsed.Lines + 1);
            }
            catch (SubmissionFormatException ex)
            {
                Assert.Contains(ex.Status, new[] { 400, 413, 415 });
            }
        });
    }

    [Fact]
    public void ZoneFiles_AreReadOrCountedMalformed_NeverThrow()
    {
        var line = Gen.OneOf(Text, Gen.Select(NameLike, Gen.OneOf(Gen.Const("NS"), Gen.Const("A"), Gen.Const("TXT"), Gen.Const("SOA"), Gen.Const("IN NS")),
            Gen.String[Tricky, 0, 40], (owner, type, data) => $"{owner} 3600 {type} {data}"),
            Gen.OneOf(Gen.Const("$ORIGIN test."), Gen.Const("$TTL 1h"), Gen.Const("$INCLUDE /etc/passwd"), Gen.Const("("), Gen.Const(")"), Gen.Const("\"")));
        Run("zone files", line.Array[0, 60], lines =>
        {
            var reader = new ZoneFileReader(new StringReader(string.Join('\n', lines)));
            var count = reader.Records().Count();
            Assert.True(count >= 0 && reader.Malformed >= 0);
        });
    }

    [Fact]
    public void CtEntries_RandomAndMutatedLeaves_GiveNamesOrAReason_AndTilesEnd()
    {
        var real = LabLeaf();
        var mutated = Gen.Select(Gen.Int[0, real.Length - 1].Array[1, 8], Gen.Byte.Array[1, 8], Gen.Int[0, 3], (positions, values, mode) =>
        {
            var copy = real.ToList();
            for (var i = 0; i < positions.Length; i++)
            {
                var at = Math.Min(positions[i], copy.Count - 1);
                switch (mode)
                {
                    case 0: copy[at] = values[i % values.Length]; break;
                    case 1: copy.RemoveRange(at, Math.Min(values[i % values.Length], copy.Count - at)); break;
                    case 2: copy.InsertRange(at, values); break;
                    default: copy.RemoveRange(at, copy.Count - at); break;
                }
                if (copy.Count == 0) break;
            }
            return copy.ToArray();
        });
        Run("CT entries", Gen.OneOf(Bytes, mutated, Gen.Const(real)), leaf =>
        {
            var names = CtEntries.FromMerkleTreeLeaf(7, leaf);
            Assert.True(names.Error is not null || names.Names.All(n => n.Length > 0));
            var tile = CtEntries.FromDataTile(0, leaf);
            Assert.True(tile.Count <= leaf.Length + 1, "a tile cannot hold more entries than bytes");
        });
    }

    [Fact]
    public void Pages_ThroughEngineAndScorer_AlwaysGiveAVerdict()
    {
        var catalog = CatalogLoader.Compile(CatalogProvider.BuiltInFiles());
        var policy = CatalogProvider.BuiltInPolicy();
        var scorer = new RiskScorer(new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero)));
        var pages = LabPages();
        var fragment = Gen.OneOf(Text, Gen.OneOf(pages.Select(p => Gen.Const(p)).ToArray()).SelectMany(p =>
            Gen.Select(Gen.Int[0, p.Length], Gen.Int[0, 400], (at, len) => p.Substring(at, Math.Min(len, p.Length - at)))),
            Gen.OneOf(Gen.Const("<script>"), Gen.Const("<!--"), Gen.Const("]]>"), Gen.Const("&#x8131;&#34915;"), Gen.Const("<meta charset=gbk>"),
                Gen.Const("<gradio-app>"), Gen.Const("window.gradio_config = {"), Gen.Const("\"components\":[{"), Gen.Const("京ICP备"), Gen.Const("一键换脸")));
        Run("pages (engine + scorer)", fragment.Array[0, 30], parts =>
        {
            var html = string.Concat(parts);
            var facts = PageFacts.FromHtml(html);
            var verdict = scorer.Score(new ScoringInput("fuzz.example.com", "example.com", catalog.Run(facts), null, null, null), policy);
            Assert.InRange(verdict.Score, 0, 100);
            Assert.Contains(verdict.Band, Bands.Ordered);
            Assert.All(verdict.Evidence, c => Assert.True(c.Offset is null || c.Offset >= 0));
        });
    }

    [Fact]
    public void QueueMessages_AreARequestOrRefusedWithAReason()
    {
        var valid = JsonSerializer.Serialize(new ScreenRequest(1, "r-1", ScreenRequest.SweepSource, "sweep-1", ["a.test", "b.test"], DateTimeOffset.UnixEpoch), CoreJson.Default.ScreenRequest);
        var mutated = Gen.Select(Gen.Int[0, valid.Length - 1], Gen.Int[0, 20], Text, (at, cut, insert) =>
            valid[..at] + insert + valid[Math.Min(valid.Length, at + cut)..]);
        Run("queue messages", Gen.OneOf(Text, mutated), message =>
        {
            try
            {
                var request = ScreenBatchProcessor.Read(message);
                Assert.InRange(request.Domains.Count, 1, 500);
                Assert.All(request.Domains, d => Assert.NotNull(d));
            }
            catch (InvalidScreenRequestException ex)
            {
                Assert.False(string.IsNullOrEmpty(ex.Message));
            }
        });
    }

    [Fact]
    public void PartnerAcknowledgements_AreReadOrRefusedWithTheErrorShape()
    {
        const string valid = """{"status":"applied","note":"blocked at 02:00 on resolver pool B"}""";
        var mutated = Gen.Select(Gen.Int[0, valid.Length - 1], Gen.Int[0, 20], Text, (at, cut, insert) => valid[..at] + insert + valid[Math.Min(valid.Length, at + cut)..]);
        var body = Gen.OneOf(Text, mutated, Gen.String[Gen.Char["{}[]\",:\\u0123456789abcdefnull statusnoteappliedrejected"], 0, 300]).Select(Encoding.UTF8.GetBytes);
        var bodies = Gen.OneOf(body, Bytes);
        string?[] types = ["application/json", "application/json; charset=utf-8", "text/plain", null, "application/merge-patch+json", "multipart/form-data"];
        Run("partner acknowledgements", Gen.Select(bodies, Gen.Int[0, types.Length - 1]), t =>
        {
            var request = new DomainScreen.Core.Api.ApiRequest { Method = "POST", Path = "/api/partner/actions/a1/ack", Body = new MemoryStream(t.Item1), ContentType = types[t.Item2], ContentLength = t.Item1.Length };
            var (ack, error) = DomainScreen.Core.Api.ApiBody.ReadJsonAsync(request, CommandJson.Default.AckBody, CancellationToken.None).GetAwaiter().GetResult();
            if (error is not null)
            {
                Assert.InRange(error.Status, 400, 499);
                return;
            }
            if (DomainScreen.Core.Actions.PartnerActionService.Validate(ack!) is { } invalid)
            {
                Assert.Equal((400, "invalid-ack"), (invalid.Status, invalid.Code));
                return;
            }
            Assert.Contains(ack!.Status, DomainScreen.Core.Actions.ActionStates.Acknowledgements);
        });
    }

    // Findings of the first run (each was an ArgumentException out of System.Text.Json transcoding a lone surrogate).

    [Fact]
    public void Finding_LoneSurrogateInAGradioConfig_IsNoConfig_NotACrash() =>
        Assert.Null(GradioConfig.Parse("<script>window.gradio_config = {\"title\": \"\ud800\"};</script>"));

    [Fact]
    public void Finding_LoneSurrogateInAQueueMessage_IsARefusedMessage() =>
        Assert.Throws<InvalidScreenRequestException>(() => ScreenBatchProcessor.Read("\udbd6{\"v\":1}"));

    [Fact]
    public void Finding_AnEmptyDomainInAQueueMessage_IsARefusedMessage() =>
        Assert.Throws<InvalidScreenRequestException>(() => ScreenBatchProcessor.Read(
            """{"v":1,"requestId":"r","source":"sweep","runId":"s","domains":["a.test",null],"enqueuedAt":"2026-12-01T00:00:00Z"}"""));

    private static string Escape(string s) => JsonSerializer.Serialize(s);

    private static string[] LabPages() => LabSites.PageFiles().Select(File.ReadAllText).ToArray();

    // A real RFC 6962 leaf (v1, timestamped X.509 entry) around a certificate with SAN names, as a log serves it.
    private static byte[] LabLeaf()
    {
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=faceswap-now.test", key,
            System.Security.Cryptography.HashAlgorithmName.SHA256);
        var san = new System.Security.Cryptography.X509Certificates.SubjectAlternativeNameBuilder();
        san.AddDnsName("faceswap-now.test");
        san.AddDnsName("www.faceswap-now.test");
        request.CertificateExtensions.Add(san.Build());
        using var cert = request.CreateSelfSigned(DateTimeOffset.UnixEpoch.AddYears(50), DateTimeOffset.UnixEpoch.AddYears(60));
        var der = cert.RawData;
        var head = new byte[12];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(head.AsSpan(2), 1_796_000_000_000);
        return [.. head, (byte)(der.Length >> 16), (byte)(der.Length >> 8), (byte)der.Length, .. der, 0, 0];
    }
}
