using System.Text;
using DomainScreen.Core.Api;
using DomainScreen.Core.Fetching;
using DomainScreen.Core.Storage;

namespace DomainScreen.Core.Screening;

/// <summary>
/// GET /api/evidence/{sha256}: a stored page body or favicon (content-addressed blob, see docs/evidence.md), for the
/// review console and analysts. Never served as what it is: a page comes back as JSON text (decoded with the charset
/// the fetch recorded, the same text the evidence offsets point into), an icon as base64 with a media type sniffed
/// from its bytes — so a stored page can never run in this origin.
/// </summary>
internal sealed class EvidenceRoutes(EvidenceStore evidence) : IApiRoutes
{
    /// <summary>Text beyond this many characters is cut (the fetch cap is 2 MiB of bytes).</summary>
    public const int MaxTextChars = 2 * 1024 * 1024;

    public IEnumerable<ApiRoute> Routes => [new("evidence", "GET", "/api/evidence/{sha256}", Roles.CanRead, GetAsync)];

    private async Task<ApiResult> GetAsync(ApiCall call, CancellationToken cancellationToken)
    {
        var sha = call.Route("sha256").ToLowerInvariant();
        if (sha.Length != 64 || !sha.All(char.IsAsciiHexDigitLower)) return ApiResult.Error(400, "invalid-sha256", "Give the SHA-256 of the stored body or favicon: 64 hex digits.");
        var mode = call.Query("as") ?? "text";
        if (mode is not ("text" or "image")) return ApiResult.Error(400, "invalid-as", "as is text (default) or image.");
        var data = await evidence.GetAsync(sha, cancellationToken).ConfigureAwait(false);
        if (data is null) return ApiResult.Error(404, "not-found", $"Nothing stored under {sha}.");
        var bytes = data.ToMemory();
        if (mode == "image")
        {
            return Sniff(bytes.Span) is { } type
                ? ApiResult.Of(200, new StoredImage(sha, bytes.Length, type, Convert.ToBase64String(bytes.Span)), CoreJson.Default.StoredImage)
                : ApiResult.Error(415, "not-an-image", "The stored bytes are not a PNG, ICO, GIF, JPEG, WebP or SVG image.");
        }
        var (text, charset) = TextDecoding.Decode(bytes.Span, call.Query("charset"));
        var cut = text.Length > MaxTextChars;
        if (cut) text = text[..MaxTextChars];
        return ApiResult.Of(200, new StoredText(sha, bytes.Length, charset, cut, text), CoreJson.Default.StoredText);
    }

    /// <summary>The image type from magic bytes, or null.</summary>
    internal static string? Sniff(ReadOnlySpan<byte> b)
    {
        if (b.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])) return "image/png";
        if (b.StartsWith("GIF87a"u8) || b.StartsWith("GIF89a"u8)) return "image/gif";
        if (b.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF])) return "image/jpeg";
        if (b.StartsWith((ReadOnlySpan<byte>)[0, 0, 1, 0]) || b.StartsWith((ReadOnlySpan<byte>)[0, 0, 2, 0])) return "image/x-icon";
        if (b.Length > 12 && b.StartsWith("RIFF"u8) && b[8..12].SequenceEqual("WEBP"u8)) return "image/webp";
        var head = Encoding.UTF8.GetString(b[..Math.Min(b.Length, 512)]).TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        return head.StartsWith("<svg", StringComparison.OrdinalIgnoreCase) || (head.StartsWith("<?xml", StringComparison.Ordinal) && head.Contains("<svg", StringComparison.OrdinalIgnoreCase))
            ? "image/svg+xml" : null;
    }
}

/// <summary>A stored page as text.</summary>
public sealed record StoredText(string Sha256, int Bytes, string Charset, bool Cut, string Text);

/// <summary>A stored favicon.</summary>
public sealed record StoredImage(string Sha256, int Bytes, string MediaType, string Base64);
