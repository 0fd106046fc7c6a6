using DomainScreen.Core.Review;
using Microsoft.Extensions.Logging;

namespace DomainScreen.Core.Actions;

/// <summary>
/// The timer's pass over actions (every five minutes): replans approved and (last day's) rejected cases (planning is
/// idempotent, so this only fills gaps — a crash between a decision and its planning, a lost queue message), and
/// marks dispatched actions that were not acknowledged within <see cref="ActionOptions.AckTimeoutHours"/> overdue
/// (logged; shown on the case's actions).
/// </summary>
public sealed class ActionMaintenance
{
    private readonly CaseService cases;
    private readonly PartnerActionService partnerActions;
    private readonly ILogger<ActionMaintenance> logger;
    private readonly TimeProvider time;

    internal ActionMaintenance(CaseService cases, PartnerActionService partnerActions, TimeProvider time, ILogger<ActionMaintenance> logger)
    {
        this.time = time;
        this.cases = cases;
        this.partnerActions = partnerActions;
        this.logger = logger;
    }

    public const string Schedule = "0 */5 * * * *";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var approved = await cases.IdsInStateAsync(CaseStates.Approved, cancellationToken).ConfigureAwait(false);
        foreach (var caseId in approved) await cases.ReplayDecisionAsync(caseId, cancellationToken).ConfigureAwait(false);
        // Rejections accumulate: only those of the last day can still owe an unblock that was not planned.
        var rejected = await cases.IdsInStateAsync(CaseStates.Rejected, cancellationToken, time.GetUtcNow().AddDays(-1)).ConfigureAwait(false);
        foreach (var caseId in rejected) await cases.ReplayDecisionAsync(caseId, cancellationToken).ConfigureAwait(false);
        var overdue = await partnerActions.MarkOverdueAsync(cancellationToken).ConfigureAwait(false);
        if (approved.Count + overdue.Count > 0)
        {
            logger.LogInformation("Action maintenance: {Approved} approved cases checked, {Rejected} rejected, {Overdue} actions newly overdue",
                approved.Count, rejected.Count, overdue.Count);
        }
    }
}
