using DomainScreen.Core.Sources;
using Microsoft.Azure.Functions.Worker;

namespace DomainScreen.Functions;

/// <summary>Candidate sources on timers: CT logs every minute, new feed files every five minutes, brand look-alikes nightly.</summary>
public sealed class SourceFunctions(FeedProcessor feeds, LookalikeScanner lookalikes, CtFollower ct)
{
    [Function(nameof(CertificateTransparency))]
    public Task CertificateTransparency([TimerTrigger(CtFollower.Schedule)] TimerInfo timer, CancellationToken cancellationToken) => ct.RunAsync(cancellationToken);

    [Function(nameof(BrandLookalikes))]
    public Task BrandLookalikes([TimerTrigger(LookalikeScanner.Schedule)] TimerInfo timer, CancellationToken cancellationToken) => lookalikes.RunAsync(cancellationToken);

    [Function(nameof(CandidateFeeds))]
    public Task CandidateFeeds([TimerTrigger(FeedProcessor.Schedule)] TimerInfo timer, CancellationToken cancellationToken) => feeds.RunAsync(cancellationToken);
}
