using System.Buffers.Binary;
using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace DomainScreen.Core.Sources;

/// <summary>What a log entry names: the DNS names of its certificate or precertificate, or why it could not be read.</summary>
public readonly record struct CtNames(long Index, bool Precertificate, IReadOnlyList<string> Names, string? Error);

/// <summary>
/// Reads Certificate Transparency entries: RFC 6962 <c>MerkleTreeLeaf</c>s (from <c>get-entries</c>) and static-ct-api
/// <c>TileLeaf</c>s (from data tiles), both built on RFC 6962 §3.4's <c>TimestampedEntry</c>, and takes the DNS names of
/// the X.509 certificate (SAN dNSNames and the subject CN, via the base library) or of the precertificate's
/// TBSCertificate (walked with <see cref="AsnReader"/>). A malformed entry gives an error, never an exception.
/// </summary>
public static class CtEntries
{
    private const string SubjectAltName = "2.5.29.17";
    private const string CommonName = "2.5.4.3";

    /// <summary>Names of one RFC 6962 <c>MerkleTreeLeaf</c> (<c>leaf_input</c> of get-entries).</summary>
    public static CtNames FromMerkleTreeLeaf(long index, ReadOnlySpan<byte> leaf)
    {
        if (leaf.Length < 2 || leaf[0] != 0 || leaf[1] != 0) return new(index, false, [], "not a v1 timestamped-entry leaf");
        var rest = leaf[2..];
        return FromTimestampedEntry(index, ref rest);
    }

    /// <summary>
    /// Every entry of a static-ct-api data tile, numbered from <paramref name="firstIndex"/>. A bad certificate is that
    /// entry's error; an envelope that cannot be read ends the tile there (its leaves have no lengths of their own).
    /// </summary>
    public static List<CtNames> FromDataTile(long firstIndex, ReadOnlySpan<byte> tile)
    {
        var list = new List<CtNames>(256);
        var rest = tile;
        for (var index = firstIndex; rest.Length > 0; index++) list.Add(FromTimestampedEntry(index, ref rest, tileLeaf: true));
        return list;
    }

    private static CtNames FromTimestampedEntry(long index, ref ReadOnlySpan<byte> s, bool tileLeaf = false)
    {
        // The envelope first: if it cannot be read, neither can anything after it in a tile.
        ReadOnlySpan<byte> body;
        ushort type;
        try
        {
            Take(ref s, 8); // timestamp
            type = BinaryPrimitives.ReadUInt16BigEndian(Take(ref s, 2));
            switch (type)
            {
                case 0:
                    body = Take(ref s, Length24(ref s));
                    Take(ref s, BinaryPrimitives.ReadUInt16BigEndian(Take(ref s, 2))); // extensions
                    if (tileLeaf) Take(ref s, BinaryPrimitives.ReadUInt16BigEndian(Take(ref s, 2))); // certificate_chain fingerprints
                    break;
                case 1:
                    Take(ref s, 32); // issuer_key_hash
                    body = Take(ref s, Length24(ref s));
                    Take(ref s, BinaryPrimitives.ReadUInt16BigEndian(Take(ref s, 2))); // extensions
                    if (tileLeaf)
                    {
                        Take(ref s, Length24(ref s)); // pre_certificate
                        Take(ref s, BinaryPrimitives.ReadUInt16BigEndian(Take(ref s, 2)));
                    }
                    break;
                default:
                    s = default;
                    return new(index, false, [], $"unknown entry type {type}");
            }
        }
        catch (ArgumentOutOfRangeException ex)
        {
            s = default;
            return new(index, false, [], "malformed entry: " + ex.Message.Split('\n')[0]);
        }
        // Then the certificate: a bad one is this entry's error only.
        try
        {
            return new(index, type == 1, type == 0 ? FromCertificate(body) : FromTbsCertificate(body), null);
        }
        catch (Exception ex) when (ex is ArgumentOutOfRangeException or AsnContentException or CryptographicException or FormatException)
        {
            return new(index, type == 1, [], "malformed certificate: " + ex.Message.Split('\n')[0]);
        }
    }

    // Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signature }: its names are the TBSCertificate's.
    // Walked with AsnReader rather than loaded as an X509Certificate2 (which builds a native handle per entry).
    private static List<string> FromCertificate(ReadOnlySpan<byte> der) =>
        FromTbsCertificate(new AsnReader(der.ToArray(), AsnEncodingRules.DER).ReadSequence().ReadEncodedValue().Span);

    /// <summary>TBSCertificate (RFC 5280 §4.1): version, serial, signature, issuer, validity, subject, key, [1], [2], [3] extensions.</summary>
    private static List<string> FromTbsCertificate(ReadOnlySpan<byte> der)
    {
        var tbs = new AsnReader(der.ToArray(), AsnEncodingRules.DER).ReadSequence();
        if (tbs.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 0, true))) tbs.ReadEncodedValue();
        tbs.ReadEncodedValue(); // serialNumber
        tbs.ReadEncodedValue(); // signature
        tbs.ReadEncodedValue(); // issuer
        tbs.ReadEncodedValue(); // validity
        var subject = tbs.ReadEncodedValue();
        tbs.ReadEncodedValue(); // subjectPublicKeyInfo
        var names = new List<string>();
        while (tbs.HasData)
        {
            var tag = tbs.PeekTag();
            if (!tag.HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 3, true)))
            {
                tbs.ReadEncodedValue(); // issuerUniqueID, subjectUniqueID
                continue;
            }
            var extensions = tbs.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 3, true)).ReadSequence();
            while (extensions.HasData)
            {
                var extension = extensions.ReadSequence();
                var oid = extension.ReadObjectIdentifier();
                var critical = extension.PeekTag().HasSameClassAndValue(Asn1Tag.Boolean) && extension.ReadBoolean();
                var value = extension.ReadOctetString();
                if (oid == SubjectAltName) names.AddRange(new X509SubjectAlternativeNameExtension(value, critical).EnumerateDnsNames());
            }
        }
        if (CommonNameOf(new X500DistinguishedName(subject.Span)) is { } cn) names.Add(cn);
        return Clean(names);
    }

    private static string? CommonNameOf(X500DistinguishedName name)
    {
        foreach (var rdn in name.EnumerateRelativeDistinguishedNames())
        {
            if (!rdn.HasMultipleElements && rdn.GetSingleElementType().Value == CommonName) return rdn.GetSingleElementValue();
        }
        return null;
    }

    // Lower-case, without a wildcard label or trailing dot, names only (a CN may be anything).
    private static List<string> Clean(List<string> names) =>
        names.Select(n => n.Trim().TrimEnd('.').ToLowerInvariant())
            .Select(n => n.StartsWith("*.", StringComparison.Ordinal) ? n[2..] : n)
            .Where(n => n.Length is > 3 and < 254 && n.Contains('.', StringComparison.Ordinal) && !n.Contains(' ', StringComparison.Ordinal))
            .Distinct(StringComparer.Ordinal).ToList();

    private static int Length24(ref ReadOnlySpan<byte> s)
    {
        var b = Take(ref s, 3);
        return (b[0] << 16) | (b[1] << 8) | b[2];
    }

    private static ReadOnlySpan<byte> Take(scoped ref ReadOnlySpan<byte> s, int n)
    {
        if (n < 0 || n > s.Length) throw new ArgumentOutOfRangeException(nameof(n), $"the entry ends after {s.Length} bytes, {n} needed");
        var taken = s[..n];
        s = s[n..];
        return taken;
    }
}
