using System.Text.Json;
using DomainScreen.Core.Storage;
using Microsoft.Extensions.Logging;

namespace DomainScreen.Core.Actions;

/// <summary>
/// The <c>actions</c> queue trigger's work: put a planned action's signed message on the partner's queue
/// <c>partner-&lt;id&gt;</c> and record it dispatched. A message for an action already dispatched does nothing, so
/// redeliveries never reach the partner twice. A message that cannot be read throws (retried, then poisoned); the
/// poison handler records the action <c>undeliverable</c>.
/// </summary>
public sealed class ActionDispatcher(ActionStore actions, StorageClients storage, TimeProvider time, ILogger<ActionDispatcher> logger)
{
    public async Task DispatchAsync(string message, CancellationToken cancellationToken)
    {
        var reference = Read(message);
        var found = await actions.GetAsync(reference.PartnerId, reference.ActionId, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"no action {reference.ActionId} for partner {reference.PartnerId}");
        var (action, etag) = found;
        if (action.State != ActionStates.Planned) return;
        var queue = storage.PartnerQueue(action.PartnerId);
        await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        // Recorded before the send is confirmed would risk a dispatched action that never left; recorded after, a
        // crash in between re-sends the same signed message (same action id: partners apply an id once).
        await queue.SendMessageAsync(action.Jws, timeToLive: action.ExpiresAt - time.GetUtcNow() is { } ttl && ttl > TimeSpan.Zero ? ttl : TimeSpan.FromMinutes(1),
            cancellationToken: cancellationToken).ConfigureAwait(false);
        if (await actions.TryUpdateAsync(action with { State = ActionStates.Dispatched, DispatchedAt = time.GetUtcNow() }, etag, cancellationToken).ConfigureAwait(false))
        {
            logger.LogInformation("Action {ActionId} ({Kind} {Domain}) dispatched to partner {PartnerId}", action.ActionId, action.Kind, action.Domain, action.PartnerId);
        }
    }

    /// <summary>A message the host gave up on: the action is recorded <c>undeliverable</c> with the reason.</summary>
    public async Task UndeliverableAsync(string message, CancellationToken cancellationToken)
    {
        ActionRef reference;
        try
        {
            reference = Read(message);
        }
        catch (InvalidOperationException ex)
        {
            logger.LogError("Unreadable message in the actions poison queue: {Reason}", ex.Message);
            return;
        }
        if (await actions.GetAsync(reference.PartnerId, reference.ActionId, cancellationToken).ConfigureAwait(false) is not { } found) return;
        if (found.Action.State != ActionStates.Planned) return;
        await actions.TryUpdateAsync(found.Action with { State = ActionStates.Undeliverable, Note = "the dispatch failed repeatedly; see the log" }, found.ETag, cancellationToken)
            .ConfigureAwait(false);
        logger.LogError("Action {ActionId} for partner {PartnerId} is undeliverable", reference.ActionId, reference.PartnerId);
    }

    private static ActionRef Read(string message)
    {
        try
        {
            return JsonSerializer.Deserialize(message, CoreJson.Default.ActionRef) is { PartnerId.Length: > 0, ActionId.Length: > 0 } r
                ? r : throw new InvalidOperationException("not an action reference");
        }
        catch (JsonException ex)
        {
            throw new InvalidOperationException("not an action reference: " + ex.Message);
        }
    }
}
