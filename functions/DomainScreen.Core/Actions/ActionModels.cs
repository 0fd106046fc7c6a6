namespace DomainScreen.Core.Actions;

/// <summary>What a partner is asked to do. <c>block</c> and <c>deregister</c> come from an approval; <c>unblock</c> undoes a block.</summary>
public static class ActionVerbs
{
    public const string Block = "block", Deregister = "deregister", Unblock = "unblock";

    public static readonly string[] All = [Block, Deregister, Unblock];
}

/// <summary>An action's life: planned → dispatched → applied | failed | refused (the partner's acknowledgement), or undeliverable.</summary>
public static class ActionStates
{
    public const string Planned = "planned", Dispatched = "dispatched", Applied = "applied", Failed = "failed", Refused = "refused",
        Undeliverable = "undeliverable";

    /// <summary>An applied block that a partner's own resolver still answers for (found by a sweep's watchlist).</summary>
    public const string NotEffective = "not-effective";

    /// <summary>The statuses a partner may acknowledge with.</summary>
    public static readonly string[] Acknowledgements = [Applied, Failed, Refused];

    public static bool IsOpen(string state) => state is Planned or Dispatched;
}

/// <summary>
/// One action for one partner: what to do to which name, for which case and decision, the signed message (a JWS
/// made once, at planning, so every delivery carries the same bytes), and where it stands.
/// </summary>
public sealed record PartnerAction
{
    public required string ActionId { get; init; }
    public required string PartnerId { get; init; }
    public required string CaseId { get; init; }
    public required string Kind { get; init; }
    public required string Domain { get; init; }
    public required string DisplayName { get; init; }
    public required string Scope { get; init; }
    public IReadOnlyList<string> Hosts { get; init; } = [];
    public IReadOnlyList<string> Categories { get; init; } = [];
    public required int DecisionVersion { get; init; }
    public required string Jws { get; init; }
    public required string State { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset ExpiresAt { get; init; }
    public DateTimeOffset? DispatchedAt { get; init; }
    public DateTimeOffset? AcknowledgedAt { get; init; }
    public string? Note { get; init; }
    public IReadOnlyList<string> ApprovedBy { get; init; } = [];

    /// <summary>The sweep that found an applied block not effective, and where.</summary>
    public string? NotEffectiveRun { get; init; }

    /// <summary>Dispatched and not acknowledged within <see cref="ActionOptions.AckTimeoutHours"/>.</summary>
    public bool Overdue { get; init; }
}

/// <summary>
/// The payload of the signed message a partner receives (version 1; docs/partner-messages.md has its schema).
/// <see cref="Hosts"/> lists the names to act on for <c>host</c> scope (<see cref="Domain"/> is the first of them).
/// </summary>
public sealed record ActionMessage(int V, string ActionId, string Kind, string Domain, string DisplayName, string Scope, string RegistrableDomain,
    string CaseId, IReadOnlyList<string> Categories, string Band, int Score, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt, string Issuer,
    IReadOnlyList<string> Hosts);

/// <summary>A partner: the action kinds it handles, which names are routed to it, and who to call.</summary>
/// <param name="Resolvers">The partner's RPZ-enforcing resolvers (<c>ip</c> or <c>ip:port</c>): a sweep asks them whether a block holds.</param>
public sealed record Partner(string PartnerId, string Name, IReadOnlyList<string> Kinds, PartnerRouting Routes, string? Contact,
    DateTimeOffset UpdatedAt, string UpdatedBy, IReadOnlyList<string>? Resolvers = null)
{
    public bool Handles(string kind, string ascii) => Kinds.Contains(kind) && Routes.Covers(ascii);
}

/// <summary>Which names go to a partner: all, or those under listed TLDs or suffixes.</summary>
public sealed class PartnerRouting
{
    public bool All { get; set; }
    public List<string> Tlds { get; set; } = [];
    public List<string> Suffixes { get; set; } = [];

    public bool Covers(string ascii) =>
        All
        || Tlds.Any(t => ascii.EndsWith("." + t, StringComparison.Ordinal))
        || Suffixes.Any(s => ascii == s || ascii.EndsWith("." + s, StringComparison.Ordinal));
}

/// <summary>PUT /api/partners/{partnerId}.</summary>
public sealed class PartnerBody
{
    public string? Name { get; set; }
    public List<string>? Kinds { get; set; }
    public PartnerRouting? Routes { get; set; }
    public string? Contact { get; set; }
    public List<string>? Resolvers { get; set; }
}

/// <summary>POST /api/partner/actions/{actionId}/ack.</summary>
public sealed class AckBody
{
    public string? Status { get; set; }
    public string? Note { get; set; }
}

/// <summary>An action as a partner sees it.</summary>
public sealed record PartnerActionView(string ActionId, string Jws, string Status, DateTimeOffset CreatedAt, string Kind, string Domain,
    DateTimeOffset? AcknowledgedAt = null, string? Note = null);

/// <summary>GET /api/partner/actions.</summary>
public sealed record PartnerActionPage(IReadOnlyList<PartnerActionView> Actions, string? ContinuationToken);

/// <summary>GET /api/actions: one page of every partner's actions, counts by state, and the acknowledgement deadline in hours.</summary>
public sealed record ActionPage(IReadOnlyList<PartnerAction> Actions, IReadOnlyDictionary<string, int> Counts, int AckTimeoutHours, string? ContinuationToken);

/// <summary>GET /api/partners.</summary>
public sealed record PartnerList(IReadOnlyList<Partner> Partners);

/// <summary>A JSON Web Key Set (RFC 7517) of the public keys that sign partner messages.</summary>
public sealed record JsonWebKeySet(IReadOnlyList<PublicJwk> Keys);

/// <summary>One public EC key (RFC 7517/7518): kty EC, crv P-256, x and y base64url, kid, use sig, alg ES256.</summary>
public sealed record PublicJwk(string Kty, string Crv, string X, string Y, string Kid, string Use, string Alg);
