using System.Buffers.Binary;
using System.Formats.Asn1;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace DomainScreen.Local.Lab;

/// <summary>
/// The lab's own Certificate Transparency log, served under <c>/ct-log/</c> of the lab web server both ways a real log
/// is: RFC 6962 (<c>ct/v1/get-sth</c>, <c>ct/v1/get-entries</c>, at most 100 entries an answer, as real logs cap it) and
/// static-ct-api (<c>static/checkpoint</c>, <c>static/tile/data/…</c>). It holds certificates it issues itself: X.509
/// entries, a precertificate, and one malformed entry. Tree hashes and signatures are placeholders (the follower
/// does not verify them).
/// </summary>
public sealed class LabCtLog
{
    private readonly List<(byte[] Leaf, byte[] TileLeaf)> _entries = [];
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;

    public LabCtLog(TimeProvider time)
    {
        _time = time;
        AddCertificate("faceswap-studio.test", "www.faceswap-studio.test");
        AddCertificate("deepseek-download.test");
        AddCertificate("bakery-shop.test");
        AddPrecertificate("undress-ai.test");
        AddCertificate("news-daily.test");
    }

    public long Size
    {
        get
        {
            lock (_gate) return _entries.Count;
        }
    }

    /// <summary>Issues a certificate for the names (the first is the subject CN) and logs it.</summary>
    public void AddCertificate(params string[] names)
    {
        var der = Issue(names);
        Add(Timestamped(0, Length24(der)), []);
    }

    /// <summary>Logs a precertificate entry (issuer key hash and TBSCertificate) for the names.</summary>
    public void AddPrecertificate(params string[] names)
    {
        var der = Issue(names);
        var tbs = new AsnReader(der, AsnEncodingRules.DER).ReadSequence().ReadEncodedValue().ToArray();
        Add(Timestamped(1, [.. new byte[32], .. Length24(tbs)]), Length24(der));
    }

    /// <summary>Logs an entry whose certificate is not a certificate (the envelope is sound, as a real log's would be).</summary>
    public void AddMalformed() => Add(Timestamped(0, Length24([0x30, 0x03, 0x02, 0x01, 0x00, 0xFF, 0xFE])), []);

    public async Task<bool> TryHandleAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var path = context.Request.Path.Value ?? "";
        if (!path.StartsWith("/ct-log/", StringComparison.Ordinal)) return false;
        List<(byte[] Leaf, byte[] TileLeaf)> entries;
        lock (_gate) entries = [.. _entries];
        var rest = path["/ct-log/".Length..];
        // /ct-log/<label>/… is the same log under another URL (a follower keeps one position per URL).
        if (!rest.StartsWith("ct/", StringComparison.Ordinal) && !rest.StartsWith("static/", StringComparison.Ordinal) && rest.IndexOf('/', StringComparison.Ordinal) is > 0 and var slash)
        {
            rest = rest[(slash + 1)..];
        }
        if (rest == "ct/v1/get-sth")
        {
            await Json(context, new Dictionary<string, object> { ["tree_size"] = entries.Count, ["timestamp"] = _time.GetUtcNow().ToUnixTimeMilliseconds(),
                ["sha256_root_hash"] = Convert.ToBase64String(new byte[32]), ["tree_head_signature"] = "" }, cancellationToken).ConfigureAwait(false);
        }
        else if (rest == "ct/v1/get-entries"
            && long.TryParse(context.Request.Query["start"], CultureInfo.InvariantCulture, out var start) && long.TryParse(context.Request.Query["end"], CultureInfo.InvariantCulture, out var end)
            && start >= 0 && start < entries.Count && end >= start)
        {
            var last = Math.Min(Math.Min(end, entries.Count - 1), start + 99);
            var list = new List<Dictionary<string, string>>();
            for (var i = start; i <= last; i++) list.Add(new() { ["leaf_input"] = Convert.ToBase64String(entries[(int)i].Leaf), ["extra_data"] = "" });
            await Json(context, new Dictionary<string, object> { ["entries"] = list }, cancellationToken).ConfigureAwait(false);
        }
        else if (rest == "static/checkpoint")
        {
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync($"lab.ct.test/log\n{entries.Count}\n{Convert.ToBase64String(new byte[32])}\n\n— lab.ct.test/log AAAAAA==\n", cancellationToken).ConfigureAwait(false);
        }
        else if (rest.StartsWith("static/tile/data/", StringComparison.Ordinal) && Tile(rest["static/tile/data/".Length..], entries.Count) is var (first, width))
        {
            context.Response.ContentType = "application/octet-stream";
            var bytes = entries.Skip((int)first).Take(width).SelectMany(e => e.TileLeaf).ToArray();
            await context.Response.Body.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            context.Response.StatusCode = 404;
        }
        return true;
    }

    // "x001/x234/067[.p/W]" → (first entry, width); null when the tile does not exist for this tree size.
    private static (long First, int Width)? Tile(string path, int size)
    {
        var width = 256;
        var partial = path.IndexOf(".p/", StringComparison.Ordinal);
        if (partial >= 0)
        {
            width = int.Parse(path[(partial + 3)..], CultureInfo.InvariantCulture);
            path = path[..partial];
        }
        var n = long.Parse(string.Concat(path.Split('/').Select(p => p.TrimStart('x'))), CultureInfo.InvariantCulture);
        var available = size - (n * 256);
        return available >= width && width is > 0 and <= 256 ? (n * 256, width) : null;
    }

    private void Add(byte[] timestamped, byte[] preCertificate)
    {
        byte[] chain = [0, 0];
        lock (_gate) _entries.Add(([0, 0, .. timestamped], [.. timestamped, .. preCertificate, .. chain]));
    }

    private byte[] Timestamped(ushort type, byte[] signedEntry)
    {
        var head = new byte[10];
        BinaryPrimitives.WriteUInt64BigEndian(head, (ulong)_time.GetUtcNow().ToUnixTimeMilliseconds());
        BinaryPrimitives.WriteUInt16BigEndian(head.AsSpan(8), type);
        return [.. head, .. signedEntry, 0, 0];
    }

    private static byte[] Length24(byte[] data) => [(byte)(data.Length >> 16), (byte)(data.Length >> 8), (byte)data.Length, .. data];

    private byte[] Issue(string[] names)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + names[0], key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in names) san.AddDnsName(name);
        request.CertificateExtensions.Add(san.Build());
        var now = _time.GetUtcNow();
        using var cert = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(90));
        return cert.RawData;
    }

    private static Task Json(HttpContext context, object body, CancellationToken cancellationToken)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(JsonSerializer.Serialize(body), Encoding.UTF8, cancellationToken);
    }
}
