using System.Text.Json;
using DomainScreen.Core.Api;
using DomainScreen.Core.Domains;
using DomainScreen.Core.Submissions;
using Microsoft.Extensions.Options;

namespace DomainScreen.Core.Sweeps;

/// <summary>The answer to POST /api/candidates.</summary>
public sealed record CandidatesAdded(int Added, int Duplicates, string Source, IReadOnlyList<string> Tags, IReadOnlyList<SubmissionLineError> Errors);

/// <summary>POST, GET /api/candidates and DELETE /api/candidates/{domain}.</summary>
internal sealed class CandidateRoutes(CandidateStore store, SubmissionParser parser, DomainParser domains, IOptions<SubmissionOptions> options) : IApiRoutes
{
    public IEnumerable<ApiRoute> Routes =>
    [
        new("candidates", "POST", "/api/candidates", Roles.CanSubmit, AddAsync),
        new("candidates", "GET", "/api/candidates", Roles.CanRead, ListAsync),
        new("candidates", "DELETE", "/api/candidates/{domain}", Roles.CanOperate, DeleteAsync),
    ];

    /// <summary>
    /// The bodies of POST /api/submissions (JSON array, text, CSV with a domain column), or a JSON object
    /// <c>{"domains":[…],"source","tags":[…]}</c>. <c>source</c> and <c>tags</c> may also be query parameters
    /// (<c>?source=feed:partner-list&amp;tags=voice,2026q4</c>); the source defaults to <c>api</c>.
    /// </summary>
    private async Task<ApiResult> AddAsync(ApiCall call, CancellationToken cancellationToken)
    {
        var (body, error) = await ApiBody.ReadAsync(call.Request, options.Value.MaxBodyBytes, cancellationToken).ConfigureAwait(false);
        if (error is not null) return error;
        var source = call.Query("source");
        var tags = call.Query("tags")?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList() ?? [];
        var contentType = call.Request.ContentType;
        var bytes = body.ToArray();
        if (bytes.AsSpan().TrimStart(" \t\r\n"u8).StartsWith("{"u8))
        {
            try
            {
                using var doc = JsonDocument.Parse(bytes);
                var root = doc.RootElement;
                if (!root.TryGetProperty("domains", out var list) || list.ValueKind != JsonValueKind.Array)
                {
                    return ApiResult.Error(400, "invalid-json", "The object needs \"domains\": an array of names.");
                }
                if (root.TryGetProperty("source", out var s) && s.ValueKind == JsonValueKind.String) source ??= s.GetString();
                if (root.TryGetProperty("tags", out var t) && t.ValueKind == JsonValueKind.Array) tags.AddRange(t.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!));
                bytes = JsonSerializer.SerializeToUtf8Bytes(list);
                contentType = "application/json";
            }
            catch (JsonException ex)
            {
                return ApiResult.Error(400, "invalid-json", $"The body is not valid JSON: {ex.Message.Split('\n')[0]}");
            }
        }
        source ??= "api";
        if (!IsLabel(source, 100)) return ApiResult.Error(400, "invalid-source", "source is 1-100 letters, digits and . _ - : (e.g. api, feed:cn-zone, ct:argon2026).");
        if (tags.Count > 20 || tags.Any(tag => !IsLabel(tag, 50))) return ApiResult.Error(400, "invalid-tags", "At most 20 tags of 1-50 letters, digits and . _ - :.");
        try
        {
            var parsed = parser.Parse(bytes, contentType, options.Value.MaxLines);
            var added = await store.AddAsync(parsed.Accepted, source, cancellationToken, tags).ConfigureAwait(false);
            return ApiResult.Of(parsed.Accepted.Count == 0 ? 400 : 200, new CandidatesAdded(added, parsed.Duplicates, source, tags, parsed.Errors.Take(2000).ToList()),
                CoreJson.Default.CandidatesAdded);
        }
        catch (SubmissionFormatException ex)
        {
            return ApiResult.Error(ex.Status, ex.Code, ex.Message);
        }
    }

    private async Task<ApiResult> ListAsync(ApiCall call, CancellationToken cancellationToken)
    {
        var (top, after, error) = Paging.Read(call, 100, 1000);
        if (error is not null) return error;
        string? prefix = null;
        if (call.Query("q") is { } q)
        {
            prefix = q.Trim().TrimEnd('.').ToLowerInvariant();
            if (!prefix.All(char.IsAscii))
            {
                try
                {
                    prefix = new System.Globalization.IdnMapping().GetAscii(prefix);
                }
                catch (ArgumentException)
                {
                    return ApiResult.Error(400, "invalid-q", "q is the start of a domain name.");
                }
            }
        }
        var (list, last) = await store.PageAsync(after, top, prefix, call.Query("source"), call.Query("tag"), cancellationToken).ConfigureAwait(false);
        return ApiResult.Of(200, new CandidatePage(list, last is null ? null : Paging.Encode(last)), CoreJson.Default.CandidatePage);
    }

    private async Task<ApiResult> DeleteAsync(ApiCall call, CancellationToken cancellationToken)
    {
        var parsed = domains.TryParse(call.Route("domain"));
        if (parsed.Name is not { } name) return ApiResult.Error(400, parsed.Error!.CodeName, parsed.Error.Message);
        return await store.DeleteAsync(name.Ascii, cancellationToken).ConfigureAwait(false)
            ? new ApiResult(204, "")
            : ApiResult.Error(404, "not-found", $"{name.Ascii} is not a candidate.");
    }

    private static bool IsLabel(string s, int max) =>
        s.Length > 0 && s.Length <= max && s.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or ':');
}
