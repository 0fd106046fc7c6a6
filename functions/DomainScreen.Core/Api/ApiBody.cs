using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;

namespace DomainScreen.Core.Api;

/// <summary>Bounded reads of request bodies, and the errors a client can act on when a body is wrong.</summary>
internal static class ApiBody
{
    /// <summary>Default cap for JSON command bodies (decisions, allowlist entries): 256 KiB.</summary>
    public const int DefaultMaxBytes = 256 * 1024;

    /// <summary>Reads at most <paramref name="max"/> bytes; a longer, broken or malformed (chunking) body is an error result.</summary>
    public static async Task<(ReadOnlyMemory<byte> Bytes, ApiResult? Error)> ReadAsync(ApiRequest request, int max, CancellationToken cancellationToken)
    {
        if (request.ContentLength > max) return (default, TooLarge(max));
        var buffer = new BoundedBuffer(max, request.ContentLength);
        try
        {
            await buffer.FillAsync(request.Body, cancellationToken).ConfigureAwait(false);
        }
        catch (BadHttpRequestException ex)
        {
            return (default, ApiResult.Error(ex.StatusCode == 413 ? 413 : 400, "bad-body", $"The request body could not be read: {ex.Message}"));
        }
        catch (IOException ex)
        {
            // Kestrel reports a malformed chunked body (an oversized chunk length, say) as an IOException.
            return (default, ApiResult.Error(400, "bad-body", $"The request body could not be read: {ex.Message}"));
        }
        return buffer.Exceeded ? (default, TooLarge(max)) : (buffer.Bytes, null);
    }

    /// <summary>Reads a JSON object body of type <typeparamref name="T"/>; 415 for another media type, 400 for bad JSON.</summary>
    public static async Task<(T? Value, ApiResult? Error)> ReadJsonAsync<T>(ApiRequest request, JsonTypeInfo<T> type, CancellationToken cancellationToken,
        int max = DefaultMaxBytes) where T : class
    {
        var media = (request.ContentType ?? "").Split(';')[0].Trim();
        if (media.Length > 0 && !media.Equals("application/json", StringComparison.OrdinalIgnoreCase) && !media.EndsWith("+json", StringComparison.OrdinalIgnoreCase))
        {
            return (null, ApiResult.Error(415, "unsupported-media-type", $"Content-Type '{media}' is not accepted; send application/json."));
        }
        var (bytes, error) = await ReadAsync(request, max, cancellationToken).ConfigureAwait(false);
        if (error is not null) return (null, error);
        if (bytes.IsEmpty) return (null, ApiResult.Error(400, "empty-body", "The request needs a JSON body."));
        try
        {
            var value = JsonSerializer.Deserialize(bytes.Span, type);
            return value is null ? (null, ApiResult.Error(400, "invalid-json", "The body is JSON null; send an object.")) : (value, null);
        }
        catch (JsonException ex)
        {
            return (null, ApiResult.Error(400, "invalid-json", $"The body is not the expected JSON: {Describe(ex)}"));
        }
        catch (InvalidOperationException ex)
        {
            // Invalid UTF-8 or a lone surrogate escape inside a string.
            return (null, ApiResult.Error(400, "invalid-json", $"The body holds text that is not valid Unicode: {ex.Message}"));
        }
    }

    private static string Describe(JsonException ex) =>
        ex.Path is { Length: > 0 } path ? $"{FirstLine(ex.Message)} (at {path})" : FirstLine(ex.Message);

    private static string FirstLine(string s) => s.Split('\n')[0].Split(" Path: ")[0];

    private static ApiResult TooLarge(int max) => ApiResult.Error(413, "body-too-large", $"The body is larger than {max} bytes.");
}

/// <summary>
/// Paging of lists: <c>top</c> (bounded) and an opaque <c>continuationToken</c> (base64url of the last key returned),
/// so the next page starts strictly after it whatever was added meanwhile.
/// </summary>
internal static class Paging
{
    public static (int Top, string? After, ApiResult? Error) Read(ApiCall call, int defaultTop, int maxTop)
    {
        var top = defaultTop;
        if (call.Query("top") is { } raw && (!int.TryParse(raw, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out top) || top < 1 || top > maxTop))
        {
            return (0, null, ApiResult.Error(400, "invalid-top", $"top must be a whole number from 1 to {maxTop}."));
        }
        if (call.Query("continuationToken") is not { } token) return (top, null, null);
        return Decode(token) is { } after ? (top, after, null)
            : (0, null, ApiResult.Error(400, "invalid-continuation-token", "The continuationToken is not one this API returned."));
    }

    public static string Encode(string key) => "k" + Convert.ToBase64String(Encoding.UTF8.GetBytes(key)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string? Decode(string token)
    {
        if (token.Length is < 2 or > 2048 || token[0] != 'k') return null;
        var b64 = token[1..].Replace('-', '+').Replace('_', '/');
        b64 = b64.PadRight(b64.Length + ((4 - (b64.Length % 4)) % 4), '=');
        try
        {
            return new UTF8Encoding(false, true).GetString(Convert.FromBase64String(b64));
        }
        catch (Exception ex) when (ex is FormatException or DecoderFallbackException)
        {
            return null;
        }
    }
}
