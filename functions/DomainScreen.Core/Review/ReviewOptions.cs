using System.ComponentModel.DataAnnotations;

namespace DomainScreen.Core.Review;

/// <summary>Settings under <c>Review</c>.</summary>
public sealed class ReviewOptions : IValidatableObject
{
    public const string Section = "Review";

    /// <summary>
    /// Action kinds that take effect only after a second reviewer (a different principal) approves them too.
    /// Default <c>deregister</c>; <c>Review__SecondApprovalFor__0=none</c> turns the rule off.
    /// </summary>
    public IList<string> SecondApprovalFor { get; } = [];

    /// <summary>Seconds between reloads of the allowlist by each instance (changes made by an instance apply there at once). Default 60.</summary>
    [Range(1, 86_400)]
    public int AllowlistRefreshSeconds { get; set; } = 60;

    /// <summary>Verdict history entries GET /api/cases/{caseId} returns, newest first. Default 50.</summary>
    [Range(1, 1000)]
    public int HistoryLimit { get; set; } = 50;

    /// <summary>The effective list: the setting, or <c>deregister</c> when it is not set.</summary>
    public IReadOnlyList<string> SecondApprovalKinds =>
        SecondApprovalFor.Count == 0 ? [ActionKinds.Deregister] : SecondApprovalFor.Where(k => k != "none").ToArray();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        for (var i = 0; i < SecondApprovalFor.Count; i++)
        {
            if (SecondApprovalFor[i] != "none" && !ActionKinds.All.Contains(SecondApprovalFor[i]))
            {
                yield return new ValidationResult(
                    $"Review__SecondApprovalFor__{i}='{SecondApprovalFor[i]}' is not an action kind; known: {string.Join(", ", ActionKinds.All)}, or none",
                    [nameof(SecondApprovalFor)]);
            }
        }
    }
}
