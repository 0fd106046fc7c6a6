namespace DomainScreen.Core.Api;

/// <summary>What a host hands the API: method, path, headers, query, body and its declared type and length.</summary>
public sealed class ApiRequest
{
    public required string Method { get; init; }

    /// <summary>The decoded path, starting with <c>/</c> (e.g. <c>/api/cases/example.com</c>).</summary>
    public required string Path { get; init; }

    public Func<string, string?> Header { get; init; } = static _ => null;

    public Func<string, string?> Query { get; init; } = static _ => null;

    public Stream Body { get; init; } = Stream.Null;

    public string? ContentType { get; init; }

    public long? ContentLength { get; init; }

    /// <summary>The host's id for this request; echoed in errors and written to the audit trail.</summary>
    public string RequestId { get; init; } = "";
}
