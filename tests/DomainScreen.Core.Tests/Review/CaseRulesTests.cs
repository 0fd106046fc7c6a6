using DomainScreen.Core.Api;
using DomainScreen.Core.Review;

namespace DomainScreen.Core.Tests.Review;

public sealed class CaseRulesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);
    private static readonly Caller Alice = new("key:alice", "alice", new HashSet<string> { Roles.Reviewer });
    private static readonly Caller Bob = new("key:bob", "bob", new HashSet<string> { Roles.Reviewer });
    private static readonly string[] SecondFor = [ActionKinds.Deregister];

    private static CaseVerdict Verdict(string host, string band = "block", int score = 90, string[]? categories = null, string[]? products = null,
        string? page = "p1", int minutes = 0) =>
        new(host, T0.AddMinutes(minutes), band, score, categories ?? ["nudify"], products ?? [], "c1", "p1", page, null, "req-" + minutes, "sweep", "sweep-1");

    private static CaseRecord Case(string state = CaseStates.Pending) =>
        CaseRules.Open("undress.example", "undress.example", Verdict("undress.example"), "undress.example", T0) with { State = state };

    private static DecisionBody Body(string decision, params string[] actions) => new()
    {
        Decision = decision,
        Actions = actions.Length > 0 ? [.. actions] : null,
        Reason = decision == Decisions.Reject ? "not abuse" : null,
    };

    public static TheoryData<string, string, int> Transitions()
    {
        var data = new TheoryData<string, string, int>();
        foreach (var decision in Decisions.All)
        {
            foreach (var state in CaseStates.All)
            {
                if (decision is Decisions.Uphold or Decisions.Reverse && state == CaseStates.Appealed) continue; // needs an appeal on the case
                data.Add(decision, state, CaseRules.AllowedFrom[decision].Contains(state) ? (decision == Decisions.Approve ? 200 : 200) : 409);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Transitions))]
    public void Decide_EveryDecisionFromEveryState_AllowedOrRefusedAsSpecified(string decision, string state, int expected)
    {
        var body = Body(decision, decision == Decisions.Approve ? [ActionKinds.Block] : []);

        var outcome = CaseRules.Decide(Case(state), body, Alice, SecondFor, T0, "r");

        Assert.Equal(expected, outcome.Status);
        if (expected == 409) Assert.Equal("invalid-transition", outcome.Code);
        else Assert.Equal(2, outcome.Updated!.Version);
    }

    [Theory]
    [InlineData(Decisions.Approve, CaseStates.Approved)]
    [InlineData(Decisions.Reject, CaseStates.Rejected)]
    [InlineData(Decisions.Escalate, CaseStates.Escalated)]
    [InlineData(Decisions.Close, CaseStates.Closed)]
    public void Decide_FromPending_MovesToItsState_AndLogsWhoDidIt(string decision, string expected)
    {
        var outcome = CaseRules.Decide(Case(), Body(decision, decision == Decisions.Approve ? [ActionKinds.Block] : []), Alice, SecondFor, T0.AddHours(1), "req-9");

        Assert.Equal(expected, outcome.Updated!.State);
        Assert.Equal(("alice", CaseStates.Pending, expected, "req-9"), (outcome.Event!.ActorName, outcome.Event.FromState, outcome.Event.ToState, outcome.Event.RequestId));
        Assert.Same(outcome.Event, outcome.Updated.LastEvent);
        Assert.Equal(T0.AddHours(1), outcome.Updated.UpdatedAt);
    }

    [Fact]
    public void Approve_Deregister_WaitsForASecondReviewer()
    {
        var first = CaseRules.Decide(Case(), Body(Decisions.Approve, ActionKinds.Block, ActionKinds.Deregister), Alice, SecondFor, T0, "r1");

        Assert.Equal(202, first.Status);
        Assert.Equal(CaseStates.Pending, first.Updated!.State);
        Assert.Equal("alice", first.Updated.PendingApproval!.ActorName);
        Assert.Null(first.Updated.Approved);

        var second = CaseRules.Decide(first.Updated, Body(Decisions.Approve, ActionKinds.Block, ActionKinds.Deregister), Bob, SecondFor, T0, "r2");

        Assert.Equal(200, second.Status);
        Assert.Equal(CaseStates.Approved, second.Updated!.State);
        Assert.Equal(["alice", "bob"], second.Updated.Approved!.ApprovedBy);
        Assert.Equal([ActionKinds.Block, ActionKinds.Deregister], second.Updated.Approved.Actions);
        Assert.Equal(1, second.Updated.Approved.DecisionVersion);
        Assert.Null(second.Updated.PendingApproval);
    }

    [Fact]
    public void Approve_SecondApprovalBySamePrincipal_IsRefused()
    {
        var first = CaseRules.Decide(Case(), Body(Decisions.Approve, ActionKinds.Deregister), Alice, SecondFor, T0, "r1").Updated!;
        var aliceAgainUnderAnotherName = Alice with { Name = "Alice Z." };

        var again = CaseRules.Decide(first, Body(Decisions.Approve, ActionKinds.Deregister), aliceAgainUnderAnotherName, SecondFor, T0, "r2");

        Assert.Equal((409, "same-approver"), (again.Status, again.Code));
        Assert.Null(again.Updated);
    }

    [Fact]
    public void Approve_BlockOnly_TakesEffectAtOnce_AndNoSecondApprovalWhenTurnedOff()
    {
        Assert.Equal(CaseStates.Approved, CaseRules.Decide(Case(), Body(Decisions.Approve, ActionKinds.Block), Alice, SecondFor, T0, "r").Updated!.State);
        Assert.Equal(CaseStates.Approved, CaseRules.Decide(Case(), Body(Decisions.Approve, ActionKinds.Deregister), Alice, [], T0, "r").Updated!.State);
    }

    [Fact]
    public void Appeal_OnApproved_ThenUpholdReturnsToApproved_AndReverseRejects()
    {
        var approved = CaseRules.Decide(Case(), Body(Decisions.Approve, ActionKinds.Block), Alice, SecondFor, T0, "r").Updated!;
        var appealed = CaseRules.Appeal(approved, new AppealBody { Contact = "owner@x", Text = "we are a photo studio" }, Bob, T0, "r2").Updated!;

        Assert.Equal(CaseStates.Appealed, appealed.State);
        Assert.Equal(CaseStates.Approved, CaseRules.Decide(appealed, Body(Decisions.Uphold), Alice, SecondFor, T0, "r3").Updated!.State);
        var reversed = CaseRules.Decide(appealed, Body(Decisions.Reverse), Alice, SecondFor, T0, "r4").Updated!;
        Assert.Equal(CaseStates.Rejected, reversed.State);
        Assert.Null(reversed.Approved);
        Assert.Equal(2, reversed.DecisionVersion);
    }

    [Fact]
    public void Appeal_OnPending_IsRefused_AndNeedsContactAndText()
    {
        Assert.Equal(409, CaseRules.Appeal(Case(), new AppealBody { Contact = "a", Text = "b" }, Bob, T0, "r").Status);
        Assert.Equal(400, CaseRules.Appeal(Case(CaseStates.Approved), new AppealBody { Contact = "a" }, Bob, T0, "r").Status);
    }

    [Theory]
    [InlineData("{}", "decision must be one of")]
    [InlineData("approve", "needs actions")]
    [InlineData("approve:suspend", "'suspend' is not an action")]
    [InlineData("reject", "needs a reason")]
    [InlineData("escalate:block", "belong to an approval")]
    public void Validate_ExplainsWhatIsWrong(string shape, string expected)
    {
        var parts = shape.Split(':');
        var body = shape == "{}" ? new DecisionBody() : new DecisionBody { Decision = parts[0], Actions = parts.Length > 1 ? [parts[1]] : null };

        Assert.Contains(expected, CaseRules.Validate(body, T0), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_AllowlistUntilInThePast_IsRefused()
    {
        var body = new DecisionBody { Decision = Decisions.Reject, Reason = "fine", Allowlist = true, AllowlistUntil = T0.AddDays(-1) };

        Assert.Contains("future", CaseRules.Validate(body, T0), StringComparison.Ordinal);
    }

    [Fact]
    public void Join_SecondHostOfTheDomain_JoinsTheCaseAndRaisesItsScore()
    {
        var (joined, ev) = CaseRules.Join(Case(), Verdict("www.undress.example", score: 97, categories: ["nudify", "ai-companion"], minutes: 5), "www.undress.example", T0.AddMinutes(5));

        Assert.Null(ev);
        Assert.Equal(["undress.example", "www.undress.example"], joined.Hosts.Select(h => h.Host));
        Assert.Equal(97, joined.Score);
        Assert.Equal(["nudify", "ai-companion"], joined.Categories);
        Assert.Equal(2, joined.Version);
    }

    [Fact]
    public void Join_SameEvidenceAgain_ChangesNothingAReviewerSees()
    {
        var c = Case();

        var (again, ev) = CaseRules.Join(c, Verdict("undress.example", minutes: 60), "undress.example", T0.AddHours(1));

        Assert.Null(ev);
        Assert.Equal(c.Version, again.Version);
        Assert.Equal(c.UpdatedAt, again.UpdatedAt);
        Assert.Equal(T0.AddMinutes(60), again.Hosts[0].ScreenedAt);
    }

    [Fact]
    public void Join_UnflaggedNewHost_IsNotAdded_ButAnUnflaggedRescreenOfAHostLowersTheCase()
    {
        var c = Case();

        Assert.Single(CaseRules.Join(c, Verdict("blog.undress.example", band: "clear", score: 0, categories: []), "blog.undress.example", T0).Case.Hosts);
        var (down, _) = CaseRules.Join(c, Verdict("undress.example", band: "clear", score: 5, categories: [], page: "p-gone", minutes: 30), "undress.example", T0.AddMinutes(30));
        Assert.Equal(("clear", 5, CaseStates.Pending), (down.Band, down.Score, down.State));
        Assert.Equal(["nudify"], down.Categories);
    }

    [Fact]
    public void Join_RejectedCase_ReopensOnlyOnEvidenceNoDecisionSaw()
    {
        var rejected = CaseRules.Decide(Case(), Body(Decisions.Reject), Alice, SecondFor, T0, "r").Updated!;

        // The same page again: the reviewer has seen it.
        Assert.Equal(CaseStates.Rejected, CaseRules.Join(rejected, Verdict("undress.example", minutes: 60), "undress.example", T0.AddHours(1)).Case.State);
        // A new product on the same page.
        Assert.Equal(CaseStates.Pending, CaseRules.Join(rejected, Verdict("undress.example", products: ["facefusion"], minutes: 60), "undress.example", T0.AddHours(1)).Case.State);
        // A new category.
        Assert.Equal(CaseStates.Pending, CaseRules.Join(rejected, Verdict("undress.example", categories: ["nudify", "face-swap"], minutes: 60), "undress.example", T0.AddHours(1)).Case.State);
        // A changed page.
        var (reopened, ev) = CaseRules.Join(rejected, Verdict("undress.example", page: "p2", minutes: 60), "undress.example", T0.AddHours(1));
        Assert.Equal(CaseStates.Pending, reopened.State);
        Assert.Equal(("reopened", CaseStates.Rejected), (ev!.Event, ev.FromState));
        Assert.Contains("a page not seen before", ev.Note, StringComparison.Ordinal);
        // Unflagged evidence never reopens, and an allowlisted name is not reopened.
        Assert.Equal(CaseStates.Rejected, CaseRules.Join(rejected, Verdict("undress.example", band: "watch", score: 30, page: "p3", minutes: 60), "undress.example", T0.AddHours(1)).Case.State);
        Assert.Equal(CaseStates.Rejected, CaseRules.Join(rejected, Verdict("undress.example", page: "p4", minutes: 60), "undress.example", T0.AddHours(1), mayReopen: false).Case.State);
    }

    [Fact]
    public void Join_OlderResultArrivingLate_IsIgnored()
    {
        var c = CaseRules.Join(Case(), Verdict("undress.example", score: 80, minutes: 60), "undress.example", T0.AddHours(1)).Case;

        var (late, _) = CaseRules.Join(c, Verdict("undress.example", score: 99, minutes: 10), "undress.example", T0.AddHours(2));

        Assert.Equal(80, late.Score);
    }
}
