using DomainScreen.Core.Api;

namespace DomainScreen.Core.Review;

/// <summary>
/// Something that acts on a case's change of state after it is stored (the action planner turns approvals into
/// partner actions, and reversals into unblocks). Review knows none of them; each is registered in
/// <see cref="ServiceCollectionExtensions.AddDomainScreening"/>. Must be idempotent: a maintenance pass calls it again
/// for cases whose actions may not have been planned.
/// </summary>
public interface IReviewDecisionConsumer
{
    Task OnChangedAsync(CaseRecord before, CaseRecord after, Caller actor, string requestId, CancellationToken cancellationToken);
}
