using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace DomainScreen.Core.Api;

/// <summary>An HTTP answer both hosts write as is: status, JSON body, extra headers.</summary>
public sealed record ApiResult(int Status, string Json, IReadOnlyDictionary<string, string>? Headers = null)
{
    public const string ContentType = "application/json; charset=utf-8";

    public static ApiResult Of<T>(int status, T body, JsonTypeInfo<T> type, IReadOnlyDictionary<string, string>? headers = null) =>
        new(status, JsonSerializer.Serialize(body, type), headers);

    public static ApiResult Error(int status, string code, string message) =>
        Of(status, new ApiError(code, message), CoreJson.Default.ApiError);
}

/// <summary>The body of every error answer.</summary>
public sealed record ApiError(string Code, string Message, IReadOnlyList<Submissions.SubmissionLineError>? Errors = null);

/// <summary>What a host hands the API: headers, body and its declared type and length.</summary>
public sealed record ApiRequest(Func<string, string?> Header, Stream Body, string? ContentType, long? ContentLength)
{
    public static ApiRequest WithoutBody(Func<string, string?> header) => new(header, Stream.Null, null, 0);
}

/// <summary>GET /api/health.</summary>
public sealed record HealthReport(string Status, string Version, DateTimeOffset Time, IReadOnlyDictionary<string, string> Checks);
