using System.Globalization;
using DomainScreen.Core.Api;
using DomainScreen.Core.Audit;
using DomainScreen.Core.Review;

namespace DomainScreen.Core.Actions;

/// <summary>
/// Partners (admin), a partner's own actions and acknowledgements (partner), the signing keys (anonymous), and a
/// case's actions (readers).
/// </summary>
internal sealed class ActionRoutes(PartnerStore partners, ActionStore actions, PartnerActionService service, IActionSigner signer, AuditLog audit,
    TimeProvider time, Microsoft.Extensions.Options.IOptions<ActionOptions> options) : IApiRoutes
{
    private static readonly string[] Partner = [Roles.Partner];

    public IEnumerable<ApiRoute> Routes =>
    [
        new("actions", "GET", "/api/partners", Roles.CanOperate, ListPartnersAsync),
        new("actions", "GET", "/api/partners/{partnerId}", Roles.CanOperate, GetPartnerAsync),
        new("actions", "PUT", "/api/partners/{partnerId}", Roles.CanOperate, PutPartnerAsync),
        new("actions", "DELETE", "/api/partners/{partnerId}", Roles.CanOperate, DeletePartnerAsync),
        new("actions", "GET", "/api/partner/actions", Partner, PartnerActionsAsync),
        new("actions", "POST", "/api/partner/actions/{actionId}/ack", Partner, AckAsync),
        new("actions", "GET", "/api/partner/keys", [], KeysAsync),
        new("actions", "GET", "/api/cases/{caseId}/actions", Roles.CanRead, CaseActionsAsync),
        new("actions", "GET", "/api/actions", Roles.CanDecide, AllActionsAsync),
    ];

    /// <summary>
    /// GET /api/actions?status=open|planned|dispatched|applied|failed|refused|not-effective|undeliverable|all&amp;partnerId=&amp;overdue=true:
    /// every partner's actions for reviewers (the console's partner page), with counts by state and, for open
    /// actions, how long they have waited.
    /// </summary>
    private async Task<ApiResult> AllActionsAsync(ApiCall call, CancellationToken cancellationToken)
    {
        var top = 100;
        if (call.Query("top") is { } rawTop && (!int.TryParse(rawTop, NumberStyles.None, CultureInfo.InvariantCulture, out top) || top is < 1 or > 500))
        {
            return ApiResult.Error(400, "invalid-top", "top must be a whole number from 1 to 500.");
        }
        string? continuation = null;
        if (call.Query("continuationToken") is { } token && (continuation = Paging.Decode(token)) is null)
        {
            return ApiResult.Error(400, "invalid-continuation-token", "The continuationToken is not one this API returned.");
        }
        IReadOnlyList<string>? states = (call.Query("status") ?? "all") switch
        {
            "all" => null,
            "open" => [ActionStates.Planned, ActionStates.Dispatched],
            var s when s is ActionStates.Planned or ActionStates.Dispatched or ActionStates.Applied or ActionStates.Failed or ActionStates.Refused
                or ActionStates.NotEffective or ActionStates.Undeliverable => [s],
            _ => [],
        };
        if (states is { Count: 0 }) return ApiResult.Error(400, "invalid-status", "status is open, planned, dispatched, applied, failed, refused, not-effective, undeliverable or all.");
        var partnerId = call.Query("partnerId");
        if (partnerId is not null && !PartnerStore.IsValidId(partnerId)) return ApiResult.Error(400, "invalid-partner-id", "Not a partner id.");
        var overdueOnly = call.Query("overdue") == "true";
        var (list, next, counts) = await actions.PageAllAsync(partnerId, overdueOnly ? [ActionStates.Dispatched] : states, top, continuation, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var limit = TimeSpan.FromHours(options.Value.AckTimeoutHours);
        var views = list
            .Select(a => a with { Overdue = a.Overdue || (a.State == ActionStates.Dispatched && a.DispatchedAt is { } at && now - at > limit) })
            .Where(a => !overdueOnly || a.Overdue)
            .OrderByDescending(a => a.CreatedAt)
            .ToList();
        return ApiResult.Of(200, new ActionPage(views, counts, options.Value.AckTimeoutHours, next is null ? null : Paging.Encode(next)), CoreJson.Default.ActionPage);
    }

    private async Task<ApiResult> ListPartnersAsync(ApiCall call, CancellationToken cancellationToken) =>
        ApiResult.Of(200, new PartnerList(await partners.ListAsync(cancellationToken).ConfigureAwait(false)), CoreJson.Default.PartnerList);

    private async Task<ApiResult> GetPartnerAsync(ApiCall call, CancellationToken cancellationToken) =>
        await partners.GetAsync(call.Route("partnerId"), cancellationToken).ConfigureAwait(false) is { } p
            ? ApiResult.Of(200, p, CoreJson.Default.Partner)
            : ApiResult.Error(404, "not-found", $"No partner {call.Route("partnerId")}.");

    private async Task<ApiResult> PutPartnerAsync(ApiCall call, CancellationToken cancellationToken)
    {
        var id = call.Route("partnerId");
        if (!PartnerStore.IsValidId(id)) return ApiResult.Error(400, "invalid-partner-id", "A partner id is 2-40 lower-case letters, digits and single hyphens (it names the queue partner-<id>).");
        var (body, error) = await ApiBody.ReadJsonAsync(call.Request, CommandJson.Default.PartnerBody, cancellationToken).ConfigureAwait(false);
        if (error is not null) return error;
        if (string.IsNullOrWhiteSpace(body!.Name) || body.Name.Length > 200) return ApiResult.Error(400, "invalid-partner", "name is required (at most 200 characters).");
        if (body.Kinds is not { Count: > 0 } kinds || kinds.Any(k => !ActionKinds.All.Contains(k)))
        {
            return ApiResult.Error(400, "invalid-partner", $"kinds lists what the partner handles: {string.Join(", ", ActionKinds.All)}.");
        }
        if (body.Routes is not { } routes || (!routes.All && routes.Tlds.Count == 0 && routes.Suffixes.Count == 0) || (routes.All && (routes.Tlds.Count > 0 || routes.Suffixes.Count > 0)))
        {
            return ApiResult.Error(400, "invalid-partner", "routes is {\"all\":true} or {\"tlds\":[…],\"suffixes\":[…]} with at least one entry.");
        }
        var idn = new IdnMapping();
        try
        {
            routes.Tlds = routes.Tlds.Select(t => idn.GetAscii(t.Trim().Trim('.')).ToLowerInvariant()).Distinct().ToList();
            routes.Suffixes = routes.Suffixes.Select(s => idn.GetAscii(s.Trim().Trim('.')).ToLowerInvariant()).Distinct().ToList();
        }
        catch (ArgumentException)
        {
            return ApiResult.Error(400, "invalid-partner", "a tld or suffix is not a domain name.");
        }
        var resolvers = body.Resolvers ?? [];
        if (resolvers.Count > 10 || resolvers.Any(r => !System.Net.IPEndPoint.TryParse(r, out _)))
        {
            return ApiResult.Error(400, "invalid-partner", "resolvers lists up to 10 addresses (ip or ip:port) of the partner's RPZ-enforcing resolvers.");
        }
        var previous = await partners.GetAsync(id, cancellationToken).ConfigureAwait(false);
        var partner = new Partner(id, body.Name.Trim(), kinds.Distinct().ToList(), routes, body.Contact?.Trim(), time.GetUtcNow(), call.Caller.Name, resolvers);
        await partners.PutAsync(partner, cancellationToken).ConfigureAwait(false);
        await audit.AppendAsync(new AuditRecord(call.Caller, call.Request.RequestId, AuditActions.PartnerPut, Target: id,
            Before: previous is null ? null : Describe(previous), After: Describe(partner)), cancellationToken).ConfigureAwait(false);
        return ApiResult.Of(200, partner, CoreJson.Default.Partner);
    }

    private async Task<ApiResult> DeletePartnerAsync(ApiCall call, CancellationToken cancellationToken)
    {
        var id = call.Route("partnerId");
        var previous = await partners.GetAsync(id, cancellationToken).ConfigureAwait(false);
        if (previous is null) return ApiResult.Error(404, "not-found", $"No partner {id}.");
        await partners.DeleteAsync(id, cancellationToken).ConfigureAwait(false);
        await audit.AppendAsync(new AuditRecord(call.Caller, call.Request.RequestId, AuditActions.PartnerDelete, Target: id, Before: Describe(previous)), cancellationToken)
            .ConfigureAwait(false);
        return new ApiResult(204, "");
    }

    /// <summary>GET /api/partner/actions?status=pending|applied|failed|refused|not-effective|all — the caller's own actions only.</summary>
    private async Task<ApiResult> PartnerActionsAsync(ApiCall call, CancellationToken cancellationToken)
    {
        if (call.Caller.PartnerId is not { } partnerId) return ApiResult.Error(403, "no-partner-id", "This principal has the partner role but no partner id.");
        var (top, after, error) = Paging.Read(call, 100, 500);
        if (error is not null) return error;
        IReadOnlyList<string>? states = (call.Query("status") ?? "pending") switch
        {
            "pending" => [ActionStates.Dispatched],
            "all" => null,
            ActionStates.NotEffective => [ActionStates.NotEffective],
            var s when ActionStates.Acknowledgements.Contains(s) => [s],
            _ => [],
        };
        if (states is { Count: 0 }) return ApiResult.Error(400, "invalid-status", "status is pending, applied, failed, refused, not-effective or all.");
        var (list, last) = await actions.PageAsync(partnerId, states, top, after, cancellationToken).ConfigureAwait(false);
        var page = new PartnerActionPage(list.Select(a => new PartnerActionView(a.ActionId, a.Jws, a.State == ActionStates.Dispatched ? "pending" : a.State,
            a.CreatedAt, a.Kind, a.Domain, a.AcknowledgedAt, a.Note)).ToList(), last is null ? null : Paging.Encode(last));
        return ApiResult.Of(200, page, CoreJson.Default.PartnerActionPage);
    }

    private async Task<ApiResult> AckAsync(ApiCall call, CancellationToken cancellationToken)
    {
        if (call.Caller.PartnerId is not { } partnerId) return ApiResult.Error(403, "no-partner-id", "This principal has the partner role but no partner id.");
        var actionId = call.Route("actionId");
        if (!Keys.IsId(actionId)) return ApiResult.Error(404, "not-found", $"No action {actionId} for this partner.");
        var (body, error) = await ApiBody.ReadJsonAsync(call.Request, CommandJson.Default.AckBody, cancellationToken).ConfigureAwait(false);
        if (error is not null) return error;
        var outcome = await service.AcknowledgeAsync(partnerId, actionId, body!, call.Caller, call.Request.RequestId, cancellationToken).ConfigureAwait(false);
        var view = outcome.Action is { } a ? new PartnerActionView(a.ActionId, a.Jws, a.State == ActionStates.Dispatched ? "pending" : a.State, a.CreatedAt, a.Kind,
            a.Domain, a.AcknowledgedAt, a.Note) : null;
        return outcome.Code is null
            ? ApiResult.Of(outcome.Status, view!, CoreJson.Default.PartnerActionView)
            : ApiResult.Error(outcome.Status, outcome.Code, outcome.Message!);
    }

    /// <summary>GET /api/partner/keys: the JWKS partners verify messages with (anonymous, cacheable for an hour).</summary>
    private async Task<ApiResult> KeysAsync(ApiCall call, CancellationToken cancellationToken) =>
        ApiResult.Of(200, await signer.PublicKeysAsync(cancellationToken).ConfigureAwait(false), CoreJson.Default.JsonWebKeySet);

    private async Task<ApiResult> CaseActionsAsync(ApiCall call, CancellationToken cancellationToken)
    {
        var caseId = call.Route("caseId").ToLowerInvariant();
        var list = (await actions.ForCaseAsync(caseId, cancellationToken).ConfigureAwait(false)).OrderBy(a => a.CreatedAt).ToList();
        return ApiResult.Of(200, list, CoreJson.Default.ListPartnerAction);
    }

    private static Dictionary<string, string?> Describe(Partner p) => new()
    {
        ["name"] = p.Name, ["kinds"] = string.Join(",", p.Kinds),
        ["routes"] = p.Routes.All ? "all" : string.Join(",", p.Routes.Tlds.Select(t => "." + t).Concat(p.Routes.Suffixes)), ["contact"] = p.Contact,
    };
}
