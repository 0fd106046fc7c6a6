using System.Text.Json;
using System.Text.Json.Serialization;
using DomainScreen.Core.Api;
using DomainScreen.Core.Audit;
using DomainScreen.Core.Review;
using DomainScreen.Core.Screening;
using DomainScreen.Core.Submissions;
using DomainScreen.Core.Sweeps;

namespace DomainScreen.Core;

/// <summary>Source-generated JSON for everything Core stores, queues or returns: camelCase, nulls omitted.</summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true,
    WriteIndented = false)]
[JsonSerializable(typeof(ScreenRequest))]
[JsonSerializable(typeof(Registration.RegistrationEvidence))]
[JsonSerializable(typeof(ScreeningResult))]
[JsonSerializable(typeof(List<ScreeningResult>))]
[JsonSerializable(typeof(Scoring.VerdictReport))]
[JsonSerializable(typeof(List<Scoring.VerdictReport>))]
[JsonSerializable(typeof(SubmissionAccepted))]
[JsonSerializable(typeof(SubmissionStatus))]
[JsonSerializable(typeof(DomainReport))]
[JsonSerializable(typeof(SweepStatus))]
[JsonSerializable(typeof(SweepStartMessage))]
[JsonSerializable(typeof(ApiError))]
[JsonSerializable(typeof(HealthReport))]
[JsonSerializable(typeof(CallerView))]
[JsonSerializable(typeof(Screening.StoredText))]
[JsonSerializable(typeof(Screening.StoredImage))]
[JsonSerializable(typeof(Sweeps.SweepReportList))]
[JsonSerializable(typeof(Actions.ActionPage))]
[JsonSerializable(typeof(List<string>))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(List<SubmissionLineError>))]
[JsonSerializable(typeof(Dictionary<string, string?>))]
[JsonSerializable(typeof(AuditPage))]
[JsonSerializable(typeof(CaseRecord))]
[JsonSerializable(typeof(CaseVerdict))]
[JsonSerializable(typeof(CaseEvent))]
[JsonSerializable(typeof(CaseList))]
[JsonSerializable(typeof(CaseDetail))]
[JsonSerializable(typeof(BulkDecisionResult))]
[JsonSerializable(typeof(AllowlistEntry))]
[JsonSerializable(typeof(AllowlistPage))]
[JsonSerializable(typeof(Actions.Partner))]
[JsonSerializable(typeof(Actions.PartnerList))]
[JsonSerializable(typeof(Actions.PartnerAction))]
[JsonSerializable(typeof(List<Actions.PartnerAction>))]
[JsonSerializable(typeof(Actions.PartnerActionView))]
[JsonSerializable(typeof(Actions.PartnerActionPage))]
[JsonSerializable(typeof(Actions.ActionMessage))]
[JsonSerializable(typeof(Actions.ActionRef))]
[JsonSerializable(typeof(Actions.JwsHeader))]
[JsonSerializable(typeof(Actions.JsonWebKeySet))]
[JsonSerializable(typeof(Actions.KeyInfoFile))]
[JsonSerializable(typeof(Dictionary<string, int>))]
[JsonSerializable(typeof(BatchTally))]
[JsonSerializable(typeof(SweepReport))]
[JsonSerializable(typeof(CandidatePage))]
[JsonSerializable(typeof(CandidatesAdded))]
[JsonSerializable(typeof(List<Sources.FeedResult>))]
[JsonSerializable(typeof(Sources.FeedResult))]
[JsonSerializable(typeof(List<Sources.LookalikeResult>))]
[JsonSerializable(typeof(List<Sources.CtResult>))]
[JsonSerializable(typeof(Rescoring.RescoreReport))]
[JsonSerializable(typeof(Calibration.CalibrationReport))]
public sealed partial class CoreJson : JsonSerializerContext;

/// <summary>
/// Request bodies of commands (decisions, appeals, allowlist entries): an unknown property is an error, so a typo
/// such as <c>"alowlist": true</c> is refused instead of silently ignored.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow, ReadCommentHandling = JsonCommentHandling.Disallow)]
[JsonSerializable(typeof(DecisionBody))]
[JsonSerializable(typeof(List<DecisionBody>))]
[JsonSerializable(typeof(BulkDecisionBody))]
[JsonSerializable(typeof(AppealBody))]
[JsonSerializable(typeof(AllowlistBody))]
[JsonSerializable(typeof(Actions.PartnerBody))]
[JsonSerializable(typeof(Actions.AckBody))]
[JsonSerializable(typeof(Rescoring.RescoreBody))]
public sealed partial class CommandJson : JsonSerializerContext;
