using DomainScreen.Core.Actions;
using DomainScreen.Core.Storage;
using Microsoft.Azure.Functions.Worker;

namespace DomainScreen.Functions;

/// <summary>Partner actions: dispatch from the <c>actions</c> queue, record the poisoned ones, and the five-minute maintenance pass.</summary>
public sealed class ActionFunctions(ActionDispatcher dispatcher, ActionMaintenance maintenance)
{
    [Function(nameof(DispatchAction))]
    public Task DispatchAction([QueueTrigger(StorageNames.ActionsQueue)] string message, CancellationToken cancellationToken) =>
        dispatcher.DispatchAsync(message, cancellationToken);

    [Function(nameof(ActionUndeliverable))]
    public Task ActionUndeliverable([QueueTrigger(StorageNames.ActionsQueue + "-poison")] string message, CancellationToken cancellationToken) =>
        dispatcher.UndeliverableAsync(message, cancellationToken);

    [Function(nameof(ActionMaintenance))]
    public Task ActionMaintenance([TimerTrigger(Core.Actions.ActionMaintenance.Schedule)] TimerInfo timer, CancellationToken cancellationToken) =>
        maintenance.RunAsync(cancellationToken);
}
