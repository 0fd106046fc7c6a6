using DomainScreen.Core.Api;
using DomainScreen.Core.Audit;
using DomainScreen.Core.Review;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DomainScreen.Core.Actions;

/// <summary>A partner's acknowledgement: the answer to give, and the action after it.</summary>
internal sealed record AckOutcome(int Status, PartnerAction? Action, string? Code = null, string? Message = null);

/// <summary>
/// Partners' acknowledgements and what follows from them: the action's state, the audit record, and the case
/// (<c>actioned</c> when every action of its approval is applied; back to a reviewer on a failure or refusal).
/// </summary>
internal sealed class PartnerActionService(ActionStore actions, CaseService cases, AuditLog audit, TimeProvider time, IOptions<ActionOptions> options,
    ILogger<PartnerActionService> logger, Storage.StorageClients storage)
{
    /// <summary>What is wrong with an acknowledgement body, or null when it is well formed.</summary>
    internal static AckOutcome? Validate(AckBody body)
    {
        if (body.Status is not { } status || !ActionStates.Acknowledgements.Contains(status))
        {
            return new(400, null, "invalid-ack", $"status must be one of: {string.Join(", ", ActionStates.Acknowledgements)}.");
        }
        return body.Note?.Length > 4000 ? new(400, null, "invalid-ack", "note holds at most 4,000 characters.") : null;
    }

    public async Task<AckOutcome> AcknowledgeAsync(string partnerId, string actionId, AckBody body, Caller partner, string requestId, CancellationToken cancellationToken)
    {
        if (Validate(body) is { } invalid) return invalid;
        var status = body.Status!;
        for (var attempt = 0; attempt < 5; attempt++)
        {
            if (await actions.GetAsync(partnerId, actionId, cancellationToken).ConfigureAwait(false) is not { } found)
            {
                return new(404, null, "not-found", $"No action {actionId} for this partner.");
            }
            var (action, etag) = found;
            if (action.State == status) return new(200, action); // the same acknowledgement again
            if (ActionStates.Acknowledgements.Contains(action.State))
            {
                return new(409, action, "conflicting-ack", $"The action was acknowledged '{action.State}' at {action.AcknowledgedAt:u}; it cannot become '{status}'.");
            }
            var acknowledged = action with { State = status, AcknowledgedAt = time.GetUtcNow(), Note = body.Note?.Trim(), Overdue = false };
            if (!await actions.TryUpdateAsync(acknowledged, etag, cancellationToken).ConfigureAwait(false)) continue;
            logger.LogInformation("Action {ActionId} ({Kind} {Domain}) acknowledged {Status} by partner {PartnerId}", actionId, action.Kind, action.Domain, status, partnerId);
            await audit.AppendAsync(new AuditRecord(partner, requestId, AuditActions.ActionAcknowledged, action.CaseId, actionId,
                new Dictionary<string, string?> { ["state"] = action.State }, new Dictionary<string, string?> { ["state"] = status, ["partner"] = partnerId, ["kind"] = action.Kind },
                body.Note), cancellationToken).ConfigureAwait(false);
            await CaseOutcomeAsync(acknowledged, partner, requestId, cancellationToken).ConfigureAwait(false);
            return new(200, acknowledged);
        }
        return new(409, null, "busy", "The action kept changing; try again.");
    }

    /// <summary>
    /// Dispatched actions past <see cref="ActionOptions.AckTimeoutHours"/> without an acknowledgement, marked and returned.
    /// Each is sent once more (the same signed message, while it has not expired): a partner queue that was deleted or
    /// emptied loses nothing, and a partner that already applied it recognises the action id.
    /// </summary>
    public async Task<IReadOnlyList<PartnerAction>> MarkOverdueAsync(CancellationToken cancellationToken)
    {
        var limit = time.GetUtcNow() - TimeSpan.FromHours(options.Value.AckTimeoutHours);
        var overdue = new List<PartnerAction>();
        foreach (var action in await actions.AllAsync(null, [ActionStates.Dispatched], cancellationToken).ConfigureAwait(false))
        {
            if (action.DispatchedAt is not { } at || at > limit || action.Overdue) continue;
            var found = await actions.GetAsync(action.PartnerId, action.ActionId, cancellationToken).ConfigureAwait(false);
            if (found is not { Action.State: ActionStates.Dispatched } f) continue;
            // Sent again before it is marked: if the send fails (a queue being recreated answers 409 for a while), the
            // action stays unmarked and the next maintenance run tries again.
            if (f.Action.ExpiresAt - time.GetUtcNow() is { } ttl && ttl > TimeSpan.Zero)
            {
                try
                {
                    var queue = storage.PartnerQueue(f.Action.PartnerId);
                    await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                    await queue.SendMessageAsync(f.Action.Jws, timeToLive: ttl, cancellationToken: cancellationToken).ConfigureAwait(false);
                }
                catch (Azure.RequestFailedException ex)
                {
                    logger.LogWarning("Action {ActionId} for partner {PartnerId} is overdue and could not be sent again yet: {Error}", action.ActionId,
                        action.PartnerId, ex.Message.Split('\n')[0]);
                    continue;
                }
            }
            if (await actions.TryUpdateAsync(f.Action with { Overdue = true }, f.ETag, cancellationToken).ConfigureAwait(false))
            {
                logger.LogWarning("Action {ActionId} ({Kind} {Domain}) for partner {PartnerId} not acknowledged since {DispatchedAt:u}; sent again",
                    action.ActionId, action.Kind, action.Domain, action.PartnerId, at);
                overdue.Add(f.Action with { Overdue = true });
            }
        }
        return overdue;
    }

    private async Task CaseOutcomeAsync(PartnerAction acknowledged, Caller partner, string requestId, CancellationToken cancellationToken)
    {
        if (acknowledged.Kind == ActionVerbs.Unblock) return;
        if (acknowledged.State is ActionStates.Failed or ActionStates.Refused)
        {
            var problem = $"partner {acknowledged.PartnerId} {acknowledged.State} {acknowledged.Kind} of {acknowledged.Domain}" +
                (acknowledged.Note is { Length: > 0 } note ? $": {note}" : "");
            await cases.ActionOutcomeAsync(acknowledged.CaseId, acknowledged.DecisionVersion, false, problem, partner, requestId, cancellationToken).ConfigureAwait(false);
            return;
        }
        var ofDecision = (await actions.ForCaseAsync(acknowledged.CaseId, cancellationToken).ConfigureAwait(false))
            .Where(a => a.DecisionVersion == acknowledged.DecisionVersion && a.Kind != ActionVerbs.Unblock).ToList();
        if (ofDecision.All(a => a.State == ActionStates.Applied))
        {
            await cases.ActionOutcomeAsync(acknowledged.CaseId, acknowledged.DecisionVersion, true, null, partner, requestId, cancellationToken).ConfigureAwait(false);
        }
    }
}
