using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace DomainScreen.Core.Api;

/// <summary>
/// An HTTP answer both hosts write as is: status, body (JSON unless <paramref name="MediaType"/> says otherwise, as
/// for the RPZ and CSV exports), extra headers.
/// </summary>
public sealed record ApiResult(int Status, string Json, IReadOnlyDictionary<string, string>? Headers = null, string? MediaType = null)
{
    public const string ContentType = "application/json; charset=utf-8";

    // API bodies are JSON served as application/json: quotes, '<' and CJK text are written as themselves, not as
    // \u0027 or \u4E2D escapes (control characters and the JSON specials are still escaped).
    private static readonly JsonWriterOptions Writer = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static ApiResult Of<T>(int status, T body, JsonTypeInfo<T> type, IReadOnlyDictionary<string, string>? headers = null) =>
        new(status, Serialize(body, type), headers);

    /// <summary>A body that is not JSON (a zone file, CSV, a STIX bundle).</summary>
    public static ApiResult Text(string body, string mediaType, IReadOnlyDictionary<string, string>? headers = null) => new(200, body, headers, mediaType);

    public static ApiResult Error(int status, string code, string message) =>
        Of(status, new ApiError(code, message), CoreJson.Default.ApiError);

    /// <summary>Serialises with the API's escaping (see <see cref="ApiResult"/>); also used by the CLI's JSON output.</summary>
    public static string Serialize<T>(T body, JsonTypeInfo<T> type)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, Writer)) JsonSerializer.Serialize(writer, body, type);
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}

/// <summary>The body of every error answer.</summary>
public sealed record ApiError(string Code, string Message, IReadOnlyList<Submissions.SubmissionLineError>? Errors = null, string? RequestId = null);

/// <summary>GET /api/health.</summary>
public sealed record HealthReport(string Status, string Version, DateTimeOffset Time, IReadOnlyDictionary<string, string> Checks);
