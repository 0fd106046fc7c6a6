using DomainScreen.Core.Actions;
using DomainScreen.Core.Screening;
using DomainScreen.Core.Storage;
using DomainScreen.Core.Sweeps;
using Microsoft.Azure.WebJobs;

namespace DomainScreen.Local.Hosting;

/// <summary>
/// The same queue and timer triggers as the Functions app, for the WebJobs SDK. Glue only: each calls Core.
/// </summary>
public sealed class LocalTriggers(ScreenBatchProcessor processor, SweepService sweeps, ActionDispatcher dispatcher, ActionMaintenance maintenance,
    Core.Sources.FeedProcessor feeds, Core.Sources.LookalikeScanner lookalikes, Core.Sources.CtFollower ct, TimeProvider time,
    Core.Rescoring.RescoreJob rescore)
{
    [FunctionName("NightlyRescore")]
    public Task NightlyRescore([TimerTrigger(Core.Rescoring.RescoreJob.Schedule, UseMonitor = false)] TimerInfo timer, CancellationToken cancellationToken) =>
        rescore.RunAsync(cancellationToken);

    [FunctionName("CertificateTransparency")]
    public Task CertificateTransparency([TimerTrigger(Core.Sources.CtFollower.Schedule, UseMonitor = false)] TimerInfo timer, CancellationToken cancellationToken) =>
        ct.RunAsync(cancellationToken);

    [FunctionName("BrandLookalikes")]
    public Task BrandLookalikes([TimerTrigger(Core.Sources.LookalikeScanner.Schedule, UseMonitor = false)] TimerInfo timer, CancellationToken cancellationToken) =>
        lookalikes.RunAsync(cancellationToken);

    [FunctionName("CandidateFeeds")]
    public Task CandidateFeeds([TimerTrigger(Core.Sources.FeedProcessor.Schedule, UseMonitor = false)] TimerInfo timer, CancellationToken cancellationToken) =>
        feeds.RunAsync(cancellationToken);

    [FunctionName("ScreenBatch")]
    public Task ScreenBatch([QueueTrigger(StorageNames.SweepQueue)] string message, CancellationToken cancellationToken) =>
        processor.ProcessAsync(message, cancellationToken);

    [FunctionName("ScreenBatchPriority")]
    public Task ScreenBatchPriority([QueueTrigger(StorageNames.PriorityQueue)] string message, CancellationToken cancellationToken) =>
        processor.ProcessAsync(message, cancellationToken);

    [FunctionName("NightlySweep")]
    public Task NightlySweep([TimerTrigger("%Sweep:Schedule%", UseMonitor = false)] TimerInfo timer, CancellationToken cancellationToken) =>
        sweeps.RequestScheduledAsync(time.GetUtcNow(), cancellationToken);

    [FunctionName("StartSweep")]
    public Task StartSweep([QueueTrigger(StorageNames.SweepStartQueue)] string message, CancellationToken cancellationToken) =>
        sweeps.ProcessStartAsync(message, cancellationToken);

    [FunctionName("DispatchAction")]
    public Task DispatchAction([QueueTrigger(StorageNames.ActionsQueue)] string message, CancellationToken cancellationToken) =>
        dispatcher.DispatchAsync(message, cancellationToken);

    [FunctionName("ActionUndeliverable")]
    public Task ActionUndeliverable([QueueTrigger(StorageNames.ActionsQueue + "-poison")] string message, CancellationToken cancellationToken) =>
        dispatcher.UndeliverableAsync(message, cancellationToken);

    [FunctionName("ActionMaintenance")]
    public Task ActionMaintenance([TimerTrigger(Core.Actions.ActionMaintenance.Schedule, UseMonitor = false)] TimerInfo timer, CancellationToken cancellationToken) =>
        maintenance.RunAsync(cancellationToken);
}
