using System.Globalization;
using System.Text.Json;
using DomainScreen.Core.Api;
using DomainScreen.Core.Fingerprints;
using DomainScreen.Core.Scoring;

namespace DomainScreen.Core.Review;

/// <summary>The reviewers' routes: list, read, decide (one or many), appeal.</summary>
internal sealed class CaseRoutes(CaseService service, CaseStore store) : IApiRoutes
{
    public const int DefaultTop = 50, MaxTop = 200, MaxBulk = 200;

    public IEnumerable<ApiRoute> Routes =>
    [
        new("review", "GET", "/api/cases", Roles.CanRead, ListAsync),
        new("review", "GET", "/api/cases/{caseId}", Roles.CanRead, GetAsync),
        new("review", "POST", "/api/cases/{caseId}/decision", Roles.CanDecide, DecideAsync),
        new("review", "POST", "/api/cases/decisions", Roles.CanDecide, DecideManyAsync),
        new("review", "POST", "/api/cases/{caseId}/appeal", Roles.CanAppeal, AppealAsync),
    ];

    private async Task<ApiResult> ListAsync(ApiCall call, CancellationToken cancellationToken)
    {
        var (top, after, error) = Paging.Read(call, DefaultTop, MaxTop);
        if (error is not null) return error;
        var (query, problem) = Query(call);
        if (problem is not null) return ApiResult.Error(400, "invalid-filter", problem);
        var (cases, last, counts) = await store.ListAsync(query!, top, after, cancellationToken).ConfigureAwait(false);
        return ApiResult.Of(200, new CaseList(cases, counts, last is null ? null : Paging.Encode(last)), CoreJson.Default.CaseList);
    }

    private async Task<ApiResult> GetAsync(ApiCall call, CancellationToken cancellationToken)
    {
        if (CaseId(call) is not { } caseId) return BadCaseId();
        var detail = await service.GetAsync(caseId, cancellationToken).ConfigureAwait(false);
        return detail is null
            ? ApiResult.Error(404, "not-found", $"No case {caseId}.")
            : ApiResult.Of(200, detail, CoreJson.Default.CaseDetail, new Dictionary<string, string> { ["ETag"] = detail.Etag });
    }

    private async Task<ApiResult> DecideAsync(ApiCall call, CancellationToken cancellationToken)
    {
        if (CaseId(call) is not { } caseId) return BadCaseId();
        if (call.Header("If-Match") is not { Length: > 0 } ifMatch || ifMatch.Trim() == "*")
        {
            return ApiResult.Error(428, "if-match-required",
                "Send the case's ETag (from GET /api/cases/{caseId} or the list) in If-Match, so a decision never overwrites one you have not seen.");
        }
        var (body, error) = await ApiBody.ReadJsonAsync(call.Request, CommandJson.Default.DecisionBody, cancellationToken).ConfigureAwait(false);
        if (error is not null) return error;
        if (body!.CaseId is not null || body.Etag is not null)
        {
            return ApiResult.Error(400, "invalid-decision", "caseId and etag belong in the URL and If-Match (or use POST /api/cases/decisions).");
        }
        var change = await service.DecideAsync(caseId, ifMatch, body, call.Caller, call.Request.RequestId, cancellationToken).ConfigureAwait(false);
        return Answer(change);
    }

    private async Task<ApiResult> DecideManyAsync(ApiCall call, CancellationToken cancellationToken)
    {
        var (bytes, error) = await ApiBody.ReadAsync(call.Request, 1024 * 1024, cancellationToken).ConfigureAwait(false);
        if (error is not null) return error;
        List<DecisionBody>? items;
        try
        {
            // A bare array, or {"decisions":[…]}.
            items = bytes.Span.TrimStart(" \t\r\n"u8).StartsWith("["u8)
                ? JsonSerializer.Deserialize(bytes.Span, CommandJson.Default.ListDecisionBody)
                : JsonSerializer.Deserialize(bytes.Span, CommandJson.Default.BulkDecisionBody)?.Decisions;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return ApiResult.Error(400, "invalid-json", $"The body is not a list of decisions: {ex.Message.Split('\n')[0]}");
        }
        if (items is not { Count: > 0 }) return ApiResult.Error(400, "invalid-json", "Send a non-empty list of decisions: [{\"caseId\",\"etag\",\"decision\",…}].");
        if (items.Count > MaxBulk) return ApiResult.Error(413, "too-many-decisions", $"At most {MaxBulk} decisions at once.");
        var outcomes = new List<DecisionOutcome>();
        foreach (var item in items)
        {
            if (item.CaseId is null || service.CaseIdOf(item.CaseId) is not { } caseId)
            {
                outcomes.Add(new DecisionOutcome(item.CaseId, 400, Code: "invalid-case-id", Message: "caseId must be a registrable domain."));
                continue;
            }
            if (string.IsNullOrWhiteSpace(item.Etag))
            {
                outcomes.Add(new DecisionOutcome(caseId, 428, Code: "etag-required", Message: "Each item needs the case's etag."));
                continue;
            }
            var body = new DecisionBody
            {
                Decision = item.Decision, Actions = item.Actions, Scope = item.Scope, Note = item.Note, Reason = item.Reason,
                Allowlist = item.Allowlist, AllowlistUntil = item.AllowlistUntil,
            };
            var change = await service.DecideAsync(caseId, item.Etag, body, call.Caller, call.Request.RequestId, cancellationToken).ConfigureAwait(false);
            outcomes.Add(new DecisionOutcome(caseId, change.Status, change.Case?.State, change.Case?.ETag, change.Code, change.Message));
        }
        return ApiResult.Of(200, new BulkDecisionResult(outcomes), CoreJson.Default.BulkDecisionResult);
    }

    private async Task<ApiResult> AppealAsync(ApiCall call, CancellationToken cancellationToken)
    {
        if (CaseId(call) is not { } caseId) return BadCaseId();
        var (body, error) = await ApiBody.ReadJsonAsync(call.Request, CommandJson.Default.AppealBody, cancellationToken).ConfigureAwait(false);
        if (error is not null) return error;
        return Answer(await service.AppealAsync(caseId, body!, call.Caller, call.Request.RequestId, cancellationToken).ConfigureAwait(false));
    }

    private static ApiResult Answer(CaseChange change)
    {
        var headers = change.Case is { } c ? new Dictionary<string, string> { ["ETag"] = c.ETag } : null;
        return change.Code is null
            ? ApiResult.Of(change.Status, change.Case!, CoreJson.Default.CaseRecord, headers)
            : ApiResult.Of(change.Status, new ApiError(change.Code, change.Message!), CoreJson.Default.ApiError, headers);
    }

    private string? CaseId(ApiCall call) => service.CaseIdOf(call.Route("caseId"));

    private static ApiResult BadCaseId() =>
        ApiResult.Error(400, "invalid-case-id", "A case id is the registrable domain it covers (e.g. example.com or 例子.公司).");

    private static (CaseQuery? Query, string? Problem) Query(ApiCall call)
    {
        IReadOnlyList<string>? states = [CaseStates.Pending];
        if (call.Query("state") is { } s)
        {
            states = s == "all" ? null : s.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (states?.FirstOrDefault(x => !CaseStates.All.Contains(x)) is { } bad) return (null, $"state '{bad}' is not one of: all, {string.Join(", ", CaseStates.All)}.");
        }
        var band = call.Query("band");
        if (band is not null && !Bands.Ordered.Contains(band)) return (null, $"band must be one of: {string.Join(", ", Bands.Ordered)}.");
        var category = call.Query("category");
        if (category is not null && !Categories.All.Contains(category)) return (null, $"category must be one of: {string.Join(", ", Categories.All)}.");
        var function = call.Query("function");
        if (function is not null && !SiteFunctions.All.Contains(function)) return (null, $"function must be one of: {string.Join(", ", SiteFunctions.All)}.");
        var product = call.Query("product");
        if (product is not null && (product.Length > 100 || !product.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_' or '.')))
        {
            return (null, "product is a catalog product id (letters, digits, '-', '_', '.').");
        }
        var source = call.Query("source");
        if (source is not null && (source.Length > 50 || !source.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_'))) return (null, "source is a source id such as sweep or submission.");
        var runId = call.Query("runId");
        if (runId is not null && !Keys.IsId(runId)) return (null, "runId is a sweep or submission id.");
        DateTimeOffset? since = null;
        if (call.Query("since") is { } raw)
        {
            if (!DateTimeOffset.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)) return (null, "since must be a date or ISO 8601 time.");
            since = t;
        }
        string? ascii = null, unicode = null;
        if (call.Query("q") is { } q)
        {
            q = q.Trim().TrimEnd('.').ToLowerInvariant();
            if (q.Length is 0 or > 253) return (null, "q is the start of a domain name.");
            if (q.All(char.IsAscii)) ascii = q;
            else
            {
                unicode = q;
                try
                {
                    ascii = new IdnMapping().GetAscii(q);
                }
                catch (ArgumentException)
                {
                    // A partial Unicode label has no punycode of its own; the display name still matches.
                }
            }
        }
        return (new CaseQuery(states, band, category, product, source, runId, ascii, unicode, since, function), null);
    }
}
