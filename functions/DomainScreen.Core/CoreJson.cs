using System.Text.Json;
using System.Text.Json.Serialization;
using DomainScreen.Core.Api;
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
[JsonSerializable(typeof(ApiError))]
[JsonSerializable(typeof(HealthReport))]
[JsonSerializable(typeof(List<string>))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(List<SubmissionLineError>))]
public sealed partial class CoreJson : JsonSerializerContext;
