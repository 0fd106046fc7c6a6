using DomainScreen.Core.Sources;
using Microsoft.Azure.Functions.Worker;

namespace DomainScreen.Functions;

/// <summary>Candidate sources on timers: new feed files every five minutes.</summary>
public sealed class SourceFunctions(FeedProcessor feeds)
{
    [Function(nameof(CandidateFeeds))]
    public Task CandidateFeeds([TimerTrigger(FeedProcessor.Schedule)] TimerInfo timer, CancellationToken cancellationToken) => feeds.RunAsync(cancellationToken);
}
